"""google-genai (pinned in the test-google extra) as a client of the emulator, both backends.

Loopback only: the clients get the emulator's base URL and credentials that only the emulator
accepts (an API key for the Gemini API, a bare bearer token for Vertex AI), so nothing can reach
Google.
"""

from __future__ import annotations

import pytest
from google import genai
from google.genai import types
from google.oauth2.credentials import Credentials

from gemini_ops.testing import Emulator

VEO = "veo-3.0-generate-001"
P = "projects/p1/locations/us-central1"


def gemini_client(emu: Emulator) -> genai.Client:
    return genai.Client(
        api_key=emu.api_key,
        http_options=types.HttpOptions(base_url=emu.url, api_version="v1beta"),
    )


def vertex_client(emu: Emulator) -> genai.Client:
    return genai.Client(
        vertexai=True,
        project="p1",
        location="us-central1",
        credentials=Credentials(token=emu.vertex_token),
        http_options=types.HttpOptions(base_url=emu.url, api_version="v1"),
    )


def test_veo_operation_on_gemini(emulator: Emulator) -> None:
    name = f"models/{VEO}/operations/v1"
    emulator.create_operation(name, duration=None)
    client = gemini_client(emulator)
    running = client.operations.get(types.GenerateVideosOperation(name=name))
    assert running.name == name
    assert not running.done
    emulator.complete(name)
    done = client.operations.get(running)
    assert done.done
    assert done.response is not None
    [video] = done.response.generated_videos
    assert video.video.uri.startswith("https://generativelanguage.googleapis.com/v1beta/files/")


def test_veo_operation_on_vertex_uses_fetch_predict_operation(emulator: Emulator) -> None:
    name = f"{P}/publishers/google/models/{VEO}/operations/v2"
    emulator.create_operation(name, duration=0)
    client = vertex_client(emulator)
    done = client.operations.get(types.GenerateVideosOperation(name=name))
    assert done.done
    [video] = done.response.generated_videos
    assert video.video.uri == "gs://p1-veo-output/v2/sample_0.mp4"
    assert video.video.mime_type == "video/mp4"
    [request] = emulator.requests()
    assert request["method"] == "POST"
    assert request["path"] == f"/v1/{P}/publishers/google/models/{VEO}:fetchPredictOperation"


def test_batches_get_list_cancel_delete(emulator: Emulator) -> None:
    emulator.create_operation("batches/b1", duration=None)
    emulator.create_operation("batches/b2", duration=0)
    client = gemini_client(emulator)
    got = client.batches.get(name="batches/b1")
    assert got.name == "batches/b1"
    assert got.state in {types.JobState.JOB_STATE_PENDING, types.JobState.JOB_STATE_RUNNING}
    listed = [b.name for b in client.batches.list(config=types.ListBatchJobsConfig(page_size=1))]
    assert listed == ["batches/b1", "batches/b2"]
    client.batches.cancel(name="batches/b1")
    assert client.batches.get(name="batches/b1").state == types.JobState.JOB_STATE_CANCELLED
    client.batches.delete(name="batches/b2")
    with pytest.raises(genai.errors.ClientError) as excinfo:
        client.batches.get(name="batches/b2")
    assert excinfo.value.code == 404


@pytest.mark.parametrize(
    ("name", "operation_type"),
    [
        ("fileSearchStores/s1/operations/o1", types.ImportFileOperation),
        ("fileSearchStores/s1/upload/operations/o1", types.UploadToFileSearchStoreOperation),
    ],
)
def test_file_search_operations(
    emulator: Emulator, name: str, operation_type: type[types.ImportFileOperation]
) -> None:
    emulator.create_operation(name, duration=0)
    client = gemini_client(emulator)
    done = client.operations.get(operation_type(name=name))
    assert done.done
    assert done.response is not None
    assert done.response.document_name == "fileSearchStores/s1/documents/o1"
