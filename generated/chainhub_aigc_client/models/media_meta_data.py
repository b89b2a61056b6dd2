from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.media_audio_stream import MediaAudioStream
    from ..models.media_video_stream import MediaVideoStream


T = TypeVar("T", bound="MediaMetaData")


@_attrs_define
class MediaMetaData:
    """Facts about an output file; Size, when known, is its length in bytes."""

    size: int | None | Unset = UNSET
    container: None | str | Unset = UNSET
    bitrate: int | None | Unset = UNSET
    height: int | None | Unset = UNSET
    width: int | None | Unset = UNSET
    duration: float | None | Unset = UNSET
    rotate: int | None | Unset = UNSET
    md_5: None | str | Unset = UNSET
    video_stream_set: list[MediaVideoStream] | None | Unset = UNSET
    audio_stream_set: list[MediaAudioStream] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        size: int | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        container: None | str | Unset
        if isinstance(self.container, Unset):
            container = UNSET
        else:
            container = self.container

        bitrate: int | None | Unset
        if isinstance(self.bitrate, Unset):
            bitrate = UNSET
        else:
            bitrate = self.bitrate

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width

        duration: float | None | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        rotate: int | None | Unset
        if isinstance(self.rotate, Unset):
            rotate = UNSET
        else:
            rotate = self.rotate

        md_5: None | str | Unset
        if isinstance(self.md_5, Unset):
            md_5 = UNSET
        else:
            md_5 = self.md_5

        video_stream_set: list[dict[str, Any]] | None | Unset
        if isinstance(self.video_stream_set, Unset):
            video_stream_set = UNSET
        elif isinstance(self.video_stream_set, list):
            video_stream_set = []
            for video_stream_set_type_0_item_data in self.video_stream_set:
                video_stream_set_type_0_item = video_stream_set_type_0_item_data.to_dict()
                video_stream_set.append(video_stream_set_type_0_item)

        else:
            video_stream_set = self.video_stream_set

        audio_stream_set: list[dict[str, Any]] | None | Unset
        if isinstance(self.audio_stream_set, Unset):
            audio_stream_set = UNSET
        elif isinstance(self.audio_stream_set, list):
            audio_stream_set = []
            for audio_stream_set_type_0_item_data in self.audio_stream_set:
                audio_stream_set_type_0_item = audio_stream_set_type_0_item_data.to_dict()
                audio_stream_set.append(audio_stream_set_type_0_item)

        else:
            audio_stream_set = self.audio_stream_set

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if size is not UNSET:
            field_dict["Size"] = size
        if container is not UNSET:
            field_dict["Container"] = container
        if bitrate is not UNSET:
            field_dict["Bitrate"] = bitrate
        if height is not UNSET:
            field_dict["Height"] = height
        if width is not UNSET:
            field_dict["Width"] = width
        if duration is not UNSET:
            field_dict["Duration"] = duration
        if rotate is not UNSET:
            field_dict["Rotate"] = rotate
        if md_5 is not UNSET:
            field_dict["Md5"] = md_5
        if video_stream_set is not UNSET:
            field_dict["VideoStreamSet"] = video_stream_set
        if audio_stream_set is not UNSET:
            field_dict["AudioStreamSet"] = audio_stream_set

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.media_audio_stream import MediaAudioStream  # noqa: PLC0415
        from ..models.media_video_stream import MediaVideoStream  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size = _parse_size(d.pop("Size", UNSET))

        def _parse_container(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        container = _parse_container(d.pop("Container", UNSET))

        def _parse_bitrate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bitrate = _parse_bitrate(d.pop("Bitrate", UNSET))

        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("Height", UNSET))

        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("Width", UNSET))

        def _parse_duration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration = _parse_duration(d.pop("Duration", UNSET))

        def _parse_rotate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rotate = _parse_rotate(d.pop("Rotate", UNSET))

        def _parse_md_5(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        md_5 = _parse_md_5(d.pop("Md5", UNSET))

        def _parse_video_stream_set(data: object) -> list[MediaVideoStream] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                video_stream_set_type_0 = []
                _video_stream_set_type_0 = data
                for video_stream_set_type_0_item_data in _video_stream_set_type_0:
                    video_stream_set_type_0_item = MediaVideoStream.from_dict(
                        video_stream_set_type_0_item_data
                    )

                    video_stream_set_type_0.append(video_stream_set_type_0_item)

                return video_stream_set_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MediaVideoStream] | None | Unset, data)

        video_stream_set = _parse_video_stream_set(d.pop("VideoStreamSet", UNSET))

        def _parse_audio_stream_set(data: object) -> list[MediaAudioStream] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                audio_stream_set_type_0 = []
                _audio_stream_set_type_0 = data
                for audio_stream_set_type_0_item_data in _audio_stream_set_type_0:
                    audio_stream_set_type_0_item = MediaAudioStream.from_dict(
                        audio_stream_set_type_0_item_data
                    )

                    audio_stream_set_type_0.append(audio_stream_set_type_0_item)

                return audio_stream_set_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MediaAudioStream] | None | Unset, data)

        audio_stream_set = _parse_audio_stream_set(d.pop("AudioStreamSet", UNSET))

        media_meta_data = cls(
            size=size,
            container=container,
            bitrate=bitrate,
            height=height,
            width=width,
            duration=duration,
            rotate=rotate,
            md_5=md_5,
            video_stream_set=video_stream_set,
            audio_stream_set=audio_stream_set,
        )

        media_meta_data.additional_properties = d
        return media_meta_data

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
