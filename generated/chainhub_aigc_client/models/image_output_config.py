from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.person_generation import PersonGeneration
from ..models.storage_mode import StorageMode
from ..models.switch import Switch
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageOutputConfig")


@_attrs_define
class ImageOutputConfig:
    """Configure the output media files for the raw image task."""

    storage_mode: StorageMode | Unset = UNSET
    """ Permanent: the files are stored on VOD (a FileId is returned). Temporary (the default): only a URL valid for
    7 days. """
    aspect_ratio: str | Unset = UNSET
    """ Specifies the aspect ratio of the generated image.
    When ModelName is GEM, the possible values are:
    1:1, 3:2, 2:3, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, and 21:9;
    When ModelName is Qwen or Jimeng, this is not currently supported. For Jimeng, the model will intelligently
    determine the aspect ratio of the output image based on the Prompt intent and the reference image size.
    Example value: 16:9 """
    person_generation: PersonGeneration | Unset = UNSET
    """ AllowAdult: adults may be generated; Disallowed: no people or faces. """
    input_compliance_check: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    output_compliance_check: Switch | Unset = UNSET
    """ An on/off setting. Tencent uses these two words, not a boolean. """
    resolution: str | Unset = UNSET
    """ The resolution of the generated image. Possible values are:
    720P, 1080P, 2K, 4K, 1024x1024, 2048x2048, 2304x1728, 2496x1664, 2560x1440, 3024x1296, 4096x4096, 4694x3520,
    4992x3328, 5404x3040, 6198x2656. When using the Jimeng model, it is recommended to specify the image resolution
    and aspect ratio via Prompt.
    Example value: 1024x1024 """
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

        resolution = self.resolution

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
        if resolution is not UNSET:
            field_dict["resolution"] = resolution

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

        resolution = d.pop("resolution", UNSET)

        image_output_config = cls(
            storage_mode=storage_mode,
            aspect_ratio=aspect_ratio,
            person_generation=person_generation,
            input_compliance_check=input_compliance_check,
            output_compliance_check=output_compliance_check,
            resolution=resolution,
        )

        image_output_config.additional_properties = d
        return image_output_config

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
