"""Routing: which generated endpoint serves a method on a family, and in which API versions.

This is the one module that imports the generated client's endpoint modules. It reuses their
request building (``_get_kwargs``: method, percent-encoded path, query, body) and leaves sending
and parsing to the facade, so each answer's body is decoded once. Vertex AI operations follow
Google's discovery documents (``vertex_routes``): the parent's pattern decides which methods the
configured version serves, and the generated endpoint of the name's nesting shape (imported on
first use) builds the request. Jobs (``names.Family.is_job``) are routed the same way: Vertex AI
job collections by ``vertex_routes.job_collection`` (the methods each version serves) and their
own generated endpoints, Gemini API tuned models by the table below.

Why a private helper of the generated code: the public ``sync()`` / ``asyncio()`` functions send
*and* parse into generated models, so the facade would decode every answer twice and could not
send through its own deadline and retry scope; rebuilding paths by hand would copy the spec's
rule. ``_get_kwargs`` is stable across regenerations (``scripts/regen.sh --check`` and
``tests/test_generated.py`` catch a change) and confined to this module. Its cost is part of the
~30 us a ``get`` adds over raw httpx (docs/benchmarks.md: 1.06-1.08x).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import quote

import attrs

from gemini_ops._core import vertex_routes
from gemini_ops._core.errors import UnsupportedMethodError
from gemini_ops._core.names import Family, ParentFamily, ParsedName, ParsedParent
from gemini_ops_api.api.gemini import (
    cancel_batch,
    cancel_tuned_model_operation,
    delete_batch,
    delete_operation,
    delete_tuned_model,
    get_batch,
    get_corpus_operation,
    get_file_search_store_operation,
    get_file_search_store_upload_operation,
    get_generated_file_operation,
    get_model_operation,
    get_tuned_model,
    get_tuned_model_operation,
    list_batches,
    list_model_operations,
    list_operations,
    list_tuned_model_operations,
    list_tuned_models,
)
from gemini_ops_api.api.vertex import fetch_predict_operation
from gemini_ops_api.models import FetchPredictOperationRequest

Method = Literal["get", "cancel", "delete", "wait", "list"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(params: Mapping[str, str]) -> dict[str, str]:
    return {_CAMEL.sub("_", key).lower(): value for key, value in params.items()}


@attrs.frozen
class Route:
    """A generated endpoint and the API versions that serve it (None: every version).

    ``slashes``: Google binds the path parameter to several segments (``{name=operations/**}``),
    which OpenAPI cannot say; the generated builder percent-encodes ``/``, and the route puts
    the slashes back. Names are validated to segment characters first (``names.py``), so ``%2F``
    is the only escape such a path can hold.
    """

    build: Callable[..., dict[str, Any]]
    versions: tuple[str, ...] | None = None
    body_name: bool = False
    slashes: bool = False

    def version_for(self, configured: str) -> str:
        """The configured version if it serves this route, else the first one that does."""
        if self.versions is None or configured in self.versions:
            return configured
        return self.versions[0]


_V1_ONLY = ("v1",)
# Tuned models are documented under v1beta only (Google's Gemini API reference).
_V1BETA_ONLY = ("v1beta",)

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
    (Family.OPERATION, "delete"): Route(delete_operation._get_kwargs, _V1_ONLY, slashes=True),
    (Family.VERTEX_PUBLISHER_MODEL, "get"): Route(
        fetch_predict_operation._get_kwargs, body_name=True
    ),
    (Family.TUNED_MODEL_JOB, "get"): Route(get_tuned_model._get_kwargs, _V1BETA_ONLY),
    (Family.TUNED_MODEL_JOB, "delete"): Route(delete_tuned_model._get_kwargs, _V1BETA_ONLY),
}

# What to say when a method is missing, where the list of the methods served is not enough.
_HINTS: dict[tuple[Family, Method], str] = {
    (Family.TUNED_MODEL_JOB, "cancel"): (
        "Google serves only get and delete on a tuned model; to stop a tuning, cancel its "
        "operation (tunedModels/{model}/operations/{operation})"
    ),
}

_LIST_ROUTES: dict[ParentFamily, Route] = {
    ParentFamily.TUNED_MODEL: Route(list_tuned_model_operations._get_kwargs),
    ParentFamily.MODEL: Route(list_model_operations._get_kwargs),
    ParentFamily.BATCHES: Route(list_batches._get_kwargs),
    ParentFamily.OPERATIONS: Route(list_operations._get_kwargs, _V1_ONLY),
    ParentFamily.TUNED_MODELS: Route(list_tuned_models._get_kwargs, _V1BETA_ONLY),
}
# The field a list answers in, where it is not ``operations``.
_LIST_FIELDS = {ParentFamily.TUNED_MODELS: "tunedModels"}


# The generated endpoints of each Vertex nesting shape (segments below the location), named
# after the spec's operationIds (getVertexOperation, getVertexResource2Operation, ...).
_VERTEX_SHAPES = {
    0: "vertex",
    1: "vertex_singleton",
    2: "vertex_resource",
    4: "vertex_resource_2",
    6: "vertex_resource_3",
    8: "vertex_resource_4",
}


@functools.cache
def _vertex_builder(method: str, depth: int) -> Callable[..., dict[str, Any]]:
    plural = "s" if method == "list" else ""
    module = f"gemini_ops_api.api.vertex.{method}_{_VERTEX_SHAPES[depth]}_operation{plural}"
    build: Callable[..., dict[str, Any]] = importlib.import_module(module)._get_kwargs
    return build


def _vertex_served(pattern: str, version: str) -> Mapping[str, vertex_routes.Served]:
    return vertex_routes.served(pattern).get(version, {})


def _vertex_refusal(name: str, pattern: str, method: str, version: str) -> UnsupportedMethodError:
    """What is true about ``method`` on a Vertex parent: per version, what Google serves."""
    served = vertex_routes.served(pattern)
    here = list(served.get(version, {}))
    elsewhere = [
        f"{other} serves {', '.join(methods)}"
        for other, methods in served.items()
        if other != version and method in methods
    ]
    reason = f"Vertex AI {version} serves {', '.join(here) or 'no operations'} under {pattern}"
    if elsewhere:
        reason += f" ({'; '.join(elsewhere)}: pass api_version=)"
    return UnsupportedMethodError(name, method, here, reason=reason)


def _is_vertex_job(parsed: ParsedName | ParsedParent) -> bool:
    """A Vertex AI job or job collection (routed by ``vertex_routes.job_collection``)."""
    return parsed.family.is_job and parsed.backend == "vertex_ai"


def _job_key(segments: list[str]) -> str:
    """The collection pattern (``projects/*/locations/*/tuningJobs``) of a collection's segments."""
    return "/".join("*" if index % 2 else s for index, s in enumerate(segments))


def _job_served(key: str, version: str) -> Mapping[str, vertex_routes.Served]:
    collection = vertex_routes.job_collection(key).get(version)
    return collection.methods if collection is not None else {}


@functools.cache
def _job_builder(method: str, collection: str) -> Callable[..., dict[str, Any]]:
    # The spec's operationIds: getBatchPredictionJob, listBatchPredictionJobs, ...
    one = _CAMEL.sub("_", collection.removesuffix("s")).lower()
    module = f"gemini_ops_api.api.vertex.{method}_{one}{'s' if method == 'list' else ''}"
    build: Callable[..., dict[str, Any]] = importlib.import_module(module)._get_kwargs
    return build


def _job_refusal(name: str, key: str, method: str, version: str) -> UnsupportedMethodError:
    """What is true about ``method`` on a Vertex AI job collection, per version."""
    here = list(_job_served(key, version))
    elsewhere = [
        other
        for other, collection in vertex_routes.job_collection(key).items()
        if other != version and method in collection.methods
    ]
    collection = key.rpartition("/")[2]
    reason = f"Vertex AI {version} serves {', '.join(here) or 'nothing'} on {collection}"
    if elsewhere:
        reason += f" ({', '.join(elsewhere)} serves {method}: pass api_version=)"
    else:
        reason += f"; no version serves {method}"
    return UnsupportedMethodError(name, method, here, reason=reason)


def _vertex_job_request(parsed: ParsedName, method: Method, configured_version: str) -> RequestSpec:
    segments = parsed.name.split("/")
    key = _job_key(segments[:-1])
    if method == "list" or method not in _job_served(key, configured_version):
        raise _job_refusal(parsed.name, key, method, configured_version)
    kwargs = _job_builder(method, segments[-2])(**_snake(parsed.params))
    return _spec(kwargs, configured_version)


def list_field(parent: ParsedParent, configured_version: str) -> str:
    """The field the list of ``parent`` answers in: ``operations``, or a job collection's.

    For a ``parent`` that `list_request` accepted in ``configured_version``.
    """
    if _is_vertex_job(parent):
        # list_request has refused the versions that serve no list of this collection.
        collection = vertex_routes.job_collection(_job_key(parent.name.split("/")))
        return collection[configured_version].list_field
    return _LIST_FIELDS.get(parent.family, "operations")


def supports(parsed: ParsedName, method: Method, configured_version: str) -> bool:
    """True when Google serves ``method`` on ``parsed`` (in that version, for Vertex AI)."""
    if _is_vertex_job(parsed):
        served = _job_served(_job_key(parsed.name.split("/")[:-1]), configured_version)
        return method != "list" and method in served
    if parsed.pattern is not None:
        return method in _vertex_served(parsed.pattern, configured_version)
    return (parsed.family, method) in _ROUTES


def supported_methods(family: Family) -> list[str]:
    """The methods Google serves on a Gemini API ``family``, for error messages."""
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
    """The request for ``method`` on an operation or job; UnsupportedMethodError if none.

    Jobs are polled with ``get``: ``wait`` is never served on them.
    """
    if _is_vertex_job(parsed):
        return _vertex_job_request(parsed, method, configured_version)
    if parsed.pattern is not None:
        if method not in _vertex_served(parsed.pattern, configured_version):
            raise _vertex_refusal(parsed.name, parsed.pattern, method, configured_version)
        depth = len(parsed.pattern.split("/")) - 4
        kwargs = _vertex_builder(method, depth)(**parsed.params, **query)
        return _spec(kwargs, configured_version)
    route = _ROUTES.get((parsed.family, method))
    if route is None:
        raise UnsupportedMethodError(
            parsed.name,
            method,
            supported_methods(parsed.family),
            reason=_HINTS.get((parsed.family, method)),
        )
    params: dict[str, Any] = _snake(parsed.params)
    if route.body_name:
        params.pop("operation")
        params["body"] = FetchPredictOperationRequest(operation_name=parsed.name)
    kwargs = route.build(**params, **query)
    if route.slashes:
        kwargs = {**kwargs, "url": str(kwargs["url"]).replace("%2F", "/")}
    return _spec(kwargs, route.version_for(configured_version))


def list_request(parent: ParsedParent, configured_version: str, **query: Any) -> RequestSpec:
    """The request listing the operations or jobs under ``parent``.

    Raises UnsupportedMethodError when Google serves no list there.
    """
    if _is_vertex_job(parent):
        segments = parent.name.split("/")
        key = _job_key(segments)
        if "list" not in _job_served(key, configured_version):
            raise _job_refusal(parent.name, key, "list", configured_version)
        kwargs = _job_builder("list", segments[-1])(**_snake(parent.params), **query)
        return _spec(kwargs, configured_version)
    if parent.pattern is not None:
        if "list" not in _vertex_served(parent.pattern, configured_version):
            raise _vertex_refusal(parent.name, parent.pattern, "list", configured_version)
        depth = len(parent.pattern.split("/")) - 4
        kwargs = _vertex_builder("list", depth)(**parent.params, **query)
        return _spec(kwargs, configured_version)
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


# ------------------------------------------------------------------ raw generated calls

# A path parameter no real request carries: the generated builders percent-encode it as %00.
_MARK = "\x00"


@attrs.frozen
class RawEndpoint:
    """A generated endpoint as the wire shows it: method, path template, the models it builds.

    ``success`` is the model its ``_parse_response`` builds from a 200, ``other`` the one it
    builds from any other successful status (the spec's ``default`` answer).
    """

    method: str
    template: str
    pattern: re.Pattern[str]
    success: type[Any] | None
    other: type[Any] | None


class _BodyStub:
    def to_dict(self) -> dict[str, Any]:
        return {}


def _raw_endpoint(module: Any) -> RawEndpoint:
    build = module._get_kwargs
    args = {
        name: (_BodyStub() if name == "body" else _MARK)
        for name, param in inspect.signature(build).parameters.items()
        if param.default is inspect.Parameter.empty
    }
    kwargs = build(**args)
    template = str(kwargs["url"])
    literal = [re.escape(part) for part in template.split(quote(_MARK, safe=""))]
    pattern = re.compile("[^/?#]+".join(literal) + r"\Z")
    models = typing.get_args(typing.get_type_hints(module.sync)["return"])
    error = next((m for m in models if m.__name__ == "ErrorResponse"), None)
    success = next((m for m in models if m not in {error, type(None)}), None)
    return RawEndpoint(str(kwargs["method"]).upper(), template, pattern, success, error)


@functools.cache
def _raw_endpoints() -> tuple[RawEndpoint, ...]:
    import gemini_ops_api.api.gemini
    import gemini_ops_api.api.vertex

    found = []
    for package in (gemini_ops_api.api.gemini, gemini_ops_api.api.vertex):
        for info in pkgutil.iter_modules(package.__path__):
            found.append(_raw_endpoint(importlib.import_module(f"{package.__name__}.{info.name}")))
    # The most specific template first: tunedModels/{m}/operations/{o} before operations/{o}.
    return tuple(sorted(found, key=lambda endpoint: -len(endpoint.template)))


def raw_endpoint(method: str, raw_path: str) -> RawEndpoint | None:
    """The generated endpoint a request was built by, from its method and its raw path.

    `raw_path` is the path as sent (percent-encoded, any base path and API version before the
    endpoint's template); None when no generated endpoint builds such a request.
    """
    path = raw_path.split("?", 1)[0]
    for endpoint in _raw_endpoints():
        if endpoint.method == method.upper() and endpoint.pattern.search(path):
            return endpoint
    return None
