"""Contract test on known operations: every endpoint of the spec answers 200 in the spec's shapes.

Generated cases mostly draw names that do not exist; here each endpoint is called on operations of
its family, running and done, and the answers are validated against the spec.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from gemini_ops.testing import Emulator

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "operations.yaml"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_path(SPEC)

P = "projects/p1/locations/us-central1"

# operationId → (path parameters, query, body, names to create, API versions)
CALLS: dict[str, tuple[dict[str, str], dict[str, Any], Any, list[str], tuple[str, ...]]] = {
    "getTunedModelOperation": (
        {"tunedModel": "t1", "operation": "o1"},
        {},
        None,
        ["tunedModels/t1/operations/o1"],
        ("v1beta", "v1"),
    ),
    "cancelTunedModelOperation": (
        {"tunedModel": "t1", "operation": "o1"},
        {},
        None,
        ["tunedModels/t1/operations/o1"],
        ("v1",),
    ),
    "listTunedModelOperations": (
        {"tunedModel": "t1"},
        {"pageSize": 1},
        None,
        ["tunedModels/t1/operations/o1", "tunedModels/t1/operations/o2"],
        ("v1beta", "v1"),
    ),
    "getModelOperation": (
        {"model": "veo-3.0-generate-001", "operation": "v1"},
        {},
        None,
        ["models/veo-3.0-generate-001/operations/v1"],
        ("v1beta", "v1"),
    ),
    "listModelOperations": (
        {"model": "veo-3.0-generate-001"},
        {"filter": "done=false"},
        None,
        ["models/veo-3.0-generate-001/operations/v1"],
        ("v1beta", "v1"),
    ),
    "getBatch": ({"batch": "b1"}, {}, None, ["batches/b1"], ("v1beta", "v1")),
    "deleteBatch": ({"batch": "b1"}, {}, None, ["batches/b1"], ("v1beta", "v1")),
    "cancelBatch": ({"batch": "b1"}, {}, None, ["batches/b1"], ("v1beta", "v1")),
    "listBatches": ({}, {"pageSize": 1}, None, ["batches/b1", "batches/b2"], ("v1beta", "v1")),
    "getCorpusOperation": (
        {"corpus": "c1", "operation": "o1"},
        {},
        None,
        ["corpora/c1/operations/o1"],
        ("v1beta", "v1"),
    ),
    "getGeneratedFileOperation": (
        {"generatedFile": "g1", "operation": "o1"},
        {},
        None,
        ["generatedFiles/g1/operations/o1"],
        ("v1beta", "v1"),
    ),
    "getFileSearchStoreOperation": (
        {"fileSearchStore": "s1", "operation": "o1"},
        {},
        None,
        ["fileSearchStores/s1/operations/o1"],
        ("v1beta", "v1"),
    ),
    "getFileSearchStoreUploadOperation": (
        {"fileSearchStore": "s1", "operation": "o1"},
        {},
        None,
        ["fileSearchStores/s1/upload/operations/o1"],
        ("v1beta", "v1"),
    ),
    "listOperations": ({}, {}, None, ["operations/o1", "operations/o2"], ("v1",)),
    "deleteOperation": ({"operation": "o1"}, {}, None, ["operations/o1"], ("v1",)),
    "getVertexOperation": (
        {"project": "p1", "location": "us-central1", "operation": "1"},
        {},
        None,
        [f"{P}/operations/1"],
        ("v1", "v1beta1"),
    ),
    "deleteVertexOperation": (
        {"project": "p1", "location": "us-central1", "operation": "1"},
        {},
        None,
        [f"{P}/operations/1"],
        ("v1", "v1beta1"),
    ),
    "cancelVertexOperation": (
        {"project": "p1", "location": "us-central1", "operation": "1"},
        {},
        None,
        [f"{P}/operations/1"],
        ("v1", "v1beta1"),
    ),
    "waitVertexOperation": (
        {"project": "p1", "location": "us-central1", "operation": "1"},
        {"timeout": "0.05s"},
        None,
        [f"{P}/operations/1"],
        ("v1", "v1beta1"),
    ),
    "listVertexOperations": (
        {"project": "p1", "location": "us-central1"},
        {"pageSize": 1},
        None,
        [f"{P}/operations/1", f"{P}/operations/2"],
        ("v1", "v1beta1"),
    ),
    **{
        op_id: (
            {
                "project": "p1",
                "location": "us-central1",
                "collection": "endpoints",
                "resource": "55",
                **({} if op_id.startswith("list") else {"operation": "66"}),
            },
            {"timeout": "0.05s"} if op_id.startswith("wait") else {},
            None,
            [f"{P}/endpoints/55/operations/66"],
            ("v1", "v1beta1"),
        )
        for op_id in (
            "getVertexResourceOperation",
            "deleteVertexResourceOperation",
            "cancelVertexResourceOperation",
            "waitVertexResourceOperation",
            "listVertexResourceOperations",
        )
    },
    **{
        f"{verb}{label}Operation{'s' if verb == 'list' else ''}": (
            {
                "project": "p1",
                "location": "us-central1",
                **params,
                **({} if verb == "list" else {"operation": "8"}),
            },
            {"timeout": "0.05s"} if verb == "wait" else {},
            None,
            [f"{P}/{'/'.join(params.values())}/operations/8"],
            ("v1", "v1beta1"),
        )
        for label, params in (
            ("VertexSingleton", {"collection": "ragEngineConfig"}),
            (
                "VertexResource2",
                {
                    "collection": "ragCorpora",
                    "resource": "7",
                    "collection2": "ragFiles",
                    "resource2": "8",
                },
            ),
            (
                "VertexResource3",
                {
                    "collection": "tensorboards",
                    "resource": "1",
                    "collection2": "experiments",
                    "resource2": "2",
                    "collection3": "runs",
                    "resource3": "3",
                },
            ),
            (
                "VertexResource4",
                {
                    "collection": "tensorboards",
                    "resource": "1",
                    "collection2": "experiments",
                    "resource2": "2",
                    "collection3": "runs",
                    "resource3": "3",
                    "collection4": "timeSeries",
                    "resource4": "4",
                },
            ),
        )
        for verb in ("get", "delete", "cancel", "wait", "list")
    },
    "fetchPredictOperation": (
        {"project": "p1", "location": "us-central1", "publisher": "google", "model": "veo-3"},
        {},
        {"operationName": f"{P}/publishers/google/models/veo-3/operations/9"},
        [f"{P}/publishers/google/models/veo-3/operations/9"],
        ("v1", "v1beta1"),
    ),
}


def _operations() -> dict[str, Any]:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.definition.raw["operationId"]] = operation
    return found


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


# The job endpoints: operationId -> (path parameters, names to create, API versions).
JOB_CALLS: dict[str, tuple[dict[str, str], list[str], tuple[str, ...]]] = {
    "getTunedModel": ({"tunedModel": "t1"}, ["tunedModels/t1"], ("v1beta",)),
    "deleteTunedModel": ({"tunedModel": "t1"}, ["tunedModels/t1"], ("v1beta",)),
    "listTunedModels": ({}, ["tunedModels/t1", "tunedModels/t2"], ("v1beta",)),
    **{
        f"{verb}{collection[0].upper()}{collection[1:-1]}{'s' if verb == 'list' else ''}": (
            {"project": "p1", "location": "us-central1"}
            | ({} if verb == "list" else {collection[:-1]: "j1"}),
            [f"{P}/{collection}/j1", f"{P}/{collection}/j2"][: 2 if verb == "list" else 1],
            ("v1", "v1beta1"),
        )
        for collection in (
            "batchPredictionJobs",
            "tuningJobs",
            "customJobs",
            "hyperparameterTuningJobs",
            "pipelineJobs",
        )
        for verb in ("get", "list", "cancel", "delete")
        if not (collection == "tuningJobs" and verb == "delete")
    },
}


def test_every_spec_operation_has_a_call() -> None:
    assert set(OPERATIONS) == set(CALLS) | set(JOB_CALLS)
    assert not set(CALLS) & set(JOB_CALLS)


@pytest.mark.parametrize("done", [False, True], ids=["running", "ended"])
@pytest.mark.parametrize("operation_id", sorted(JOB_CALLS))
def test_known_job(operation_id: str, done: bool, emu: Emulator, session: requests.Session) -> None:
    path_parameters, names, versions = JOB_CALLS[operation_id]
    operation = OPERATIONS[operation_id]
    vertex = "vertex" in operation.definition.raw["tags"]
    headers = (
        {"Authorization": f"Bearer {emu.vertex_token}"}
        if vertex
        else {"x-goog-api-key": emu.api_key}
    )
    if operation_id == "deleteBatchPredictionJob" and not done:
        return  # Google deletes a batch prediction job only once it has ended
    for version in versions:
        emu.reset()
        for name in names:
            emu.create_job(name, duration=0 if done else None)
        query = {"pageSize": 1} if operation_id.startswith("list") else {}
        case = operation.Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(
            base_url=f"{emu.url}/{version}", session=session, headers=headers, checks=CHECKS
        )
        assert response.status_code == 200, (version, response.text)
        payload = response.json()
        if operation_id.startswith("get"):
            assert payload["name"] == names[0]
            assert isinstance(payload["state"], str)
        if operation_id.startswith("list"):
            (field,) = [key for key in payload if key != "nextPageToken"]
            (shown,) = [job["name"] for job in payload[field]]  # one per page; order varies
            assert shown in names
            assert payload["nextPageToken"]


@pytest.mark.parametrize("done", [False, True], ids=["running", "done"])
@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_known_operation(
    operation_id: str, done: bool, emu: Emulator, session: requests.Session
) -> None:
    path_parameters, query, body, names, versions = CALLS[operation_id]
    operation = OPERATIONS[operation_id]
    vertex = "vertex" in operation.definition.raw["tags"]
    headers = (
        {"Authorization": f"Bearer {emu.vertex_token}"}
        if vertex
        else {"x-goog-api-key": emu.api_key}
    )
    for version in versions:
        emu.reset()
        for name in names:
            emu.create_operation(name, duration=0 if done else None)
        kwargs: dict[str, Any] = {"path_parameters": path_parameters, "query": query}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        response = case.call_and_validate(
            base_url=f"{emu.url}/{version}", session=session, headers=headers, checks=CHECKS
        )
        assert response.status_code == 200, (version, response.text)
        payload = response.json()
        if operation_id.startswith(("get", "wait", "fetch")):
            assert payload["name"] == names[0]
            assert payload.get("done", False) is done
        if operation_id.startswith("list"):
            excluded = query.get("filter") == ("done=false" if done else "done=true")
            shown = [op["name"] for op in payload.get("operations", [])]
            assert shown == ([] if excluded else names[: query.get("pageSize")])
