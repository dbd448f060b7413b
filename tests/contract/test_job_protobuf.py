"""Every job payload the emulator emits, parsed strictly with Google's own protobuf types.

Each job collection is read over loopback HTTP in each state the emulator can put it in, in every
API version that serves it, by get and by list, and parsed with `json_format.ParseDict(...,
ignore_unknown_fields=False)` into google-cloud-aiplatform's message (`BatchPredictionJob`,
`TuningJob`, ...; v1 and v1beta1) or google-ai-generativelanguage's `TunedModel`: an unknown field
or a value of the wrong JSON type anywhere fails the test. List answers are parsed as the
`List...Response` messages, and a deletion's answer as a `google.longrunning.Operation`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import google.ai.generativelanguage_v1beta.types as gemini_types
import google.cloud.aiplatform_v1.types as v1_types
import google.cloud.aiplatform_v1beta1.types as v1beta1_types
import httpx
import pytest
from google.longrunning import operations_pb2
from google.protobuf import json_format
from google.protobuf.message import Message

from gemini_ops.testing import Emulator

P = "projects/p1/locations/us-central1"
VERSIONS = {"v1": v1_types, "v1beta1": v1beta1_types}
MESSAGES = {
    "batchPredictionJobs": "BatchPredictionJob",
    "tuningJobs": "TuningJob",
    "customJobs": "CustomJob",
    "hyperparameterTuningJobs": "HyperparameterTuningJob",
    "pipelineJobs": "PipelineJob",
}
LIST_RESPONSES = {
    "batchPredictionJobs": "ListBatchPredictionJobsResponse",
    "tuningJobs": "ListTuningJobsResponse",
    "customJobs": "ListCustomJobsResponse",
    "hyperparameterTuningJobs": "ListHyperparameterTuningJobsResponse",
    "pipelineJobs": "ListPipelineJobsResponse",
}
DURATION = 100.0


class FakeClock:
    """A monotonic clock the test moves by hand, so that each state is reached exactly."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Emulator, FakeClock]]:
    clock = FakeClock()
    with Emulator() as emu:
        emu.state.clock = clock
        yield emu, clock


# How to bring a job (created with DURATION, or open-ended) into each state, and the state's name.
def _at(fraction: float) -> Callable[[Emulator, FakeClock, str], None]:
    def move(emu: Emulator, clock: FakeClock, name: str) -> None:
        clock.now += DURATION * fraction

    return move


def _cancel(later: float) -> Callable[[Emulator, FakeClock, str], None]:
    def move(emu: Emulator, clock: FakeClock, name: str) -> None:
        clock.now += DURATION * 0.5
        emu.state.jobs.cancel(name)
        clock.now += later

    return move


STAGES: dict[str, tuple[dict[str, Any], Callable[[Emulator, FakeClock, str], None], str]] = {
    "queued": ({}, _at(0.0), "QUEUED"),
    "pending": ({}, _at(0.15), "PENDING"),
    "running": ({}, _at(0.6), "RUNNING"),
    "running_open_ended": ({"duration": None}, _at(0.6), "RUNNING"),
    "cancelling": ({"cancel_delay": 10.0}, _cancel(1.0), "CANCELLING"),
    "cancelled": ({}, _cancel(0.0), "CANCELLED"),
    "cancelled_while_queued": ({}, _at(0.0), "CANCELLED"),
    "succeeded": ({}, _at(1.0), "SUCCEEDED"),
    "partially_succeeded": ({"partial_success": True}, _at(1.0), "PARTIALLY_SUCCEEDED"),
    "failed": ({"fate": "fail"}, _at(1.0), "FAILED"),
    "failed_midway": (
        {"error": {"code": 8, "message": "Quota exceeded."}, "duration": None},
        _at(0.6),
        "FAILED",
    ),
}


def _bring(emu: Emulator, clock: FakeClock, name: str, stage: str) -> str:
    options, move, state = STAGES[stage]
    emu.reset()
    emu.create_job(name, **{"duration": DURATION, **options})
    move(emu, clock, name)
    if stage == "cancelled_while_queued":
        emu.state.jobs.cancel(name)
    if stage == "failed_midway":
        emu.complete_job(name, error={"code": 8, "message": "Quota exceeded."})
    return state


def _strict(message: type[Message], body: dict[str, Any]) -> Message:
    parsed = message()
    json_format.ParseDict(body, parsed, ignore_unknown_fields=False)
    return parsed


def _vertex_cases() -> Iterator[tuple[str, str, str]]:
    for collection in MESSAGES:
        for version in VERSIONS:
            for stage in STAGES:
                if stage == "partially_succeeded" and collection == "pipelineJobs":
                    continue  # PipelineState has no such value: refused at creation
                yield collection, version, stage


@pytest.mark.parametrize(("collection", "version", "stage"), list(_vertex_cases()))
def test_vertex_job_parses_strictly(
    server: tuple[Emulator, FakeClock], collection: str, version: str, stage: str
) -> None:
    emu, clock = server
    name = f"{P}/{collection}/123"
    state = _bring(emu, clock, name, stage)
    headers = {"Authorization": f"Bearer {emu.vertex_token}"}
    with httpx.Client(base_url=f"{emu.url}/{version}", headers=headers, timeout=10) as client:
        got = client.get(f"/{name}")
        listed = client.get(f"/{P}/{collection}")
    assert got.status_code == 200, got.text
    assert listed.status_code == 200, listed.text
    types = VERSIONS[version]
    job = _strict(getattr(types, MESSAGES[collection]).pb(), got.json())
    prefix = "PIPELINE_STATE_" if collection == "pipelineJobs" else "JOB_STATE_"
    assert json_format.MessageToDict(job)["state"] == prefix + state
    page = _strict(getattr(types, LIST_RESPONSES[collection]).pb(), listed.json())
    assert len(getattr(page, _list_field(collection))) == 1


def _list_field(collection: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in collection)


@pytest.mark.parametrize("stage", ["queued", "running", "succeeded", "failed"])
def test_gemini_tuned_model_parses_strictly(server: tuple[Emulator, FakeClock], stage: str) -> None:
    emu, clock = server
    name = "tunedModels/t-1"
    emu.reset()
    emu.create_job(name, duration=DURATION, fate="fail" if stage == "failed" else None)
    clock.now += {"queued": 0.0, "running": 0.6, "succeeded": 1.0, "failed": 1.0}[stage] * DURATION
    headers = {"x-goog-api-key": emu.api_key}
    with httpx.Client(base_url=f"{emu.url}/v1beta", headers=headers, timeout=10) as client:
        got = client.get(f"/{name}")
        listed = client.get("/tunedModels")
    model = _strict(gemini_types.TunedModel.pb(), got.json())
    expected = {"succeeded": "ACTIVE", "failed": "FAILED"}.get(stage, "CREATING")
    assert json_format.MessageToDict(model)["state"] == expected
    page = _strict(gemini_types.ListTunedModelsResponse.pb(), listed.json())
    assert len(page.tuned_models) == 1


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("collection", [c for c in MESSAGES if c != "tuningJobs"])
def test_delete_answers_an_operation_that_parses_strictly(
    server: tuple[Emulator, FakeClock], collection: str, version: str
) -> None:
    emu, _clock = server
    name = f"{P}/{collection}/123"
    emu.reset()
    emu.create_job(name, duration=0)
    headers = {"Authorization": f"Bearer {emu.vertex_token}"}
    with httpx.Client(base_url=f"{emu.url}/{version}", headers=headers, timeout=10) as client:
        answer = client.delete(f"/{name}")
    assert answer.status_code == 200, answer.text
    operation = _strict(operations_pb2.Operation, answer.json())
    assert operation.name.startswith(f"{P}/operations/")
    assert operation.metadata.type_url.endswith(f"aiplatform.{version}.DeleteOperationMetadata")
