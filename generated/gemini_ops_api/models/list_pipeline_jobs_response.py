from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.vertex_job import VertexJob


T = TypeVar("T", bound="ListPipelineJobsResponse")


@_attrs_define
class ListPipelineJobsResponse:
    """One page of pipelineJobs.

    Attributes:
        pipeline_jobs (list[VertexJob] | Unset):
        next_page_token (str | Unset): Absent or empty on the last page.
    """

    pipeline_jobs: list[VertexJob] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pipeline_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pipeline_jobs, Unset):
            pipeline_jobs = []
            for pipeline_jobs_item_data in self.pipeline_jobs:
                pipeline_jobs_item = pipeline_jobs_item_data.to_dict()
                pipeline_jobs.append(pipeline_jobs_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pipeline_jobs is not UNSET:
            field_dict["pipelineJobs"] = pipeline_jobs
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vertex_job import VertexJob  # noqa: PLC0415

        d = dict(src_dict)
        _pipeline_jobs = d.pop("pipelineJobs", UNSET)
        pipeline_jobs: list[VertexJob] | Unset = UNSET
        if _pipeline_jobs is not UNSET:
            pipeline_jobs = []
            for pipeline_jobs_item_data in _pipeline_jobs:
                pipeline_jobs_item = VertexJob.from_dict(pipeline_jobs_item_data)

                pipeline_jobs.append(pipeline_jobs_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        list_pipeline_jobs_response = cls(
            pipeline_jobs=pipeline_jobs,
            next_page_token=next_page_token,
        )

        list_pipeline_jobs_response.additional_properties = d
        return list_pipeline_jobs_response

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
