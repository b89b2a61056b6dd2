from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tencent_error import TencentError


T = TypeVar("T", bound="ErrorResult")


@_attrs_define
class ErrorResult:
    """The body of an error answer."""

    error: TencentError
    """ A Tencent API error, e.g. InvalidParameterValue.SessionId (a repeated session_id), ResourceNotFound,
    LimitExceeded.Quota, AuthFailure.*, RequestLimitExceeded. """
    request_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "Error": error,
            }
        )
        if request_id is not UNSET:
            field_dict["RequestId"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tencent_error import TencentError  # noqa: PLC0415

        d = dict(src_dict)
        error = TencentError.from_dict(d.pop("Error"))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("RequestId", UNSET))

        error_result = cls(
            error=error,
            request_id=request_id,
        )

        error_result.additional_properties = d
        return error_result

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
