"""A hostile server against the transport: drip-fed answers, redirects, long retry hints.

Every case runs over real loopback HTTP against `HostileServer` (never the emulator), through
the public API, sync and async, and must end with the documented typed error within its
deadline plus 0.5 s:

- an answer dripped one byte every 0.5 s (in the headers, in a chunked body, in a body under a
  ``Content-Length``) ends a single call at its request timeout (`TransportError`) and a wait at
  its deadline (`WaitTimeoutError`), raw generated calls and ``gemini-ops wait`` included;
- a redirect (301, 302, 303, 307, 308) is never followed, even through a caller's client made
  with ``follow_redirects=True``: the other origin receives nothing, and the redirect is an
  `InvalidResponseError`, whatever its body;
- a 429 asking to wait longer than the time left ends the call at once with `RateLimitError`
  carrying the hint, instead of sleeping through it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dual import Api, make
from google.oauth2.credentials import Credentials

from gemini_ops import (
    InvalidResponseError,
    Operation,
    Operations,
    RateLimitError,
    TransportError,
    WaitTimeoutError,
)

from .conftest import SECRET_KEY, SECRET_TOKEN, VERTEX_LOCATION
from .hostile import Conn, HostileServer, Request, Script, json_response, response

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

DEADLINE = 2.0  # seconds: the request timeout of a single call, the timeout of a wait
SLACK = 0.5  # every case must end within DEADLINE + SLACK
DRIP_EVERY = 0.5  # seconds between two bytes of a dripped answer
SCRIPT = Path(sys.executable).with_name("gemini-ops")
NAME = "batches/b1"
QUOTA_PROJECT = "quota-project-x"
OVERRUNS: list[float] = []  # seconds past the deadline, of every timed case


@pytest.fixture(scope="module", autouse=True)
def report_overruns() -> Iterator[None]:
    yield
    if OVERRUNS:  # the figure of docs/reliability.md (visible with -s)
        print(f"\n{len(OVERRUNS)} timed cases, worst overrun {max(OVERRUNS):+.3f} s")


# ---------------------------------------------------------------------------------- scripts


async def drip_headers(request: Request, conn: Conn) -> None:
    await conn.write(b"HTTP/1.1 200 OK\r\n")
    await conn.drip(b"X-Slow: " + b"a" * 200, every=DRIP_EVERY)


async def drip_chunked(request: Request, conn: Conn) -> None:
    await conn.write(response(200, headers={"Transfer-Encoding": "chunked"}, content_length=False))
    await conn.drip(b"1\r\n \r\n" * 100, every=DRIP_EVERY)


async def drip_content_length(request: Request, conn: Conn) -> None:
    await conn.write(response(200, headers={"Content-Length": "1000"}))
    await conn.drip(b" " * 1000, every=DRIP_EVERY)


DRIPS: dict[str, Script] = {
    "headers": drip_headers,
    "chunked": drip_chunked,
    "content-length": drip_content_length,
}


def operation(name: str = NAME, **fields: Any) -> dict[str, Any]:
    return {"name": name, "done": True, "response": {}, **fields}


@pytest.fixture
def servers() -> Iterator[Callable[[Script], HostileServer]]:
    started: list[HostileServer] = []

    def start(script: Script) -> HostileServer:
        server = HostileServer(script).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        assert server.errors == []


def gemini(server: HostileServer, **options: Any) -> dict[str, Any]:
    return {"api_key": SECRET_KEY, "base_url": server.url, **options}


def vertex(server: HostileServer, **options: Any) -> dict[str, Any]:
    credentials = Credentials(token=SECRET_TOKEN, quota_project_id=QUOTA_PROJECT)
    return {
        "vertex_ai": True,
        "project": "p1",
        "location": "us-central1",
        "credentials": credentials,
        "base_url": server.url,
        **options,
    }


async def timed(call: Any) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        await call
    except Exception as error:
        return error, time.monotonic() - started
    return None, time.monotonic() - started


def check_in_time(took: float, deadline: float = DEADLINE) -> None:
    OVERRUNS.append(took - deadline)
    assert took < deadline + SLACK, f"ended {took - deadline:.2f} s after the deadline"


async def raw_get(api: Api) -> Any:
    from gemini_ops_api.api.gemini import get_batch

    raw = api.ops.raw_client()
    if api.is_async:
        return await get_batch.asyncio(batch="b1", client=raw)
    return get_batch.sync(batch="b1", client=raw)


# ---------------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize("drip", sorted(DRIPS))
@pytest.mark.parametrize("call", ["get", "raw", "wait"])
async def test_a_dripped_answer_cannot_outlast_the_deadline(
    mode: str, drip: str, call: str, servers: Callable[[Script], HostileServer]
) -> None:
    server = servers(DRIPS[drip])
    if call == "wait":  # the request timeout is long: the wait's deadline must end it
        api = make(mode, **gemini(server, timeout=60.0))
        error, took = await timed(api("wait", NAME, poll_interval=0.1, timeout=DEADLINE))
        expected: type[Exception] = WaitTimeoutError
    else:
        api = make(mode, **gemini(server, timeout=DEADLINE, max_retries=0))
        work = api("get", NAME) if call == "get" else raw_get(api)
        error, took = await timed(work)
        expected = TransportError
    await api.close()
    assert isinstance(error, expected), repr(error)
    check_in_time(took)
    assert server.requests, "the request was not sent"
    if expected is TransportError:
        assert "timed out" in str(error)


async def test_the_retries_of_a_call_share_its_bound(
    mode: str, servers: Callable[[Script], HostileServer]
) -> None:
    # Each dripped attempt is cut at the request timeout and retried, and the call as a whole
    # ends within the timeout times the attempts allowed (0.5 s x 4 here).
    server = servers(drip_headers)
    api = make(mode, **gemini(server, timeout=DEADLINE / 4, max_retries=3))
    error, took = await timed(api("get", NAME))
    await api.close()
    assert isinstance(error, TransportError), repr(error)
    check_in_time(took)
    assert len(server.requests) >= 2


async def test_a_dripped_answer_through_a_callers_async_client_is_bounded(
    servers: Callable[[Script], HostileServer],
) -> None:
    # An async client of the caller's own gets the same bound (a cancel scope over the exchange).
    server = servers(drip_headers)
    async with httpx.AsyncClient() as mine:
        api = make("async", **gemini(server, timeout=DEADLINE, max_retries=0, http_client=mine))
        error, took = await timed(api("get", NAME))
        await api.close()
    assert isinstance(error, TransportError), repr(error)
    check_in_time(took)


def test_a_dripped_body_through_a_callers_sync_client_is_cut_between_reads(
    servers: Callable[[Script], HostileServer],
) -> None:
    # A sync client of the caller's own keeps its sockets: the deadline is checked between the
    # reads of the body, so a body dripped faster than the timeout still ends in time.
    async def drip_body(request: Request, conn: Conn) -> None:
        await conn.write(response(200, headers={"Content-Length": "1000"}))
        await conn.drip(b" " * 1000, every=0.1)

    server = servers(drip_body)
    with (
        httpx.Client() as mine,
        Operations(**gemini(server, timeout=1.0, max_retries=0, http_client=mine)) as ops,
    ):
        started = time.monotonic()
        with pytest.raises(TransportError, match="timed out"):
            ops.get(NAME)
        check_in_time(time.monotonic() - started, deadline=1.0)


@pytest.mark.parametrize("drip", sorted(DRIPS))
def test_the_cli_wait_timeout_is_hard(
    drip: str, servers: Callable[[Script], HostileServer]
) -> None:
    server = servers(DRIPS[drip])
    env = {"GEMINI_API_KEY": SECRET_KEY, "GEMINI_OPS_BASE_URL": server.url}
    started = time.monotonic()
    done = subprocess.run(
        [str(SCRIPT), "wait", NAME, "--timeout", "2", "--poll-interval", "0.1"],
        capture_output=True,
        text=True,
        env={**_plain_environment(), **env},
        timeout=30,
        check=False,
    )
    took = time.monotonic() - started
    assert done.returncode == 3, done.stdout + done.stderr
    # The interpreter's start is in `took` too: allow it a few seconds on a loaded machine.
    assert took < DEADLINE + 4.0, f"the CLI ran {took:.1f} s"
    assert SECRET_KEY not in done.stdout + done.stderr


def _plain_environment() -> dict[str, str]:
    # Nothing from the environment that would send the CLI elsewhere or with other credentials.
    dropped = ("GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GEMINI_OPS_ACCESS_TOKEN")
    return {k: v for k, v in os.environ.items() if k not in dropped}


# ---------------------------------------------------------------------------------- redirects


def redirect_to(target: str, status: int, body: bytes = b"") -> Script:
    async def script(request: Request, conn: Conn) -> None:
        location = f"{target}{request.target}"
        headers = {"Location": location, "Content-Type": "application/json"}
        await conn.write(response(status, body, headers=headers))

    return script


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("backend", ["gemini", "vertex"])
async def test_credentials_never_follow_a_redirect_to_another_origin(
    mode: str, status: int, backend: str, servers: Callable[[Script], HostileServer]
) -> None:
    async def other_origin(request: Request, conn: Conn) -> None:
        await conn.write(json_response(operation(request.path)))

    elsewhere = servers(other_origin)
    first = servers(redirect_to(elsewhere.url, status, b'{"name": "x", "done": true}'))
    options = gemini(first) if backend == "gemini" else vertex(first)
    name = NAME if backend == "gemini" else f"{VERTEX_LOCATION}/operations/123"
    client_class = httpx.AsyncClient if mode == "async" else httpx.Client
    mine = client_class(follow_redirects=True)
    api = make(mode, **options, http_client=mine)
    try:
        for method in ("get", "cancel", "delete"):
            with pytest.raises(InvalidResponseError, match=rf"unexpected redirect \({status}\)"):
                await api(method, name)
    finally:
        await api.close()
        if isinstance(mine, httpx.AsyncClient):
            await mine.aclose()
        else:
            mine.close()
    assert len(first.requests) == 3
    sent = first.requests[0]
    assert sent.header("x-goog-api-key" if backend == "gemini" else "authorization")
    if backend == "vertex":
        assert sent.header("x-goog-user-project") == QUOTA_PROJECT
    assert elsewhere.requests == [], "a request followed the redirect to another origin"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_an_error_never_a_result(
    mode: str, status: int, servers: Callable[[Script], HostileServer]
) -> None:
    async def done_elsewhere(request: Request, conn: Conn) -> None:
        body = json_response(operation(), headers={"Location": "http://evil.invalid/x?key=k"})
        await conn.write(body.replace(b"200 X", f"{status} X".encode(), 1))

    async def empty(request: Request, conn: Conn) -> None:
        location = f"http://evil.invalid/steal?key={SECRET_KEY}"
        await conn.write(response(status, headers={"Location": location}))

    with_body, without = servers(done_elsewhere), servers(empty)
    api = make(mode, **gemini(with_body))
    try:
        with pytest.raises(InvalidResponseError, match=r"unexpected redirect .*evil\.invalid"):
            await api("get", NAME)
        with pytest.raises(InvalidResponseError):
            await raw_get(api)
        # A wait polls through an invalid answer, as through any: never a finished operation.
        with pytest.raises(WaitTimeoutError) as timed_out:
            await api("wait", NAME, poll_interval=0.2, timeout=0.3)
        assert timed_out.value.operation is None
    finally:
        await api.close()
    api = make(mode, **gemini(without))
    try:
        for method in ("cancel", "delete"):
            with pytest.raises(InvalidResponseError, match="unexpected redirect") as caught:
                await api(method, NAME)
            assert SECRET_KEY not in str(caught.value)
        with pytest.raises(InvalidResponseError):
            await api("list", "batches")
    finally:
        await api.close()
    assert len(with_body.requests) >= 3  # never followed
    assert len(without.requests) == 3


def test_the_cli_does_not_report_a_redirect_as_deleted(
    servers: Callable[[Script], HostileServer],
) -> None:
    async def moved(request: Request, conn: Conn) -> None:
        await conn.write(response(302, headers={"Location": "http://evil.invalid/"}))

    server = servers(moved)
    env = {"GEMINI_API_KEY": SECRET_KEY, "GEMINI_OPS_BASE_URL": server.url}
    done = subprocess.run(
        [str(SCRIPT), "delete", NAME],
        capture_output=True,
        text=True,
        env={**_plain_environment(), **env},
        timeout=30,
        check=False,
    )
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Deleted" not in done.stdout
    assert "redirect" in done.stderr


# ---------------------------------------------------------------------------------- per-call bound


def rate_limited(retry_after: str) -> Script:
    async def script(request: Request, conn: Conn) -> None:
        await conn.write(
            json_response({"error": {"code": 429}}, 429, headers={"Retry-After": retry_after})
        )

    return script


@pytest.mark.parametrize("method", ["get", "list", "cancel", "delete", "list_all", "raw"])
async def test_a_long_retry_hint_ends_the_call_at_once(
    mode: str, method: str, servers: Callable[[Script], HostileServer]
) -> None:
    server = servers(rate_limited("100"))
    api = make(mode, **gemini(server, timeout=DEADLINE))
    if method == "raw":
        call: Any = raw_get(api)
    elif method == "list_all":
        call = api.collect("list_all", "batches")
    else:
        call = api(method, "batches" if method == "list" else NAME)
    error, took = await timed(call)
    await api.close()
    assert isinstance(error, RateLimitError), repr(error)
    assert error.retry_delay == 100
    check_in_time(took)
    assert len(server.requests) == 1


async def test_short_retry_hints_stop_at_the_bound_of_the_call(
    mode: str, servers: Callable[[Script], HostileServer]
) -> None:
    # A call may take the request timeout times the attempts allowed (0.5 s x 4 here): each
    # 0.8 s hint is honoured while it fits in what is left, then the call ends at once.
    server = servers(rate_limited("0.8"))
    api = make(mode, **gemini(server, timeout=DEADLINE / 4, max_retries=3))
    error, took = await timed(api("get", NAME))
    await api.close()
    assert isinstance(error, RateLimitError), repr(error)
    assert error.retry_delay == 0.8
    check_in_time(took)
    assert len(server.requests) == 3  # not 4: the third hint no longer fits


async def test_a_slow_but_honest_answer_within_the_bound_still_arrives(
    mode: str, servers: Callable[[Script], HostileServer]
) -> None:
    async def slowly(request: Request, conn: Conn) -> None:
        body = json_response(operation())
        head, payload = body.split(b"\r\n\r\n", 1)
        await conn.write(head + b"\r\n\r\n")
        await conn.drip(payload, every=0.5 / len(payload), size=1)

    server = servers(slowly)
    api = make(mode, **gemini(server, timeout=DEADLINE))
    try:
        op = await api("get", NAME)
    finally:
        await api.close()
    assert isinstance(op, Operation)
    assert op.done
