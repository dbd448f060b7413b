"""Typed results: videos, batch output, tuned models and documents, from both APIs' shapes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from gemini_ops import (
    BatchOutput,
    InvalidResponseError,
    Operation,
    OperationFailedError,
    OperationNotDoneError,
    Video,
)

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "payloads"
VIDEO = b"\x00\x00\x00\x18ftypmp42"


def done(name: str, response: dict[str, Any], metadata: dict[str, Any] | None = None) -> Operation:
    data: dict[str, Any] = {"name": name, "done": True, "response": response}
    if metadata is not None:
        data["metadata"] = metadata
    return Operation.from_dict(data)


def test_gemini_veo_video_uri_from_the_recorded_payload() -> None:
    op = Operation.from_dict(json.loads((PAYLOADS / "gemini-veo-done.json").read_text()))
    (video,) = op.videos()
    assert (
        video.uri
        == "https://generativelanguage.googleapis.com/v1beta/files/3k2j1h:download?alt=media"
    )
    assert video.data is None


def test_gemini_inline_video_bytes_and_encoding() -> None:
    sample = {"video": {"encodedVideo": base64.b64encode(VIDEO).decode(), "encoding": "video/mp4"}}
    op = done("models/veo/operations/a", {"generateVideoResponse": {"generatedSamples": [sample]}})
    assert op.videos() == (Video(uri=None, data=VIDEO, mime_type="video/mp4"),)
    assert "bytes>" in repr(op.videos()[0])  # the repr never dumps the video


def test_vertex_videos_gcs_uri_and_inline_bytes() -> None:
    response = {
        "@type": "type.googleapis.com/google.cloud.aiplatform.v1.GenerateVideoResponse",
        "videos": [
            {"gcsUri": "gs://bucket/out/0.mp4", "mimeType": "video/mp4"},
            {"bytesBase64Encoded": base64.b64encode(VIDEO).decode(), "mimeType": "video/mp4"},
        ],
    }
    op = done("projects/p/locations/l/publishers/google/models/veo/operations/o", response)
    assert op.videos() == (
        Video(uri="gs://bucket/out/0.mp4", data=None, mime_type="video/mp4"),
        Video(uri=None, data=VIDEO, mime_type="video/mp4"),
    )


@pytest.mark.parametrize(
    "response",
    [
        {"videos": "gs://x"},
        {"videos": [{"gcsUri": 5}]},
        {"videos": [{"bytesBase64Encoded": "***"}]},
        {"generateVideoResponse": []},
        {"generateVideoResponse": {"generatedSamples": [{"video": {"uri": ["x"]}}]}},
    ],
)
def test_malformed_video_fields_raise_a_typed_error(response: dict[str, Any]) -> None:
    with pytest.raises(InvalidResponseError, match="invalid operation result"):
        done("models/veo/operations/a", response).videos()


def test_results_follow_result_for_running_and_failed_operations() -> None:
    running = Operation.from_dict({"name": "batches/b1"})
    failed = Operation.from_dict({"name": "batches/b1", "error": {"code": 13, "message": "x"}})
    for accessor in ("videos", "batch_output", "document_name"):
        with pytest.raises(OperationNotDoneError):
            getattr(running, accessor)()
        with pytest.raises(OperationFailedError):
            getattr(failed, accessor)()


def test_batch_responses_file_from_the_batch_response() -> None:
    response = {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
        "state": "BATCH_STATE_SUCCEEDED",
        "output": {"responsesFile": "files/batch-out-1"},
    }
    assert done("batches/b1", response).batch_output() == BatchOutput(
        responses_file="files/batch-out-1"
    )


def test_batch_inlined_responses_and_embeddings() -> None:
    answers = [{"response": {"candidates": []}}, {"error": {"code": 3, "message": "bad"}}]
    output = {"inlinedResponses": {"inlinedResponses": answers}}
    result = done("batches/b1", {"output": output}).batch_output()
    assert result is not None
    assert result.responses_file is None
    assert result.inlined_responses == tuple(answers)
    embed = {"inlinedEmbedContentResponses": {"inlinedResponses": [{"response": {}}]}}
    result = done("batches/b2", embed).batch_output()
    assert result is not None
    assert len(result.inlined_responses) == 1


def test_batch_output_from_metadata_when_the_response_has_none() -> None:
    op = done("batches/b1", {}, metadata={"output": {"responsesFile": "files/r"}})
    assert op.batch_output() == BatchOutput(responses_file="files/r")
    assert done("batches/b1", {}).batch_output() is None
    with pytest.raises(InvalidResponseError):
        done("batches/b1", {"output": {"responsesFile": 1}}).batch_output()


def test_tuned_model_name_from_response_metadata_or_name() -> None:
    response = {"@type": "x.TunedModel", "name": "tunedModels/from-response"}
    assert (
        done("tunedModels/m/operations/o", response).tuned_model_name()
        == "tunedModels/from-response"
    )
    running = Operation.from_dict(
        {"name": "tunedModels/m/operations/o", "metadata": {"tunedModel": "tunedModels/meta"}}
    )
    assert running.tuned_model_name() == "tunedModels/meta"
    bare = Operation.from_dict({"name": "tunedModels/only-name/operations/o"})
    assert bare.tuned_model_name() == "tunedModels/only-name"
    assert Operation.from_dict({"name": "batches/b1"}).tuned_model_name() is None


def test_document_name_of_a_file_search_upload() -> None:
    response = {"parent": "fileSearchStores/s", "documentName": "fileSearchStores/s/documents/d1"}
    op = done("fileSearchStores/s/upload/operations/u", response)
    assert op.document_name() == "fileSearchStores/s/documents/d1"
    assert done("fileSearchStores/s/operations/u", {}).document_name() is None


def test_generated_models_show_unset_fields_plainly() -> None:
    op = Operation.from_dict(json.loads((PAYLOADS / "gemini-veo-done.json").read_text()))
    text = repr(op.typed_response())
    assert "PredictLongRunningResponse" in text
    assert "Unset object" not in text
    assert "UNSET" in text
