"""Job: the facade's view of a job resource, and the tables that decide when a job is over.

Vertex AI batch prediction, tuning, custom, hyperparameter tuning and pipeline jobs, and Gemini
API tuned models, are not ``google.longrunning`` operations: they carry a ``state``, are polled
with ``get`` (there is no ``:wait``) and are listed under a field of their own. A `Job` is an
`Operation` with the same status surface (``done``, ``succeeded``, ``failed``, ``cancelled``,
``progress``, ``error``, ``result()``), decided from ``state`` by the tables below, plus the
``state`` as Google sent it. Pure: it reads JSON already decoded and never does I/O.

Which states end a job is not written in Google's definitions; it is decided here from their
descriptions (docs/jobs.md says why for each):

* ``JobState`` (batch prediction, tuning, custom, hyperparameter tuning jobs): SUCCEEDED,
  PARTIALLY_SUCCEEDED, FAILED, CANCELLED, EXPIRED end a job. PAUSED can be resumed,
  CANCELLING and UPDATING move on, so they do not.
* ``PipelineState``: SUCCEEDED, FAILED, CANCELLED.
* Gemini API tuned models: ACTIVE (tuned, ready to use) and FAILED.

Any other value, a value Google adds later and a missing ``state`` count as still running.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from gemini_ops._core.errors import InvalidResponseError
from gemini_ops._core.names import Family, parse_name
from gemini_ops._core.operation import (
    Operation,
    OperationsPage,
    Status,
    finite_number,
    slot_setter,
)
from gemini_ops._core.rpc import RPC_CODES

__all__ = ["Job", "JobOutcome", "jobs_page", "outcome_of"]


class JobOutcome(enum.Enum):
    """What a job's ``state`` says about it: still running, or how it ended."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIALLY_SUCCEEDED = "partially succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


_S, _P, _F, _C, _E = (
    JobOutcome.SUCCEEDED,
    JobOutcome.PARTIALLY_SUCCEEDED,
    JobOutcome.FAILED,
    JobOutcome.CANCELLED,
    JobOutcome.EXPIRED,
)

#: The terminal values of each state enum and what they mean; every other value is running.
TERMINAL: Mapping[str, Mapping[str, JobOutcome]] = MappingProxyType(
    {
        "JobState": MappingProxyType(
            {
                "JOB_STATE_SUCCEEDED": _S,
                "JOB_STATE_PARTIALLY_SUCCEEDED": _P,
                "JOB_STATE_FAILED": _F,
                "JOB_STATE_CANCELLED": _C,
                "JOB_STATE_EXPIRED": _E,
            }
        ),
        "PipelineState": MappingProxyType(
            {
                "PIPELINE_STATE_SUCCEEDED": _S,
                "PIPELINE_STATE_FAILED": _F,
                "PIPELINE_STATE_CANCELLED": _C,
            }
        ),
        "TunedModelState": MappingProxyType({"ACTIVE": _S, "FAILED": _F}),
    }
)

#: The values of the Gemini API's TunedModel.State, as Google's API reference gives them (no
#: discovery document of the Gemini API is pinned). The JobState and PipelineState values are
#: those of gemini_ops/_discovery/vertex_jobs.json (``vertex_routes.JobCollection.states``).
TUNED_MODEL_STATES = ("STATE_UNSPECIFIED", "CREATING", "ACTIVE", "FAILED")

# The state enum of each job family.
_ENUM: Mapping[Family, str] = MappingProxyType(
    {
        Family.TUNED_MODEL_JOB: "TunedModelState",
        Family.VERTEX_BATCH_PREDICTION_JOB: "JobState",
        Family.VERTEX_TUNING_JOB: "JobState",
        Family.VERTEX_CUSTOM_JOB: "JobState",
        Family.VERTEX_HYPERPARAMETER_TUNING_JOB: "JobState",
        Family.VERTEX_PIPELINE_JOB: "PipelineState",
    }
)

# The google.rpc code a job that ended badly gets when Google sent no ``error`` with it.
_CODE_FOR = {
    JobOutcome.FAILED: RPC_CODES["UNKNOWN"],
    JobOutcome.CANCELLED: RPC_CODES["CANCELLED"],
    JobOutcome.EXPIRED: RPC_CODES["DEADLINE_EXCEEDED"],
}


def state_enum(family: Family) -> str:
    """The name of the state enum of a job ``family`` (``JobState``, ``PipelineState``, ...)."""
    return _ENUM[family]


def outcome_of(family: Family, state: str | None) -> JobOutcome:
    """What ``state`` means for a job of ``family``: RUNNING unless it is a terminal value."""
    if state is None:
        return JobOutcome.RUNNING
    return TERMINAL[_ENUM[family]].get(state, JobOutcome.RUNNING)


def _invalid(problem: str) -> InvalidResponseError:
    return InvalidResponseError(f"invalid job: {problem}", http_status=200)


def _percent(done: float | None, total: float | None) -> float | None:
    if done is None or total is None or done < 0 or total <= 0:
        return None
    return min(100.0, 100.0 * done / total)


def _field(raw: Mapping[str, Any], *path: str) -> object:
    value: object = raw
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _completion(raw: Mapping[str, Any]) -> float | None:
    """(successful + failed) / all, from a ``completionStats``; None while the total is unknown."""
    stats = raw.get("completionStats")
    if not isinstance(stats, Mapping):
        return None
    counts = [finite_number(stats.get(key)) for key in ("successfulCount", "failedCount")]
    incomplete = finite_number(stats.get("incompleteCount"))
    finished = sum(c for c in counts if c is not None)
    if incomplete is None or incomplete < 0:
        return None  # -1: Google does not know the total yet
    return _percent(finished, finished + incomplete)


# The states of a hyperparameter tuning job's Trial that mean it is over.
_TRIALS_OVER = frozenset({"SUCCEEDED", "INFEASIBLE"})


def _trials(raw: Mapping[str, Any]) -> float | None:
    """Trials over (SUCCEEDED, INFEASIBLE) against ``maxTrialCount``."""
    trials = raw.get("trials")
    if not isinstance(trials, list):
        trials = []
    states = [t.get("state") for t in trials if isinstance(t, Mapping)]
    over = sum(1 for state in states if isinstance(state, str) and state in _TRIALS_OVER)
    return _percent(float(over), finite_number(raw.get("maxTrialCount")))


def _epochs(raw: Mapping[str, Any]) -> float | None:
    """``tuningJobMetadata.completedEpochCount`` against the epochs asked for (v1beta1)."""
    return _percent(
        finite_number(_field(raw, "tuningJobMetadata", "completedEpochCount")),
        finite_number(_field(raw, "supervisedTuningSpec", "hyperParameters", "epochCount")),
    )


# What each kind of job reports of its progress, besides ``completionStats``.
_PROGRESS = {
    Family.VERTEX_HYPERPARAMETER_TUNING_JOB: _trials,
    Family.VERTEX_TUNING_JOB: _epochs,
}


class Job(Operation):
    """A job resource as the server last described it: an `Operation` decided by ``state``.

    ``state`` is the value Google sent (``JOB_STATE_RUNNING``, ``PIPELINE_STATE_FAILED``,
    ``ACTIVE``, ...; None when absent); ``family`` says which kind of job it is. ``done`` is
    true once the state is terminal (see docs/jobs.md). A job that ended in
    ``JOB_STATE_PARTIALLY_SUCCEEDED`` has ``succeeded`` and ``partial`` true: its output
    exists but some of it may be missing. A failed, cancelled or expired job has an ``error``:
    the one Google sent, else a Status made from the state (code 2 UNKNOWN for FAILED, 1
    CANCELLED, 4 DEADLINE_EXCEEDED for EXPIRED). ``result()`` gives the whole job resource of
    a job that succeeded and raises what `Operation.result` raises otherwise. ``metadata`` is
    None; ``to_dict()`` gives back the job as received.
    """

    __slots__ = ("family", "outcome", "state")

    family: Family
    outcome: JobOutcome
    state: str | None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Job.from_dict, (dict(self._raw), self.family))

    def __repr__(self) -> str:
        return (
            f"Job(name={self.name!r}, state={self.state!r}, done={self.done!r}, "
            f"progress={self.progress!r}, error={self.error!r})"
        )

    @classmethod
    def from_dict(cls, data: object, family: Family | None = None) -> Job:
        """Read a job from its JSON form; ``family`` defaults to the one its name parses to.

        Raises InvalidResponseError when the object cannot be a job (no name, a name that is
        no job's, a non-string ``state``, a malformed ``error``).
        """
        if not isinstance(data, Mapping):
            raise _invalid(f"expected a JSON object, got {type(data).__name__}")
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise _invalid("missing or non-string 'name'")
        if family is None:
            family = _family_of(name)
        elif not family.is_job:
            raise ValueError(f"{family} is not a job family")
        state = data.get("state")
        if state is not None and not isinstance(state, str):
            raise _invalid(f"'state' must be a string, got {type(state).__name__}")
        outcome = outcome_of(family, state)
        raw_error = data.get("error")
        error = None
        if outcome in _CODE_FOR:
            error = Status.from_dict(raw_error) if raw_error is not None else None
            if error is None or error.code == 0:
                error = Status(code=_CODE_FOR[outcome], message=f"the job ended in {state}")
        elif raw_error is not None:
            Status.from_dict(raw_error)  # checked, kept in to_dict(); not an outcome
        job: Job = object.__new__(cls)
        done = outcome is not JobOutcome.RUNNING
        for setter, value in (
            (_set_name, name),
            (_set_done, done),
            (_set_metadata, None),
            (_set_response, data if done and error is None else None),
            (_set_error, error),
            (_set_raw, data),
            (_set_family, family),
            (_set_outcome, outcome),
            (_set_state, state),
        ):
            setter(job, value)
        return job

    @property
    def partial(self) -> bool:
        """True for a job that ended in ``JOB_STATE_PARTIALLY_SUCCEEDED`` (some output missing)."""
        return self.outcome is JobOutcome.PARTIALLY_SUCCEEDED

    @property
    def cancelled(self) -> bool:
        """True when the job's state is the cancelled one (``JOB_STATE_CANCELLED``, ...)."""
        return self.outcome is JobOutcome.CANCELLED

    @property
    def progress(self) -> float | None:
        """Percent complete, 0-100: 100 when done, else what the job reports, else None.

        Batch prediction jobs: ``completionStats`` (successful + failed entities over all of
        them). Hyperparameter tuning jobs: trials over against ``maxTrialCount``. Tuning jobs
        (v1beta1): ``tuningJobMetadata.completedEpochCount`` against the ``epochCount`` asked
        for. Other jobs and Gemini API tuned models report no total: None.
        """
        if self.done:
            return 100.0
        progress = _completion(self._raw)
        other = _PROGRESS.get(self.family)
        if progress is None and other is not None:
            progress = other(self._raw)
        return progress

    def tuned_model_name(self) -> str | None:
        """The tuned model this job makes, or None.

        A Gemini tuned model's own name; a Vertex AI tuning job's ``tunedModel.model`` once
        Google has set it; None for other jobs.
        """
        if self.family is Family.TUNED_MODEL_JOB:
            return self.name
        tuned = self._raw.get("tunedModel")
        if self.family is Family.VERTEX_TUNING_JOB and isinstance(tuned, Mapping):
            model = tuned.get("model")
            return model if isinstance(model, str) and model else None
        return None


def _family_of(name: str) -> Family:
    try:
        family = parse_name(name).family
    except ValueError:
        family = None
    if family is None or not family.is_job:
        raise _invalid(f"{name[:200]!r} is not the name of a job")
    return family


_set_name = slot_setter("name")
_set_done = slot_setter("done")
_set_metadata = slot_setter("metadata")
_set_response = slot_setter("response")
_set_error = slot_setter("error")
_set_raw = slot_setter("_raw")
_set_family: Any = vars(Job)["family"].__set__
_set_outcome: Any = vars(Job)["outcome"].__set__
_set_state: Any = vars(Job)["state"].__set__


def jobs_page(data: object, family: Family, list_field: str) -> OperationsPage:
    """Read one page of a list of ``family`` jobs: those under ``list_field``, the next token.

    Raises InvalidResponseError when the answer is malformed.
    """
    if not isinstance(data, Mapping):
        raise _invalid(f"expected a list response object, got {type(data).__name__}")
    raw_jobs = data.get(list_field) or []
    if not isinstance(raw_jobs, list):
        raise _invalid(f"'{list_field}' must be a list")
    token = data.get("nextPageToken") or None
    if token is not None and not isinstance(token, str):
        raise _invalid("'nextPageToken' must be a string")
    return OperationsPage(
        operations=tuple(Job.from_dict(job, family) for job in raw_jobs),
        next_page_token=token,
    )
