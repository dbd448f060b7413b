"""Routing: which generated endpoint serves a method on a family, and in which API versions.

This is the one module that imports the generated client's endpoint modules. It reuses their
request building (``_get_kwargs``: method, percent-encoded path, query, body) and leaves sending
and parsing to the facade, so each answer's body is decoded once.

Why a private helper of the generated code: the public ``sync()`` / ``asyncio()`` functions send
*and* parse into generated models, so the facade would decode every answer twice and could not
send through its own deadline and retry scope; rebuilding paths by hand would copy the spec's
rule. ``_get_kwargs`` is stable across regenerations (``scripts/regen.sh --check`` and
``tests/test_generated.py`` catch a change) and confined to this module. Its cost is part of the
~30 us a ``get`` adds over raw httpx (docs/benchmarks.md: 1.06-1.08x).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from gemini_ops._core.errors import UnsupportedMethodError
from gemini_ops._core.names import Family, ParentFamily, ParsedName, ParsedParent
from gemini_ops_api.api.gemini import (
    cancel_batch,
    cancel_tuned_model_operation,
    delete_batch,
    delete_operation,
    get_batch,
    get_corpus_operation,
    get_file_search_store_operation,
    get_file_search_store_upload_operation,
    get_generated_file_operation,
    get_model_operation,
    get_tuned_model_operation,
    list_batches,
    list_model_operations,
    list_operations,
    list_tuned_model_operations,
)
from gemini_ops_api.api.vertex import (
    cancel_tuning_job_operation,
    cancel_vertex_operation,
    cancel_vertex_resource_operation,
    delete_vertex_operation,
    delete_vertex_resource_operation,
    fetch_predict_operation,
    get_tuning_job_operation,
    get_vertex_operation,
    get_vertex_resource_operation,
    list_tuning_job_operations,
    list_vertex_operations,
    list_vertex_resource_operations,
    wait_vertex_operation,
    wait_vertex_resource_operation,
)
from gemini_ops_api.models import FetchPredictOperationRequest

Method = Literal["get", "cancel", "delete", "wait"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(params: Mapping[str, str]) -> dict[str, str]:
    return {_CAMEL.sub("_", key).lower(): value for key, value in params.items()}


@attrs.frozen
class Route:
    """A generated endpoint and the API versions that serve it (None: every version)."""

    build: Callable[..., dict[str, Any]]
    versions: tuple[str, ...] | None = None
    body_name: bool = False

    def version_for(self, configured: str) -> str:
        """The configured version if it serves this route, else the first one that does."""
        if self.versions is None or configured in self.versions:
            return configured
        return self.versions[0]


_V1_ONLY = ("v1",)

_ROUTES: dict[tuple[Family, Method], Route] = {
    (Family.TUNED_MODEL, "get"): Route(get_tuned_model_operation._get_kwargs),
    (Family.TUNED_MODEL, "cancel"): Route(cancel_tuned_model_operation._get_kwargs, _V1_ONLY),
    (Family.MODEL, "get"): Route(get_model_operation._get_kwargs),
    (Family.BATCH, "get"): Route(get_batch._get_kwargs),
    (Family.BATCH, "cancel"): Route(cancel_batch._get_kwargs),
    (Family.BATCH, "delete"): Route(delete_batch._get_kwargs),
    (Family.CORPUS, "get"): Route(get_corpus_operation._get_kwargs),
    (Family.GENERATED_FILE, "get"): Route(get_generated_file_operation._get_kwargs),
    (Family.FILE_SEARCH_STORE, "get"): Route(get_file_search_store_operation._get_kwargs),
    (Family.FILE_SEARCH_STORE_UPLOAD, "get"): Route(
        get_file_search_store_upload_operation._get_kwargs
    ),
    (Family.OPERATION, "delete"): Route(delete_operation._get_kwargs, _V1_ONLY),
    (Family.VERTEX_LOCATION, "get"): Route(get_vertex_operation._get_kwargs),
    (Family.VERTEX_LOCATION, "cancel"): Route(cancel_vertex_operation._get_kwargs),
    (Family.VERTEX_LOCATION, "delete"): Route(delete_vertex_operation._get_kwargs),
    (Family.VERTEX_LOCATION, "wait"): Route(wait_vertex_operation._get_kwargs),
    (Family.VERTEX_RESOURCE, "get"): Route(get_vertex_resource_operation._get_kwargs),
    (Family.VERTEX_RESOURCE, "cancel"): Route(cancel_vertex_resource_operation._get_kwargs),
    (Family.VERTEX_RESOURCE, "delete"): Route(delete_vertex_resource_operation._get_kwargs),
    (Family.VERTEX_RESOURCE, "wait"): Route(wait_vertex_resource_operation._get_kwargs),
    (Family.VERTEX_TUNING_JOB, "get"): Route(get_tuning_job_operation._get_kwargs),
    (Family.VERTEX_TUNING_JOB, "cancel"): Route(cancel_tuning_job_operation._get_kwargs),
    (Family.VERTEX_PUBLISHER_MODEL, "get"): Route(
        fetch_predict_operation._get_kwargs, body_name=True
    ),
}

_LIST_ROUTES: dict[ParentFamily, Route] = {
    ParentFamily.TUNED_MODEL: Route(list_tuned_model_operations._get_kwargs),
    ParentFamily.MODEL: Route(list_model_operations._get_kwargs),
    ParentFamily.BATCHES: Route(list_batches._get_kwargs),
    ParentFamily.OPERATIONS: Route(list_operations._get_kwargs, _V1_ONLY),
    ParentFamily.VERTEX_LOCATION: Route(list_vertex_operations._get_kwargs),
    ParentFamily.VERTEX_TUNING_JOB: Route(list_tuning_job_operations._get_kwargs),
    ParentFamily.VERTEX_RESOURCE: Route(list_vertex_resource_operations._get_kwargs),
}


def supports(family: Family, method: Method) -> bool:
    """True when Google serves ``method`` on operations of ``family``."""
    return (family, method) in _ROUTES


def supported_methods(family: Family) -> list[str]:
    """The methods Google serves on ``family``, for error messages."""
    return [method for (fam, method) in _ROUTES if fam is family]


@attrs.frozen
class RequestSpec:
    """What to send: HTTP method, API version, path after the version, query and JSON body."""

    method: str
    version: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None


def operation_request(
    parsed: ParsedName, method: Method, configured_version: str, **query: Any
) -> RequestSpec:
    """The request for ``method`` on an operation; UnsupportedMethodError if Google has none."""
    route = _ROUTES.get((parsed.family, method))
    if route is None:
        raise UnsupportedMethodError(parsed.name, method, supported_methods(parsed.family))
    params: dict[str, Any] = _snake(parsed.params)
    if route.body_name:
        params.pop("operation")
        params["body"] = FetchPredictOperationRequest(operation_name=parsed.name)
    kwargs = route.build(**params, **query)
    return _spec(kwargs, route.version_for(configured_version))


def list_request(parent: ParsedParent, configured_version: str, **query: Any) -> RequestSpec:
    """The request listing the operations under ``parent``."""
    route = _LIST_ROUTES[parent.family]
    kwargs = route.build(**_snake(parent.params), **query)
    return _spec(kwargs, route.version_for(configured_version))


def list_versions(parent: ParentFamily) -> tuple[str, ...] | None:
    """The versions serving the list of ``parent`` (None: all)."""
    return _LIST_ROUTES[parent].versions


def _spec(kwargs: Mapping[str, Any], version: str) -> RequestSpec:
    return RequestSpec(
        method=str(kwargs["method"]).upper(),
        version=version,
        path=str(kwargs["url"]),
        params=kwargs.get("params") or None,
        json=kwargs.get("json"),
    )
