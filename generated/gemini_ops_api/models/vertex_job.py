from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.status import Status
    from ..models.vertex_job_completion_stats import VertexJobCompletionStats


T = TypeVar("T", bound="VertexJob")


@_attrs_define
class VertexJob:
    """A Vertex AI job resource (BatchPredictionJob, TuningJob, CustomJob, HyperparameterTuningJob, PipelineJob): the
    fields common to all; each kind has more, which are kept.

        Attributes:
            name (str): The full job name, e.g. `projects/{p}/locations/{l}/batchPredictionJobs/{id}`.
            state (str | Unset): `JOB_STATE_*` or `PIPELINE_STATE_*` (see docs/vertex-routes.md).
            error (Status | Unset): A google.rpc.Status, as found in `Operation.error` and in `partialFailures`.
            completion_stats (VertexJobCompletionStats | Unset): Batch prediction jobs only: entities processed so far.
    """

    name: str
    state: str | Unset = UNSET
    error: Status | Unset = UNSET
    completion_stats: VertexJobCompletionStats | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        state = self.state

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        completion_stats: dict[str, Any] | Unset = UNSET
        if not isinstance(self.completion_stats, Unset):
            completion_stats = self.completion_stats.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if state is not UNSET:
            field_dict["state"] = state
        if error is not UNSET:
            field_dict["error"] = error
        if completion_stats is not UNSET:
            field_dict["completionStats"] = completion_stats

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.status import Status  # noqa: PLC0415
        from ..models.vertex_job_completion_stats import VertexJobCompletionStats  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        state = d.pop("state", UNSET)

        _error = d.pop("error", UNSET)
        error: Status | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = Status.from_dict(_error)

        _completion_stats = d.pop("completionStats", UNSET)
        completion_stats: VertexJobCompletionStats | Unset
        if isinstance(_completion_stats, Unset):
            completion_stats = UNSET
        else:
            completion_stats = VertexJobCompletionStats.from_dict(_completion_stats)

        vertex_job = cls(
            name=name,
            state=state,
            error=error,
            completion_stats=completion_stats,
        )

        vertex_job.additional_properties = d
        return vertex_job

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
