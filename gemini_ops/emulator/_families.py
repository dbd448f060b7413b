"""Realistic default metadata and responses for each operation family.

The shapes follow the reference description of Google's payloads: proto3 JSON with default values
left out, int64 values as strings, `@type` on every Any. Progress is a fraction in [0, 1] computed
by the caller from the operation's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gemini_ops.emulator._names import NameInfo
from gemini_ops.emulator._wire import TYPE_PREFIX, JSONObject, timestamp

Outcome = Literal["running", "succeeded", "failed", "cancelled"]

GEMINI_DEFAULT_VERSION = "v1beta"
VERTEX_DEFAULT_VERSION = "v1"

# Vertex metadata types by collection; every one of them wraps a `genericMetadata`. Operations under
# a RAG corpus are file imports: ImportRagFilesOperationMetadata is the one type here with a
# progress field of its own (`progressPercentage`); the others carry no progress at all.
_VERTEX_METADATA_TYPES = {
    "endpoints": "DeployModelOperationMetadata",
    "models": "UploadModelOperationMetadata",
    "datasets": "CreateDatasetOperationMetadata",
    "ragCorpora": "ImportRagFilesOperationMetadata",
    "reasoningEngines": "CreateReasoningEngineOperationMetadata",
    "indexes": "CreateIndexOperationMetadata",
    "indexEndpoints": "DeployIndexOperationMetadata",
    "featureOnlineStores": "CreateFeatureOnlineStoreOperationMetadata",
    "tuningJobs": "RebaseTunedModelOperationMetadata",
}
_VERTEX_DEFAULT_METADATA_TYPE = "DeleteOperationMetadata"
_VERTEX_PROGRESS_TYPES = frozenset({"ImportRagFilesOperationMetadata"})

_BATCH_REQUESTS = 100
_BATCH_PENDING_FRACTION = 0.1
TUNING_STEPS = 250
_UPLOAD_SIZE_BYTES = 482_113


@dataclass(frozen=True)
class Snapshot:
    """An operation's state at the moment it is shown.

    `fraction` is the share of the work done (frozen when the operation ends other than by
    success); the wall-clock times are seconds since the epoch.
    """

    outcome: Outcome
    fraction: float
    create_time: float
    update_time: float
    end_time: float | None


def gemini_type(version: str | None, message: str) -> str:
    """`@type` of a Gemini API message in the package of the API version asked for."""
    package = version if version in {"v1", "v1beta"} else GEMINI_DEFAULT_VERSION
    return f"{TYPE_PREFIX}google.ai.generativelanguage.{package}.{message}"


def vertex_type(version: str | None, message: str) -> str:
    """`@type` of a Vertex AI message in the package of the API version asked for."""
    package = version if version in {"v1", "v1beta1"} else VERTEX_DEFAULT_VERSION
    return f"{TYPE_PREFIX}google.cloud.aiplatform.{package}.{message}"


def type_url(info: NameInfo, version: str | None, message: str) -> str:
    """`@type` of a message on the operation's surface."""
    if info.surface == "vertex":
        return vertex_type(version, message)
    return gemini_type(version, message)


def metadata_type(info: NameInfo) -> str | None:
    """Short name of the family's metadata message, or None where Google sends no metadata."""
    family = info.family
    if family == "tuning":
        return "CreateTunedModelMetadata"
    if family == "batch":
        return "GenerateContentBatch"
    if family == "veo":
        return "PredictLongRunningMetadata"
    if family == "vertex_location":
        return _VERTEX_DEFAULT_METADATA_TYPE
    if family in {"vertex_resource", "vertex_tuning"}:
        return _VERTEX_METADATA_TYPES.get(info.ids[2], _VERTEX_DEFAULT_METADATA_TYPE)
    return None


def response_type(info: NameInfo) -> str:
    """Short or full name of the family's response message (`google.protobuf.Empty` is full)."""
    return {
        "tuning": "TunedModel",
        "veo": "PredictLongRunningResponse",
        "batch": "GenerateContentBatchOutput",
        "corpus": "ImportFileResponse",
        "generated_file": "GeneratedFile",
        "file_search_import": "ImportFileResponse",
        "file_search_upload": "UploadToFileSearchStoreResponse",
    }.get(info.family, "google.protobuf.Empty")


# Veo on Vertex answers with a message of the model's own service, not of the aiplatform package
# (whose `GenerateVideoResponse` is another message, with other fields).
_VERTEX_VIDEO_TYPE = "cloud.ai.large_models.vision.GenerateVideoResponse"


def response_type_url(info: NameInfo, version: str | None) -> str:
    """Full `@type` of the family's response."""
    if info.family == "vertex_publisher":
        return TYPE_PREFIX + _VERTEX_VIDEO_TYPE
    message = response_type(info)
    if message.startswith("google.protobuf."):
        return TYPE_PREFIX + message
    return type_url(info, version, message)


def default_metadata(info: NameInfo, version: str | None, snap: Snapshot) -> JSONObject | None:
    """Return the metadata Google shows for this family at this moment, or None (left out)."""
    family = info.family
    if family == "tuning":
        return _tuning_metadata(info, version, snap)
    if family == "batch":
        return _batch_metadata(info, version, snap)
    if family in {"vertex_location", "vertex_resource", "vertex_tuning"}:
        return _vertex_metadata(info, version, snap)
    # Veo (Gemini and Vertex), file and corpus operations: Google sends no metadata we know of.
    return None


def default_response(info: NameInfo, version: str | None, snap: Snapshot) -> JSONObject:
    """Return the response of a successful operation of this family."""
    family = info.family
    at = response_type_url(info, version)
    if family == "tuning":
        return _tuned_model(info, at, snap)
    if family == "veo":
        api = version if version in {"v1", "v1beta"} else GEMINI_DEFAULT_VERSION
        uri = (
            f"https://generativelanguage.googleapis.com/{api}/files/"
            f"{info.leaf}-video:download?alt=media"
        )
        return {
            "@type": at,
            "generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]},
        }
    if family == "batch":
        return {"@type": at, "responsesFile": f"files/batch-{info.leaf}-responses"}
    if family in {"corpus", "file_search_import", "file_search_upload"}:
        parent = "/".join(info.name.split("/")[:2])
        answer: JSONObject = {
            "@type": at,
            "parent": parent,
            "documentName": f"{parent}/documents/{info.leaf}",
        }
        if family == "file_search_upload":
            answer["mimeType"] = "application/pdf"
            answer["sizeBytes"] = str(_UPLOAD_SIZE_BYTES)
        return answer
    if family == "generated_file":
        return {
            "@type": at,
            "name": f"generatedFiles/{info.ids[0]}",
            "mimeType": "video/mp4",
            "state": "GENERATED",
        }
    if family == "vertex_publisher":
        project = info.ids[0]
        return {
            "@type": at,
            "videos": [
                {
                    "gcsUri": f"gs://{project}-veo-output/{info.leaf}/sample_0.mp4",
                    "mimeType": "video/mp4",
                }
            ],
        }
    return {"@type": at}


def _tuning_metadata(info: NameInfo, version: str | None, snap: Snapshot) -> JSONObject:
    done_steps = TUNING_STEPS if snap.outcome == "succeeded" else int(snap.fraction * TUNING_STEPS)
    meta: JSONObject = {
        "@type": gemini_type(version, "CreateTunedModelMetadata"),
        "tunedModel": f"tunedModels/{info.ids[0]}",
        "totalSteps": TUNING_STEPS,
    }
    if done_steps:
        meta["completedSteps"] = done_steps
        meta["completedPercent"] = round(100.0 * done_steps / TUNING_STEPS, 2)
        meta["snapshots"] = tuning_snapshots(done_steps, snap.create_time, snap.update_time)
    return meta


def tuning_snapshots(done_steps: int, create_time: float, update_time: float) -> list[JSONObject]:
    """The last five `TuningSnapshot`s of a tuning `done_steps` steps in (wall-clock times).

    One snapshot every 50 steps, the last at the current step; the loss falls as training goes on.
    """
    steps = [*range(50, done_steps, 50), done_steps]
    elapsed = update_time - create_time
    return [
        {
            "step": step,
            "epoch": 1 + (step - 1) // 50,
            "meanLoss": round(1.5 / (1 + step / 25), 4),
            "computeTime": timestamp(create_time + elapsed * step / max(done_steps, 1)),
        }
        for step in steps[-5:]
    ]


def tuned_model(
    name: str,
    state: str,
    *,
    create_time: float,
    update_time: float,
    complete_time: float | None,
    snapshots: list[JSONObject] | None = None,
) -> JSONObject:
    """A Gemini API `TunedModel` in `state` (wall-clock times; no `@type`)."""
    task: JSONObject = {"startTime": timestamp(create_time)}
    if complete_time is not None:
        task["completeTime"] = timestamp(complete_time)
    if snapshots:
        task["snapshots"] = snapshots
    task["hyperparameters"] = {"epochCount": 5, "batchSize": 4, "learningRate": 0.001}
    return {
        "name": name,
        "baseModel": "models/gemini-1.5-flash-001-tuning",
        "displayName": name.split("/")[-1],
        "state": state,
        "createTime": timestamp(create_time),
        "updateTime": timestamp(update_time),
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "tuningTask": task,
    }


def _tuned_model(info: NameInfo, at: str, snap: Snapshot) -> JSONObject:
    end = snap.end_time if snap.end_time is not None else snap.update_time
    model = tuned_model(
        f"tunedModels/{info.ids[0]}",
        "ACTIVE",
        create_time=snap.create_time,
        update_time=end,
        complete_time=end,
    )
    return {"@type": at, **model}


def _batch_metadata(info: NameInfo, version: str | None, snap: Snapshot) -> JSONObject:
    total = _BATCH_REQUESTS
    # A batch queues (PENDING, nothing processed) for the first tenth of its run.
    pending = snap.fraction < _BATCH_PENDING_FRACTION
    if snap.outcome == "succeeded":
        finished = total
    else:
        finished = 0 if pending else int(snap.fraction * total)
    failed = finished // 50
    state = {
        "succeeded": "BATCH_STATE_SUCCEEDED",
        "failed": "BATCH_STATE_FAILED",
        "cancelled": "BATCH_STATE_CANCELLED",
    }.get(snap.outcome)
    if state is None:
        state = "BATCH_STATE_PENDING" if pending else "BATCH_STATE_RUNNING"
    stats: JSONObject = {"requestCount": str(total)}
    for key, value in (
        ("successfulRequestCount", finished - failed),
        ("failedRequestCount", failed),
        ("pendingRequestCount", total - finished),
    ):
        if value:
            stats[key] = str(value)
    meta: JSONObject = {
        "@type": gemini_type(version, "GenerateContentBatch"),
        "name": info.name,
        "model": "models/gemini-2.5-flash",
        "displayName": f"emulated-{info.leaf}",
        "state": state,
        "createTime": timestamp(snap.create_time),
        "updateTime": timestamp(snap.update_time),
        "batchStats": stats,
    }
    if snap.end_time is not None:
        meta["endTime"] = timestamp(snap.end_time)
    if snap.outcome == "succeeded":
        meta["output"] = {"responsesFile": f"files/batch-{info.leaf}-responses"}
    return meta


def _vertex_metadata(info: NameInfo, version: str | None, snap: Snapshot) -> JSONObject:
    message = metadata_type(info) or _VERTEX_DEFAULT_METADATA_TYPE
    meta: JSONObject = {
        "@type": vertex_type(version, message),
        "genericMetadata": {
            "createTime": timestamp(snap.create_time),
            "updateTime": timestamp(snap.update_time),
        },
    }
    if message in _VERTEX_PROGRESS_TYPES:
        percent = 100 if snap.outcome == "succeeded" else int(snap.fraction * 100)
        if percent:
            meta["progressPercentage"] = percent
    return meta
