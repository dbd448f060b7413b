from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TuningSnapshot")


@_attrs_define
class TuningSnapshot:
    """One step of a tuning run.

    Attributes:
        step (int | Unset):
        epoch (int | Unset):
        mean_loss (float | Unset):
        compute_time (str | Unset): RFC 3339 timestamp.
    """

    step: int | Unset = UNSET
    epoch: int | Unset = UNSET
    mean_loss: float | Unset = UNSET
    compute_time: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        step = self.step

        epoch = self.epoch

        mean_loss = self.mean_loss

        compute_time = self.compute_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if step is not UNSET:
            field_dict["step"] = step
        if epoch is not UNSET:
            field_dict["epoch"] = epoch
        if mean_loss is not UNSET:
            field_dict["meanLoss"] = mean_loss
        if compute_time is not UNSET:
            field_dict["computeTime"] = compute_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        step = d.pop("step", UNSET)

        epoch = d.pop("epoch", UNSET)

        mean_loss = d.pop("meanLoss", UNSET)

        compute_time = d.pop("computeTime", UNSET)

        tuning_snapshot = cls(
            step=step,
            epoch=epoch,
            mean_loss=mean_loss,
            compute_time=compute_time,
        )

        tuning_snapshot.additional_properties = d
        return tuning_snapshot

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
