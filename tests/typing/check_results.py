"""Type-checked (not run): what a user fetches next has precise types, with no Any in them."""

from __future__ import annotations

from typing import assert_type

from gemini_ops import BatchOutput, Operation, Operations, Video
from gemini_ops_api.models import GenerateContentBatch, PredictLongRunningResponse


def fetch_results(ops: Operations) -> None:
    video_op = ops.wait("models/veo-3.0-generate-001/operations/v1")
    videos = video_op.videos()
    assert_type(videos, tuple[Video, ...])
    assert_type(videos[0].uri, str | None)
    assert_type(videos[0].data, bytes | None)
    assert_type(videos[0].mime_type, str | None)

    batch = ops.wait("batches/b1")
    output = batch.batch_output()
    assert_type(output, BatchOutput | None)
    if output is not None:
        assert_type(output.responses_file, str | None)

    tuning: Operation = ops.get("tunedModels/m/operations/t")
    assert_type(tuning.tuned_model_name(), str | None)

    upload = ops.wait("fileSearchStores/s/upload/operations/u")
    assert_type(upload.document_name(), str | None)


class SdkOperation:
    """Stands for google-genai's objects: anything with a string name is accepted."""

    name: str | None = "batches/b1"


def pass_sdk_objects(ops: Operations, sdk: SdkOperation) -> None:
    assert_type(ops.get(sdk), Operation)
    assert_type(ops.wait(sdk, timeout=1.0), Operation)
    for done in ops.wait_many([sdk, "batches/b2"]):
        assert_type(done, Operation)


def generated_models_are_typed(op: Operation) -> None:
    model = op.typed_response()
    if isinstance(model, PredictLongRunningResponse):
        assert_type(model, PredictLongRunningResponse)
    metadata = op.typed_metadata()
    if isinstance(metadata, GenerateContentBatch):
        assert_type(metadata, GenerateContentBatch)
