"""Jobs through the public API, sync and async, over a recording transport.

Every (job collection, method, API version) of `gemini_ops/_discovery/vertex_jobs.json` (tied to
Google's discovery documents by `scripts/vertex_routes.py --check`), and the Gemini API's tuned
models: the exact request on the wire (method, raw path, query), or UnsupportedMethodError and no
request at all. Then waits, lists and `wait_many` over jobs, mixed with operations.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dual import Api
from google.oauth2.credentials import Credentials

from gemini_ops import (
    AsyncOperations,
    InternalServerError,
    Job,
    Operation,
    OperationFailedError,
    Operations,
    PaginationError,
    UnsupportedMethodError,
    WaitTimeoutError,
)

DATA = Path(__file__).resolve().parents[2] / "gemini_ops" / "_discovery" / "vertex_jobs.json"
TABLE: dict[str, dict[str, dict[str, list[str]]]] = json.loads(DATA.read_text())["jobs"]
RESOURCES: dict[str, dict[str, dict[str, Any]]] = json.loads(DATA.read_text())["resources"]
VERSIONS = ("v1", "v1beta1")
METHODS = ("get", "list", "cancel", "delete", "wait")
MOCK = "http://mock.test"
LOCATION = "projects/p/locations/us-central1"

Responder = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Records every request; answers with ``respond`` (by default, a finished job or {})."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.respond: Responder = default_answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    @property
    def sent(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.raw_path.decode()) for r in self.requests]


def path_of(request: httpx.Request) -> str:
    return request.url.raw_path.decode().split("?", 1)[0]


def default_answer(request: httpx.Request) -> httpx.Response:
    path = path_of(request)
    if request.method == "DELETE" and "tunedModels" not in path:
        # A Vertex AI job's delete answers the operation deleting it.
        return httpx.Response(200, json={"name": f"{LOCATION}/operations/del1"})
    if request.method != "GET" or path.endswith(":cancel"):
        return httpx.Response(200, json={})
    name = path.split("/", 2)[2]
    collection = name.rsplit("/", 1)[-1]
    if collection in {*(k.rpartition("/")[2] for k in TABLE), "tunedModels"}:
        return httpx.Response(200, json={collection: [], "nextPageToken": ""})
    state = "ACTIVE" if name.startswith("tunedModels/") else "JOB_STATE_SUCCEEDED"
    if "/pipelineJobs/" in name:
        state = "PIPELINE_STATE_SUCCEEDED"
    return httpx.Response(200, json={"name": name, "state": state})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def options(recorder: Recorder, mode: str, **extra: Any) -> dict[str, Any]:
    transport = httpx.MockTransport(recorder)
    http = (
        httpx.AsyncClient(transport=transport)
        if mode == "async"
        else httpx.Client(transport=transport)
    )
    return {
        "vertex_ai": True,
        "credentials": Credentials(token="t"),
        "api_key": "k",
        "project": "p",
        "location": "us-central1",
        "base_url": MOCK,
        "max_retries": 0,
        "http_client": http,
        **extra,
    }


@pytest.fixture
async def make_api(recorder: Recorder, mode: str) -> AsyncIterator[Callable[..., Api]]:
    made: list[Api] = []

    def make(**extra: Any) -> Api:
        cls = AsyncOperations if mode == "async" else Operations
        api = Api(cls(**options(recorder, mode, **extra)))
        made.append(api)
        return api

    yield make
    for api in made:
        await api.close()


def expected_path(flat_path: str, name: str) -> str:
    """The document's flatPath with its placeholders filled, in order, from the name's ids."""
    ids = iter(name.split("/")[1::2])
    return "/" + re.sub(r"\{[A-Za-z0-9]+\}", lambda _: next(ids), flat_path)


async def call(api: Api, method: str, target: str) -> Any:
    if method == "list":
        return await api("list", target, page_size=3, page_token="tok", filter="state=x")
    if method == "wait":
        return await api("wait", target, poll_interval=0.01, timeout=5.0)
    return await api(method, target)


def cases() -> Iterator[Any]:
    for key in TABLE:
        for version in VERSIONS:
            for method in METHODS:
                collection = key.rpartition("/")[2]
                yield pytest.param(key, version, method, id=f"{version}:{method}:{collection}")


def test_the_table_holds_what_the_documents_serve() -> None:
    # Read by hand in the documents of revision 20261106: the table must not shrink silently.
    assert len(TABLE) == 5
    for key, versions in TABLE.items():
        assert set(versions) == set(VERSIONS)
        wanted = {"get", "list", "cancel"} | (set() if key.endswith("tuningJobs") else {"delete"})
        assert all(set(methods) == wanted for methods in versions.values()), key


@pytest.mark.anyio
@pytest.mark.parametrize(("key", "version", "method"), list(cases()))
async def test_every_job_route_of_the_documents(
    make_api: Callable[..., Api], recorder: Recorder, key: str, version: str, method: str
) -> None:
    api = make_api(api_version=version)
    collection = key.replace("*", "x").replace("locations/x", "locations/us-central1")
    name = f"{collection}/j1"
    served = TABLE[key][version]
    target = collection if method == "list" else name
    if method == "wait" or method in served:
        answer = await call(api, method, target)
        http_method, flat_path = served["get" if method == "wait" else method]
    else:
        with pytest.raises(UnsupportedMethodError) as excinfo:
            await call(api, method, target)
        assert recorder.requests == []
        message = str(excinfo.value)
        assert excinfo.value.method == method
        assert f"Vertex AI {version} serves get, list, cancel on" in message
        assert "no version serves delete" in message
        return
    (request,) = recorder.requests  # no :wait for jobs: a wait is one GET of a finished job
    assert request.method == http_method
    assert path_of(request) == expected_path(flat_path, target)
    if method == "list":
        assert dict(request.url.params) == {
            "pageSize": "3",
            "pageToken": "tok",
            "filter": "state=x",
        }
        assert set(request.url.params) <= set(RESOURCES[key][version]["listQuery"])
        assert answer.operations == ()
    else:
        assert dict(request.url.params) == {}
    if method in ("get", "wait"):
        assert isinstance(answer, Job)
        assert answer.name == name
        assert answer.succeeded
    if method in ("cancel", "delete"):
        assert answer is None


TUNED_CASES = [
    ("get", "GET", "/v1beta/tunedModels/m1"),
    ("wait", "GET", "/v1beta/tunedModels/m1"),
    ("delete", "DELETE", "/v1beta/tunedModels/m1"),
    ("list", "GET", "/v1beta/tunedModels"),
]


@pytest.mark.anyio
@pytest.mark.parametrize("version", ["v1beta", "v1"])
@pytest.mark.parametrize(("method", "http_method", "path"), TUNED_CASES)
async def test_gemini_tuned_models(
    make_api: Callable[..., Api],
    recorder: Recorder,
    version: str,
    method: str,
    http_method: str,
    path: str,
) -> None:
    # Tuned models are served by v1beta: a client configured for v1 is routed there.
    api = make_api(vertex_ai=False, api_version=version)
    answer = await call(api, method, "tunedModels" if method == "list" else "tunedModels/m1")
    (request,) = recorder.requests
    assert (request.method, path_of(request)) == (http_method, path)
    assert request.headers["x-goog-api-key"] == "k"
    if method in ("get", "wait"):
        assert isinstance(answer, Job)
        assert (answer.state, answer.succeeded) == ("ACTIVE", True)
        assert answer.tuned_model_name() == "tunedModels/m1"


@pytest.mark.anyio
async def test_a_tuned_model_has_no_cancel(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    api = make_api(vertex_ai=False)
    with pytest.raises(UnsupportedMethodError, match=r"cancel its operation"):
        await api("cancel", "tunedModels/m1")
    assert recorder.requests == []


def states(name: str, *answers: dict[str, Any]) -> Responder:
    """Answer the GETs of ``name`` with ``answers`` in turn (the last one again and again)."""
    seen = iter(answers)
    last: list[dict[str, Any]] = []

    def respond(request: httpx.Request) -> httpx.Response:
        if path_of(request).endswith(name):
            last[:] = [next(seen, last[0] if last else {})]
            return httpx.Response(200, json={"name": name, **last[0]})
        return default_answer(request)

    return respond


@pytest.mark.anyio
async def test_wait_polls_a_job_with_get_until_its_state_ends(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    name = f"{LOCATION}/batchPredictionJobs/b1"
    recorder.respond = states(
        name,
        {"state": "JOB_STATE_QUEUED"},
        {
            "state": "JOB_STATE_RUNNING",
            "completionStats": {"successfulCount": "3", "incompleteCount": "1"},
        },
        {"state": "JOB_STATE_CANCELLING"},
        {"state": "JOB_STATE_PARTIALLY_SUCCEEDED", "outputInfo": {"gcsOutputDirectory": "gs://o"}},
    )
    seen: list[Operation] = []
    done = await make_api()("wait", name, poll_interval=0.01, timeout=5.0, on_progress=seen.append)
    assert isinstance(done, Job)
    assert [getattr(job, "state", None) for job in seen] == [
        "JOB_STATE_QUEUED",
        "JOB_STATE_RUNNING",
        "JOB_STATE_CANCELLING",
        "JOB_STATE_PARTIALLY_SUCCEEDED",
    ]
    assert [job.progress for job in seen] == [None, 75.0, None, 100.0]
    assert done.succeeded
    assert done.partial
    assert done.result()["outputInfo"] == {"gcsOutputDirectory": "gs://o"}
    assert recorder.sent == [("GET", f"/v1/{name}")] * 4


@pytest.mark.anyio
async def test_a_failed_job_raises_the_typed_error_of_its_code(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    name = f"{LOCATION}/customJobs/c1"
    recorder.respond = states(
        name,
        {"state": "JOB_STATE_RUNNING"},
        {"state": "JOB_STATE_FAILED", "error": {"code": 13, "message": "worker died"}},
    )
    done = await make_api()("wait_with_backoff", name, initial_delay=0.01, jitter=False)
    assert done.failed
    with pytest.raises(InternalServerError) as excinfo:
        done.result()
    assert isinstance(excinfo.value, OperationFailedError)
    assert "worker died" in str(excinfo.value)


@pytest.mark.anyio
async def test_a_paused_job_is_waited_for_until_the_deadline(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    name = f"{LOCATION}/pipelineJobs/p1"
    recorder.respond = states(name, {"state": "PIPELINE_STATE_PAUSED"})
    with pytest.raises(WaitTimeoutError) as excinfo:
        await make_api()("wait", name, poll_interval=0.01, timeout=0.2)
    assert isinstance(excinfo.value.operation, Job)
    assert excinfo.value.operation.state == "PIPELINE_STATE_PAUSED"


@pytest.mark.anyio
async def test_wait_many_mixes_operations_and_jobs(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    tuning = f"{LOCATION}/tuningJobs/t1"
    operation = f"{LOCATION}/operations/o1"

    def respond(request: httpx.Request) -> httpx.Response:
        path = path_of(request)
        if path.endswith(tuning):
            polls = sum(path_of(r).endswith(tuning) for r in recorder.requests)
            state = "JOB_STATE_RUNNING" if polls < 3 else "JOB_STATE_CANCELLED"
            return httpx.Response(200, json={"name": tuning, "state": state})
        if path.removesuffix(":wait").endswith(operation):
            return httpx.Response(200, json={"name": operation, "done": True, "response": {}})
        return default_answer(request)

    recorder.respond = respond

    class Named:  # what google-genai returns: any object with a string name
        name = "tunedModels/m1"

    api = make_api()
    names = [tuning, operation, Named()]
    finished = await api.collect("wait_many", names, poll_interval=0.01, timeout=5.0)
    by_name = {item.name: item for item in finished}
    assert set(by_name) == {tuning, operation, "tunedModels/m1"}
    assert len(finished) == 3
    assert type(by_name[operation]) is Operation
    assert isinstance(by_name[tuning], Job)
    assert by_name[tuning].cancelled
    assert isinstance(by_name["tunedModels/m1"], Job)
    assert by_name["tunedModels/m1"].succeeded
    # Jobs are polled with GET, the operation with Vertex AI's :wait.
    assert all(method == "GET" for method, path in recorder.sent if "/operations/" not in path)
    assert ("POST", f"/v1/{operation}:wait") in [(m, p.split("?")[0]) for m, p in recorder.sent]


@pytest.mark.anyio
async def test_list_all_pages_through_a_job_collection(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    collection = f"{LOCATION}/hyperparameterTuningJobs"
    pages = {
        None: ({"name": f"{collection}/h1", "state": "JOB_STATE_SUCCEEDED"}, "p2"),
        "p2": ({"name": f"{collection}/h2", "state": "JOB_STATE_RUNNING"}, ""),
    }

    def respond(request: httpx.Request) -> httpx.Response:
        job, token = pages[request.url.params.get("pageToken")]
        body = {"hyperparameterTuningJobs": [job], "nextPageToken": token}
        return httpx.Response(200, json=body)

    recorder.respond = respond
    jobs = await make_api().collect("list_all", collection, page_size=1)
    assert [(j.name.rsplit("/", 1)[1], j.done) for j in jobs] == [("h1", True), ("h2", False)]
    assert all(isinstance(j, Job) for j in jobs)
    assert [r.url.params.get("pageToken") for r in recorder.requests] == [None, "p2"]


@pytest.mark.anyio
async def test_a_repeated_page_token_of_a_job_list_stops(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    recorder.respond = lambda request: httpx.Response(
        200, json={"tunedModels": [], "nextPageToken": "again"}
    )
    with pytest.raises(PaginationError):
        await make_api(vertex_ai=False).collect("list_all", "tunedModels")
    assert len(recorder.requests) == 2


@pytest.mark.anyio
async def test_a_job_given_back_is_polled_by_its_name(
    make_api: Callable[..., Api], recorder: Recorder
) -> None:
    api = make_api()
    first = await api("get", f"{LOCATION}/tuningJobs/t9")
    again = await api("get", first)
    assert isinstance(again, Job)
    assert again == first
    assert len(recorder.requests) == 2
