"""Every operation family: names, shapes, @type packages, progress, outcome when done."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"
TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z")
GL = "type.googleapis.com/google.ai.generativelanguage"
AP = "type.googleapis.com/google.cloud.aiplatform"


def get(client: httpx.Client, path: str, headers: dict[str, str]) -> dict:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_tuning_counts_up_and_ends_with_a_tuned_model(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], version: str
) -> None:
    name = "tunedModels/sentiment-7k2/operations/op-91f3"
    emulator.create_operation(name, duration=2.0)
    time.sleep(0.15)
    first = get(client, f"/{version}/{name}", gemini)
    assert first["name"] == name
    assert "done" not in first
    assert "response" not in first
    assert "error" not in first
    meta = first["metadata"]
    assert meta["@type"] == f"{GL}.{version}.CreateTunedModelMetadata"
    assert meta["tunedModel"] == "tunedModels/sentiment-7k2"
    assert meta["totalSteps"] == 250
    assert 0 < meta["completedSteps"] < 250
    assert 0 < meta["completedPercent"] < 100
    assert TS.fullmatch(meta["snapshots"][-1]["computeTime"])
    time.sleep(0.1)
    second = get(client, f"/{version}/{name}", gemini)
    assert second["metadata"]["completedSteps"] > meta["completedSteps"]
    emulator.complete(name)
    done = get(client, f"/{version}/{name}", gemini)
    assert done["done"] is True
    assert done["metadata"]["completedPercent"] == 100
    model = done["response"]
    assert model["@type"] == f"{GL}.{version}.TunedModel"
    assert model["name"] == "tunedModels/sentiment-7k2"
    assert model["state"] == "ACTIVE"


def test_veo_running_is_only_a_name_then_a_video(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    name = "models/veo-3.0-generate-001/operations/9x1y2z3w"
    emulator.create_operation(name, duration=None)
    assert get(client, f"/v1beta/{name}", gemini) == {"name": name}
    emulator.complete(name)
    done = get(client, f"/v1beta/{name}", gemini)
    assert done["done"] is True
    assert done["response"]["@type"] == f"{GL}.v1beta.PredictLongRunningResponse"
    sample = done["response"]["generateVideoResponse"]["generatedSamples"][0]
    assert sample["video"]["uri"].endswith(":download?alt=media")


def test_batch_goes_pending_running_succeeded_with_int64_strings(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/123456789", duration=3.0)
    pending = get(client, "/v1beta/batches/123456789", gemini)["metadata"]
    assert pending["@type"] == f"{GL}.v1beta.GenerateContentBatch"
    assert pending["name"] == "batches/123456789"
    assert pending["state"] == "BATCH_STATE_PENDING"
    assert pending["batchStats"] == {"requestCount": "100", "pendingRequestCount": "100"}
    assert TS.fullmatch(pending["createTime"])
    assert TS.fullmatch(pending["updateTime"])
    time.sleep(0.5)
    running = get(client, "/v1beta/batches/123456789", gemini)["metadata"]
    assert running["state"] == "BATCH_STATE_RUNNING"
    stats = running["batchStats"]
    assert all(isinstance(v, str) for v in stats.values())
    assert 0 < int(stats["successfulRequestCount"]) < 100
    assert (
        int(stats["successfulRequestCount"])
        + int(stats.get("failedRequestCount", "0"))
        + int(stats["pendingRequestCount"])
        == 100
    )
    emulator.complete("batches/123456789")
    done = get(client, "/v1/batches/123456789", gemini)
    assert done["done"] is True
    assert done["metadata"]["@type"] == f"{GL}.v1.GenerateContentBatch"
    assert done["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    assert "pendingRequestCount" not in done["metadata"]["batchStats"]
    assert TS.fullmatch(done["metadata"]["endTime"])
    assert done["response"] == {
        "@type": f"{GL}.v1.GenerateContentBatchOutput",
        "responsesFile": "files/batch-123456789-responses",
    }


def test_failed_batch(emulator: Emulator, client: httpx.Client, gemini: dict[str, str]) -> None:
    error = {"code": 13, "message": "Internal error while processing the batch."}
    emulator.create_operation("batches/f1", duration=0, error=error)
    done = get(client, "/v1beta/batches/f1", gemini)
    assert done["done"] is True
    assert done["error"] == error
    assert "response" not in done
    assert done["metadata"]["state"] == "BATCH_STATE_FAILED"


@pytest.mark.parametrize(
    ("name", "response_type", "fields"),
    [
        (
            "corpora/c1/operations/o1",
            "ImportFileResponse",
            {"parent": "corpora/c1", "documentName": "corpora/c1/documents/o1"},
        ),
        (
            "generatedFiles/g1/operations/o1",
            "GeneratedFile",
            {"name": "generatedFiles/g1", "mimeType": "video/mp4", "state": "GENERATED"},
        ),
        (
            "fileSearchStores/s1/operations/o1",
            "ImportFileResponse",
            {"parent": "fileSearchStores/s1", "documentName": "fileSearchStores/s1/documents/o1"},
        ),
        (
            "fileSearchStores/s1/upload/operations/o1",
            "UploadToFileSearchStoreResponse",
            {
                "parent": "fileSearchStores/s1",
                "documentName": "fileSearchStores/s1/documents/o1",
                "mimeType": "application/pdf",
                "sizeBytes": "482113",
            },
        ),
    ],
)
def test_file_families(
    emulator: Emulator,
    client: httpx.Client,
    gemini: dict[str, str],
    name: str,
    response_type: str,
    fields: dict[str, str],
) -> None:
    emulator.create_operation(name, duration=None)
    assert get(client, f"/v1beta/{name}", gemini) == {"name": name}
    emulator.complete(name)
    done = get(client, f"/v1beta/{name}", gemini)
    assert done == {
        "name": name,
        "done": True,
        "response": {"@type": f"{GL}.v1beta.{response_type}", **fields},
    }


@pytest.mark.parametrize(
    ("name", "metadata_type"),
    [
        (f"{VERTEX}/operations/4455667788", "DeleteOperationMetadata"),
        (f"{VERTEX}/endpoints/55/operations/66", "DeployModelOperationMetadata"),
        (f"{VERTEX}/datasets/1/operations/2", "CreateDatasetOperationMetadata"),
        (f"{VERTEX}/ragCorpora/1/operations/2", "ImportRagFilesOperationMetadata"),
        (f"{VERTEX}/reasoningEngines/1/operations/2", "CreateReasoningEngineOperationMetadata"),
        (f"{VERTEX}/tuningJobs/1/operations/2", "RebaseTunedModelOperationMetadata"),
    ],
)
@pytest.mark.parametrize("version", ["v1", "v1beta1"])
def test_vertex_generic_metadata_and_empty_response(
    emulator: Emulator,
    client: httpx.Client,
    vertex: dict[str, str],
    name: str,
    metadata_type: str,
    version: str,
) -> None:
    emulator.create_operation(name, duration=2.0)
    time.sleep(0.1)
    running = get(client, f"/{version}/{name}", vertex)
    assert running["name"] == name
    assert "done" not in running
    meta = running["metadata"]
    assert meta["@type"] == f"{AP}.{version}.{metadata_type}"
    assert TS.fullmatch(meta["genericMetadata"]["createTime"])
    # Only ImportRagFilesOperationMetadata has a progress field; the others carry none.
    has_progress = metadata_type == "ImportRagFilesOperationMetadata"
    if has_progress:
        assert 0 < meta["progressPercentage"] < 100
    else:
        assert set(meta) == {"@type", "genericMetadata"}
    emulator.complete(name)
    done = get(client, f"/{version}/{name}", vertex)
    assert done["done"] is True
    assert done["metadata"].get("progressPercentage") == (100 if has_progress else None)
    assert done["response"] == {"@type": "type.googleapis.com/google.protobuf.Empty"}


def test_custom_metadata_and_response_keep_their_types(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    name = "models/m/operations/o"
    emulator.create_operation(
        name,
        duration=0,
        metadata={"progressPercent": 50},
        response={"@type": f"{GL}.v1main.PredictLongRunningResponse", "extra": {"x": "1"}},
    )
    done = get(client, f"/v1beta/{name}", gemini)
    assert done["metadata"] == {
        "@type": f"{GL}.v1beta.PredictLongRunningMetadata",
        "progressPercent": 50,
    }
    assert done["response"] == {
        "@type": f"{GL}.v1main.PredictLongRunningResponse",
        "extra": {"x": "1"},
    }


def test_metadata_keys_override_the_defaults(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/x", duration=None, metadata={"state": "BATCH_STATE_EXPIRED"})
    meta = get(client, "/v1beta/batches/x", gemini)["metadata"]
    assert meta["state"] == "BATCH_STATE_EXPIRED"
    assert meta["@type"] == f"{GL}.v1beta.GenerateContentBatch"


def test_fetch_predict_operation(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    model = f"{VERTEX}/publishers/google/models/veo-3.0-generate-001"
    name = f"{model}/operations/abc"
    emulator.create_operation(name, duration=None)
    url = f"/v1/{model}:fetchPredictOperation"
    running = client.post(url, headers=vertex, json={"operationName": name})
    assert running.status_code == 200
    assert running.json() == {"name": name}
    emulator.complete(name)
    done = client.post(url, headers=vertex, json={"operationName": name}).json()
    assert done["done"] is True
    assert done["response"]["@type"] == (
        "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
    )
    video = done["response"]["videos"][0]
    assert video["gcsUri"].startswith("gs://")
    assert video["mimeType"] == "video/mp4"
    # Another model's operation, a missing operation, a missing or broken body.
    other = client.post(
        f"/v1/{VERTEX}/publishers/google/models/other:fetchPredictOperation",
        headers=vertex,
        json={"operationName": name},
    )
    assert other.status_code == 400
    missing = client.post(url, headers=vertex, json={"operationName": f"{model}/operations/nope"})
    assert missing.status_code == 404
    assert client.post(url, headers=vertex, json={}).status_code == 400
    assert client.post(url, headers=vertex, content=b"{not json").status_code == 400
    # There is no GET for publisher-model operations.
    assert client.get(f"/v1/{name}", headers=vertex).status_code == 404


def test_names_are_kept_exactly(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    by_number = "projects/123456/locations/us-central1/operations/1"
    emulator.create_operation(by_number, duration=None)
    assert get(client, f"/v1/{by_number}", vertex)["name"] == by_number
    # The same operation under a project id is another name: not found.
    other = client.get("/v1/projects/my-project/locations/us-central1/operations/1", headers=vertex)
    assert other.status_code == 404
