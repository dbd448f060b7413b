"""Properties over arbitrary input: names stay in their family's path; no JSON crashes a parser.

The facade is driven through ``http_client=`` with an ``httpx.MockTransport`` that records
every request, so what is checked is the request that would go on the wire.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import httpx
import pytest
from google.oauth2.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemini_ops import (
    ApiError,
    Family,
    InvalidNameError,
    InvalidResponseError,
    Operation,
    OperationFailedError,
    OperationNotDoneError,
    Operations,
    OperationsPage,
    parse_name,
)
from gemini_ops._http.wire import error_from_response

pytestmark = pytest.mark.timeout(60)

MOCK = "http://mock.test"
# Which families serve which methods, as Google's API does (the reference, section 4 and 5).
SERVES: dict[Family, set[str]] = {
    Family.TUNED_MODEL: {"get", "cancel"},
    Family.MODEL: {"get"},
    Family.BATCH: {"get", "cancel", "delete"},
    Family.CORPUS: {"get"},
    Family.GENERATED_FILE: {"get"},
    Family.FILE_SEARCH_STORE: {"get"},
    Family.FILE_SEARCH_STORE_UPLOAD: {"get"},
    Family.OPERATION: {"delete"},
    Family.VERTEX_LOCATION: {"get", "cancel", "delete", "wait"},
    Family.VERTEX_PUBLISHER_MODEL: {"get"},
    # Jobs (docs/jobs.md): polled with get, no :wait.
    Family.TUNED_MODEL_JOB: {"get", "delete"},
    Family.VERTEX_BATCH_PREDICTION_JOB: {"get", "cancel", "delete"},
    Family.VERTEX_TUNING_JOB: {"get", "cancel"},
    Family.VERTEX_CUSTOM_JOB: {"get", "cancel", "delete"},
    Family.VERTEX_HYPERPARAMETER_TUNING_JOB: {"get", "cancel", "delete"},
    Family.VERTEX_PIPELINE_JOB: {"get", "cancel", "delete"},
}
# The state a job ends in, per family, as each answers a get.
ENDED = {
    Family.TUNED_MODEL_JOB: "ACTIVE",
    Family.VERTEX_PIPELINE_JOB: "PIPELINE_STATE_SUCCEEDED",
}

# Segments: mostly plausible ids, sometimes anything at all (slashes, dots, escapes, unicode).
plausible = st.from_regex(r"[A-Za-z0-9_.~-]{1,12}", fullmatch=True)
hostile = st.sampled_from(
    ["..", ".", "", "a/b", "%2F", "a%2Fb", "?x=1", "#f", "a:b", " ", "\n", "é", "http://x", "~"]
)
# Eight segments in ten are plausible, so that most names reach a request.
segment = st.integers(0, 9).flatmap(
    lambda roll: hostile if roll == 0 else st.text(max_size=8) if roll == 1 else plausible
)
collection = st.one_of(st.from_regex(r"[a-z][A-Za-z0-9]{0,10}", fullmatch=True), segment)


@st.composite
def family_names(draw: st.DrawFn) -> str:
    """A name shaped like one of the families, with arbitrary values for its parameters."""
    family = draw(st.sampled_from(list(Family)))
    parts = []
    for part in family.template.split("/"):
        if part == "{collection}":
            parts.append(draw(collection))
        else:
            parts.append(draw(segment) if part.startswith("{") else part)
    return "/".join(parts)


names = st.integers(0, 4).flatmap(
    lambda roll: st.text(max_size=60) if roll == 0 else family_names()
)


class Recorder:
    """A MockTransport handler answering like the server, recording each request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.decode()
        if request.method == "DELETE" or path.endswith(":cancel"):
            return httpx.Response(200, json={})
        if path.endswith(":fetchPredictOperation"):
            name = json.loads(request.content)["operationName"]
        else:
            name = path.split("?", 1)[0].split("/", 2)[2].removesuffix(":wait")
        family = parse_name(name).family
        if family.is_job:
            state = ENDED.get(family, "JOB_STATE_SUCCEEDED")
            return httpx.Response(200, json={"name": name, "state": state})
        return httpx.Response(200, json={"name": name, "done": True, "response": {}})


def _client(recorder: Recorder, *, base_url: str | None = MOCK) -> Operations:
    return Operations(
        api_key="k",
        credentials=Credentials(token="t"),
        project="p",
        location="us-central1",
        base_url=base_url,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(recorder)),
    )


def _expected(name: str, family: Family, method: str) -> tuple[str, str]:
    """HTTP method and raw path this call must use, built from the name alone."""
    vertex = family.backend == "vertex_ai"
    version = "v1" if vertex else "v1beta"
    if (family, method) in {(Family.TUNED_MODEL, "cancel"), (Family.OPERATION, "delete")}:
        version = "v1"  # served by v1 only
    if family is Family.VERTEX_PUBLISHER_MODEL:
        model = name.rsplit("/operations/", 1)[0]
        return "POST", f"/{version}/{model}:fetchPredictOperation"
    if method == "get":
        return "GET", f"/{version}/{name}"
    if method == "cancel":
        return "POST", f"/{version}/{name}:cancel"
    if method == "delete":
        return "DELETE", f"/{version}/{name}"
    return "POST", f"/{version}/{name}:wait"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names)
def test_a_name_never_leaves_its_family_path(name: str) -> None:
    recorder = Recorder()
    ops = _client(recorder)
    try:
        try:
            family = parse_name(name).family
        except InvalidNameError:
            for method in ("get", "cancel", "delete", "wait"):
                with pytest.raises(InvalidNameError):
                    getattr(ops, method)(name)
            assert recorder.requests == []
            return
        served = SERVES[family]
        for method in ("get", "cancel", "delete", "wait"):
            recorder.requests.clear()
            # A wait long-polls where `:wait` is served, else polls with get.
            sent = method if method != "wait" or "wait" in served else "get"
            if sent not in served:
                with pytest.raises(ValueError, match=sent):
                    getattr(ops, method)(name, **({"timeout": 5.0} if method == "wait" else {}))
                assert recorder.requests == []
                continue
            getattr(ops, method)(name, **({"timeout": 5.0} if method == "wait" else {}))
            http_method, path = _expected(name, family, sent)
            assert len(recorder.requests) == 1
            request = recorder.requests[0]
            assert request.url.host == "mock.test"
            assert request.method == http_method
            raw_path = request.url.raw_path.decode().split("?", 1)[0]
            assert raw_path == path
            assert "%" not in raw_path
            assert "/../" not in raw_path
            assert "/./" not in raw_path
    finally:
        ops.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=family_names().filter(lambda n: n.startswith("projects/")))
def test_a_vertex_name_never_leaves_googleapis(name: str) -> None:
    """Without a base URL the host comes from the name's location: it must stay Google's."""
    recorder = Recorder()
    ops = _client(recorder, base_url=None)
    try:
        try:
            ops.get(name)
        except (InvalidNameError, ValueError):
            assert recorder.requests == []
            return
        (request,) = recorder.requests
        assert request.url.scheme == "https"
        assert request.url.host.endswith(".googleapis.com")
    finally:
        ops.close()


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
KEYS = [
    "name",
    "done",
    "metadata",
    "response",
    "error",
    "code",
    "message",
    "details",
    "@type",
    "progressPercent",
    "progressPercentage",
    "completedPercent",
    "completionPercentage",
    "progress",
    "completedSteps",
    "totalSteps",
    "batchStats",
    "requestCount",
    "successfulRequestCount",
    "failedRequestCount",
    "state",
    "genericMetadata",
]
TYPES = [
    "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
    "type.googleapis.com/google.ai.generativelanguage.v1main.CreateTunedModelMetadata",
    "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
    "type.googleapis.com/google.cloud.aiplatform.v1.DeployModelOperationMetadata",
    "type.googleapis.com/google.protobuf.Empty",
    "type.googleapis.com/google.rpc.RetryInfo",
    "not a type url",
]
shaped_values = st.recursive(
    st.one_of(json_scalars, st.sampled_from(TYPES)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    ),
    max_leaves=30,
)
operation_like = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.text(max_size=20), json_values),
        "done": st.one_of(st.booleans(), json_values),
        "metadata": shaped_values,
        "response": shaped_values,
        "error": shaped_values,
    },
)


def _exercise(op: Operation) -> None:
    """Everything a caller may read from an operation must work or raise a documented error."""
    assert isinstance(op.done, bool)
    for flag in (op.running, op.succeeded, op.failed, op.cancelled):
        assert isinstance(flag, bool)
    progress = op.progress
    assert progress is None or (math.isfinite(progress) and 0.0 <= progress <= 100.0)
    assert op.metadata_type is None or isinstance(op.metadata_type, str)
    assert op.response_type is None or isinstance(op.response_type, str)
    assert Operation.from_dict(op.to_dict()) == op
    repr(op)
    with contextlib.suppress(OperationFailedError, OperationNotDoneError):
        op.result()
    for typed in (op.typed_metadata, op.typed_response):
        with contextlib.suppress(InvalidResponseError):
            typed()


@settings(max_examples=400, deadline=None)
@given(data=st.one_of(json_values, operation_like, shaped_values))
def test_arbitrary_json_never_crashes_operation_from_dict(data: Any) -> None:
    try:
        op = Operation.from_dict(data)
    except InvalidResponseError:
        return
    _exercise(op)


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={
                "operations": st.one_of(st.lists(operation_like, max_size=3), json_values),
                "nextPageToken": json_values,
                "unreachable": json_values,
            },
        ),
    )
)
def test_arbitrary_json_never_crashes_a_page(data: Any) -> None:
    try:
        page = OperationsPage.from_dict(data)
    except InvalidResponseError:
        return
    for op in page:
        _exercise(op)


envelopes = st.one_of(
    json_values,
    st.fixed_dictionaries({"error": st.one_of(shaped_values, json_values)}),
    st.lists(st.fixed_dictionaries({"error": shaped_values}), min_size=1, max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(
    body=envelopes,
    status=st.integers(min_value=100, max_value=999),
    retry_after=st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["1", "0.5", "-3"])),
)
def test_arbitrary_json_never_crashes_the_error_mapper(
    body: Any, status: int, retry_after: str | None
) -> None:
    headers = {"content-type": "application/json"}
    if retry_after is not None and retry_after.isprintable() and retry_after.isascii():
        headers["retry-after"] = retry_after
    content = json.dumps(body, allow_nan=True).encode()
    request = httpx.Request("GET", f"{MOCK}/v1beta/batches/b?key=SECRET-in-url")
    response = httpx.Response(status, content=content, headers=headers, request=request)
    error = error_from_response(response)
    assert isinstance(error, ApiError)
    assert error.http_status == status
    text = str(error)
    assert isinstance(text, str)
    assert "SECRET-in-url" not in text
    assert "SECRET-in-url" not in repr(error)
    assert error.retry_delay is None or (
        math.isfinite(error.retry_delay) and error.retry_delay >= 0
    )
