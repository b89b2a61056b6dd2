from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aigc_task_usage import AigcTaskUsage
    from ..models.task_output_file import TaskOutputFile


T = TypeVar("T", bound="AigcTaskOutput")


@_attrs_define
class AigcTaskOutput:
    """What the task produced."""

    file_infos: list[TaskOutputFile] | None | Unset = UNSET
    usage: AigcTaskUsage | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.aigc_task_usage import AigcTaskUsage  # noqa: PLC0415

        file_infos: list[dict[str, Any]] | None | Unset
        if isinstance(self.file_infos, Unset):
            file_infos = UNSET
        elif isinstance(self.file_infos, list):
            file_infos = []
            for file_infos_type_0_item_data in self.file_infos:
                file_infos_type_0_item = file_infos_type_0_item_data.to_dict()
                file_infos.append(file_infos_type_0_item)

        else:
            file_infos = self.file_infos

        usage: dict[str, Any] | None | Unset
        if isinstance(self.usage, Unset):
            usage = UNSET
        elif isinstance(self.usage, AigcTaskUsage):
            usage = self.usage.to_dict()
        else:
            usage = self.usage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if file_infos is not UNSET:
            field_dict["FileInfos"] = file_infos
        if usage is not UNSET:
            field_dict["Usage"] = usage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aigc_task_usage import AigcTaskUsage  # noqa: PLC0415
        from ..models.task_output_file import TaskOutputFile  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_file_infos(data: object) -> list[TaskOutputFile] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                file_infos_type_0 = []
                _file_infos_type_0 = data
                for file_infos_type_0_item_data in _file_infos_type_0:
                    file_infos_type_0_item = TaskOutputFile.from_dict(file_infos_type_0_item_data)

                    file_infos_type_0.append(file_infos_type_0_item)

                return file_infos_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TaskOutputFile] | None | Unset, data)

        file_infos = _parse_file_infos(d.pop("FileInfos", UNSET))

        def _parse_usage(data: object) -> AigcTaskUsage | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                usage_type_0 = AigcTaskUsage.from_dict(data)

                return usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcTaskUsage | None | Unset, data)

        usage = _parse_usage(d.pop("Usage", UNSET))

        aigc_task_output = cls(
            file_infos=file_infos,
            usage=usage,
        )

        aigc_task_output.additional_properties = d
        return aigc_task_output

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
