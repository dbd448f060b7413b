"""Job: the state tables, the status surface each state gives, progress, errors and pages."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_ops import (
    InvalidNameError,
    InvalidResponseError,
    Job,
    JobOutcome,
    NotFoundError,
    Operation,
    OperationFailedError,
    OperationNotDoneError,
    RequestCancelledError,
    Status,
)
from gemini_ops._core import vertex_routes
from gemini_ops._core.jobs import (
    TERMINAL,
    TUNED_MODEL_STATES,
    jobs_page,
    outcome_of,
    state_enum,
)
from gemini_ops._core.names import Family, ParentFamily, parse_name, parse_parent


def concrete(pattern: str) -> str:
    """A discovery pattern with real values: a region for the location, ``x`` elsewhere."""
    return pattern.replace("locations/*", "locations/us-central1").replace("*", "x")


BATCH = "projects/p/locations/us-central1/batchPredictionJobs/7"
PIPELINE = "projects/p/locations/us-central1/pipelineJobs/7"
TUNING = "projects/p/locations/us-central1/tuningJobs/7"
TUNED = "tunedModels/m1"
JOB_FAMILIES = {family for family in Family if family.is_job}


# ---------------------------------------------------------------------- the tables


def test_every_vertex_collection_of_the_documents_has_a_job_family() -> None:
    parents = {
        parse_parent(concrete(pattern)).family for pattern in vertex_routes.job_collections()
    }
    vertex_jobs = {p for p in ParentFamily if p.is_job and p.backend == "vertex_ai"}
    assert parents == vertex_jobs
    assert {p.job_family for p in ParentFamily if p.is_job} == JOB_FAMILIES
    assert len(vertex_routes.job_collections()) == 5


def test_the_state_tables_name_only_values_google_defines() -> None:
    enums: dict[str, set[str]] = {"TunedModelState": set(TUNED_MODEL_STATES)}
    for pattern in vertex_routes.job_collections():
        family = parse_name(concrete(pattern) + "/j").family
        for collection in vertex_routes.job_collection(pattern).values():
            enums.setdefault(state_enum(family), set(collection.states))
            # every version of every collection of an enum has the same values
            assert set(collection.states) == enums[state_enum(family)]
    assert set(enums) == set(TERMINAL)
    for enum_name, terminal in TERMINAL.items():
        assert set(terminal) < enums[enum_name], enum_name


@pytest.mark.parametrize(
    ("parent", "family"),
    [
        ("tunedModels", ParentFamily.TUNED_MODELS),
        (
            "projects/p/locations/us-central1/batchPredictionJobs",
            ParentFamily.VERTEX_BATCH_PREDICTION_JOB,
        ),
        ("projects/p/locations/us-central1/tuningJobs", ParentFamily.VERTEX_TUNING_JOB),
        # A tuning job is also the parent of its own operations.
        ("projects/p/locations/us-central1/tuningJobs/t", ParentFamily.VERTEX_RESOURCE),
        ("tunedModels/m", ParentFamily.TUNED_MODEL),
    ],
)
def test_job_collections_parse(parent: str, family: ParentFamily) -> None:
    parsed = parse_parent(parent)
    assert parsed.family is family
    assert parsed.family.is_job is (family.job_family is not None)


@pytest.mark.parametrize(
    "parent",
    [
        # A trailing /operations belongs to an operations parent, never to a job collection.
        "projects/p/locations/us-central1/batchPredictionJobs/operations",
        "projects/p/locations/us-central1/customJobs/x/y",
        "projects/p/locations/us-central1/BatchPredictionJobs",
    ],
)
def test_what_is_no_job_collection(parent: str) -> None:
    with pytest.raises(InvalidNameError):
        parse_parent(parent)


@pytest.mark.parametrize(
    ("name", "state", "outcome"),
    [
        (BATCH, "JOB_STATE_SUCCEEDED", JobOutcome.SUCCEEDED),
        (BATCH, "JOB_STATE_PARTIALLY_SUCCEEDED", JobOutcome.PARTIALLY_SUCCEEDED),
        (BATCH, "JOB_STATE_FAILED", JobOutcome.FAILED),
        (BATCH, "JOB_STATE_CANCELLED", JobOutcome.CANCELLED),
        (BATCH, "JOB_STATE_EXPIRED", JobOutcome.EXPIRED),
        (TUNING, "JOB_STATE_PAUSED", JobOutcome.RUNNING),
        (TUNING, "JOB_STATE_CANCELLING", JobOutcome.RUNNING),
        (TUNING, "JOB_STATE_UPDATING", JobOutcome.RUNNING),
        (TUNING, "JOB_STATE_UNSPECIFIED", JobOutcome.RUNNING),
        (PIPELINE, "PIPELINE_STATE_SUCCEEDED", JobOutcome.SUCCEEDED),
        (PIPELINE, "PIPELINE_STATE_FAILED", JobOutcome.FAILED),
        (PIPELINE, "PIPELINE_STATE_CANCELLED", JobOutcome.CANCELLED),
        (PIPELINE, "PIPELINE_STATE_PAUSED", JobOutcome.RUNNING),
        # A value of another enum, or one Google adds later, is not an end.
        (PIPELINE, "JOB_STATE_SUCCEEDED", JobOutcome.RUNNING),
        (BATCH, "ACTIVE", JobOutcome.RUNNING),
        (BATCH, "JOB_STATE_ARCHIVED", JobOutcome.RUNNING),
        (TUNED, "CREATING", JobOutcome.RUNNING),
        (TUNED, "ACTIVE", JobOutcome.SUCCEEDED),
        (TUNED, "FAILED", JobOutcome.FAILED),
        (TUNED, "JOB_STATE_SUCCEEDED", JobOutcome.RUNNING),
        (TUNED, None, JobOutcome.RUNNING),
    ],
)
def test_outcome_of_each_state(name: str, state: str | None, outcome: JobOutcome) -> None:
    assert outcome_of(parse_name(name).family, state) is outcome
    job = Job.from_dict({"name": name, **({"state": state} if state else {})})
    assert job.outcome is outcome
    assert job.state == state
    assert job.done is (outcome is not JobOutcome.RUNNING)
    assert job.running is not job.done


# ---------------------------------------------------------------------- the status surface


def job(state: str | None, name: str = BATCH, **fields: Any) -> Job:
    data: dict[str, Any] = {"name": name, **fields}
    if state is not None:
        data["state"] = state
    return Job.from_dict(data)


def test_a_succeeded_job_gives_itself_as_result() -> None:
    done = job("JOB_STATE_SUCCEEDED", outputInfo={"gcsOutputDirectory": "gs://b/o"})
    assert (done.done, done.succeeded, done.failed, done.cancelled, done.partial) == (
        True,
        True,
        False,
        False,
        False,
    )
    assert done.error is None
    assert done.result() == done.to_dict()
    assert done.to_dict()["outputInfo"] == {"gcsOutputDirectory": "gs://b/o"}
    assert done.metadata is None
    assert isinstance(done, Operation)


def test_partially_succeeded_is_succeeded_with_a_flag() -> None:
    partial = job("JOB_STATE_PARTIALLY_SUCCEEDED", partialFailures=[{"code": 13}])
    assert partial.succeeded
    assert partial.partial
    assert not partial.failed
    assert partial.error is None
    assert partial.result() == partial.to_dict()
    assert partial.progress == 100.0


@pytest.mark.parametrize(
    ("state", "code", "cancelled"),
    [
        ("JOB_STATE_FAILED", 2, False),
        ("JOB_STATE_CANCELLED", 1, True),
        ("JOB_STATE_EXPIRED", 4, False),
    ],
)
def test_a_bad_end_without_an_error_gets_one_from_its_state(
    state: str, code: int, cancelled: bool
) -> None:
    ended = job(state)
    assert ended.done
    assert ended.failed
    assert not ended.succeeded
    assert ended.cancelled is cancelled
    assert ended.error == Status(code=code, message=f"the job ended in {state}")
    assert ended.response is None
    with pytest.raises(OperationFailedError) as excinfo:
        ended.result()
    assert excinfo.value.operation is ended
    assert excinfo.value.error == ended.error
    assert "error" not in ended.to_dict()  # the wire form is what Google sent


def test_the_error_google_sent_decides_the_typed_error() -> None:
    failed = job("JOB_STATE_FAILED", error={"code": 5, "message": "bucket gone"})
    assert failed.error == Status(code=5, message="bucket gone")
    with pytest.raises(NotFoundError) as excinfo:  # the same mapping as Operation.result()
        failed.result()
    assert isinstance(excinfo.value, OperationFailedError)
    assert "bucket gone" in str(excinfo.value)


def test_a_cancelled_tuning_job_with_code_1() -> None:
    cancelled = job("JOB_STATE_CANCELLED", TUNING, error={"code": 1, "message": "cancelled"})
    assert cancelled.cancelled
    assert cancelled.failed
    with pytest.raises(RequestCancelledError):
        cancelled.result()


def test_a_failed_tuned_model_and_a_running_one() -> None:
    failed = job("FAILED", TUNED)
    assert failed.failed
    assert failed.error is not None
    assert failed.error.code == 2
    running = job("CREATING", TUNED)
    with pytest.raises(OperationNotDoneError):
        running.result()


def test_a_failed_job_says_job_in_its_error() -> None:
    failed = job("JOB_STATE_FAILED", error={"code": 5, "message": "input gone"})
    with pytest.raises(NotFoundError) as excinfo:
        failed.result()
    assert str(excinfo.value) == f"job {BATCH} failed: NOT_FOUND input gone"
    operation = Operation.from_dict({"name": "batches/b1", "done": True, "error": {"code": 5}})
    with pytest.raises(NotFoundError, match=r"^operation batches/b1 failed: NOT_FOUND"):
        operation.result()


def test_an_error_on_a_running_job_is_no_outcome() -> None:
    running = job("JOB_STATE_RUNNING", error={"code": 13, "message": "retrying"})
    assert running.running
    assert running.error is None
    assert not running.failed


@pytest.mark.parametrize(
    ("stats", "progress"),
    [
        ({"successfulCount": "30", "failedCount": "10", "incompleteCount": "60"}, 40.0),
        ({"successfulCount": 3, "incompleteCount": 1}, 75.0),
        ({"successfulCount": "5", "failedCount": "0", "incompleteCount": "-1"}, None),
        ({"successfulCount": "0", "incompleteCount": "0"}, None),
        ({"successfulCount": "x", "incompleteCount": "1"}, 0.0),
        ({"successfulCount": "5"}, None),
        ("not an object", None),
    ],
)
def test_progress_from_completion_stats(stats: object, progress: float | None) -> None:
    assert job("JOB_STATE_RUNNING", completionStats=stats).progress == progress


HPT = "projects/p/locations/us-central1/hyperparameterTuningJobs/7"


@pytest.mark.parametrize(
    ("fields", "progress"),
    [
        (
            {
                "maxTrialCount": 4,
                "trials": [
                    {"state": "SUCCEEDED"},
                    {"state": "INFEASIBLE"},
                    {"state": "ACTIVE"},
                    "junk",
                ],
            },
            50.0,
        ),
        ({"maxTrialCount": 4}, 0.0),
        ({"maxTrialCount": 2, "trials": [{"state": ["SUCCEEDED"]}, {"state": "SUCCEEDED"}]}, 50.0),
        ({"trials": [{"state": "SUCCEEDED"}]}, None),
        ({"maxTrialCount": 0, "trials": []}, None),
        ({"maxTrialCount": "x", "trials": "x"}, None),
    ],
)
def test_progress_of_a_hyperparameter_tuning_job(
    fields: dict[str, Any], progress: float | None
) -> None:
    assert job("JOB_STATE_RUNNING", HPT, **fields).progress == progress


@pytest.mark.parametrize(
    ("fields", "progress"),
    [
        (
            {
                "tuningJobMetadata": {"completedEpochCount": "1"},
                "supervisedTuningSpec": {"hyperParameters": {"epochCount": "4"}},
            },
            25.0,
        ),
        ({"tuningJobMetadata": {"completedEpochCount": "1"}}, None),
        ({"supervisedTuningSpec": {"hyperParameters": {"epochCount": "4"}}}, None),
        ({"tuningJobMetadata": "x", "supervisedTuningSpec": {"hyperParameters": 3}}, None),
    ],
)
def test_progress_of_a_tuning_job(fields: dict[str, Any], progress: float | None) -> None:
    assert job("JOB_STATE_RUNNING", TUNING, **fields).progress == progress


def test_progress_is_none_without_stats_and_100_when_done() -> None:
    assert job("JOB_STATE_RUNNING", PIPELINE).progress is None
    assert job("CREATING", TUNED).progress is None
    assert job("PIPELINE_STATE_FAILED", PIPELINE).progress == 100.0


def test_tuned_model_name() -> None:
    assert job("CREATING", TUNED).tuned_model_name() == TUNED
    vertex = job("JOB_STATE_SUCCEEDED", TUNING, tunedModel={"model": "projects/p/models/9"})
    assert vertex.tuned_model_name() == "projects/p/models/9"
    assert job("JOB_STATE_RUNNING", TUNING).tuned_model_name() is None
    assert job("JOB_STATE_SUCCEEDED").tuned_model_name() is None


def test_unknown_fields_survive_and_copies_are_jobs() -> None:
    data = {"name": PIPELINE, "state": "PIPELINE_STATE_RUNNING", "jobDetail": {"x": [1]}}
    original = Job.from_dict(data)
    assert original.to_dict() == data
    assert original.family is Family.VERTEX_PIPELINE_JOB
    for clone in (copy.copy(original), pickle.loads(pickle.dumps(original))):
        assert isinstance(clone, Job)
        assert clone == original
        assert clone.state == original.state
    assert "PIPELINE_STATE_RUNNING" in repr(original)
    with pytest.raises(AttributeError):
        original.state = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (["not", "an", "object"], "expected a JSON object"),
        ({"state": "JOB_STATE_RUNNING"}, "name"),
        ({"name": BATCH, "state": 4}, "'state' must be a string"),
        ({"name": BATCH, "state": "JOB_STATE_FAILED", "error": "boom"}, "error"),
        ({"name": BATCH, "state": "JOB_STATE_RUNNING", "error": {"code": "x"}}, "error.code"),
        ({"name": "batches/1", "state": "JOB_STATE_RUNNING"}, "not the name of a job"),
        ({"name": "../x", "state": "JOB_STATE_RUNNING"}, "not the name of a job"),
    ],
)
def test_malformed_jobs_raise_invalid_response(data: object, problem: str) -> None:
    with pytest.raises(InvalidResponseError, match=problem):
        Job.from_dict(data)


# ---------------------------------------------------------------------- pages


def test_a_page_of_jobs() -> None:
    page = jobs_page(
        {
            "tuningJobs": [{"name": TUNING, "state": "JOB_STATE_RUNNING"}],
            "nextPageToken": "t2",
        },
        Family.VERTEX_TUNING_JOB,
        "tuningJobs",
    )
    assert [j.name for j in page] == [TUNING]
    assert isinstance(page.operations[0], Job)
    assert page.next_page_token == "t2"
    empty = jobs_page({}, Family.TUNED_MODEL_JOB, "tunedModels")
    assert (len(empty), empty.next_page_token) == (0, None)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "expected a list response object"),
        ({"tuningJobs": {"name": TUNING}}, "'tuningJobs' must be a list"),
        ({"tuningJobs": [], "nextPageToken": 3}, "nextPageToken"),
        ({"tuningJobs": [{"name": TUNING, "state": []}]}, "'state' must be a string"),
    ],
)
def test_malformed_pages_raise(data: object, problem: str) -> None:
    with pytest.raises(InvalidResponseError, match=problem):
        jobs_page(data, Family.VERTEX_TUNING_JOB, "tuningJobs")


def test_a_family_that_is_no_job_is_refused() -> None:
    with pytest.raises(ValueError, match="not a job family"):
        Job.from_dict({"name": BATCH}, Family.BATCH)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
fields = st.sampled_from(
    [
        "state",
        "error",
        "completionStats",
        "trials",
        "maxTrialCount",
        "tuningJobMetadata",
        "supervisedTuningSpec",
        "tunedModel",
        "other",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(
        [BATCH, PIPELINE, TUNING, TUNED, HPT, "projects/p/locations/us-central1/customJobs/c"]
    ),
    body=st.dictionaries(fields, json_values, max_size=6),
    nested=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
)
def test_arbitrary_json_never_crashes_a_job(
    name: str, body: dict[str, Any], nested: dict[str, Any]
) -> None:
    data = {**body, "name": name}
    if "completionStats" not in data:
        data["completionStats"] = nested
    try:
        parsed = Job.from_dict(data)
    except InvalidResponseError:
        return
    assert parsed.done is (parsed.outcome is not JobOutcome.RUNNING)
    progress = parsed.progress
    assert progress is None or 0.0 <= progress <= 100.0
    parsed.tuned_model_name()
    assert parsed.to_dict() == data
    if parsed.failed:
        with pytest.raises(OperationFailedError):
            parsed.result()
