"""Typed keyword arguments of the request operations, generated from the spec by
scripts/generate_surface.py (do not edit: change the overlays and run `make generate`).

Enum-valued fields are plain ``str`` (the generated StrEnums are ``str`` too); the SDK
checks values and limits against the spec at run time. A nested object takes the
generated model, its params dict, or any mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from .models import (
    ImageFileInfo,
    ImageOutputConfig,
    VideoFileInfo,
    VideoOutputConfig,
)

__all__ = [
    "OPERATION_PARAMS",
    "PARAMS_SCHEMAS",
    "ImageFileInfoParams",
    "ImageOutputConfigParams",
    "ImageTaskParams",
    "VideoFileInfoParams",
    "VideoOutputConfigParams",
    "VideoTaskParams",
]


class ImageFileInfoParams(TypedDict, total=False):
    """ImageFileInfo in the request of ``createImageTask``."""

    type: str
    """
    How the reference image is given: File: a VOD media file (file_id); Url: an accessible URL
    (url); Base64: inline Base64 data.
    """

    file_id: str
    """
    The media file ID of the image file, i.e., the globally unique identifier of the file on VOD, is
    assigned by the VOD backend after successful upload. This field can be obtained from the video
    upload completion event notification or the VOD console. This parameter is valid when Type is
    set to File. Notes: 1. Images smaller than 7MB are recommended; 2. Image format options are:
    jpeg, jpg, png, webp.
    """

    text: str
    """
    Input a description of the image to help the model understand it. Only valid for GEM 2.5 and GEM
    3.0.
    """

    url: str
    """Accessible file URL. This parameter is valid when Type is set to Url."""

    base64: str
    """
    The image as Base64, valid when type is Base64: no "data:image/...;base64," prefix; jpeg, jpg,
    png or webp; all files of the request together at most 7 MB before encoding (Tencent's API takes
    at most 10 MB per request). Tencent's field; not yet seen forwarded by the gateway.
    """


class ImageOutputConfigParams(TypedDict, total=False):
    """ImageOutputConfig in the request of ``createImageTask``."""

    storage_mode: str
    """
    Storage mode. Possible values: Permanent: Permanent storage. The generated image files will be
    stored on VOD. The FileId can be obtained from the event notification. Temporary: Temporary
    storage. The generated image files will not be stored on VOD. The URL for temporary access can
    be obtained from the event notification.
    """

    aspect_ratio: str
    """
    Specifies the aspect ratio of the generated image. When ModelName is GEM, the possible values
    are: 1:1, 3:2, 2:3, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, and 21:9; When ModelName is Qwen or Jimeng,
    this is not currently supported. For Jimeng, the model will intelligently determine the aspect
    ratio of the output image based on the Prompt intent and the reference image size.
    """

    person_generation: str
    """
    Whether to allow the generation of people or faces. Possible values: AllowAdult: Allows the
    generation of adults; Disallowed: Disallows the inclusion of people or faces in the image;
    """

    input_compliance_check: str
    """
    Enables or disables input content compliance checks. Possible values: Enabled: Enabled;
    Disabled: Disabled;
    """

    output_compliance_check: str
    """
    Enables compliance checks for output content. Possible values: Enabled: Enabled; Disabled:
    Disabled;
    """

    resolution: str
    """
    The resolution of the generated image. Possible values are: 720P, 1080P, 2K, 4K, 1024x1024,
    2048x2048, 2304x1728, 2496x1664, 2560x1440, 3024x1296, 4096x4096, 4694x3520, 4992x3328,
    5404x3040, 6198x2656. When using the Jimeng model, it is recommended to specify the image
    resolution and aspect ratio via Prompt.
    """


class ImageTaskParams(TypedDict, total=False):
    """
    The request body of ``createImageTask`` (ImageTaskRequest). Required: ``model_name``,
    ``prompt``, ``model_version`` (unless ``request=`` is given).
    """

    prompt: str
    """Prompt words"""

    negative_prompt: str
    """A prompt to prevent the model from generating images."""

    enhance_prompt: str
    """
    Whether to optimize the prompt automatically before generating (improves quality). Possible
    values: Enabled, Disabled.
    """

    session_id: str
    """
    The identifier used for deduplication. If a request with the same identifier has been made
    within the last three days, the current request will return an error. Maximum 50 characters;
    omitting the identifier or including an empty string indicates no deduplication.
    """

    session_context: str
    """
    Source context, used to pass through user request information. The audio/video quality
    regeneration completion callback will return this field value, with a maximum length of 1000
    characters.
    """

    tasks_priority: int
    """
    Task priority; higher values indicate higher priority. Values range from -10 to 10, with 0
    representing no value.
    """

    ext_info: str
    """Reserved field, used for special purposes."""

    file_infos: Sequence[ImageFileInfo | ImageFileInfoParams | Mapping[str, Any]]

    model_name: str
    """
    Model name. Any string is accepted: Tencent adds models often. Known values: GEM: Gemini (GG is
    its newer name); Qwen: Qwen; Hunyuan: Hunyuan; OG, Vidu, Kling: added by Tencent after the
    vendor document.
    """

    model_version: str
    """
    Model version, a string that depends on the model ("3.0" is not the number 3). Known values: GEM
    2.5 and 3.0; Qwen 0925; Hunyuan 3.0. Any string is accepted.
    """

    output_config: ImageOutputConfig | ImageOutputConfigParams | Mapping[str, Any]
    """Configure the output media files for the raw image task."""


class VideoFileInfoParams(TypedDict, total=False):
    """VideoFileInfo in the request of ``createVideoTask``."""

    type: str
    """
    How the source image is given: File: a VOD media file (file_id); Url: an accessible URL (url);
    Base64: inline Base64 data.
    """

    file_id: str
    """
    The VOD media file ID of a source image, valid when type is File. Images up to 10 MB, jpeg or
    png.
    """

    text: str
    """A description of the source image, to help the model understand it."""

    url: str
    """Accessible URL of a source image, valid when type is Url. Images up to 10 MB, jpeg or png."""

    base64: str
    """
    The source file as Base64, valid when type is Base64: no "data:image/...;base64," prefix; images
    jpeg, jpg, png or webp, videos mp4, mov or avi; all files of the request together at most 7 MB
    before encoding (Tencent's API takes at most 10 MB per request). Tencent's field; not yet seen
    forwarded by the gateway.
    """


class VideoOutputConfigParams(TypedDict, total=False):
    """VideoOutputConfig in the request of ``createVideoTask``."""

    storage_mode: str
    """
    Storage mode. Possible values: Permanent: Permanent storage. The generated image files will be
    stored on VOD. The FileId can be obtained from the event notification. Temporary: Temporary
    storage. The generated image files will not be stored on VOD. The URL for temporary access can
    be obtained from the event notification. Default value: Temporary
    """

    aspect_ratio: str
    """
    Specifies the aspect ratio of the generated video. When ModelName is Kling, for text-to-video
    generation, the available values are 16:9, 9:16, and 1:1, with 16:9 as the default. When
    ModelName is Vidu, for text-to-video generation and when using reference images, the available
    values are: 16:9, 9:16, 4:3, 3:4, and 1:1, with 4:3 and 3:4 supported only in version q2. When
    ModelName is Hailuo, this is not currently supported.
    """

    person_generation: str
    """
    Whether to allow the generation of people or faces. Possible values: AllowAdult: Allows the
    generation of adults; Disallowed: Disallows the inclusion of people or faces in the image;
    """

    input_compliance_check: str
    """
    Whether to enable input content compliance check. Possible values: Enabled: Enabled; Disabled:
    Disabled;
    """

    output_compliance_check: str
    """
    Whether to enable output content compliance check. Possible values: Enabled: Enabled; Disabled:
    Disabled;
    """

    audio_generation: str
    """
    Whether to generate audio. Supported models include GV and OS. Values include: Enabled: Enabled;
    Disabled: Disabled; Default value: Enabled
    """

    duration: float
    """
    The duration of the generated video, in seconds. When ModelName is Kling, the possible values
    are 5 and 10, with a default of 5; When ModelName is Hailuo, the possible values are 6 and 10,
    with a default of 6; When ModelName is Vidu, values from 1 to 10 can be specified;
    """

    resolution: str
    """The resolution of the generated video."""

    media_name: str
    """
    Name of the output media file (at most 64 characters), shown as MediaName on the task's output
    files.
    """

    enhance_switch: str
    """
    Whether to enhance the generated video (frame interpolation and upscaling where the model
    supports it). Possible values: Enabled, Disabled.
    """


class VideoTaskParams(TypedDict, total=False):
    """
    The request body of ``createVideoTask`` (VideoTaskRequest). Required: ``model_name``,
    ``prompt``, ``model_version`` (unless ``request=`` is given).
    """

    prompt: str
    """Prompt words"""

    negative_prompt: str
    """To prevent the model from generating video prompts."""

    enhance_prompt: str
    """
    Whether to automatically optimize prompt words. When enabled, the input Prompt will be
    automatically optimized to improve generation quality. Values include: Enabled: Enabled;
    Disabled: Disabled;
    """

    session_id: str
    """
    The identifier used for deduplication. If a request with the same identifier has been made
    within the last three days, the current request will return an error. Maximum 50 characters;
    omitting the identifier or including an empty string indicates no deduplication.
    """

    session_context: str
    """
    Source context, used to pass through user request information. The audio/video quality
    regeneration completion callback will return this field value, with a maximum length of 1000
    characters.
    """

    tasks_priority: int
    """
    Task priority; higher values indicate higher priority. Values range from -10 to 10, with 0
    representing no value.
    """

    ext_info: str
    """Reserved field, used for special purposes."""

    file_infos: Sequence[VideoFileInfo | VideoFileInfoParams | Mapping[str, Any]]
    """
    Source images for the video, at most three (e.g. the first frame). An image must be under 10 MB,
    jpeg or png. GV: with several images, last_frame_url cannot be used. Vidu q2: images 1-7 can be
    passed as subjects.
    """

    last_frame_url: str
    """
    The URL of the media file used to generate the video as the last frame. Notes: 1. Only GV,
    Kling, and Vidu models are supported. Other models are not currently supported. When ModelName
    is GV, if this parameter is specified, FileInfos must also be specified as the first frame of
    the video to be generated. This parameter can only be specified when ModelName is Kling,
    ModelVersion is 2.1, and the output resolution is 1080P. This parameter can only be specified
    when ModelName is Vidu, ModelVersion is q2-pro, or q2-turbo. 2. The image size must be less than
    5MB. 3. Image format options are: jpeg, jpg, png, webp.
    """

    model_name: str
    """
    Model name. Any string is accepted: Tencent adds models often. Known values: Hailuo: Hailuo
    (MiniMax); Kling: Kling; Vidu: Vidu; GV: Google Veo; OS: OpenAI Sora; Hunyuan, Mingmou,
    PixVerse: added by Tencent after the vendor document.
    """

    model_version: str
    """
    Model version, a string that depends on the model ("02" is not the number 2). Known values:
    Hailuo 02, 2.3 and 2.3-fast; Kling 1.6, 2.0, 2.1, 2.5 and O1; Vidu q2, q2-pro and q2-turbo. Any
    string is accepted.
    """

    output_config: VideoOutputConfig | VideoOutputConfigParams | Mapping[str, Any]
    """Configure the output media files for the live video task."""

    last_frame_file_id: str
    """
    The VOD media file ID of the image to end the video on (the last frame); a first frame must be
    given in file_infos. Image under 10 MB; jpeg, jpg, png or webp. The FileId alternative to
    last_frame_url. Tencent's field; not yet seen forwarded by the gateway.
    """


OPERATION_PARAMS: dict[str, str] = {
    "createImageTask": "ImageTaskParams",
    "createVideoTask": "VideoTaskParams",
}
"""operationId -> the name of the TypedDict of its request body."""
PARAMS_SCHEMAS: dict[str, str] = {
    "ImageFileInfoParams": "ImageFileInfo",
    "ImageOutputConfigParams": "ImageOutputConfig",
    "ImageTaskParams": "ImageTaskRequest",
    "VideoFileInfoParams": "VideoFileInfo",
    "VideoOutputConfigParams": "VideoOutputConfig",
    "VideoTaskParams": "VideoTaskRequest",
}
"""Params class name -> the schema it types (``#/components/schemas/<name>``)."""
