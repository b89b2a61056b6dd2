from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aigc_image_task import AigcImageTask
    from ..models.aigc_video_task import AigcVideoTask
    from ..models.tencent_error import TencentError


T = TypeVar("T", bound="TaskDetail")


@_attrs_define
class TaskDetail:
    """A task's state (DescribeTaskDetail). The task object sits under the key named by TaskType; other `*Task` keys are
    present and null.

    """

    task_type: None | str | Unset = UNSET
    """ AigcImageTask or AigcVideoTask (other values may appear). """
    status: None | str | Unset = UNSET
    """ WAITING, PROCESSING, FINISH or ABORTED. Treat any other value as not finished. FINISH does not mean success:
    check the task's ErrCode and ErrCodeExt. """
    create_time: None | str | Unset = UNSET
    """ ISO 8601 UTC; "0000-00-00T00:00:00Z" when unset. """
    begin_process_time: None | str | Unset = UNSET
    """ ISO 8601 UTC; "0000-00-00T00:00:00Z" when unset. """
    finish_time: None | str | Unset = UNSET
    """ ISO 8601 UTC; "0000-00-00T00:00:00Z" when unset. """
    request_id: None | str | Unset = UNSET
    aigc_image_task: AigcImageTask | None | Unset = UNSET
    aigc_video_task: AigcVideoTask | None | Unset = UNSET
    error: None | TencentError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.aigc_image_task import AigcImageTask  # noqa: PLC0415
        from ..models.aigc_video_task import AigcVideoTask  # noqa: PLC0415
        from ..models.tencent_error import TencentError  # noqa: PLC0415

        task_type: None | str | Unset
        if isinstance(self.task_type, Unset):
            task_type = UNSET
        else:
            task_type = self.task_type

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        create_time: None | str | Unset
        if isinstance(self.create_time, Unset):
            create_time = UNSET
        else:
            create_time = self.create_time

        begin_process_time: None | str | Unset
        if isinstance(self.begin_process_time, Unset):
            begin_process_time = UNSET
        else:
            begin_process_time = self.begin_process_time

        finish_time: None | str | Unset
        if isinstance(self.finish_time, Unset):
            finish_time = UNSET
        else:
            finish_time = self.finish_time

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        aigc_image_task: dict[str, Any] | None | Unset
        if isinstance(self.aigc_image_task, Unset):
            aigc_image_task = UNSET
        elif isinstance(self.aigc_image_task, AigcImageTask):
            aigc_image_task = self.aigc_image_task.to_dict()
        else:
            aigc_image_task = self.aigc_image_task

        aigc_video_task: dict[str, Any] | None | Unset
        if isinstance(self.aigc_video_task, Unset):
            aigc_video_task = UNSET
        elif isinstance(self.aigc_video_task, AigcVideoTask):
            aigc_video_task = self.aigc_video_task.to_dict()
        else:
            aigc_video_task = self.aigc_video_task

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, TencentError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task_type is not UNSET:
            field_dict["TaskType"] = task_type
        if status is not UNSET:
            field_dict["Status"] = status
        if create_time is not UNSET:
            field_dict["CreateTime"] = create_time
        if begin_process_time is not UNSET:
            field_dict["BeginProcessTime"] = begin_process_time
        if finish_time is not UNSET:
            field_dict["FinishTime"] = finish_time
        if request_id is not UNSET:
            field_dict["RequestId"] = request_id
        if aigc_image_task is not UNSET:
            field_dict["AigcImageTask"] = aigc_image_task
        if aigc_video_task is not UNSET:
            field_dict["AigcVideoTask"] = aigc_video_task
        if error is not UNSET:
            field_dict["Error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aigc_image_task import AigcImageTask  # noqa: PLC0415
        from ..models.aigc_video_task import AigcVideoTask  # noqa: PLC0415
        from ..models.tencent_error import TencentError  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_task_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_type = _parse_task_type(d.pop("TaskType", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("Status", UNSET))

        def _parse_create_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        create_time = _parse_create_time(d.pop("CreateTime", UNSET))

        def _parse_begin_process_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        begin_process_time = _parse_begin_process_time(d.pop("BeginProcessTime", UNSET))

        def _parse_finish_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finish_time = _parse_finish_time(d.pop("FinishTime", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("RequestId", UNSET))

        def _parse_aigc_image_task(data: object) -> AigcImageTask | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                aigc_image_task_type_0 = AigcImageTask.from_dict(data)

                return aigc_image_task_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcImageTask | None | Unset, data)

        aigc_image_task = _parse_aigc_image_task(d.pop("AigcImageTask", UNSET))

        def _parse_aigc_video_task(data: object) -> AigcVideoTask | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                aigc_video_task_type_0 = AigcVideoTask.from_dict(data)

                return aigc_video_task_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcVideoTask | None | Unset, data)

        aigc_video_task = _parse_aigc_video_task(d.pop("AigcVideoTask", UNSET))

        def _parse_error(data: object) -> None | TencentError | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = TencentError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TencentError | Unset, data)

        error = _parse_error(d.pop("Error", UNSET))

        task_detail = cls(
            task_type=task_type,
            status=status,
            create_time=create_time,
            begin_process_time=begin_process_time,
            finish_time=finish_time,
            request_id=request_id,
            aigc_image_task=aigc_image_task,
            aigc_video_task=aigc_video_task,
            error=error,
        )

        task_detail.additional_properties = d
        return task_detail

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
