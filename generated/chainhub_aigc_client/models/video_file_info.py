from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_info_type import FileInfoType
from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoFileInfo")


@_attrs_define
class VideoFileInfo:
    type_: FileInfoType | Unset = UNSET
    """ File: a VOD media file (file_id); Url: a URL (url); Base64: inline data. """
    file_id: str | Unset = UNSET
    """ The VOD media file ID of a source image, valid when type is File. Images up to 10 MB, jpeg or png. """
    text: str | Unset = UNSET
    """ A description of the source image, to help the model understand it. """
    url: str | Unset = UNSET
    """ Accessible URL of a source image, valid when type is Url. Images up to 10 MB, jpeg or png. """
    base64: str | Unset = UNSET
    """ The source file as Base64, valid when type is Base64: no "data:image/...;base64," prefix; images jpeg, jpg,
    png or webp, videos mp4, mov or avi; all files of the request together at most 7 MB before encoding (Tencent's
    API takes at most 10 MB per request). Tencent's field; not yet seen forwarded by the gateway.
    Example value: iVBORw0KGgo... """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        file_id = self.file_id

        text = self.text

        url = self.url

        base64 = self.base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if text is not UNSET:
            field_dict["text"] = text
        if url is not UNSET:
            field_dict["url"] = url
        if base64 is not UNSET:
            field_dict["base64"] = base64

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _type_ = d.pop("type", UNSET)
        type_: FileInfoType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = FileInfoType(_type_)

        file_id = d.pop("file_id", UNSET)

        text = d.pop("text", UNSET)

        url = d.pop("url", UNSET)

        base64 = d.pop("base64", UNSET)

        video_file_info = cls(
            type_=type_,
            file_id=file_id,
            text=text,
            url=url,
            base64=base64,
        )

        video_file_info.additional_properties = d
        return video_file_info

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
