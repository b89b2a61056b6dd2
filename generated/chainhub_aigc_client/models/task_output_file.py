from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.media_meta_data import MediaMetaData


T = TypeVar("T", bound="TaskOutputFile")


@_attrs_define
class TaskOutputFile:
    """One output file. Temporary storage: FileUrl is valid for 7 days (until ExpireTime). Permanent storage: FileId
    identifies the file on VOD.

    """

    file_url: None | str | Unset = UNSET
    file_type: None | str | Unset = UNSET
    file_id: None | str | Unset = UNSET
    storage_mode: None | str | Unset = UNSET
    media_name: None | str | Unset = UNSET
    class_id: int | None | Unset = UNSET
    expire_time: None | str | Unset = UNSET
    """ ISO 8601 UTC; "0000-00-00T00:00:00Z" when unset. """
    meta_data: MediaMetaData | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.media_meta_data import MediaMetaData  # noqa: PLC0415

        file_url: None | str | Unset
        if isinstance(self.file_url, Unset):
            file_url = UNSET
        else:
            file_url = self.file_url

        file_type: None | str | Unset
        if isinstance(self.file_type, Unset):
            file_type = UNSET
        else:
            file_type = self.file_type

        file_id: None | str | Unset
        if isinstance(self.file_id, Unset):
            file_id = UNSET
        else:
            file_id = self.file_id

        storage_mode: None | str | Unset
        if isinstance(self.storage_mode, Unset):
            storage_mode = UNSET
        else:
            storage_mode = self.storage_mode

        media_name: None | str | Unset
        if isinstance(self.media_name, Unset):
            media_name = UNSET
        else:
            media_name = self.media_name

        class_id: int | None | Unset
        if isinstance(self.class_id, Unset):
            class_id = UNSET
        else:
            class_id = self.class_id

        expire_time: None | str | Unset
        if isinstance(self.expire_time, Unset):
            expire_time = UNSET
        else:
            expire_time = self.expire_time

        meta_data: dict[str, Any] | None | Unset
        if isinstance(self.meta_data, Unset):
            meta_data = UNSET
        elif isinstance(self.meta_data, MediaMetaData):
            meta_data = self.meta_data.to_dict()
        else:
            meta_data = self.meta_data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if file_url is not UNSET:
            field_dict["FileUrl"] = file_url
        if file_type is not UNSET:
            field_dict["FileType"] = file_type
        if file_id is not UNSET:
            field_dict["FileId"] = file_id
        if storage_mode is not UNSET:
            field_dict["StorageMode"] = storage_mode
        if media_name is not UNSET:
            field_dict["MediaName"] = media_name
        if class_id is not UNSET:
            field_dict["ClassId"] = class_id
        if expire_time is not UNSET:
            field_dict["ExpireTime"] = expire_time
        if meta_data is not UNSET:
            field_dict["MetaData"] = meta_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.media_meta_data import MediaMetaData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_file_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_url = _parse_file_url(d.pop("FileUrl", UNSET))

        def _parse_file_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_type = _parse_file_type(d.pop("FileType", UNSET))

        def _parse_file_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_id = _parse_file_id(d.pop("FileId", UNSET))

        def _parse_storage_mode(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        storage_mode = _parse_storage_mode(d.pop("StorageMode", UNSET))

        def _parse_media_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        media_name = _parse_media_name(d.pop("MediaName", UNSET))

        def _parse_class_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        class_id = _parse_class_id(d.pop("ClassId", UNSET))

        def _parse_expire_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expire_time = _parse_expire_time(d.pop("ExpireTime", UNSET))

        def _parse_meta_data(data: object) -> MediaMetaData | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                meta_data_type_0 = MediaMetaData.from_dict(data)

                return meta_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MediaMetaData | None | Unset, data)

        meta_data = _parse_meta_data(d.pop("MetaData", UNSET))

        task_output_file = cls(
            file_url=file_url,
            file_type=file_type,
            file_id=file_id,
            storage_mode=storage_mode,
            media_name=media_name,
            class_id=class_id,
            expire_time=expire_time,
            meta_data=meta_data,
        )

        task_output_file.additional_properties = d
        return task_output_file

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
