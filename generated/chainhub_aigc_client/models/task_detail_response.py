from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.task_detail import TaskDetail


T = TypeVar("T", bound="TaskDetailResponse")


@_attrs_define
class TaskDetailResponse:
    """The envelope of a query answer."""

    response: TaskDetail
    """ A task's state (DescribeTaskDetail). The task object sits under the key named by TaskType; other `*Task`
    keys are present and null. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        response = self.response.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "Response": response,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_detail import TaskDetail  # noqa: PLC0415

        d = dict(src_dict)
        response = TaskDetail.from_dict(d.pop("Response"))

        task_detail_response = cls(
            response=response,
        )

        task_detail_response.additional_properties = d
        return task_detail_response

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
