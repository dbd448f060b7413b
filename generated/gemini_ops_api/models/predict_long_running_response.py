from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.predict_long_running_generated_video_response import PredictLongRunningGeneratedVideoResponse


T = TypeVar("T", bound="PredictLongRunningResponse")


@_attrs_define
class PredictLongRunningResponse:
    """The response of a Veo operation on the Gemini API.

    Attributes:
        generate_video_response (PredictLongRunningGeneratedVideoResponse | Unset): Generated videos and safety
            filtering.
    """

    generate_video_response: PredictLongRunningGeneratedVideoResponse | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generate_video_response: dict[str, Any] | Unset = UNSET
        if not isinstance(self.generate_video_response, Unset):
            generate_video_response = self.generate_video_response.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if generate_video_response is not UNSET:
            field_dict["generateVideoResponse"] = generate_video_response

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.predict_long_running_generated_video_response import PredictLongRunningGeneratedVideoResponse  # noqa: PLC0415

        d = dict(src_dict)
        _generate_video_response = d.pop("generateVideoResponse", UNSET)
        generate_video_response: PredictLongRunningGeneratedVideoResponse | Unset
        if isinstance(_generate_video_response, Unset):
            generate_video_response = UNSET
        else:
            generate_video_response = PredictLongRunningGeneratedVideoResponse.from_dict(_generate_video_response)

        predict_long_running_response = cls(
            generate_video_response=generate_video_response,
        )

        predict_long_running_response.additional_properties = d
        return predict_long_running_response

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
