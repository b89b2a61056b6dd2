from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AigcTaskInputOutputConfig")


@_attrs_define
class AigcTaskInputOutputConfig:
    """The output configuration, as echoed back (image and video fields)."""

    storage_mode: None | str | Unset = UNSET
    media_name: None | str | Unset = UNSET
    resolution: None | str | Unset = UNSET
    aspect_ratio: None | str | Unset = UNSET
    person_generation: None | str | Unset = UNSET
    input_compliance_check: None | str | Unset = UNSET
    output_compliance_check: None | str | Unset = UNSET
    audio_generation: None | str | Unset = UNSET
    enhance_switch: None | str | Unset = UNSET
    duration: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        resolution: None | str | Unset
        if isinstance(self.resolution, Unset):
            resolution = UNSET
        else:
            resolution = self.resolution

        aspect_ratio: None | str | Unset
        if isinstance(self.aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = self.aspect_ratio

        person_generation: None | str | Unset
        if isinstance(self.person_generation, Unset):
            person_generation = UNSET
        else:
            person_generation = self.person_generation

        input_compliance_check: None | str | Unset
        if isinstance(self.input_compliance_check, Unset):
            input_compliance_check = UNSET
        else:
            input_compliance_check = self.input_compliance_check

        output_compliance_check: None | str | Unset
        if isinstance(self.output_compliance_check, Unset):
            output_compliance_check = UNSET
        else:
            output_compliance_check = self.output_compliance_check

        audio_generation: None | str | Unset
        if isinstance(self.audio_generation, Unset):
            audio_generation = UNSET
        else:
            audio_generation = self.audio_generation

        enhance_switch: None | str | Unset
        if isinstance(self.enhance_switch, Unset):
            enhance_switch = UNSET
        else:
            enhance_switch = self.enhance_switch

        duration: float | None | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if storage_mode is not UNSET:
            field_dict["StorageMode"] = storage_mode
        if media_name is not UNSET:
            field_dict["MediaName"] = media_name
        if resolution is not UNSET:
            field_dict["Resolution"] = resolution
        if aspect_ratio is not UNSET:
            field_dict["AspectRatio"] = aspect_ratio
        if person_generation is not UNSET:
            field_dict["PersonGeneration"] = person_generation
        if input_compliance_check is not UNSET:
            field_dict["InputComplianceCheck"] = input_compliance_check
        if output_compliance_check is not UNSET:
            field_dict["OutputComplianceCheck"] = output_compliance_check
        if audio_generation is not UNSET:
            field_dict["AudioGeneration"] = audio_generation
        if enhance_switch is not UNSET:
            field_dict["EnhanceSwitch"] = enhance_switch
        if duration is not UNSET:
            field_dict["Duration"] = duration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        def _parse_resolution(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolution = _parse_resolution(d.pop("Resolution", UNSET))

        def _parse_aspect_ratio(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("AspectRatio", UNSET))

        def _parse_person_generation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        person_generation = _parse_person_generation(d.pop("PersonGeneration", UNSET))

        def _parse_input_compliance_check(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        input_compliance_check = _parse_input_compliance_check(d.pop("InputComplianceCheck", UNSET))

        def _parse_output_compliance_check(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        output_compliance_check = _parse_output_compliance_check(
            d.pop("OutputComplianceCheck", UNSET)
        )

        def _parse_audio_generation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        audio_generation = _parse_audio_generation(d.pop("AudioGeneration", UNSET))

        def _parse_enhance_switch(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enhance_switch = _parse_enhance_switch(d.pop("EnhanceSwitch", UNSET))

        def _parse_duration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration = _parse_duration(d.pop("Duration", UNSET))

        aigc_task_input_output_config = cls(
            storage_mode=storage_mode,
            media_name=media_name,
            resolution=resolution,
            aspect_ratio=aspect_ratio,
            person_generation=person_generation,
            input_compliance_check=input_compliance_check,
            output_compliance_check=output_compliance_check,
            audio_generation=audio_generation,
            enhance_switch=enhance_switch,
            duration=duration,
        )

        aigc_task_input_output_config.additional_properties = d
        return aigc_task_input_output_config

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
