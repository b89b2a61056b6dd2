from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.switch import Switch
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.video_file_info import VideoFileInfo
    from ..models.video_output_config import VideoOutputConfig


T = TypeVar("T", bound="VideoTaskRequest")


@_attrs_define
class VideoTaskRequest:
    prompt: str
    """ Prompt words """
    model_name: str
    """ Model name. Any string is accepted: Tencent adds models often. Known values:
    Hailuo: Hailuo (MiniMax);
    Kling: Kling;
    Vidu: Vidu;
    GV: Google Veo;
    OS: OpenAI Sora;
    Hunyuan, Mingmou, PixVerse: added by Tencent after the vendor document.

    Example value: Kling """
    model_version: str
    """ Model version, a string that depends on the model ("02" is not the number 2). Known
    values: Hailuo 02, 2.3 and 2.3-fast; Kling 1.6, 2.0, 2.1, 2.5 and O1; Vidu q2, q2-pro
    and q2-turbo. Any string is accepted.

    Example value: 2.1 """
    negative_prompt: str | Unset = UNSET
    """ To prevent the model from generating video prompts.
    Example value: red """
    enhance_prompt: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    session_id: str | Unset = UNSET
    """ The identifier used for deduplication. If a request with the same identifier has been made within the last
    three days, the current request will return an error. Maximum 50 characters; omitting the identifier or
    including an empty string indicates no deduplication. Example value: mysession """
    session_context: str | Unset = UNSET
    """ Source context, used to pass through user request information. The audio/video quality regeneration
    completion callback will return this field value, with a maximum length of 1000 characters.
    Example value: mySessionContext """
    tasks_priority: int | Unset = UNSET
    """ Task priority; higher values indicate higher priority. Values range from -10 to 10, with 0 representing no
    value.
    Example value: 10 """
    ext_info: str | Unset = UNSET
    """ Reserved field, used for special purposes.
    Example value: myextinfo """
    file_infos: list[VideoFileInfo] | Unset = UNSET
    """ Source images for the video, at most three (e.g. the first frame). An image must be under 10 MB, jpeg or
    png. GV: with several images, last_frame_url cannot be used. Vidu q2: images 1-7 can be passed as subjects. """
    last_frame_url: str | Unset = UNSET
    """ The URL of the media file used to generate the video as the last frame. Notes: 1. Only GV, Kling, and Vidu
    models are supported. Other models are not currently supported. When ModelName is GV, if this parameter is
    specified, FileInfos must also be specified as the first frame of the video to be generated. This parameter can
    only be specified when ModelName is Kling, ModelVersion is 2.1, and the output resolution is 1080P. This
    parameter can only be specified when ModelName is Vidu, ModelVersion is q2-pro, or q2-turbo. 2. The image size
    must be less than 5MB. 3. Image format options are: jpeg, jpg, png, webp. Example value: https://test.com/1.png
    """
    output_config: VideoOutputConfig | Unset = UNSET
    """ Configure the output media files for the live video task. """
    last_frame_file_id: str | Unset = UNSET
    """ The VOD media file ID of the image to end the video on (the last frame); a first frame must be given in
    file_infos. Image under 10 MB; jpeg, jpg, png or webp. The FileId alternative to last_frame_url. Tencent's
    field; not yet seen forwarded by the gateway.
    Example value: 3704211***509819 """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model_name = self.model_name

        model_version = self.model_version

        negative_prompt = self.negative_prompt

        enhance_prompt: str | Unset = UNSET
        if not isinstance(self.enhance_prompt, Unset):
            enhance_prompt = self.enhance_prompt.value

        session_id = self.session_id

        session_context = self.session_context

        tasks_priority = self.tasks_priority

        ext_info = self.ext_info

        file_infos: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.file_infos, Unset):
            file_infos = []
            for file_infos_item_data in self.file_infos:
                file_infos_item = file_infos_item_data.to_dict()
                file_infos.append(file_infos_item)

        last_frame_url = self.last_frame_url

        output_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output_config, Unset):
            output_config = self.output_config.to_dict()

        last_frame_file_id = self.last_frame_file_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "model_name": model_name,
                "model_version": model_version,
            }
        )
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if enhance_prompt is not UNSET:
            field_dict["enhance_prompt"] = enhance_prompt
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if session_context is not UNSET:
            field_dict["session_context"] = session_context
        if tasks_priority is not UNSET:
            field_dict["tasks_priority"] = tasks_priority
        if ext_info is not UNSET:
            field_dict["ext_info"] = ext_info
        if file_infos is not UNSET:
            field_dict["file_infos"] = file_infos
        if last_frame_url is not UNSET:
            field_dict["last_frame_url"] = last_frame_url
        if output_config is not UNSET:
            field_dict["output_config"] = output_config
        if last_frame_file_id is not UNSET:
            field_dict["last_frame_file_id"] = last_frame_file_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.video_file_info import VideoFileInfo  # noqa: PLC0415
        from ..models.video_output_config import VideoOutputConfig  # noqa: PLC0415

        d = dict(src_dict)
        prompt = d.pop("prompt")

        model_name = d.pop("model_name")

        model_version = d.pop("model_version")

        negative_prompt = d.pop("negative_prompt", UNSET)

        _enhance_prompt = d.pop("enhance_prompt", UNSET)
        enhance_prompt: Switch | Unset
        if isinstance(_enhance_prompt, Unset):
            enhance_prompt = UNSET
        else:
            enhance_prompt = Switch(_enhance_prompt)

        session_id = d.pop("session_id", UNSET)

        session_context = d.pop("session_context", UNSET)

        tasks_priority = d.pop("tasks_priority", UNSET)

        ext_info = d.pop("ext_info", UNSET)

        _file_infos = d.pop("file_infos", UNSET)
        file_infos: list[VideoFileInfo] | Unset = UNSET
        if _file_infos is not UNSET:
            file_infos = []
            for file_infos_item_data in _file_infos:
                file_infos_item = VideoFileInfo.from_dict(file_infos_item_data)

                file_infos.append(file_infos_item)

        last_frame_url = d.pop("last_frame_url", UNSET)

        _output_config = d.pop("output_config", UNSET)
        output_config: VideoOutputConfig | Unset
        if isinstance(_output_config, Unset):
            output_config = UNSET
        else:
            output_config = VideoOutputConfig.from_dict(_output_config)

        last_frame_file_id = d.pop("last_frame_file_id", UNSET)

        video_task_request = cls(
            prompt=prompt,
            model_name=model_name,
            model_version=model_version,
            negative_prompt=negative_prompt,
            enhance_prompt=enhance_prompt,
            session_id=session_id,
            session_context=session_context,
            tasks_priority=tasks_priority,
            ext_info=ext_info,
            file_infos=file_infos,
            last_frame_url=last_frame_url,
            output_config=output_config,
            last_frame_file_id=last_frame_file_id,
        )

        video_task_request.additional_properties = d
        return video_task_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
