"""The generated low-level client: every endpoint, over httpx.MockTransport, on the wire."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

import gemini_ops_api.api.gemini
import gemini_ops_api.api.vertex
from gemini_ops_api import AuthenticatedClient
from gemini_ops_api.models import ErrorResponse, FetchPredictOperationRequest, Operation
from gemini_ops_api.models.empty import Empty
from gemini_ops_api.models.list_operations_response import ListOperationsResponse

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "operations.yaml"
PAYLOADS = ROOT / "tests" / "data" / "payloads"

VERTEX = "projects/p-1/locations/us-central1"
# operationId (module name) -> (HTTP method, raw path after the version, kind of answer)
ENDPOINTS: dict[str, tuple[str, str, str]] = {
    "get_tuned_model_operation": ("GET", "/tunedModels/tm-1/operations/op-1", "operation"),
    "cancel_tuned_model_operation": ("POST", "/tunedModels/tm-1/operations/op-1:cancel", "empty"),
    "list_tuned_model_operations": ("GET", "/tunedModels/tm-1/operations", "list"),
    "get_model_operation": ("GET", "/models/veo-3.0/operations/op-1", "operation"),
    "list_model_operations": ("GET", "/models/veo-3.0/operations", "list"),
    "get_batch": ("GET", "/batches/b-1", "operation"),
    "delete_batch": ("DELETE", "/batches/b-1", "empty"),
    "cancel_batch": ("POST", "/batches/b-1:cancel", "empty"),
    "list_batches": ("GET", "/batches", "list"),
    "get_corpus_operation": ("GET", "/corpora/c-1/operations/op-1", "operation"),
    "get_generated_file_operation": ("GET", "/generatedFiles/g-1/operations/op-1", "operation"),
    "get_file_search_store_operation": (
        "GET",
        "/fileSearchStores/s-1/operations/op-1",
        "operation",
    ),
    "get_file_search_store_upload_operation": (
        "GET",
        "/fileSearchStores/s-1/upload/operations/op-1",
        "operation",
    ),
    "list_operations": ("GET", "/operations", "list"),
    "delete_operation": ("DELETE", "/operations/op-1", "empty"),
    "get_vertex_operation": ("GET", f"/{VERTEX}/operations/op-1", "operation"),
    "delete_vertex_operation": ("DELETE", f"/{VERTEX}/operations/op-1", "empty"),
    "cancel_vertex_operation": ("POST", f"/{VERTEX}/operations/op-1:cancel", "empty"),
    "wait_vertex_operation": ("POST", f"/{VERTEX}/operations/op-1:wait", "operation"),
    "list_vertex_operations": ("GET", f"/{VERTEX}/operations", "list"),
    "get_vertex_resource_operation": (
        "GET",
        f"/{VERTEX}/endpoints/e-1/operations/op-1",
        "operation",
    ),
    "delete_vertex_resource_operation": (
        "DELETE",
        f"/{VERTEX}/endpoints/e-1/operations/op-1",
        "empty",
    ),
    "cancel_vertex_resource_operation": (
        "POST",
        f"/{VERTEX}/endpoints/e-1/operations/op-1:cancel",
        "empty",
    ),
    "wait_vertex_resource_operation": (
        "POST",
        f"/{VERTEX}/endpoints/e-1/operations/op-1:wait",
        "operation",
    ),
    "list_vertex_resource_operations": ("GET", f"/{VERTEX}/endpoints/e-1/operations", "list"),
    **{
        f"{verb}_{label}_operation{'s' if verb == 'list' else ''}": (
            http,
            f"/{VERTEX}/{between}/operations" + ("" if verb == "list" else f"/op-1{suffix}"),
            kind,
        )
        for label, between in (
            ("vertex_singleton", "endpoints"),
            ("vertex_resource_2", "endpoints/e-1/c-2/r-2"),
            ("vertex_resource_3", "endpoints/e-1/c-2/r-2/c-3/r-3"),
            ("vertex_resource_4", "endpoints/e-1/c-2/r-2/c-3/r-3/c-4/r-4"),
        )
        for verb, http, suffix, kind in (
            ("get", "GET", "", "operation"),
            ("delete", "DELETE", "", "empty"),
            ("cancel", "POST", ":cancel", "empty"),
            ("wait", "POST", ":wait", "operation"),
            ("list", "GET", "", "list"),
        )
    },
    "fetch_predict_operation": (
        "POST",
        f"/{VERTEX}/publishers/google/models/veo-3.0:fetchPredictOperation",
        "operation",
    ),
    "get_tuned_model": ("GET", "/tunedModels/tm-1", "job"),
    "delete_tuned_model": ("DELETE", "/tunedModels/tm-1", "empty"),
    "list_tuned_models": ("GET", "/tunedModels", "jobs"),
    # The Vertex AI job collections: the delete of a job answers the operation deleting it.
    **{
        f"{verb}_{one}{'s' if verb == 'list' else ''}": (
            http,
            f"/{VERTEX}/{collection}" + ("" if verb == "list" else f"/j-1{suffix}"),
            kind,
        )
        for one, collection in (
            ("batch_prediction_job", "batchPredictionJobs"),
            ("custom_job", "customJobs"),
            ("hyperparameter_tuning_job", "hyperparameterTuningJobs"),
            ("pipeline_job", "pipelineJobs"),
            ("tuning_job", "tuningJobs"),
        )
        for verb, http, suffix, kind in (
            ("get", "GET", "", "job"),
            ("delete", "DELETE", "", "operation"),
            ("cancel", "POST", ":cancel", "empty"),
            ("list", "GET", "", "jobs"),
        )
        if not (collection == "tuningJobs" and verb == "delete")
    },
}

PATH_VALUES = {
    "tuned_model": "tm-1",
    "model": "veo-3.0",
    "operation": "op-1",
    "batch": "b-1",
    "corpus": "c-1",
    "generated_file": "g-1",
    "file_search_store": "s-1",
    "project": "p-1",
    "location": "us-central1",
    "collection": "endpoints",
    "resource": "e-1",
    "collection2": "c-2",
    "resource2": "r-2",
    "collection3": "c-3",
    "resource3": "r-3",
    "collection4": "c-4",
    "resource4": "r-4",
    "publisher": "google",
    **{
        job: "j-1"
        for job in (
            "batch_prediction_job",
            "custom_job",
            "hyperparameter_tuning_job",
            "pipeline_job",
            "tuning_job",
        )
    },
}
JOB_BODY = {"name": f"{VERTEX}/customJobs/j-1", "state": "JOB_STATE_RUNNING", "new": {"a": 1}}


def jobs_body(module_name: str) -> dict[str, Any]:
    """A one-job page under the list field of ``module_name``'s collection."""
    words = module_name.removeprefix("list_").split("_")
    field = words[0] + "".join(w.title() for w in words[1:])
    return {field: [JOB_BODY], "nextPageToken": "next"}


OPERATION_BODY = json.loads((PAYLOADS / "gemini-batch-running.json").read_text())
LIST_BODY = json.loads((PAYLOADS / "gemini-list-batches.json").read_text())


def all_endpoint_modules() -> dict[str, Any]:
    modules = {}
    for package in (gemini_ops_api.api.gemini, gemini_ops_api.api.vertex):
        for info in pkgutil.iter_modules(package.__path__):
            modules[info.name] = importlib.import_module(f"{package.__name__}.{info.name}")
    return modules


def test_spec_is_valid_openapi() -> None:
    validate(yaml.safe_load(SPEC.read_text()))


def test_every_spec_operation_has_a_generated_endpoint() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    operation_ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "delete"}
    }
    # The generator's snake case: a digit run is a word of its own (getVertexResource2Operation).
    snake = {
        re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Z])", "_", oid).lower()
        for oid in operation_ids
    }
    assert snake == set(all_endpoint_modules()) == set(ENDPOINTS)


def make_client(seen: list[httpx.Request], status: int, body: object) -> AuthenticatedClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    client = AuthenticatedClient(base_url="https://example.test/v1beta", token="unused")
    client.set_httpx_client(
        httpx.Client(base_url="https://example.test/v1beta", transport=httpx.MockTransport(handler))
    )
    return client


def call_kwargs(module: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(module.sync_detailed).parameters.items():
        if name == "client":
            continue
        if name in PATH_VALUES:
            kwargs[name] = PATH_VALUES[name]
        elif name == "body":
            kwargs[name] = FetchPredictOperationRequest(
                operation_name=f"{VERTEX}/publishers/google/models/veo-3.0/operations/op-1"
            )
        elif name == "page_size":
            kwargs[name] = 7
        elif name == "page_token":
            kwargs[name] = "tok/+="
        elif name == "filter_":
            kwargs[name] = "done=true"
        elif name == "timeout":
            kwargs[name] = "5s"
        else:
            assert param.default is not inspect.Parameter.empty, name
    return kwargs


@pytest.mark.parametrize("operation_id", sorted(ENDPOINTS))
def test_endpoint_on_the_wire(operation_id: str) -> None:
    method, path, kind = ENDPOINTS[operation_id]
    module = all_endpoint_modules()[operation_id]
    body: object = {
        "operation": OPERATION_BODY,
        "list": LIST_BODY,
        "empty": {},
        "job": JOB_BODY,
        "jobs": jobs_body(operation_id) if kind == "jobs" else None,
    }[kind]
    seen: list[httpx.Request] = []
    kwargs = call_kwargs(module)
    response = module.sync_detailed(client=make_client(seen, 200, body), **kwargs)

    (request,) = seen
    assert request.method == method
    raw_path = request.url.raw_path.split(b"?")[0]
    assert raw_path.decode() == "/v1beta" + path
    assert b"%" not in raw_path
    query = dict(request.url.params)
    if kind in ("list", "jobs"):
        assert query == {"pageSize": "7", "pageToken": "tok/+=", "filter": "done=true"}
    elif operation_id.startswith("wait_"):
        assert query == {"timeout": "5s"}
    else:
        assert query == {}
    if operation_id == "fetch_predict_operation":
        assert json.loads(request.content) == {
            "operationName": f"{VERTEX}/publishers/google/models/veo-3.0/operations/op-1"
        }

    parsed = response.parsed
    if kind == "operation":
        assert isinstance(parsed, Operation)
        assert parsed.name == "batches/123456789"
        assert parsed.metadata.additional_properties["batchStats"]["requestCount"] == "1000"
        assert parsed.to_dict() == OPERATION_BODY
    elif kind == "list":
        assert isinstance(parsed, ListOperationsResponse)
        assert [op.name for op in parsed.operations] == ["batches/a1", "batches/a2"]
        assert parsed.next_page_token == "Cg5iYXRjaGVzL2EyEgA"
        assert parsed.to_dict() == LIST_BODY
    elif kind in ("job", "jobs"):
        assert parsed.to_dict() == body  # unknown fields kept
    else:
        assert isinstance(parsed, Empty)


def test_error_envelope_is_parsed() -> None:
    body = json.loads((PAYLOADS / "error-404.json").read_text())
    seen: list[httpx.Request] = []
    module = all_endpoint_modules()["get_batch"]
    response = module.sync_detailed(client=make_client(seen, 404, body), batch="nope")
    assert isinstance(response.parsed, ErrorResponse)
    assert response.parsed.error.status == "NOT_FOUND"


def test_unknown_properties_survive() -> None:
    data = {
        "name": "batches/x",
        "done": True,
        "newField": {"a": 1},
        "response": {"@type": "type.googleapis.com/x.Y", "extra": ["z"]},
    }
    assert Operation.from_dict(data).to_dict() == data
