from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.vertex_job import VertexJob


T = TypeVar("T", bound="ListBatchPredictionJobsResponse")


@_attrs_define
class ListBatchPredictionJobsResponse:
    """One page of batchPredictionJobs.

    Attributes:
        batch_prediction_jobs (list[VertexJob] | Unset):
        next_page_token (str | Unset): Absent or empty on the last page.
    """

    batch_prediction_jobs: list[VertexJob] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        batch_prediction_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.batch_prediction_jobs, Unset):
            batch_prediction_jobs = []
            for batch_prediction_jobs_item_data in self.batch_prediction_jobs:
                batch_prediction_jobs_item = batch_prediction_jobs_item_data.to_dict()
                batch_prediction_jobs.append(batch_prediction_jobs_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if batch_prediction_jobs is not UNSET:
            field_dict["batchPredictionJobs"] = batch_prediction_jobs
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vertex_job import VertexJob  # noqa: PLC0415

        d = dict(src_dict)
        _batch_prediction_jobs = d.pop("batchPredictionJobs", UNSET)
        batch_prediction_jobs: list[VertexJob] | Unset = UNSET
        if _batch_prediction_jobs is not UNSET:
            batch_prediction_jobs = []
            for batch_prediction_jobs_item_data in _batch_prediction_jobs:
                batch_prediction_jobs_item = VertexJob.from_dict(batch_prediction_jobs_item_data)

                batch_prediction_jobs.append(batch_prediction_jobs_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        list_batch_prediction_jobs_response = cls(
            batch_prediction_jobs=batch_prediction_jobs,
            next_page_token=next_page_token,
        )

        list_batch_prediction_jobs_response.additional_properties = d
        return list_batch_prediction_jobs_response

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
