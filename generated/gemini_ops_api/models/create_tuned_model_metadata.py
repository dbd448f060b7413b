from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tuning_snapshot import TuningSnapshot


T = TypeVar("T", bound="CreateTunedModelMetadata")


@_attrs_define
class CreateTunedModelMetadata:
    """Metadata of a tuning operation.

    Attributes:
        tuned_model (str | Unset):
        total_steps (int | Unset):
        completed_steps (int | Unset):
        completed_percent (float | Unset): 0 to 100.
        snapshots (list[TuningSnapshot] | Unset):
    """

    tuned_model: str | Unset = UNSET
    total_steps: int | Unset = UNSET
    completed_steps: int | Unset = UNSET
    completed_percent: float | Unset = UNSET
    snapshots: list[TuningSnapshot] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tuned_model = self.tuned_model

        total_steps = self.total_steps

        completed_steps = self.completed_steps

        completed_percent = self.completed_percent

        snapshots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.snapshots, Unset):
            snapshots = []
            for snapshots_item_data in self.snapshots:
                snapshots_item = snapshots_item_data.to_dict()
                snapshots.append(snapshots_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tuned_model is not UNSET:
            field_dict["tunedModel"] = tuned_model
        if total_steps is not UNSET:
            field_dict["totalSteps"] = total_steps
        if completed_steps is not UNSET:
            field_dict["completedSteps"] = completed_steps
        if completed_percent is not UNSET:
            field_dict["completedPercent"] = completed_percent
        if snapshots is not UNSET:
            field_dict["snapshots"] = snapshots

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuning_snapshot import TuningSnapshot  # noqa: PLC0415

        d = dict(src_dict)
        tuned_model = d.pop("tunedModel", UNSET)

        total_steps = d.pop("totalSteps", UNSET)

        completed_steps = d.pop("completedSteps", UNSET)

        completed_percent = d.pop("completedPercent", UNSET)

        _snapshots = d.pop("snapshots", UNSET)
        snapshots: list[TuningSnapshot] | Unset = UNSET
        if _snapshots is not UNSET:
            snapshots = []
            for snapshots_item_data in _snapshots:
                snapshots_item = TuningSnapshot.from_dict(snapshots_item_data)

                snapshots.append(snapshots_item)

        create_tuned_model_metadata = cls(
            tuned_model=tuned_model,
            total_steps=total_steps,
            completed_steps=completed_steps,
            completed_percent=completed_percent,
            snapshots=snapshots,
        )

        create_tuned_model_metadata.additional_properties = d
        return create_tuned_model_metadata

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
