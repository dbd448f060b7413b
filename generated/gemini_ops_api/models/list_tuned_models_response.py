from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tuned_model import TunedModel


T = TypeVar("T", bound="ListTunedModelsResponse")


@_attrs_define
class ListTunedModelsResponse:
    """One page of tuned models.

    Attributes:
        tuned_models (list[TunedModel] | Unset):
        next_page_token (str | Unset): Absent or empty on the last page.
    """

    tuned_models: list[TunedModel] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tuned_models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tuned_models, Unset):
            tuned_models = []
            for tuned_models_item_data in self.tuned_models:
                tuned_models_item = tuned_models_item_data.to_dict()
                tuned_models.append(tuned_models_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tuned_models is not UNSET:
            field_dict["tunedModels"] = tuned_models
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuned_model import TunedModel  # noqa: PLC0415

        d = dict(src_dict)
        _tuned_models = d.pop("tunedModels", UNSET)
        tuned_models: list[TunedModel] | Unset = UNSET
        if _tuned_models is not UNSET:
            tuned_models = []
            for tuned_models_item_data in _tuned_models:
                tuned_models_item = TunedModel.from_dict(tuned_models_item_data)

                tuned_models.append(tuned_models_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        list_tuned_models_response = cls(
            tuned_models=tuned_models,
            next_page_token=next_page_token,
        )

        list_tuned_models_response.additional_properties = d
        return list_tuned_models_response

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
