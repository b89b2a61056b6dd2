from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aigc_task_input_file_info import AigcTaskInputFileInfo
    from ..models.aigc_task_input_output_config import AigcTaskInputOutputConfig


T = TypeVar("T", bound="AigcImageTaskInput")


@_attrs_define
class AigcImageTaskInput:
    """The request, echoed back in Tencent's PascalCase."""

    model_name: None | str | Unset = UNSET
    model_version: None | str | Unset = UNSET
    prompt: None | str | Unset = UNSET
    negative_prompt: None | str | Unset = UNSET
    enhance_prompt: None | str | Unset = UNSET
    file_infos: list[AigcTaskInputFileInfo] | None | Unset = UNSET
    output_config: AigcTaskInputOutputConfig | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.aigc_task_input_output_config import AigcTaskInputOutputConfig  # noqa: PLC0415

        model_name: None | str | Unset
        if isinstance(self.model_name, Unset):
            model_name = UNSET
        else:
            model_name = self.model_name

        model_version: None | str | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        prompt: None | str | Unset
        if isinstance(self.prompt, Unset):
            prompt = UNSET
        else:
            prompt = self.prompt

        negative_prompt: None | str | Unset
        if isinstance(self.negative_prompt, Unset):
            negative_prompt = UNSET
        else:
            negative_prompt = self.negative_prompt

        enhance_prompt: None | str | Unset
        if isinstance(self.enhance_prompt, Unset):
            enhance_prompt = UNSET
        else:
            enhance_prompt = self.enhance_prompt

        file_infos: list[dict[str, Any]] | None | Unset
        if isinstance(self.file_infos, Unset):
            file_infos = UNSET
        elif isinstance(self.file_infos, list):
            file_infos = []
            for file_infos_type_0_item_data in self.file_infos:
                file_infos_type_0_item = file_infos_type_0_item_data.to_dict()
                file_infos.append(file_infos_type_0_item)

        else:
            file_infos = self.file_infos

        output_config: dict[str, Any] | None | Unset
        if isinstance(self.output_config, Unset):
            output_config = UNSET
        elif isinstance(self.output_config, AigcTaskInputOutputConfig):
            output_config = self.output_config.to_dict()
        else:
            output_config = self.output_config

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if model_name is not UNSET:
            field_dict["ModelName"] = model_name
        if model_version is not UNSET:
            field_dict["ModelVersion"] = model_version
        if prompt is not UNSET:
            field_dict["Prompt"] = prompt
        if negative_prompt is not UNSET:
            field_dict["NegativePrompt"] = negative_prompt
        if enhance_prompt is not UNSET:
            field_dict["EnhancePrompt"] = enhance_prompt
        if file_infos is not UNSET:
            field_dict["FileInfos"] = file_infos
        if output_config is not UNSET:
            field_dict["OutputConfig"] = output_config

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aigc_task_input_file_info import AigcTaskInputFileInfo  # noqa: PLC0415
        from ..models.aigc_task_input_output_config import AigcTaskInputOutputConfig  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_model_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model_name = _parse_model_name(d.pop("ModelName", UNSET))

        def _parse_model_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model_version = _parse_model_version(d.pop("ModelVersion", UNSET))

        def _parse_prompt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prompt = _parse_prompt(d.pop("Prompt", UNSET))

        def _parse_negative_prompt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        negative_prompt = _parse_negative_prompt(d.pop("NegativePrompt", UNSET))

        def _parse_enhance_prompt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enhance_prompt = _parse_enhance_prompt(d.pop("EnhancePrompt", UNSET))

        def _parse_file_infos(data: object) -> list[AigcTaskInputFileInfo] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                file_infos_type_0 = []
                _file_infos_type_0 = data
                for file_infos_type_0_item_data in _file_infos_type_0:
                    file_infos_type_0_item = AigcTaskInputFileInfo.from_dict(
                        file_infos_type_0_item_data
                    )

                    file_infos_type_0.append(file_infos_type_0_item)

                return file_infos_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AigcTaskInputFileInfo] | None | Unset, data)

        file_infos = _parse_file_infos(d.pop("FileInfos", UNSET))

        def _parse_output_config(data: object) -> AigcTaskInputOutputConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_config_type_0 = AigcTaskInputOutputConfig.from_dict(data)

                return output_config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AigcTaskInputOutputConfig | None | Unset, data)

        output_config = _parse_output_config(d.pop("OutputConfig", UNSET))

        aigc_image_task_input = cls(
            model_name=model_name,
            model_version=model_version,
            prompt=prompt,
            negative_prompt=negative_prompt,
            enhance_prompt=enhance_prompt,
            file_infos=file_infos,
            output_config=output_config,
        )

        aigc_image_task_input.additional_properties = d
        return aigc_image_task_input

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
