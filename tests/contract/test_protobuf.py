"""Every payload the emulator emits, parsed strictly with Google's own published protobuf types.

Each operation of each family is read over loopback HTTP at 0 %, mid-way, done, failed and
cancelled, in every API version that serves it, and parsed as a `google.longrunning.Operation`
with `json_format.ParseDict(..., ignore_unknown_fields=False)`: an unknown field or a value of the
wrong JSON type anywhere (the metadata and response Anys included, resolved through the protobuf
types of google-cloud-aiplatform and google-ai-generativelanguage) fails the test.

Messages Google publishes no protobuf type for are listed in NOT_PUBLISHED (and, for users, in
docs/emulator.md); an Any of any other unknown type fails the test. google-ai-generativelanguage
publishes its tuning and Veo messages for v1beta only: a v1 `@type` is checked against the v1beta
message of the same name.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Importing the packages registers their messages in the default descriptor pool, which is where
# ParseDict resolves `@type`s.
import google.ai.generativelanguage_v1beta.types
import google.cloud.aiplatform_v1.types
import google.cloud.aiplatform_v1beta1.types  # noqa: F401
import httpx
import pytest
from google.longrunning import operations_pb2
from google.protobuf import descriptor_pool, json_format, timestamp_pb2

from gemini_ops.testing import Emulator

DOCS = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"
TYPE_PREFIX = "type.googleapis.com/"
P = "projects/p1/locations/us-central1"

# Messages the emulator emits that no Google package publishes a protobuf type for.
NOT_PUBLISHED = {
    "google.ai.generativelanguage.v1beta.GenerateContentBatch",
    "google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
    "google.ai.generativelanguage.v1beta.ImportFileResponse",
    "google.ai.generativelanguage.v1beta.UploadToFileSearchStoreResponse",
    "google.ai.generativelanguage.v1beta.GeneratedFile",
    "cloud.ai.large_models.vision.GenerateVideoResponse",
}

GEMINI_NAMES = [
    "tunedModels/t1/operations/o1",
    "models/veo-3.0-generate-001/operations/v1",
    "batches/b1",
    "corpora/c1/operations/o1",
    "generatedFiles/g1/operations/o1",
    "fileSearchStores/s1/operations/o1",
    "fileSearchStores/s1/upload/operations/o1",
]
GEMINI_V1_ONLY = ["operations/o1"]
VERTEX_NAMES = [
    f"{P}/operations/o1",
    *(
        f"{P}/{collection}/r1/operations/o1"
        for collection in (
            "endpoints",
            "models",
            "datasets",
            "ragCorpora",
            "reasoningEngines",
            "indexes",
            "indexEndpoints",
            "featureOnlineStores",
            "tuningJobs",
            "customJobs",
        )
    ),
    f"{P}/publishers/google/models/veo-3.0-generate-001/operations/o1",
]
CASES = [
    *((name, version) for name in GEMINI_NAMES for version in ("v1beta", "v1")),
    *((name, "v1") for name in GEMINI_V1_ONLY),
    *((name, version) for name in VERTEX_NAMES for version in ("v1", "v1beta1")),
]
STAGES = ("zero", "midway", "done", "failed", "cancelled")


class FakeClock:
    """A monotonic clock the test moves by hand, so that 0 % and mid-way are exact."""

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


def read(emu: Emulator, name: str, version: str) -> dict[str, Any]:
    """The operation as a client reads it over HTTP."""
    with httpx.Client(base_url=f"{emu.url}/{version}", timeout=10) as client:
        if name.startswith("projects/"):
            headers = {"Authorization": f"Bearer {emu.vertex_token}"}
            if "/publishers/" in name:
                model = name.rsplit("/operations/", 1)[0]
                answer = client.post(
                    f"/{model}:fetchPredictOperation", json={"operationName": name}, headers=headers
                )
            else:
                answer = client.get(f"/{name}", headers=headers)
        elif name.startswith("operations/"):
            # v1 `operations/{o}` has no get: read it from the list.
            answer = client.get("/operations", headers={"x-goog-api-key": emu.api_key})
        else:
            answer = client.get(f"/{name}", headers={"x-goog-api-key": emu.api_key})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    if name.startswith("operations/"):
        [body] = body["operations"]
    return body


def payload_at(emu: Emulator, clock: FakeClock, name: str, version: str, stage: str) -> Any:
    emu.reset()
    emu.create_operation(name, duration=None if stage in {"zero", "midway"} else 100.0)
    if stage == "midway":
        clock.now += 50.0
    elif stage == "done":
        clock.now += 100.0
    elif stage == "failed":
        emu.complete(name, error={"code": 13, "message": "Internal error encountered."})
    elif stage == "cancelled":
        clock.now += 30.0
        emu.state.cancel(name)
    return read(emu, name, version)


def published(full_name: str) -> str | None:
    """The name of the published message that checks `full_name`, or None."""
    pool = descriptor_pool.Default()
    candidates = [full_name]
    if full_name.startswith("google.ai.generativelanguage.v1."):
        candidates.append(full_name.replace(".v1.", ".v1beta.", 1))
    for candidate in candidates:
        try:
            pool.FindMessageTypeByName(candidate)
        except KeyError:
            continue
        return candidate
    return None


def checkable(operation: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of `operation` with each Any retyped to the published message that checks it.

    Anys of unpublished messages are dropped (and returned), after checking they are listed.
    """
    result = copy.deepcopy(operation)
    skipped = []
    for field in ("metadata", "response"):
        value = result.get(field)
        if value is None:
            continue
        type_url = value["@type"]
        assert type_url.startswith(TYPE_PREFIX), type_url
        full_name = type_url.removeprefix(TYPE_PREFIX)
        checker = published(full_name)
        if checker is None:
            canonical = full_name.replace("generativelanguage.v1.", "generativelanguage.v1beta.")
            assert canonical in NOT_PUBLISHED, f"{full_name} is neither published nor listed"
            skipped.append(full_name)
            del result[field]
        else:
            value["@type"] = TYPE_PREFIX + checker
    return result, skipped


_NINE_DIGITS = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z")


def as_protobuf_writes_it(value: Any) -> Any:
    """``value`` with each nine-digit timestamp written as protobuf's JSON writes it.

    The same instant, with 0, 3, 6 or 9 fractional digits (proto3 JSON mapping): a
    timestamp that falls on a whole microsecond comes back with six.
    """
    if isinstance(value, dict):
        return {key: as_protobuf_writes_it(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_protobuf_writes_it(item) for item in value]
    if isinstance(value, str) and (match := _NINE_DIGITS.fullmatch(value)):
        seconds, digits = match.groups()
        for kept in (0, 3, 6):
            if digits[kept:] == "0" * (9 - kept):
                return f"{seconds}.{digits[:kept]}Z" if kept else f"{seconds}Z"
    return value


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("2026-12-02T03:12:57.079705123Z", "2026-12-02T03:12:57.079705123Z"),
        ("2026-12-02T03:12:57.079705000Z", "2026-12-02T03:12:57.079705Z"),
        ("2026-12-02T03:12:57.079000000Z", "2026-12-02T03:12:57.079Z"),
        ("2026-12-02T03:12:57.000000000Z", "2026-12-02T03:12:57Z"),
    ],
)
def test_timestamps_compare_as_protobuf_writes_them(sent: str, written: str) -> None:
    message = timestamp_pb2.Timestamp()
    json_format.Parse(f'"{sent}"', message)
    assert json_format.MessageToJson(message) == f'"{written}"'
    assert as_protobuf_writes_it({"t": [sent]}) == {"t": [written]}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(("name", "version"), CASES)
def test_payload_parses_strictly_with_googles_types(
    server: tuple[Emulator, FakeClock], name: str, version: str, stage: str
) -> None:
    emu, clock = server
    operation = payload_at(emu, clock, name, version, stage)
    assert operation["name"] == name
    assert ("done" in operation) == (stage not in {"zero", "midway"})
    target, _ = checkable(operation)
    message = operations_pb2.Operation()
    json_format.ParseDict(target, message, ignore_unknown_fields=False)
    # The parse kept what was sent: nothing silently dropped or defaulted on the way.
    assert json_format.MessageToDict(message) == as_protobuf_writes_it(target)
    if stage == "failed":
        assert message.error.code == 13
    if stage == "cancelled":
        assert message.error.code == 1


def test_an_invented_field_is_rejected(server: tuple[Emulator, FakeClock]) -> None:
    """The check can fail: the progressPercentage the emulator used to add is refused."""
    emu, clock = server
    operation = payload_at(emu, clock, f"{P}/endpoints/r1/operations/o1", "v1", "midway")
    operation["metadata"]["progressPercentage"] = 50
    target, _ = checkable(operation)
    with pytest.raises(json_format.ParseError, match="progressPercentage"):
        json_format.ParseDict(target, operations_pb2.Operation(), ignore_unknown_fields=False)


def test_vertex_progress_only_where_the_message_has_it(server: tuple[Emulator, FakeClock]) -> None:
    emu, clock = server
    rag = payload_at(emu, clock, f"{P}/ragCorpora/r1/operations/o1", "v1", "midway")
    assert 0 < rag["metadata"]["progressPercentage"] < 100
    endpoint = payload_at(emu, clock, f"{P}/endpoints/r1/operations/o1", "v1", "midway")
    assert "progressPercentage" not in endpoint["metadata"]


def test_unpublished_types_are_documented(server: tuple[Emulator, FakeClock]) -> None:
    emu, clock = server
    seen = set()
    for name, version in CASES:
        for stage in ("midway", "done"):
            _, skipped = checkable(payload_at(emu, clock, name, version, stage))
            seen.update(skipped)
    canonical = {re.sub(r"generativelanguage\.v1\.", "generativelanguage.v1beta.", s) for s in seen}
    # Every listed type is really emitted, and each is named in the docs.
    assert canonical == NOT_PUBLISHED
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("### Not strictly checkable", 1)[1].split("\n## ", 1)[0]
    for full_name in NOT_PUBLISHED:
        assert f"`{full_name.rsplit('.', 1)[-1]}`" in section, full_name
