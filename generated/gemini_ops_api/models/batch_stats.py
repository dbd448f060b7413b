from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchStats")


@_attrs_define
class BatchStats:
    """Request counters of a batch, int64 values as strings.

    Attributes:
        request_count (str | Unset):
        successful_request_count (str | Unset):
        failed_request_count (str | Unset):
        pending_request_count (str | Unset):
    """

    request_count: str | Unset = UNSET
    successful_request_count: str | Unset = UNSET
    failed_request_count: str | Unset = UNSET
    pending_request_count: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_count = self.request_count

        successful_request_count = self.successful_request_count

        failed_request_count = self.failed_request_count

        pending_request_count = self.pending_request_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if request_count is not UNSET:
            field_dict["requestCount"] = request_count
        if successful_request_count is not UNSET:
            field_dict["successfulRequestCount"] = successful_request_count
        if failed_request_count is not UNSET:
            field_dict["failedRequestCount"] = failed_request_count
        if pending_request_count is not UNSET:
            field_dict["pendingRequestCount"] = pending_request_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_count = d.pop("requestCount", UNSET)

        successful_request_count = d.pop("successfulRequestCount", UNSET)

        failed_request_count = d.pop("failedRequestCount", UNSET)

        pending_request_count = d.pop("pendingRequestCount", UNSET)

        batch_stats = cls(
            request_count=request_count,
            successful_request_count=successful_request_count,
            failed_request_count=failed_request_count,
            pending_request_count=pending_request_count,
        )

        batch_stats.additional_properties = d
        return batch_stats

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
