from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aigc_image_task_input import AigcImageTaskInput
    from ..models.aigc_task_output import AigcTaskOutput


T = TypeVar("T", bound="AigcImageTask")


@_attrs_define
class AigcImageTask:
    """An image generation task."""

    task_id: None | str | Unset = UNSET
    status: None | str | Unset = UNSET
    """ PROCESSING or FINISH (other values may appear). """
    err_code: int | None | Unset = UNSET
    """ 0 on success; with FINISH, non-zero means the generation failed. """
    err_code_ext: None | str | Unset = UNSET
    """ Empty on success; otherwise e.g. ContentModerationFailed, ModelGenerateFailed, TaskTimeout,
    ResourceInsufficient, InvalidParameter, OperationCanceled, InternalError. """
    message: None | str | Unset = UNSET
    progress: int | None | Unset = UNSET
    """ Percent done. """
    input_: AigcImageTaskInput | None | Unset = UNSET
    output: AigcTaskOutput | None | Unset = UNSET
    session_id: None | str | Unset = UNSET
    session_context: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.aigc_image_task_input import AigcImageTaskInput  # noqa: PLC0415
        from ..models.aigc_task_output import AigcTaskOutput  # noqa: PLC0415

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        err_code: int | None | Unset
        if isinstance(self.err_code, Unset):
            err_code = UNSET
        else:
            err_code = self.err_code

        err_code_ext: None | str | Unset
        if isinstance(self.err_code_ext, Unset):
            err_code_ext = UNSET
        else:
            err_code_ext = self.err_code_ext

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        progress: int | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        input_: dict[str, Any] | None | Unset
        if isinstance(self.input_, Unset):
            input_ = UNSET
        elif isinstance(self.input_, AigcImageTaskInput):
            input_ = self.input_.to_dict()
        else:
            input_ = self.input_

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, AigcTaskOutput):
            output = self.output.to_dict()
        else:
            output = self.output

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        else:
            session_id = self.session_id

        session_context: None | str | Unset
        if isinstance(self.session_context, Unset):
            session_context = UNSET
        else:
            session_context = self.session_context

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task_id is not UNSET:
            field_dict["TaskId"] = task_id
        if status is not UNSET:
            field_dict["Status"] = status
        if err_code is not UNSET:
            field_dict["ErrCode"] = err_code
        if err_code_ext is not UNSET:
            field_dict["ErrCodeExt"] = err_code_ext
        if message is not UNSET:
            field_dict["Message"] = message
        if progress is not UNSET:
            field_dict["Progress"] = progress
        if input_ is not UNSET:
            field_dict["Input"] = input_
        if output is not UNSET:
            field_dict["Output"] = output
        if session_id is not UNSET:
            field_dict["SessionId"] = session_id
        if session_context is not UNSET:
            field_dict["SessionContext"] = session_context

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aigc_image_task_input import AigcImageTaskInput  # noqa: PLC0415
        from ..models.aigc_task_output import AigcTaskOutput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("TaskId", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("Status", UNSET))

        def _parse_err_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        err_code = _parse_err_code(d.pop("ErrCode", UNSET))

        def _parse_err_code_ext(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        err_code_ext = _parse_err_code_ext(d.pop("ErrCodeExt", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("Message", UNSET))

        def _parse_progress(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        progress = _parse_progress(d.pop("Progress", UNSET))

        def _parse_input_(data: object) -> AigcImageTaskInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_type_0 = AigcImageTaskInput.from_dict(data)

                return input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcImageTaskInput | None | Unset, data)

        input_ = _parse_input_(d.pop("Input", UNSET))

        def _parse_output(data: object) -> AigcTaskOutput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = AigcTaskOutput.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcTaskOutput | None | Unset, data)

        output = _parse_output(d.pop("Output", UNSET))

        def _parse_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_id = _parse_session_id(d.pop("SessionId", UNSET))

        def _parse_session_context(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_context = _parse_session_context(d.pop("SessionContext", UNSET))

        aigc_image_task = cls(
            task_id=task_id,
            status=status,
            err_code=err_code,
            err_code_ext=err_code_ext,
            message=message,
            progress=progress,
            input_=input_,
            output=output,
            session_id=session_id,
            session_context=session_context,
        )

        aigc_image_task.additional_properties = d
        return aigc_image_task

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
