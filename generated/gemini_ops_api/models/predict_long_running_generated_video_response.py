from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.generated_media import GeneratedMedia


T = TypeVar("T", bound="PredictLongRunningGeneratedVideoResponse")


@_attrs_define
class PredictLongRunningGeneratedVideoResponse:
    """Generated videos and safety filtering.

    Attributes:
        generated_samples (list[GeneratedMedia] | Unset):
        rai_media_filtered_count (int | Unset):
        rai_media_filtered_reasons (list[str] | Unset):
    """

    generated_samples: list[GeneratedMedia] | Unset = UNSET
    rai_media_filtered_count: int | Unset = UNSET
    rai_media_filtered_reasons: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generated_samples: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.generated_samples, Unset):
            generated_samples = []
            for generated_samples_item_data in self.generated_samples:
                generated_samples_item = generated_samples_item_data.to_dict()
                generated_samples.append(generated_samples_item)

        rai_media_filtered_count = self.rai_media_filtered_count

        rai_media_filtered_reasons: list[str] | Unset = UNSET
        if not isinstance(self.rai_media_filtered_reasons, Unset):
            rai_media_filtered_reasons = self.rai_media_filtered_reasons

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if generated_samples is not UNSET:
            field_dict["generatedSamples"] = generated_samples
        if rai_media_filtered_count is not UNSET:
            field_dict["raiMediaFilteredCount"] = rai_media_filtered_count
        if rai_media_filtered_reasons is not UNSET:
            field_dict["raiMediaFilteredReasons"] = rai_media_filtered_reasons

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.generated_media import GeneratedMedia  # noqa: PLC0415

        d = dict(src_dict)
        _generated_samples = d.pop("generatedSamples", UNSET)
        generated_samples: list[GeneratedMedia] | Unset = UNSET
        if _generated_samples is not UNSET:
            generated_samples = []
            for generated_samples_item_data in _generated_samples:
                generated_samples_item = GeneratedMedia.from_dict(generated_samples_item_data)

                generated_samples.append(generated_samples_item)

        rai_media_filtered_count = d.pop("raiMediaFilteredCount", UNSET)

        rai_media_filtered_reasons = cast(list[str], d.pop("raiMediaFilteredReasons", UNSET))

        predict_long_running_generated_video_response = cls(
            generated_samples=generated_samples,
            rai_media_filtered_count=rai_media_filtered_count,
            rai_media_filtered_reasons=rai_media_filtered_reasons,
        )

        predict_long_running_generated_video_response.additional_properties = d
        return predict_long_running_generated_video_response

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
