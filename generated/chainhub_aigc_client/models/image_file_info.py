from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_info_type import FileInfoType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageFileInfo")


@_attrs_define
class ImageFileInfo:
    type_: FileInfoType | Unset = UNSET
    """ File: a VOD media file (file_id); Url: a URL (url); Base64: inline data. """
    file_id: str | Unset = UNSET
    """ The media file ID of the image file, i.e., the globally unique identifier of the file on VOD, is assigned by
    the VOD backend after successful upload. This field can be obtained from the video upload completion event
    notification or the VOD console. This parameter is valid when Type is set to File.
    Notes: 1. Images smaller than 7MB are recommended; 2. Image format options are: jpeg, jpg, png, webp.
    Example value: 3704211***509819 """
    text: str | Unset = UNSET
    """ Input a description of the image to help the model understand it. Only valid for GEM 2.5 and GEM 3.0.
    Example value: Task context: This is the main building that needs renovation (Figure 1), and its geometry must
    not be altered. """
    url: str | Unset = UNSET
    """ Accessible file URL. This parameter is valid when Type is set to Url.

    Notes:
    1. Images smaller than 7MB are recommended;
    2. Image format options are: jpeg, jpg, png, webp.

    Example value: https://test.com/1.png """
    base64: str | Unset = UNSET
    """ The image as Base64, valid when type is Base64: no "data:image/...;base64," prefix; jpeg, jpg, png or webp;
    all files of the request together at most 7 MB before encoding (Tencent's API takes at most 10 MB per request).
    Tencent's field; not yet seen forwarded by the gateway.
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

        image_file_info = cls(
            type_=type_,
            file_id=file_id,
            text=text,
            url=url,
            base64=base64,
        )

        image_file_info.additional_properties = d
        return image_file_info

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
