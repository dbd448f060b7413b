from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.vertex_job import VertexJob


T = TypeVar("T", bound="ListCustomJobsResponse")


@_attrs_define
class ListCustomJobsResponse:
    """One page of customJobs.

    Attributes:
        custom_jobs (list[VertexJob] | Unset):
        next_page_token (str | Unset): Absent or empty on the last page.
    """

    custom_jobs: list[VertexJob] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        custom_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.custom_jobs, Unset):
            custom_jobs = []
            for custom_jobs_item_data in self.custom_jobs:
                custom_jobs_item = custom_jobs_item_data.to_dict()
                custom_jobs.append(custom_jobs_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if custom_jobs is not UNSET:
            field_dict["customJobs"] = custom_jobs
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vertex_job import VertexJob  # noqa: PLC0415

        d = dict(src_dict)
        _custom_jobs = d.pop("customJobs", UNSET)
        custom_jobs: list[VertexJob] | Unset = UNSET
        if _custom_jobs is not UNSET:
            custom_jobs = []
            for custom_jobs_item_data in _custom_jobs:
                custom_jobs_item = VertexJob.from_dict(custom_jobs_item_data)

                custom_jobs.append(custom_jobs_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        list_custom_jobs_response = cls(
            custom_jobs=custom_jobs,
            next_page_token=next_page_token,
        )

        list_custom_jobs_response.additional_properties = d
        return list_custom_jobs_response

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
