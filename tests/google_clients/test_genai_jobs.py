"""google-genai as a client of the emulator's job resources: batches and tunings.

Vertex AI mode (in both of its API versions: google-genai's default v1beta1, and v1):
`client.batches.get`, `list`, `cancel`, `delete` on batchPredictionJobs, and `client.tunings.get`,
`list`, `cancel` on tuningJobs. Gemini API mode: `client.tunings.get` on `tunedModels/{m}`.
Loopback only, with credentials only the emulator accepts.
"""

from __future__ import annotations

import pytest
from google import genai
from google.genai import types
from google.oauth2.credentials import Credentials

from gemini_ops.testing import Emulator

P = "projects/p1/locations/us-central1"


def vertex_client(emu: Emulator, version: str) -> genai.Client:
    return genai.Client(
        vertexai=True,
        project="p1",
        location="us-central1",
        credentials=Credentials(token=emu.vertex_token),
        http_options=types.HttpOptions(base_url=emu.url, api_version=version),
    )


def gemini_client(emu: Emulator) -> genai.Client:
    return genai.Client(
        api_key=emu.api_key,
        http_options=types.HttpOptions(base_url=emu.url, api_version="v1beta"),
    )


VERSIONS = pytest.mark.parametrize("version", ["v1beta1", "v1"])


@VERSIONS
def test_batches_get_list_cancel_delete(emulator: Emulator, version: str) -> None:
    running = f"{P}/batchPredictionJobs/101"
    done = f"{P}/batchPredictionJobs/102"
    failed = f"{P}/batchPredictionJobs/103"
    emulator.create_job(running, duration=None)
    emulator.create_job(done, duration=0)
    emulator.create_job(failed, duration=0, error={"code": 3, "message": "Bad input file."})
    client = vertex_client(emulator, version)

    got = client.batches.get(name=running)
    assert got.name == running
    assert got.state == types.JobState.JOB_STATE_QUEUED
    assert not got.done
    assert got.src is not None
    assert got.src.format == "jsonl"

    finished = client.batches.get(name="102")  # google-genai also takes the bare numeric id
    assert finished.state == types.JobState.JOB_STATE_SUCCEEDED
    assert finished.done
    assert finished.completion_stats is not None
    assert finished.completion_stats.successful_count == 100
    assert finished.dest is not None
    assert finished.dest.gcs_uri == "gs://p1-batch/102/"
    assert finished.start_time is not None
    assert finished.end_time is not None

    broken = client.batches.get(name=failed)
    assert broken.state == types.JobState.JOB_STATE_FAILED
    assert broken.error is not None
    assert broken.error.code == 3

    pager = client.batches.list(config=types.ListBatchJobsConfig(page_size=2))
    assert [b.name for b in pager] == [running, done, failed]
    only = client.batches.list(config=types.ListBatchJobsConfig(filter='state="JOB_STATE_FAILED"'))
    assert [b.name for b in only] == [failed]

    client.batches.cancel(name=running)
    assert client.batches.get(name=running).state == types.JobState.JOB_STATE_CANCELLED

    deleted = client.batches.delete(name=done)
    assert deleted.done
    assert deleted.name is not None
    assert deleted.name.startswith(f"{P}/operations/")
    with pytest.raises(genai.errors.ClientError) as excinfo:
        client.batches.get(name=done)
    assert excinfo.value.code == 404
    paths = [(r["method"], r["path"]) for r in emulator.requests()]
    assert ("DELETE", f"/{version}/{done}") in paths
    assert ("POST", f"/{version}/{running}:cancel") in paths


@VERSIONS
def test_batches_delete_of_a_running_job_is_refused(emulator: Emulator, version: str) -> None:
    name = f"{P}/batchPredictionJobs/201"
    emulator.create_job(name, duration=None)
    client = vertex_client(emulator, version)
    with pytest.raises(genai.errors.ClientError) as excinfo:
        client.batches.delete(name=name)
    assert excinfo.value.code == 400
    assert excinfo.value.status == "FAILED_PRECONDITION"


@VERSIONS
def test_tunings_get_list_cancel(emulator: Emulator, version: str) -> None:
    running = f"{P}/tuningJobs/301"
    done = f"{P}/tuningJobs/302"
    emulator.create_job(running, duration=None)
    emulator.create_job(done, duration=0)
    client = vertex_client(emulator, version)

    got = client.tunings.get(name=running)
    assert got.name == running
    assert got.state == types.JobState.JOB_STATE_QUEUED
    assert not got.has_ended

    finished = client.tunings.get(name=done)
    assert finished.has_succeeded
    assert finished.tuned_model is not None
    assert finished.tuned_model.model == f"{P}/models/302@1"
    assert finished.tuned_model.endpoint == f"{P}/endpoints/302"

    pager = client.tunings.list(config=types.ListTuningJobsConfig(page_size=1))
    assert [t.name for t in pager] == [running, done]

    client.tunings.cancel(name=running)
    cancelled = client.tunings.get(name=running)
    assert cancelled.state == types.JobState.JOB_STATE_CANCELLED
    assert cancelled.has_ended
    assert not cancelled.has_succeeded
    assert cancelled.error is not None
    assert cancelled.error.code == 1


def test_tunings_cancel_shows_cancelling_until_the_job_stops(emulator: Emulator) -> None:
    name = f"{P}/tuningJobs/401"
    emulator.create_job(name, duration=None, cancel_delay=60.0)
    client = vertex_client(emulator, "v1beta1")
    client.tunings.cancel(name=name)
    cancelling = client.tunings.get(name=name)
    assert cancelling.state == types.JobState.JOB_STATE_CANCELLING
    assert not cancelling.has_ended


def test_gemini_tunings_get(emulator: Emulator) -> None:
    emulator.create_job("tunedModels/creating-1", duration=None)
    emulator.create_job("tunedModels/active-1", duration=0)
    emulator.create_job("tunedModels/failed-1", duration=0, fate="fail")
    client = gemini_client(emulator)

    creating = client.tunings.get(name="tunedModels/creating-1")
    assert creating.name == "tunedModels/creating-1"
    assert creating.state == types.JobState.JOB_STATE_RUNNING
    assert not creating.has_ended

    active = client.tunings.get(name="tunedModels/active-1")
    assert active.state == types.JobState.JOB_STATE_SUCCEEDED
    assert active.has_succeeded
    assert active.tuned_model is not None
    assert active.tuned_model.model == "tunedModels/active-1"
    assert active.start_time is not None
    assert active.end_time is not None

    failed = client.tunings.get(name="tunedModels/failed-1")
    assert failed.state == types.JobState.JOB_STATE_FAILED
    assert failed.has_ended
    assert not failed.has_succeeded
    [request, *_] = emulator.requests()
    assert (request["method"], request["path"]) == ("GET", "/v1beta/tunedModels/creating-1")
