from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VertexJobCompletionStats")


@_attrs_define
class VertexJobCompletionStats:
    """Batch prediction jobs only: entities processed so far.

    Attributes:
        successful_count (str | Unset):
        failed_count (str | Unset):
        incomplete_count (str | Unset):
    """

    successful_count: str | Unset = UNSET
    failed_count: str | Unset = UNSET
    incomplete_count: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        successful_count = self.successful_count

        failed_count = self.failed_count

        incomplete_count = self.incomplete_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if successful_count is not UNSET:
            field_dict["successfulCount"] = successful_count
        if failed_count is not UNSET:
            field_dict["failedCount"] = failed_count
        if incomplete_count is not UNSET:
            field_dict["incompleteCount"] = incomplete_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        successful_count = d.pop("successfulCount", UNSET)

        failed_count = d.pop("failedCount", UNSET)

        incomplete_count = d.pop("incompleteCount", UNSET)

        vertex_job_completion_stats = cls(
            successful_count=successful_count,
            failed_count=failed_count,
            incomplete_count=incomplete_count,
        )

        vertex_job_completion_stats.additional_properties = d
        return vertex_job_completion_stats

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
