from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tuned_model_tuning_task import TunedModelTuningTask


T = TypeVar("T", bound="TunedModel")


@_attrs_define
class TunedModel:
    """A tuned model, as the response of a tuning operation and as tunedModels.get answers.

    Attributes:
        name (str | Unset):
        display_name (str | Unset):
        description (str | Unset):
        base_model (str | Unset):
        state (str | Unset): STATE_UNSPECIFIED, CREATING, ACTIVE or FAILED.
        create_time (str | Unset): RFC 3339 timestamp.
        update_time (str | Unset): RFC 3339 timestamp.
        temperature (float | Unset):
        top_p (float | Unset):
        top_k (int | Unset):
        tuning_task (TunedModelTuningTask | Unset):
    """

    name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    description: str | Unset = UNSET
    base_model: str | Unset = UNSET
    state: str | Unset = UNSET
    create_time: str | Unset = UNSET
    update_time: str | Unset = UNSET
    temperature: float | Unset = UNSET
    top_p: float | Unset = UNSET
    top_k: int | Unset = UNSET
    tuning_task: TunedModelTuningTask | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        display_name = self.display_name

        description = self.description

        base_model = self.base_model

        state = self.state

        create_time = self.create_time

        update_time = self.update_time

        temperature = self.temperature

        top_p = self.top_p

        top_k = self.top_k

        tuning_task: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tuning_task, Unset):
            tuning_task = self.tuning_task.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if description is not UNSET:
            field_dict["description"] = description
        if base_model is not UNSET:
            field_dict["baseModel"] = base_model
        if state is not UNSET:
            field_dict["state"] = state
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if temperature is not UNSET:
            field_dict["temperature"] = temperature
        if top_p is not UNSET:
            field_dict["topP"] = top_p
        if top_k is not UNSET:
            field_dict["topK"] = top_k
        if tuning_task is not UNSET:
            field_dict["tuningTask"] = tuning_task

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuned_model_tuning_task import TunedModelTuningTask  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        display_name = d.pop("displayName", UNSET)

        description = d.pop("description", UNSET)

        base_model = d.pop("baseModel", UNSET)

        state = d.pop("state", UNSET)

        create_time = d.pop("createTime", UNSET)

        update_time = d.pop("updateTime", UNSET)

        temperature = d.pop("temperature", UNSET)

        top_p = d.pop("topP", UNSET)

        top_k = d.pop("topK", UNSET)

        _tuning_task = d.pop("tuningTask", UNSET)
        tuning_task: TunedModelTuningTask | Unset
        if isinstance(_tuning_task, Unset):
            tuning_task = UNSET
        else:
            tuning_task = TunedModelTuningTask.from_dict(_tuning_task)

        tuned_model = cls(
            name=name,
            display_name=display_name,
            description=description,
            base_model=base_model,
            state=state,
            create_time=create_time,
            update_time=update_time,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            tuning_task=tuning_task,
        )

        tuned_model.additional_properties = d
        return tuned_model

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
