"""Contains all the data models used in inputs/outputs"""

from .aigc_image_task import AigcImageTask
from .aigc_image_task_input import AigcImageTaskInput
from .aigc_task_input_file_info import AigcTaskInputFileInfo
from .aigc_task_input_output_config import AigcTaskInputOutputConfig
from .aigc_task_output import AigcTaskOutput
from .aigc_task_usage import AigcTaskUsage
from .aigc_video_task import AigcVideoTask
from .aigc_video_task_input import AigcVideoTaskInput
from .create_task_response import CreateTaskResponse
from .create_task_result import CreateTaskResult
from .error_response import ErrorResponse
from .error_result import ErrorResult
from .file_info_type import FileInfoType
from .image_file_info import ImageFileInfo
from .image_output_config import ImageOutputConfig
from .image_task_request import ImageTaskRequest
from .media_audio_stream import MediaAudioStream
from .media_meta_data import MediaMetaData
from .media_video_stream import MediaVideoStream
from .person_generation import PersonGeneration
from .storage_mode import StorageMode
from .switch import Switch
from .task_detail import TaskDetail
from .task_detail_response import TaskDetailResponse
from .task_output_file import TaskOutputFile
from .tencent_error import TencentError
from .video_file_info import VideoFileInfo
from .video_output_config import VideoOutputConfig
from .video_task_request import VideoTaskRequest

__all__ = (
    "AigcImageTask",
    "AigcImageTaskInput",
    "AigcTaskInputFileInfo",
    "AigcTaskInputOutputConfig",
    "AigcTaskOutput",
    "AigcTaskUsage",
    "AigcVideoTask",
    "AigcVideoTaskInput",
    "CreateTaskResponse",
    "CreateTaskResult",
    "ErrorResponse",
    "ErrorResult",
    "FileInfoType",
    "ImageFileInfo",
    "ImageOutputConfig",
    "ImageTaskRequest",
    "MediaAudioStream",
    "MediaMetaData",
    "MediaVideoStream",
    "PersonGeneration",
    "StorageMode",
    "Switch",
    "TaskDetail",
    "TaskDetailResponse",
    "TaskOutputFile",
    "TencentError",
    "VideoFileInfo",
    "VideoOutputConfig",
    "VideoTaskRequest",
)
