from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MediaAudioStream")


@_attrs_define
class MediaAudioStream:
    """An audio stream of an output file (Tencent's MediaAudioStreamItem)."""

    bitrate: int | None | Unset = UNSET
    sampling_rate: int | None | Unset = UNSET
    codec: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bitrate: int | None | Unset
        if isinstance(self.bitrate, Unset):
            bitrate = UNSET
        else:
            bitrate = self.bitrate

        sampling_rate: int | None | Unset
        if isinstance(self.sampling_rate, Unset):
            sampling_rate = UNSET
        else:
            sampling_rate = self.sampling_rate

        codec: None | str | Unset
        if isinstance(self.codec, Unset):
            codec = UNSET
        else:
            codec = self.codec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bitrate is not UNSET:
            field_dict["Bitrate"] = bitrate
        if sampling_rate is not UNSET:
            field_dict["SamplingRate"] = sampling_rate
        if codec is not UNSET:
            field_dict["Codec"] = codec

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_bitrate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bitrate = _parse_bitrate(d.pop("Bitrate", UNSET))

        def _parse_sampling_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        sampling_rate = _parse_sampling_rate(d.pop("SamplingRate", UNSET))

        def _parse_codec(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        codec = _parse_codec(d.pop("Codec", UNSET))

        media_audio_stream = cls(
            bitrate=bitrate,
            sampling_rate=sampling_rate,
            codec=codec,
        )

        media_audio_stream.additional_properties = d
        return media_audio_stream

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
