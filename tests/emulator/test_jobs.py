"""Job resources over loopback HTTP: routes, time-driven states, cancel, delete, lists, control.

The five Vertex AI job collections of `gemini_ops/_discovery/vertex_jobs.json` (tied to the pinned
discovery documents by `scripts/vertex_routes.py --check`) and the Gemini API's tuned models. A
fake monotonic clock and a fixed wall clock make every state and timestamp exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gemini_ops.testing import Emulator

P = "projects/p1/locations/us-central1"
TABLE_FILE = Path(__file__).resolve().parents[2] / "gemini_ops" / "_discovery" / "vertex_jobs.json"
TABLE: dict[str, Any] = json.loads(TABLE_FILE.read_text())
COLLECTIONS = [pattern.split("/")[-1] for pattern in TABLE["jobs"]]
VERSIONS = ("v1", "v1beta1")
WALL = 1_767_225_600.0  # 2026-01-01T00:00:00Z
DURATION = 100.0


def ts(seconds: float) -> str:
    """The emulator's timestamp of WALL + seconds (nine fractional digits)."""
    whole = int(seconds)
    nanos = round((seconds - whole) * 1e9)
    return f"2026-01-01T00:{whole // 60:02d}:{whole % 60:02d}.{nanos:09d}Z"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def at(self, seconds: float) -> None:
        """Move to `seconds` after the start."""
        self.now = 1000.0 + seconds


@pytest.fixture
def clock(emulator: Emulator) -> Iterator[FakeClock]:
    state = emulator.state
    saved = state.clock, state.wall_clock
    fake = FakeClock()
    state.clock = fake
    state.wall_clock = lambda: WALL + (fake.now - 1000.0)
    yield fake
    state.clock, state.wall_clock = saved


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {emulator.vertex_token}"}
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=10) as c:
        yield c


def gemini_headers(emulator: Emulator) -> dict[str, str]:
    return {"x-goog-api-key": emulator.api_key}


def get(client: httpx.Client, name: str, version: str = "v1") -> dict[str, Any]:
    answer = client.get(f"/{version}/{name}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def state_of(collection: str, short: str) -> str:
    prefix = "PIPELINE_STATE_" if collection == "pipelineJobs" else "JOB_STATE_"
    return prefix + short


def assert_not_found(answer: httpx.Response) -> None:
    assert answer.status_code == 404, answer.text
    error = answer.json()["error"]
    assert error["code"] == 404
    assert error["status"] == "NOT_FOUND"


# Routes ----------------------------------------------------------------------------------------

SHAPES = {
    "get": ("GET", ""),
    "cancel": ("POST", ":cancel"),
    "delete": ("DELETE", ""),
}


def test_every_collection_serves_exactly_its_methods(
    emulator: Emulator, client: httpx.Client
) -> None:
    checked = 0
    for pattern, versions in TABLE["jobs"].items():
        collection = pattern.split("/")[-1]
        name = f"{P}/{collection}/1"
        for version in VERSIONS:
            served = versions.get(version, {})
            requests = [("list", "GET", f"/{version}/{P}/{collection}")]
            requests += [
                (method, http, f"/{version}/{name}{suffix}")
                for method, (http, suffix) in SHAPES.items()
            ]
            # Methods no job collection has, whatever Google serves under other names.
            requests += [
                ("patch", "PATCH", f"/{version}/{name}"),
                ("pause", "POST", f"/{version}/{name}:pause"),
                ("cancel-by-get", "GET", f"/{version}/{name}:cancel"),
                ("list-by-post", "POST", f"/{version}/{P}/{collection}"),
            ]
            for method, http, path in requests:
                emulator.reset()
                emulator.create_job(name, duration=0)
                answer = client.request(http, path)
                checked += 1
                if method in served:
                    assert answer.status_code == 200, (path, answer.text)
                else:
                    assert_not_found(answer)
    assert checked == len(TABLE["jobs"]) * len(VERSIONS) * 8


def test_tuning_jobs_have_no_delete_in_any_version(client: httpx.Client) -> None:
    # The discovery documents serve no delete for tuningJobs (v1 and v1beta1).
    for version in VERSIONS:
        assert "delete" not in TABLE["jobs"]["projects/*/locations/*/tuningJobs"][version]
        assert_not_found(client.delete(f"/{version}/{P}/tuningJobs/1"))


def test_vertex_job_paths_under_a_gemini_version_are_not_found(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.create_job(f"{P}/customJobs/1", duration=0)
    assert_not_found(client.get(f"/v1beta/{P}/customJobs/1"))
    assert_not_found(client.get(f"/v1/{P}/customJobs%2F1"))


def test_tuned_models_serve_get_list_delete_under_v1beta_only(emulator: Emulator) -> None:
    headers = gemini_headers(emulator)
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=10) as c:
        emulator.create_job("tunedModels/m1", duration=0)
        assert c.get("/v1beta/tunedModels/m1").status_code == 200
        assert c.get("/v1beta/tunedModels").status_code == 200
        for method, path in [
            ("GET", "/v1/tunedModels/m1"),
            ("GET", "/v1/tunedModels"),
            ("POST", "/v1beta/tunedModels/m1:cancel"),
            ("PATCH", "/v1beta/tunedModels/m1"),
            ("GET", "/v1beta1/tunedModels/m1"),
        ]:
            assert_not_found(c.request(method, path))
        assert c.delete("/v1beta/tunedModels/m1").json() == {}
        assert_not_found(c.get("/v1beta/tunedModels/m1"))


def test_query_parameters_are_those_of_each_method(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.create_job(f"{P}/batchPredictionJobs/1", duration=0)
    ok = client.get(f"/v1/{P}/batchPredictionJobs", params={"readMask": "name", "page_size": "1"})
    assert ok.status_code == 200, ok.text
    for path, params in [
        (f"/v1/{P}/tuningJobs", {"readMask": "name"}),  # tuningJobs.list takes no readMask
        (f"/v1/{P}/batchPredictionJobs", {"orderBy": "create_time"}),  # only pipelineJobs
        (f"/v1/{P}/batchPredictionJobs/1", {"pageSize": "1"}),
    ]:
        answer = client.get(path, params=params)
        assert answer.status_code == 400, (path, answer.text)
        assert "Cannot bind query parameter" in answer.json()["error"]["message"]


def test_job_paths_check_credentials(emulator: Emulator) -> None:
    emulator.create_job(f"{P}/customJobs/1", duration=0)
    emulator.create_job("tunedModels/m1", duration=0)
    with httpx.Client(base_url=emulator.url, timeout=10) as bare:
        assert bare.get(f"/v1/{P}/customJobs/1").status_code == 401
        assert bare.get("/v1beta/tunedModels/m1").status_code == 403
        wrong = bare.get(f"/v1/{P}/customJobs/1", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401


# Time-driven states ----------------------------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_job_goes_queued_pending_running_succeeded(
    emulator: Emulator, client: httpx.Client, clock: FakeClock, collection: str
) -> None:
    name = f"{P}/{collection}/7"
    created = emulator.create_job(name, duration=DURATION)
    assert created["state"] == state_of(collection, "QUEUED")

    queued = get(client, name)
    assert queued["state"] == state_of(collection, "QUEUED")
    assert queued["createTime"] == queued["updateTime"] == ts(0)
    assert "startTime" not in queued
    assert "endTime" not in queued

    clock.at(15)
    pending = get(client, name, "v1beta1")
    assert pending["state"] == state_of(collection, "PENDING")
    assert pending["updateTime"] == ts(10)
    assert "startTime" not in pending

    clock.at(50)
    running = get(client, name)
    assert running["state"] == state_of(collection, "RUNNING")
    assert running["startTime"] == ts(20)
    assert "endTime" not in running
    assert "error" not in running

    clock.at(100)
    done = get(client, name)
    assert done["state"] == state_of(collection, "SUCCEEDED")
    assert done["startTime"] == ts(20)
    assert done["endTime"] == done["updateTime"] == ts(100)
    assert "error" not in done
    clock.at(500)
    assert get(client, name) == done


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_failing_job_ends_failed_with_its_error(
    emulator: Emulator, client: httpx.Client, clock: FakeClock, collection: str
) -> None:
    default, custom = f"{P}/{collection}/1", f"{P}/{collection}/2"
    emulator.create_job(default, duration=DURATION, fate="fail")
    emulator.create_job(custom, duration=DURATION, error={"code": 8, "message": "Quota."})
    clock.at(100)
    failed = get(client, default)
    assert failed["state"] == state_of(collection, "FAILED")
    assert failed["error"] == {"code": 13, "message": "Internal error encountered."}
    assert failed["endTime"] == ts(100)
    assert get(client, custom)["error"] == {"code": 8, "message": "Quota."}


@pytest.mark.parametrize("collection", [c for c in COLLECTIONS if c != "pipelineJobs"])
def test_partial_success_ends_partially_succeeded(
    emulator: Emulator, client: httpx.Client, clock: FakeClock, collection: str
) -> None:
    name = f"{P}/{collection}/1"
    emulator.create_job(name, duration=DURATION, partial_success=True)
    clock.at(100)
    done = get(client, name)
    assert done["state"] == "JOB_STATE_PARTIALLY_SUCCEEDED"
    assert "error" not in done


def test_pipeline_jobs_have_no_partial_success(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="pipelineJobs have no partially-succeeded state"):
        emulator.create_job(f"{P}/pipelineJobs/1", partial_success=True)


def test_batch_prediction_completion_stats_count_up(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    ok, partial, broken = (f"{P}/batchPredictionJobs/{n}" for n in (1, 2, 3))
    emulator.create_job(ok, duration=DURATION)
    emulator.create_job(partial, duration=DURATION, partial_success=True)
    emulator.create_job(broken, duration=None)
    clock.at(15)
    assert "completionStats" not in get(client, ok)
    assert "outputInfo" not in get(client, ok)
    clock.at(60)  # half-way through RUNNING (20..100)
    running = get(client, ok)
    assert running["completionStats"] == {"successfulCount": "50"}
    assert running["updateTime"] == ts(60)  # progress is an update
    assert running["outputInfo"]["gcsOutputDirectory"].startswith("gs://p1-batch/1/")
    emulator.complete_job(broken, fate="fail")
    clock.at(100)
    assert get(client, ok)["completionStats"] == {"successfulCount": "100"}
    mixed = get(client, partial)
    assert mixed["completionStats"] == {"successfulCount": "90", "failedCount": "10"}
    assert mixed["partialFailures"][0]["code"] == 3
    failed = get(client, broken)
    assert failed["state"] == "JOB_STATE_FAILED"
    stats = failed["completionStats"]
    assert int(stats["successfulCount"]) + int(stats["incompleteCount"]) == 100


def test_a_job_failing_at_the_end_of_its_run_left_work_undone(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    batch, trials, pipeline = (
        f"{P}/batchPredictionJobs/1",
        f"{P}/hyperparameterTuningJobs/1",
        f"{P}/pipelineJobs/1",
    )
    for name in (batch, trials, pipeline):
        emulator.create_job(name, duration=DURATION, fate="fail")
    clock.at(100)
    assert get(client, batch)["completionStats"] == {
        "successfulCount": "99",
        "incompleteCount": "1",
    }
    states = [t["state"] for t in get(client, trials)["trials"]]
    assert states == ["SUCCEEDED"] * 6 + ["STOPPING"] * 2
    tasks = get(client, pipeline)["jobDetail"]["taskDetails"]
    assert [t["state"] for t in tasks] == ["SUCCEEDED", "SUCCEEDED", "FAILED"]


def test_hyperparameter_tuning_trials_run_two_at_a_time(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    name = f"{P}/hyperparameterTuningJobs/1"
    emulator.create_job(name, duration=DURATION)
    clock.at(15)
    assert "trials" not in get(client, name)
    clock.at(25)
    first = get(client, name)["trials"]
    assert [(t["id"], t["state"]) for t in first] == [("1", "ACTIVE"), ("2", "ACTIVE")]
    assert first[0]["startTime"] == ts(20)
    clock.at(45)  # rounds of 20 s: 20-40, 40-60, 60-80, 80-100
    second = get(client, name)["trials"]
    assert [t["state"] for t in second] == ["SUCCEEDED", "SUCCEEDED", "ACTIVE", "ACTIVE"]
    assert second[0]["endTime"] == ts(40)
    assert second[0]["finalMeasurement"]["metrics"][0]["metricId"] == "accuracy"
    clock.at(100)
    done = get(client, name)["trials"]
    assert len(done) == 8
    assert {t["state"] for t in done} == {"SUCCEEDED"}


def test_pipeline_tasks_run_in_turn_and_lists_leave_out_job_detail(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    name = f"{P}/pipelineJobs/1"
    emulator.create_job(name, duration=DURATION, cancel_delay=5.0)
    clock.at(50)  # RUNNING since 20; three tasks of 80/3 s each
    tasks = get(client, name)["jobDetail"]["taskDetails"]
    assert [(t["taskName"], t["state"]) for t in tasks] == [
        ("preprocess", "SUCCEEDED"),
        ("train", "RUNNING"),
    ]
    [listed] = client.get(f"/v1/{P}/pipelineJobs").json()["pipelineJobs"]
    assert "jobDetail" not in listed
    assert listed["state"] == "PIPELINE_STATE_RUNNING"
    client.post(f"/v1/{name}:cancel")
    assert get(client, name)["jobDetail"]["taskDetails"][-1]["state"] == "CANCELLING"
    clock.at(55)
    cancelled = get(client, name)
    assert cancelled["state"] == "PIPELINE_STATE_CANCELLED"
    assert cancelled["jobDetail"]["taskDetails"][-1]["state"] == "CANCELLED"
    assert cancelled["jobDetail"]["taskDetails"][-1]["endTime"] == ts(55)


def test_a_succeeded_tuning_job_names_its_tuned_model(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    name = f"{P}/tuningJobs/9"
    emulator.create_job(name, duration=DURATION)
    clock.at(50)
    running = get(client, name)
    assert "tunedModel" not in running
    stats = running["tuningDataStats"]["supervisedTuningDataStats"]
    assert stats["tuningStepCount"] == "250"
    clock.at(100)
    done = get(client, name, "v1beta1")
    assert done["tunedModel"] == {
        "model": f"{P}/models/9@1",
        "endpoint": f"{P}/endpoints/9",
    }


def test_a_tuned_model_is_creating_then_active_with_snapshots(
    emulator: Emulator, clock: FakeClock
) -> None:
    emulator.create_job("tunedModels/m1", duration=DURATION)
    emulator.create_job("tunedModels/m2", duration=DURATION, fate="fail")
    with httpx.Client(
        base_url=f"{emulator.url}/v1beta", headers=gemini_headers(emulator), timeout=10
    ) as c:
        start = c.get("/tunedModels/m1").json()
        assert start["state"] == "CREATING"
        assert start["tuningTask"]["startTime"] == ts(0)
        assert "snapshots" not in start["tuningTask"]
        assert "completeTime" not in start["tuningTask"]
        clock.at(40)
        half = c.get("/tunedModels/m1").json()
        assert half["state"] == "CREATING"
        assert [s["step"] for s in half["tuningTask"]["snapshots"]] == [50, 100]
        assert half["updateTime"] == ts(40)
        clock.at(100)
        done = c.get("/tunedModels/m1").json()
        assert done["state"] == "ACTIVE"
        assert done["tuningTask"]["completeTime"] == ts(100)
        assert done["tuningTask"]["snapshots"][-1]["step"] == 250
        failed = c.get("/tunedModels/m2").json()
        assert failed["state"] == "FAILED"
        assert "error" not in failed  # TunedModel has no error field


# Cancel ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_cancel_goes_cancelling_then_cancelled_with_code_1(
    emulator: Emulator, client: httpx.Client, clock: FakeClock, collection: str
) -> None:
    name = f"{P}/{collection}/5"
    emulator.create_job(name, duration=DURATION, cancel_delay=10.0)
    clock.at(30)
    answer = client.post(f"/v1/{name}:cancel")
    assert answer.status_code == 200
    assert answer.json() == {}
    cancelling = get(client, name)
    assert cancelling["state"] == state_of(collection, "CANCELLING")
    assert cancelling["updateTime"] == ts(30)
    assert "endTime" not in cancelling
    assert "error" not in cancelling
    clock.at(40)
    cancelled = get(client, name)
    assert cancelled["state"] == state_of(collection, "CANCELLED")
    assert cancelled["error"]["code"] == 1
    assert cancelled["endTime"] == ts(40)
    assert cancelled["startTime"] == ts(20)


def test_cancel_of_an_ended_or_cancelling_job_changes_nothing(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    done, slow = f"{P}/customJobs/1", f"{P}/customJobs/2"
    emulator.create_job(done, duration=0)
    emulator.create_job(slow, duration=None, cancel_delay=10.0)
    before = get(client, done)
    assert client.post(f"/v1/{done}:cancel").json() == {}
    assert get(client, done) == before
    client.post(f"/v1/{slow}:cancel")
    clock.at(5)
    client.post(f"/v1/{slow}:cancel")  # does not restart the cancel delay
    clock.at(10)
    assert get(client, slow)["state"] == "JOB_STATE_CANCELLED"
    assert_not_found(client.post(f"/v1/{P}/customJobs/404:cancel"))


def test_a_job_that_finishes_while_cancelling_keeps_its_outcome(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    # "CANCELLING can only move on to SUCCEEDED, FAILED or CANCELLED".
    name = f"{P}/batchPredictionJobs/1"
    emulator.create_job(name, duration=DURATION, cancel_delay=10.0)
    clock.at(95)
    client.post(f"/v1/{name}:cancel")
    clock.at(100)
    done = get(client, name)
    assert done["state"] == "JOB_STATE_SUCCEEDED"
    assert "error" not in done


def test_a_job_cancelled_while_queued_never_started(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    name = f"{P}/tuningJobs/1"
    emulator.create_job(name, duration=DURATION)
    clock.at(5)
    client.post(f"/v1beta1/{name}:cancel")
    cancelled = get(client, name)
    assert cancelled["state"] == "JOB_STATE_CANCELLED"
    assert "startTime" not in cancelled
    assert "tuningDataStats" not in cancelled


# Delete ----------------------------------------------------------------------------------------


def test_a_batch_prediction_job_is_deleted_only_once_finished(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    name = f"{P}/batchPredictionJobs/1"
    emulator.create_job(name, duration=DURATION, cancel_delay=10.0)
    clock.at(50)
    refused = client.delete(f"/v1/{name}")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["status"] == "FAILED_PRECONDITION"
    assert "JOB_STATE_RUNNING" in error["message"]
    client.post(f"/v1/{name}:cancel")
    assert client.delete(f"/v1/{name}").status_code == 400  # CANCELLING has not finished
    clock.at(60)
    deleted = client.delete(f"/v1/{name}")
    assert deleted.status_code == 200, deleted.text
    assert_not_found(client.get(f"/v1/{name}"))
    assert_not_found(client.delete(f"/v1/{name}"))


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_answers_a_done_operation_of_the_location(
    emulator: Emulator, client: httpx.Client, version: str
) -> None:
    emulator.create_job(f"{P}/customJobs/1", duration=None)  # running: still deletable
    emulator.create_job(f"{P}/pipelineJobs/1", duration=None)
    first = client.delete(f"/{version}/{P}/customJobs/1").json()
    second = client.delete(f"/{version}/{P}/pipelineJobs/1").json()
    assert first["name"] != second["name"]
    assert first["done"] is True
    assert first["response"] == {"@type": "type.googleapis.com/google.protobuf.Empty"}
    assert first["metadata"]["@type"].endswith(f".{version}.DeleteOperationMetadata")
    assert get(client, first["name"], version) == first  # the operation can be polled
    assert_not_found(client.get(f"/{version}/{P}/customJobs/1"))


# Lists -----------------------------------------------------------------------------------------


def test_lists_page_through_one_collection_of_one_location(
    emulator: Emulator, client: httpx.Client
) -> None:
    names = [f"{P}/customJobs/{n}" for n in range(1, 6)]
    for name in names:
        emulator.create_job(name, duration=0)
    emulator.create_job(f"{P}/batchPredictionJobs/1", duration=0)
    emulator.create_job("projects/p1/locations/europe-west4/customJobs/9", duration=0)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"pageSize": "2", **({"pageToken": token} if token else {})}
        page = client.get(f"/v1/{P}/customJobs", params=params).json()
        pages += 1
        seen += [job["name"] for job in page["customJobs"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert seen == names
    assert pages == 3
    assert client.get(f"/v1/{P}/hyperparameterTuningJobs").json() == {}


def test_list_filters_on_state(emulator: Emulator, client: httpx.Client) -> None:
    ok, failed, running = (f"{P}/batchPredictionJobs/{n}" for n in (1, 2, 3))
    emulator.create_job(ok, duration=0)
    emulator.create_job(failed, duration=0, fate="fail")
    emulator.create_job(running, duration=None)

    def listed(expression: str) -> list[str]:
        answer = client.get(f"/v1/{P}/batchPredictionJobs", params={"filter": expression})
        assert answer.status_code == 200, answer.text
        return [job["name"] for job in answer.json().get("batchPredictionJobs", [])]

    assert listed('state="JOB_STATE_SUCCEEDED"') == [ok]
    assert listed("state = JOB_STATE_FAILED") == [failed]
    assert listed('state!="JOB_STATE_SUCCEEDED"') == [failed, running]
    assert listed('state="JOB_STATE_SUCCEEDED" OR state="JOB_STATE_QUEUED"') == [ok, running]
    assert listed('state!="JOB_STATE_SUCCEEDED" AND state!="JOB_STATE_FAILED"') == [running]
    assert listed("") == [ok, failed, running]


@pytest.mark.parametrize(
    ("collection", "expression", "message"),
    [
        ("batchPredictionJobs", 'display_name="x"', "filters on state only"),
        ("batchPredictionJobs", 'state="JOB_STATE_BOGUS"', "unknown state JOB_STATE_BOGUS"),
        ("pipelineJobs", 'state="JOB_STATE_RUNNING"', "unknown state JOB_STATE_RUNNING"),
        ("tuningJobs", "state=", "filters on state only"),
    ],
)
def test_an_unsupported_filter_is_a_400(
    client: httpx.Client, collection: str, expression: str, message: str
) -> None:
    answer = client.get(f"/v1/{P}/{collection}", params={"filter": expression})
    assert answer.status_code == 400
    assert message in answer.json()["error"]["message"]


def test_page_tokens_are_bound_to_their_list_and_filter(
    emulator: Emulator, client: httpx.Client
) -> None:
    for n in range(3):
        emulator.create_job(f"{P}/customJobs/{n}", duration=0)
    params = {"pageSize": "1", "filter": 'state="JOB_STATE_SUCCEEDED"'}
    token = client.get(f"/v1/{P}/customJobs", params=params).json()["nextPageToken"]
    assert client.get(f"/v1/{P}/customJobs", params={**params, "pageToken": token}).is_success
    for path, extra in [
        (f"/v1/{P}/customJobs", {"filter": "", "pageToken": token}),
        (f"/v1/{P}/batchPredictionJobs", {**params, "pageToken": token}),
        (f"/v1/{P}/customJobs", {"pageToken": "not-a-token"}),
        (f"/v1/{P}/customJobs", {"pageSize": "-1"}),
    ]:
        assert client.get(path, params=extra).status_code == 400, (path, extra)


def test_pipeline_jobs_list_newest_first_unless_ordered(
    emulator: Emulator, client: httpx.Client
) -> None:
    names = [f"{P}/pipelineJobs/run-{n}" for n in range(3)]
    for name in names:
        emulator.create_job(name, duration=0)

    def listed(**params: str) -> list[str]:
        answer = client.get(f"/v1/{P}/pipelineJobs", params={"pageSize": "2", **params})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        more = page.get("nextPageToken")
        shown = [job["name"] for job in page["pipelineJobs"]]
        if more:
            shown += listed(**params, pageToken=more)
        return shown

    assert listed() == names[::-1]
    assert listed(orderBy="create_time desc") == names[::-1]
    assert listed(orderBy="create_time") == names
    bad = client.get(f"/v1/{P}/pipelineJobs", params={"orderBy": "end_time"})
    assert bad.status_code == 400
    assert "orders by create_time" in bad.json()["error"]["message"]


def test_tuned_models_list_ten_a_page_and_filter_on_text(emulator: Emulator) -> None:
    for n in range(12):
        emulator.create_job(f"tunedModels/model-{n:02d}", duration=0)
    emulator.create_job("tunedModels/other", duration=0, fields={"description": "Translator"})
    with httpx.Client(
        base_url=f"{emulator.url}/v1beta", headers=gemini_headers(emulator), timeout=10
    ) as c:
        first = c.get("/tunedModels").json()
        assert len(first["tunedModels"]) == 10
        rest = c.get("/tunedModels", params={"pageToken": first["nextPageToken"]}).json()
        assert len(rest["tunedModels"]) == 3
        assert "nextPageToken" not in rest

        def names(expression: str) -> list[str]:
            page = c.get("/tunedModels", params={"filter": expression, "pageSize": "50"}).json()
            return [m["name"] for m in page.get("tunedModels", [])]

        assert names("translator") == ["tunedModels/other"]
        assert names("model-1") == ["tunedModels/model-10", "tunedModels/model-11"]
        assert len(names("owner:me")) == 13
        assert names("readers:everyone") == []


def test_a_repeated_page_token_fault_applies_to_job_lists(
    emulator: Emulator, client: httpx.Client
) -> None:
    for n in range(2):
        emulator.create_job(f"{P}/customJobs/{n}", duration=0)
    emulator.inject_fault(path="customJobs$", repeat_page_token=True, times=2)
    first = client.get(f"/v1/{P}/customJobs", params={"pageSize": "1"}).json()
    again = client.get(
        f"/v1/{P}/customJobs", params={"pageSize": "1", "pageToken": first["nextPageToken"]}
    ).json()
    assert again["nextPageToken"] == first["nextPageToken"]
    assert again["customJobs"] == first["customJobs"]


# Control plane ---------------------------------------------------------------------------------


def test_the_control_plane_creates_lists_and_completes_jobs(
    emulator: Emulator, client: httpx.Client
) -> None:
    name = f"{P}/tuningJobs/1"
    created = client.post(
        "/_emulator/jobs",
        json={
            "name": name,
            "duration": None,
            "fate": "fail",
            "error": {"code": 9, "message": "Dataset missing."},
            "cancel_delay": 1.5,
            "fields": {"description": "my tuning", "labels": {"team": "a"}},
        },
    )
    assert created.status_code == 200, created.text
    assert created.json()["state"] == "JOB_STATE_QUEUED"
    assert created.json()["labels"] == {"team": "a"}
    assert get(client, name)["description"] == "my tuning"
    assert [j["name"] for j in client.get("/_emulator/jobs").json()["jobs"]] == [name]
    completed = client.post("/_emulator/jobs:complete", json={"name": name})
    assert completed.json()["state"] == "JOB_STATE_FAILED"
    assert completed.json()["error"] == {"code": 9, "message": "Dataset missing."}
    again = client.post("/_emulator/jobs:complete", json={"name": name})
    assert again.status_code == 400
    assert again.json()["error"]["status"] == "FAILED_PRECONDITION"
    assert client.post("/_emulator/jobs", json={"name": name}).status_code == 409
    assert (
        client.post("/_emulator/jobs:complete", json={"name": f"{P}/tuningJobs/2"}).status_code
        == 404
    )
    client.post("/_emulator/reset", json={})
    assert client.get("/_emulator/jobs").json() == {"jobs": []}
    assert_not_found(client.get(f"/v1/{name}"))


def test_complete_can_choose_the_fate(emulator: Emulator, client: httpx.Client) -> None:
    ok, partial = f"{P}/customJobs/1", f"{P}/customJobs/2"
    emulator.create_job(ok, duration=None, fate="fail")
    emulator.create_job(partial, duration=None)
    assert emulator.complete_job(ok, fate="succeed")["state"] == "JOB_STATE_SUCCEEDED"
    assert emulator.complete_job(partial, partial_success=True)["state"] == (
        "JOB_STATE_PARTIALLY_SUCCEEDED"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "name is required"),
        ({"name": "batches/b1"}, "Not the name of a job"),
        ({"name": f"{P}/trainingPipelines/1"}, "Not the name of a job"),
        ({"name": f"{P}/customJobs/a%2Fb"}, "Not a valid job name"),
        ({"name": f"{P}/customJobs/1", "duration": -1}, "duration must be"),
        ({"name": f"{P}/customJobs/1", "duration": True}, "duration must be"),
        ({"name": f"{P}/customJobs/1", "fate": "explode"}, "fate must be"),
        ({"name": f"{P}/customJobs/1", "fate": "succeed", "error": {"code": 3}}, "error goes"),
        ({"name": f"{P}/customJobs/1", "error": {"code": 0}}, "error.code must be"),
        ({"name": f"{P}/customJobs/1", "fate": "fail", "partial_success": True}, "goes with"),
        ({"name": f"{P}/customJobs/1", "partial_success": "yes"}, "true or false"),
        ({"name": f"{P}/customJobs/1", "cancel_delay": None, "fields": []}, "JSON object"),
        ({"name": f"{P}/customJobs/1", "fields": {"state": "JOB_STATE_RUNNING"}}, "state"),
        ({"name": f"{P}/customJobs/1", "cancel_delay": "1"}, "cancel_delay must be"),
        ({"name": "tunedModels/m", "error": {"code": 3}}, "reports no error"),
        ({"name": "tunedModels/m", "partial_success": True}, "partially-succeeded"),
        ({"name": f"{P}/customJobs/1", "colour": "red"}, "Unknown field 'colour'"),
    ],
)
def test_the_control_plane_refuses_invalid_jobs(
    client: httpx.Client, body: dict[str, Any], message: str
) -> None:
    answer = client.post("/_emulator/jobs", json=body)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["error"]["message"]


def test_the_python_helpers_raise_value_and_lookup_errors(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="Not the name of a job"):
        emulator.create_job("operations/o1")
    with pytest.raises(LookupError):
        emulator.complete_job(f"{P}/customJobs/absent")
