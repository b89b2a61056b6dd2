from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.person_generation import PersonGeneration
from ..models.storage_mode import StorageMode
from ..models.switch import Switch
from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoOutputConfig")


@_attrs_define
class VideoOutputConfig:
    """Configure the output media files for the live video task."""

    storage_mode: StorageMode | Unset = UNSET
    """ Permanent: the files are stored on VOD (a FileId is returned). Temporary (the default): only a URL valid for
    7 days. """
    aspect_ratio: str | Unset = UNSET
    """ Specifies the aspect ratio of the generated video. When ModelName is Kling, for text-to-video generation,
    the available values are 16:9, 9:16, and 1:1, with 16:9 as the default. When ModelName is Vidu, for text-to-
    video generation and when using reference images, the available values are: 16:9, 9:16, 4:3, 3:4, and 1:1, with
    4:3 and 3:4 supported only in version q2. When ModelName is Hailuo, this is not currently supported. Example
    value: 16:9 """
    person_generation: PersonGeneration | Unset = UNSET
    """ AllowAdult: adults may be generated; Disallowed: no people or faces. """
    input_compliance_check: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    output_compliance_check: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    audio_generation: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    duration: float | Unset = UNSET
    """ The duration of the generated video, in seconds.
    When ModelName is Kling, the possible values are 5 and 10, with a default of 5;
    When ModelName is Hailuo, the possible values are 6 and 10, with a default of 6;
    When ModelName is Vidu, values from 1 to 10 can be specified;
    Example value: 8.0 """
    resolution: str | Unset = UNSET
    """ The resolution of the generated video.

    When ModelName is Kling, the options are 720P and 1080P, with 720P as the default.
    When ModelName is Hailuo, the options are 768P and 1080P, with 768P as the default.
    When ModelName is Vidu, the options are 720P and 1080P, with 720P as the default.
    Example value: 720P """
    media_name: str | Unset = UNSET
    """ Name of the output media file (at most 64 characters), shown as MediaName on the task's output files.
    Example value: car-video """
    enhance_switch: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        storage_mode: str | Unset = UNSET
        if not isinstance(self.storage_mode, Unset):
            storage_mode = self.storage_mode.value

        aspect_ratio = self.aspect_ratio

        person_generation: str | Unset = UNSET
        if not isinstance(self.person_generation, Unset):
            person_generation = self.person_generation.value

        input_compliance_check: str | Unset = UNSET
        if not isinstance(self.input_compliance_check, Unset):
            input_compliance_check = self.input_compliance_check.value

        output_compliance_check: str | Unset = UNSET
        if not isinstance(self.output_compliance_check, Unset):
            output_compliance_check = self.output_compliance_check.value

        audio_generation: str | Unset = UNSET
        if not isinstance(self.audio_generation, Unset):
            audio_generation = self.audio_generation.value

        duration = self.duration

        resolution = self.resolution

        media_name = self.media_name

        enhance_switch: str | Unset = UNSET
        if not isinstance(self.enhance_switch, Unset):
            enhance_switch = self.enhance_switch.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if storage_mode is not UNSET:
            field_dict["storage_mode"] = storage_mode
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if person_generation is not UNSET:
            field_dict["person_generation"] = person_generation
        if input_compliance_check is not UNSET:
            field_dict["input_compliance_check"] = input_compliance_check
        if output_compliance_check is not UNSET:
            field_dict["output_compliance_check"] = output_compliance_check
        if audio_generation is not UNSET:
            field_dict["audio_generation"] = audio_generation
        if duration is not UNSET:
            field_dict["duration"] = duration
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if media_name is not UNSET:
            field_dict["media_name"] = media_name
        if enhance_switch is not UNSET:
            field_dict["enhance_switch"] = enhance_switch

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _storage_mode = d.pop("storage_mode", UNSET)
        storage_mode: StorageMode | Unset
        if isinstance(_storage_mode, Unset):
            storage_mode = UNSET
        else:
            storage_mode = StorageMode(_storage_mode)

        aspect_ratio = d.pop("aspect_ratio", UNSET)

        _person_generation = d.pop("person_generation", UNSET)
        person_generation: PersonGeneration | Unset
        if isinstance(_person_generation, Unset):
            person_generation = UNSET
        else:
            person_generation = PersonGeneration(_person_generation)

        _input_compliance_check = d.pop("input_compliance_check", UNSET)
        input_compliance_check: Switch | Unset
        if isinstance(_input_compliance_check, Unset):
            input_compliance_check = UNSET
        else:
            input_compliance_check = Switch(_input_compliance_check)

        _output_compliance_check = d.pop("output_compliance_check", UNSET)
        output_compliance_check: Switch | Unset
        if isinstance(_output_compliance_check, Unset):
            output_compliance_check = UNSET
        else:
            output_compliance_check = Switch(_output_compliance_check)

        _audio_generation = d.pop("audio_generation", UNSET)
        audio_generation: Switch | Unset
        if isinstance(_audio_generation, Unset):
            audio_generation = UNSET
        else:
            audio_generation = Switch(_audio_generation)

        duration = d.pop("duration", UNSET)

        resolution = d.pop("resolution", UNSET)

        media_name = d.pop("media_name", UNSET)

        _enhance_switch = d.pop("enhance_switch", UNSET)
        enhance_switch: Switch | Unset
        if isinstance(_enhance_switch, Unset):
            enhance_switch = UNSET
        else:
            enhance_switch = Switch(_enhance_switch)

        video_output_config = cls(
            storage_mode=storage_mode,
            aspect_ratio=aspect_ratio,
            person_generation=person_generation,
            input_compliance_check=input_compliance_check,
            output_compliance_check=output_compliance_check,
            audio_generation=audio_generation,
            duration=duration,
            resolution=resolution,
            media_name=media_name,
            enhance_switch=enhance_switch,
        )

        video_output_config.additional_properties = d
        return video_output_config

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
