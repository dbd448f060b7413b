from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.vertex_job import VertexJob


T = TypeVar("T", bound="ListHyperparameterTuningJobsResponse")


@_attrs_define
class ListHyperparameterTuningJobsResponse:
    """One page of hyperparameterTuningJobs.

    Attributes:
        hyperparameter_tuning_jobs (list[VertexJob] | Unset):
        next_page_token (str | Unset): Absent or empty on the last page.
    """

    hyperparameter_tuning_jobs: list[VertexJob] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hyperparameter_tuning_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.hyperparameter_tuning_jobs, Unset):
            hyperparameter_tuning_jobs = []
            for hyperparameter_tuning_jobs_item_data in self.hyperparameter_tuning_jobs:
                hyperparameter_tuning_jobs_item = hyperparameter_tuning_jobs_item_data.to_dict()
                hyperparameter_tuning_jobs.append(hyperparameter_tuning_jobs_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if hyperparameter_tuning_jobs is not UNSET:
            field_dict["hyperparameterTuningJobs"] = hyperparameter_tuning_jobs
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vertex_job import VertexJob  # noqa: PLC0415

        d = dict(src_dict)
        _hyperparameter_tuning_jobs = d.pop("hyperparameterTuningJobs", UNSET)
        hyperparameter_tuning_jobs: list[VertexJob] | Unset = UNSET
        if _hyperparameter_tuning_jobs is not UNSET:
            hyperparameter_tuning_jobs = []
            for hyperparameter_tuning_jobs_item_data in _hyperparameter_tuning_jobs:
                hyperparameter_tuning_jobs_item = VertexJob.from_dict(hyperparameter_tuning_jobs_item_data)

                hyperparameter_tuning_jobs.append(hyperparameter_tuning_jobs_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        list_hyperparameter_tuning_jobs_response = cls(
            hyperparameter_tuning_jobs=hyperparameter_tuning_jobs,
            next_page_token=next_page_token,
        )

        list_hyperparameter_tuning_jobs_response.additional_properties = d
        return list_hyperparameter_tuning_jobs_response

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
