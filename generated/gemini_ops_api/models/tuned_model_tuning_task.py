from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tuning_snapshot import TuningSnapshot


T = TypeVar("T", bound="TunedModelTuningTask")


@_attrs_define
class TunedModelTuningTask:
    """
    Attributes:
        start_time (str | Unset):
        complete_time (str | Unset):
        snapshots (list[TuningSnapshot] | Unset):
    """

    start_time: str | Unset = UNSET
    complete_time: str | Unset = UNSET
    snapshots: list[TuningSnapshot] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        complete_time = self.complete_time

        snapshots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.snapshots, Unset):
            snapshots = []
            for snapshots_item_data in self.snapshots:
                snapshots_item = snapshots_item_data.to_dict()
                snapshots.append(snapshots_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if start_time is not UNSET:
            field_dict["startTime"] = start_time
        if complete_time is not UNSET:
            field_dict["completeTime"] = complete_time
        if snapshots is not UNSET:
            field_dict["snapshots"] = snapshots

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuning_snapshot import TuningSnapshot  # noqa: PLC0415

        d = dict(src_dict)
        start_time = d.pop("startTime", UNSET)

        complete_time = d.pop("completeTime", UNSET)

        _snapshots = d.pop("snapshots", UNSET)
        snapshots: list[TuningSnapshot] | Unset = UNSET
        if _snapshots is not UNSET:
            snapshots = []
            for snapshots_item_data in _snapshots:
                snapshots_item = TuningSnapshot.from_dict(snapshots_item_data)

                snapshots.append(snapshots_item)

        tuned_model_tuning_task = cls(
            start_time=start_time,
            complete_time=complete_time,
            snapshots=snapshots,
        )

        tuned_model_tuning_task.additional_properties = d
        return tuned_model_tuning_task

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
