from __future__ import annotations

import contextlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemini_ops import (
    InvalidResponseError,
    Operation,
    OperationFailedError,
    OperationNotDoneError,
    OperationsPage,
    Status,
)
from gemini_ops._core.operation import progress_of, timestamp_of

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "payloads"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return data


def test_running_operation_without_done_key() -> None:
    op = Operation.from_dict(payload("gemini-veo-running.json"))
    assert op.name == "models/veo-3.0-generate-001/operations/9x1y2z3w"
    assert (op.done, op.running, op.succeeded, op.failed, op.cancelled) == (
        False,
        True,
        False,
        False,
        False,
    )
    assert op.progress is None
    assert op.metadata is None
    assert op.metadata_type is None
    with pytest.raises(OperationNotDoneError):
        op.result()


def test_veo_done() -> None:
    op = Operation.from_dict(payload("gemini-veo-done.json"))
    assert op.succeeded
    assert op.progress == 100.0
    assert op.response_type == "PredictLongRunningResponse"
    result = op.result()
    assert result is not None
    assert result["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"].endswith(
        "alt=media"
    )
    typed = op.typed_response()
    assert typed.generate_video_response.generated_samples[0].video.uri.startswith("https://")


def test_batch_running_progress_from_batch_stats() -> None:
    op = Operation.from_dict(payload("gemini-batch-running.json"))
    assert op.running
    assert op.metadata_type == "GenerateContentBatch"
    assert op.progress == pytest.approx(42.3)  # (420 + 3) / 1000
    typed = op.typed_metadata()
    assert typed.batch_stats.request_count == "1000"
    assert typed.state == "BATCH_STATE_RUNNING"


def test_batch_cancelled() -> None:
    op = Operation.from_dict(payload("gemini-batch-cancelled.json"))
    assert op.done
    assert op.cancelled
    assert op.failed
    assert not op.succeeded
    assert op.error == Status(code=1, message="Operation cancelled by the user.")
    assert op.error is not None
    assert op.error.status == "CANCELLED"
    with pytest.raises(OperationFailedError, match="CANCELLED"):
        op.result()


def test_tuning_progress_from_completed_percent() -> None:
    op = Operation.from_dict(payload("gemini-tuning-running.json"))
    assert op.progress == 40.0
    typed = op.typed_metadata()
    assert typed.total_steps == 250
    assert typed.snapshots[0].mean_loss == pytest.approx(0.213)


def test_vertex_done_with_empty_response() -> None:
    op = Operation.from_dict(payload("vertex-op-done-empty.json"))
    assert op.succeeded
    assert op.response_type == "Empty"
    assert op.typed_response() is None  # unknown type: None, not an error
    metadata = op.typed_metadata()  # a Vertex *OperationMetadata with genericMetadata
    assert metadata.generic_metadata.create_time == "2025-11-03T09:00:00Z"


def test_vertex_running() -> None:
    op = Operation.from_dict(payload("vertex-op-running.json"))
    assert op.running
    assert op.metadata_type == "DeleteOperationMetadata"
    assert op.progress is None


def test_list_page() -> None:
    page = OperationsPage.from_dict(payload("gemini-list-batches.json"))
    assert [op.name for op in page] == ["batches/a1", "batches/a2"]
    assert len(page) == 2
    assert page.next_page_token == "Cg5iYXRjaGVzL2EyEgA"
    assert OperationsPage.from_dict({}).operations == ()
    assert OperationsPage.from_dict({"nextPageToken": ""}).next_page_token is None


def test_round_trip_keeps_unknown_fields() -> None:
    data = {
        "name": "batches/x",
        "done": True,
        "futureField": {"nested": [1, 2]},
        "response": {"@type": "type.googleapis.com/a.b.v1main.Out", "k": "v"},
    }
    op = Operation.from_dict(data)
    assert op.to_dict() == data
    assert op.response_type == "Out"
    assert Operation.from_dict(op.to_dict()) == op


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"progressPercent": 12.5}, 12.5),
        ({"progressPercentage": 30}, 30.0),
        ({"completedPercent": 40}, 40.0),
        ({"completionPercentage": "55"}, 55.0),
        ({"progress": 0.25}, 25.0),
        ({"completedSteps": 3, "totalSteps": 12}, 25.0),
        ({"completedSteps": 3, "totalSteps": 0}, None),
        ({"batchStats": {"requestCount": "10", "successfulRequestCount": "4"}}, 40.0),
        ({"batchStats": {"requestCount": "0"}}, None),
        ({"progressPercent": 150}, 100.0),
        ({"progressPercent": -3}, 0.0),
        ({"progressPercent": "NaN", "progress": 0.5}, 50.0),
        ({"progressPercent": True}, None),
        ({"progressPercentage": 10, "completedPercent": 90}, 10.0),
        ({"progressPercent": 10**400}, None),  # past the float range: unknown, not OverflowError
        ({"progressPercent": 10**400, "progress": 0.5}, 50.0),
        ({"progress": 10**400}, None),
        ({"completedSteps": 10**400, "totalSteps": 10}, None),
        ({"completedSteps": 1e308, "totalSteps": 1e-308}, 100.0),
        ({"batchStats": {"requestCount": 10**400, "successfulRequestCount": "1"}}, None),
        ({}, None),
        (None, None),
    ],
)
def test_progress_sources(metadata: dict[str, Any] | None, expected: float | None) -> None:
    assert progress_of(metadata) == expected


@pytest.mark.parametrize(
    "data",
    [
        [],
        "batches/x",
        {},
        {"name": ""},
        {"name": 3},
        {"name": "b", "done": "yes"},
        {"name": "b", "metadata": []},
        {"name": "b", "response": "x"},
        {"name": "b", "error": "x"},
        {"name": "b", "error": {"code": "13"}},
        {"name": "b", "error": {"code": 1, "details": "x"}},
        {"name": "b", "done": True, "error": {"code": 1}, "response": {}},
    ],
)
def test_malformed_operations_raise_typed_errors(data: object) -> None:
    with pytest.raises(InvalidResponseError, match="invalid operation"):
        Operation.from_dict(data)


def test_done_false_wins_over_a_result() -> None:
    for result in ({"response": {"a": 1}}, {"error": {"code": 13}}):
        data = {"name": "b", "done": False, **result}
        op = Operation.from_dict(data)
        assert (op.done, op.running, op.response, op.error) == (False, True, None, None)
        assert op.to_dict() == data
        with pytest.raises(OperationNotDoneError):
            op.result()


@pytest.mark.parametrize("error", [{}, {"code": 0}, {"message": "m"}, {"code": 0, "details": []}])
def test_an_error_without_a_code_is_unknown(error: dict[str, Any]) -> None:
    op = Operation.from_dict({"name": "b", "done": True, "error": error})
    assert op.failed
    assert op.error is not None
    assert (op.error.code, op.error.status) == (2, "UNKNOWN")
    with pytest.raises(OperationFailedError, match="UNKNOWN"):
        op.result()
    assert Status.from_dict({"code": 5}).code == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-03T17:23:06.004734302Z", datetime(2025, 12, 3, 17, 23, 6, 4734, tzinfo=UTC)),
        ("2025-12-03T18:23:06+01:00", datetime(2025, 12, 3, 17, 23, 6, tzinfo=UTC)),
        ("2025-12-03T17:23:06", datetime(2025, 12, 3, 17, 23, 6, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        (
            "2025-12-03T17:23:06." + "1" * 400 + "Z",
            datetime(2025, 12, 3, 17, 23, 6, 111111, tzinfo=UTC),
        ),
        ("10000-01-01T00:00:00Z", None),
        ("0001-01-01T00:00:00+01:00", None),
        ("9999-12-31T23:59:59-01:00", None),
        ("garbage", None),
        ("", None),
        (10**400, None),
        (1.5, None),
        (None, None),
    ],
)
def test_timestamps(value: object, expected: datetime | None) -> None:
    assert timestamp_of(value) == expected
    for metadata in ({"createTime": value}, {"genericMetadata": {"createTime": value}}):
        assert Operation.from_dict({"name": "b", "metadata": metadata}).create_time == expected


def test_create_time_prefers_the_metadatas_own() -> None:
    op = Operation.from_dict(
        {
            "name": "b",
            "metadata": {
                "createTime": "garbage",
                "genericMetadata": {"createTime": "2025-01-02T03:04:05Z"},
            },
        }
    )
    assert op.create_time == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_done_inferred_from_a_result() -> None:
    assert Operation.from_dict({"name": "b", "error": {"code": 13}}).failed
    assert Operation.from_dict({"name": "b", "response": {}}).succeeded
    assert Operation.from_dict({"name": "b", "done": None}).running


def test_typed_metadata_mismatch_is_a_typed_error() -> None:
    op = Operation.from_dict(
        {
            "name": "tunedModels/t/operations/o",
            "metadata": {
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                "CreateTunedModelMetadata",
                "snapshots": "not a list",
            },
        }
    )
    with pytest.raises(InvalidResponseError, match="CreateTunedModelMetadata"):
        op.typed_metadata()


# Numbers past the float range (a 400-digit integer) and timestamps at the edges of datetime.
hostile_scalars = st.sampled_from(
    [10**400, -(10**400), "1" * 400, "0001-01-01T00:00:00+01:00", "10000-01-01T00:00:00Z"]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=10)
    | hostile_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
operation_like = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=20) | json_values,
        "done": st.booleans() | json_values,
        "metadata": st.dictionaries(
            st.sampled_from(
                [
                    "@type",
                    "progress",
                    "progressPercent",
                    "completedSteps",
                    "totalSteps",
                    "batchStats",
                    "createTime",
                ]
            ),
            json_values,
        )
        | json_values,
        "error": st.fixed_dictionaries(
            {},
            optional={
                "code": st.integers() | json_values,
                "message": json_values,
                "details": json_values,
            },
        )
        | json_values,
        "response": st.dictionaries(st.text(max_size=5), json_values) | json_values,
    },
)


@given(st.one_of(operation_like, st.dictionaries(st.text(max_size=8), json_values), json_values))
def test_from_dict_never_crashes(data: object) -> None:
    try:
        op = Operation.from_dict(data)
    except InvalidResponseError:
        return
    progress = op.progress
    assert progress is None or (0.0 <= progress <= 100.0 and math.isfinite(progress))
    assert op.done == (op.succeeded or op.failed)
    assert op.error is None or op.error.code != 0  # a failure never reads as OK
    assert op.create_time is None or op.create_time.utcoffset() is not None
    assert repr(op)
    assert op.to_dict() == data
    for accessor in (op.typed_metadata, op.typed_response):
        with contextlib.suppress(InvalidResponseError):
            accessor()


def test_operations_are_immutable_and_copy_and_pickle() -> None:
    import copy
    import pickle

    op = Operation.from_dict(payload("gemini-batch-running.json"))
    with pytest.raises(AttributeError, match="immutable"):
        op.done = True  # type: ignore[misc]
    for clone in (copy.copy(op), copy.deepcopy(op), pickle.loads(pickle.dumps(op))):
        assert clone == op
        assert clone.progress == op.progress
    assert "batches/123456789" in repr(op)


def test_status_repr_names_the_status() -> None:
    status = Status(code=1, message="stopped")
    assert repr(status) == "Status(code=1, status='CANCELLED', message='stopped')"


def test_upload_response_carries_mime_type_and_size() -> None:
    op = Operation.from_dict(
        {
            "name": "fileSearchStores/s/upload/operations/o",
            "done": True,
            "response": {
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                "UploadToFileSearchStoreResponse",
                "parent": "fileSearchStores/s",
                "documentName": "fileSearchStores/s/documents/d",
                "mimeType": "text/plain",
                "sizeBytes": "9007199254740993",
            },
        }
    )
    typed = op.typed_response()
    assert typed.mime_type == "text/plain"
    # int64 as a string: no float rounding on the way.
    assert typed.size_bytes == "9007199254740993"


def test_embed_batch_priority_output_and_unspecified_state() -> None:
    op = Operation.from_dict(
        {
            "name": "batches/e1",
            "metadata": {
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                "EmbedContentBatch",
                "state": "BATCH_STATE_UNSPECIFIED",
                "priority": "5",
                "output": {"responsesFile": "files/out"},
            },
        }
    )
    typed = op.typed_metadata()
    assert typed.state == "BATCH_STATE_UNSPECIFIED"
    assert typed.priority == "5"
    assert typed.output.responses_file == "files/out"
    assert op.running
