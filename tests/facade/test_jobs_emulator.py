"""Jobs through the public API against the emulator over loopback HTTP, sync and async.

Each of the five Vertex AI job collections of `gemini_ops/_discovery/vertex_jobs.json`, and the
Gemini API's tuned models: created through the emulator's control plane, listed page by page,
waited to SUCCEEDED, FAILED and CANCELLED, and deleted where Google serves delete; then one
`wait_many` over an operation and jobs of every kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dual import Api, make, vertex_options

from gemini_ops import (
    Job,
    NotFoundError,
    Operation,
    OperationFailedError,
    RequestCancelledError,
    UnsupportedMethodError,
)
from gemini_ops.testing import Emulator

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("instant_sleeps")]

P = "projects/p1/locations/us-central1"
DATA = Path(__file__).resolve().parents[2] / "gemini_ops" / "_discovery" / "vertex_jobs.json"
JOBS = json.loads(DATA.read_text())["jobs"]
COLLECTIONS = [pattern.rpartition("/")[2] for pattern in JOBS]
WAIT = {"poll_interval": 0.05, "timeout": 10.0}


def state(collection: str, short: str) -> str:
    prefix = "PIPELINE_STATE_" if collection == "pipelineJobs" else "JOB_STATE_"
    return prefix + short


def finish(emu: Emulator, **how: Any) -> Any:
    """An on_progress that ends the job with ``how`` once it has been seen running."""

    def on_progress(job: Operation) -> None:
        assert isinstance(job, Job)
        if job.running and job.state not in (None, "CANCELLING", "JOB_STATE_CANCELLING"):
            emu.complete_job(job.name, **how)

    return on_progress


async def test_the_five_collections_are_those_of_the_documents() -> None:
    assert sorted(COLLECTIONS) == [
        "batchPredictionJobs",
        "customJobs",
        "hyperparameterTuningJobs",
        "pipelineJobs",
        "tuningJobs",
    ]


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_a_vertex_job_collection(emu: Emulator, vertex: Api, collection: str) -> None:
    parent = f"{P}/{collection}"
    ok, bad, stop = (f"{parent}/{leaf}" for leaf in ("ok", "bad", "stop"))
    for name in (ok, bad, stop):
        emu.create_job(name)  # running until told

    # Listed with paging: one page at a time, then lazily to the end.
    first = await vertex("list", parent, page_size=2)
    assert len(first) == 2
    assert first.next_page_token
    second = await vertex("list", parent, page_size=2, page_token=first.next_page_token)
    assert len(second) == 1
    assert second.next_page_token is None
    listed = [*first.operations, *second.operations]
    assert {job.name for job in listed} == {ok, bad, stop}
    assert all(isinstance(job, Job) and job.running for job in listed)
    every = await vertex.collect("list_all", parent, page_size=1)
    assert sorted(job.name for job in every) == sorted([ok, bad, stop])

    # Waited to SUCCEEDED.
    done = await vertex("wait", ok, on_progress=finish(emu, fate="succeed"), **WAIT)
    assert isinstance(done, Job)
    assert (done.state, done.succeeded, done.progress) == (
        state(collection, "SUCCEEDED"),
        True,
        100,
    )
    assert done.result() == done.to_dict()

    # Waited to FAILED: the typed error of the code the job reports.
    error = {"code": 5, "message": "input gone"}
    failed = await vertex(
        "wait_with_backoff",
        bad,
        initial_delay=0.05,
        timeout=10.0,
        on_progress=finish(emu, error=error),
    )
    assert (failed.state, failed.failed, failed.succeeded) == (
        state(collection, "FAILED"),
        True,
        False,
    )
    assert failed.error.code == 5
    with pytest.raises(NotFoundError) as excinfo:
        failed.result()
    assert isinstance(excinfo.value, OperationFailedError)

    # Cancelled, then waited to CANCELLED.
    await vertex("cancel", stop)
    cancelled = await vertex("wait", stop, **WAIT)
    assert (cancelled.state, cancelled.cancelled, cancelled.failed) == (
        state(collection, "CANCELLED"),
        True,
        True,
    )
    with pytest.raises(OperationFailedError):
        cancelled.result()

    # Deleted where Google serves delete; a tuning job has none, and nothing is sent.
    if collection == "tuningJobs":
        with pytest.raises(UnsupportedMethodError, match="no version serves delete"):
            await vertex("delete", ok)
        assert (await vertex("get", ok)).succeeded
    else:
        for name in (ok, bad, stop):
            assert await vertex("delete", name) is None
            with pytest.raises(NotFoundError):
                await vertex("get", name)
        assert len(await vertex("list", parent)) == 0


@pytest.mark.parametrize("version", ["v1", "v1beta1"])
async def test_both_vertex_versions_serve_the_jobs(
    emu: Emulator, vertex: Api, version: str
) -> None:
    api = make("async" if vertex.is_async else "sync", **vertex_options(emu, api_version=version))
    try:
        name = f"{P}/batchPredictionJobs/v"
        emu.create_job(name, duration=0, partial_success=True)
        done = await api("wait", name, **WAIT)
        assert (done.state, done.succeeded, done.partial) == (
            "JOB_STATE_PARTIALLY_SUCCEEDED",
            True,
            True,
        )
    finally:
        await api.close()


async def test_gemini_tuned_models(emu: Emulator, gemini: Api) -> None:
    ok, bad, third = "tunedModels/ok", "tunedModels/bad", "tunedModels/third"
    for name in (ok, bad, third):
        emu.create_job(name)

    first = await gemini("list", "tunedModels", page_size=2)
    assert len(first) == 2
    assert first.next_page_token
    every = await gemini.collect("list_all", "tunedModels", page_size=1)
    assert sorted(job.name for job in every) == sorted([ok, bad, third])
    assert all(job.state == "CREATING" and job.running for job in every)

    done = await gemini("wait", ok, on_progress=finish(emu, fate="succeed"), **WAIT)
    assert (done.state, done.succeeded) == ("ACTIVE", True)
    assert done.tuned_model_name() == ok

    failed = await gemini("wait", bad, on_progress=finish(emu, fate="fail"), **WAIT)
    assert (failed.state, failed.failed) == ("FAILED", True)
    with pytest.raises(OperationFailedError):
        failed.result()

    # A tuned model has no cancel (its tuning operation has): refused before any request.
    with pytest.raises(UnsupportedMethodError, match="cancel its operation"):
        await gemini("cancel", third)
    assert (await gemini("get", third)).running

    assert await gemini("delete", ok) is None
    with pytest.raises(NotFoundError):
        await gemini("get", ok)


async def test_wait_many_mixes_an_operation_and_jobs(emu: Emulator, vertex: Api) -> None:
    operation = f"{P}/operations/o1"
    emu.create_operation(operation, duration=None)
    jobs = [f"{P}/{collection}/m" for collection in COLLECTIONS]
    fates = {name: "fail" if index == 1 else "succeed" for index, name in enumerate(jobs)}
    for name in jobs:
        emu.create_job(name)
    emu.create_job(f"{P}/tuningJobs/c")
    await vertex("cancel", f"{P}/tuningJobs/c")

    def on_progress(item: Operation) -> None:
        # Each one is seen running once, then ended.
        if item.running and item.name == operation:
            emu.complete(operation, response={"@type": "type.googleapis.com/x.Done"})
        elif item.running and item.name in fates:
            emu.complete_job(item.name, fate=fates[item.name])

    waited = [operation, *jobs, f"{P}/tuningJobs/c"]
    finished = await vertex.collect("wait_many", waited, on_progress=on_progress, **WAIT)
    assert sorted(item.name for item in finished) == sorted(waited)
    by_name = {item.name: item for item in finished}
    assert type(by_name[operation]) is Operation
    assert by_name[operation].succeeded
    for name, fate in fates.items():
        assert isinstance(by_name[name], Job)
        assert by_name[name].failed is (fate == "fail")
        assert by_name[name].succeeded is (fate == "succeed")
    cancelled = by_name[f"{P}/tuningJobs/c"]
    assert cancelled.cancelled
    with pytest.raises(RequestCancelledError):  # a cancelled tuning job carries code 1
        cancelled.result()


async def test_google_genai_objects_go_straight_into_get_wait_and_wait_many(
    emu: Emulator, vertex: Api
) -> None:
    genai = pytest.importorskip("google.genai")
    from google.genai import types
    from google.oauth2.credentials import Credentials

    batch_name, tuning_name = f"{P}/batchPredictionJobs/101", f"{P}/tuningJobs/202"
    emu.create_job(batch_name)
    emu.create_job(tuning_name)
    client = genai.Client(
        vertexai=True,
        project="p1",
        location="us-central1",
        credentials=Credentials(token=emu.vertex_token),
        http_options=types.HttpOptions(base_url=emu.url, api_version="v1beta1"),
    )
    batch = client.batches.get(name=batch_name)  # a google.genai.types.BatchJob
    tuning = client.tunings.get(name=tuning_name)  # a google.genai.types.TuningJob

    got = await vertex("get", batch)
    assert isinstance(got, Job)
    assert (got.name, got.state) == (batch_name, batch.state)  # JobState is a str enum
    emu.complete_job(batch_name, fate="succeed")
    assert (await vertex("wait", batch, **WAIT)).succeeded
    emu.complete_job(tuning_name, fate="fail")
    finished = await vertex.collect("wait_many", [batch, tuning], **WAIT)
    assert {(item.name, item.succeeded) for item in finished} == {
        (batch_name, True),
        (tuning_name, False),
    }
