"""Acceptance: every (parent, method, version) of Google's Vertex AI discovery documents.

The expectations come from `gemini_ops/_discovery/vertex_operations.json`, which
`scripts/vertex_routes.py --check` (part of `scripts/check.sh`) ties to `aiplatform.v1.json` and
`aiplatform.v1beta1.json` of the pinned google-api-python-client wheel. Each case goes through
the public API over a recording transport and asserts the exact request on the wire (method and
raw path), or an UnsupportedMethodError and no request at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.oauth2.credentials import Credentials

from gemini_ops import InvalidNameError, Operations, UnsupportedMethodError

TABLE_FILE = (
    Path(__file__).resolve().parents[2] / "gemini_ops" / "_discovery" / "vertex_operations.json"
)
TABLE: dict[str, dict[str, dict[str, list[str]]]] = json.loads(TABLE_FILE.read_text())["operations"]
VERSIONS = ("v1", "v1beta1")
METHODS = ("get", "list", "cancel", "delete", "wait")
MOCK = "http://mock.test"


def test_the_table_holds_what_the_documents_serve() -> None:
    # Counted by hand in the documents of revision 20261106; the table must not shrink silently.
    assert sum("v1" in row for row in TABLE.values()) == 59
    assert sum("v1beta1" in row for row in TABLE.values()) == 77
    assert TABLE["projects/*/locations/*/tuningJobs/*"]["v1"].keys() == set(METHODS)
    assert set(TABLE["projects/*/locations/*/tuningJobs/*"]["v1beta1"]) == {
        "get",
        "cancel",
        "delete",
        "wait",
    }


def concrete(pattern: str) -> str:
    """A parent name for a pattern: each `*` becomes a distinct id, the location a region."""
    counter = iter(range(1, 100))
    parts = pattern.split("/")
    parts[3] = "us-east4"  # projects/*/locations/*/...: a location Google names
    return "/".join(f"id{next(counter)}" if part == "*" else part for part in parts)


def expected_path(flat_path: str, pattern: str, name: str) -> str:
    """The document's flatPath with its placeholders filled, in order, from the name's ids."""
    shape = [*pattern.split("/"), "operations", "*"]
    ids = iter(seg for part, seg in zip(shape, name.split("/"), strict=False) if part == "*")
    return "/" + re.sub(r"\{[A-Za-z0-9]+\}", lambda _: next(ids), flat_path)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.decode().split("?", 1)[0]
        if request.method == "DELETE" or path.endswith(":cancel"):
            return httpx.Response(200, json={})
        if path.endswith("/operations"):
            return httpx.Response(200, json={"operations": []})
        name = path.split("/", 2)[2].removesuffix(":wait")
        return httpx.Response(200, json={"name": name, "done": True, "response": {}})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def client(recorder: Recorder, version: str) -> Operations:
    return Operations(
        vertex_ai=True,
        credentials=Credentials(token="t"),
        project="p",
        location="us-central1",
        base_url=MOCK,
        api_version=version,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(recorder)),
    )


def cases() -> Iterator[Any]:
    for pattern in TABLE:
        for version in VERSIONS:
            for method in METHODS:
                yield pytest.param(pattern, version, method, id=f"{version}:{method}:{pattern}")


def call(ops: Operations, method: str, parent: str) -> None:
    name = f"{parent}/operations/op1"
    if method == "list":
        ops.list(parent)
    elif method == "wait":
        ops.wait(name, poll_interval=0.01, timeout=5.0)
    else:
        getattr(ops, method)(name)


@pytest.mark.parametrize(("pattern", "version", "method"), list(cases()))
def test_every_route_of_the_documents(
    recorder: Recorder, pattern: str, version: str, method: str
) -> None:
    parent = concrete(pattern)
    name = parent if method == "list" else f"{parent}/operations/op1"
    served = TABLE[pattern].get(version, {})
    with client(recorder, version) as ops:
        if method in served:
            call(ops, method, parent)
            http_method, flat_path = served[method]
        elif method == "wait" and "get" in served:
            # No `:wait` for this parent in this version: wait polls with get instead.
            call(ops, method, parent)
            http_method, flat_path = served["get"]
        else:
            with pytest.raises(UnsupportedMethodError) as excinfo:
                call(ops, method, parent)
            assert recorder.requests == []
            # A wait with neither `:wait` nor get would have to poll with get: that is refused.
            refused = "get" if method == "wait" else method
            assert excinfo.value.method == refused
            message = str(excinfo.value)
            assert refused in message
            assert f"Vertex AI {version} serves" in message
            assert list(excinfo.value.supported) == list(served)
            others = [v for v in VERSIONS if v != version and refused in TABLE[pattern].get(v, {})]
            for other in others:
                assert f"{other} serves" in message
            return
    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == http_method
    assert request.url.raw_path.decode().split("?", 1)[0] == expected_path(flat_path, pattern, name)
    if method == "wait" and "wait" in served:
        assert request.url.params.get("timeout")


@pytest.mark.parametrize(
    "name",
    [
        "projects/p/locations/l/ragCorpora/c/ragFiles/f/operations/../o",
        "projects/p/locations/l/ragCorpora/c//ragFiles/f/operations/o",
        "projects/p/locations/l/reasoningEngines/r/sessions/s?x/operations/o",
        "projects/p/locations/l/reasoningEngines/r/sessions/s/operations/o#f",
        "projects/p/locations/l/noSuchThing/x/operations/o",
        "projects/p/locations/l/ragFiles/f/operations/o",
        "projects/p/locations/l/ragCorpora/c/ragFiles/operations/o",
    ],
)
def test_names_outside_the_documents_are_refused(recorder: Recorder, name: str) -> None:
    with client(recorder, "v1") as ops, pytest.raises(InvalidNameError):
        ops.get(name)
    assert recorder.requests == []
