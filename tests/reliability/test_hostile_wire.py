"""A hostile server against the client's reading of the wire, sync and async, byte by byte.

Four classes of attack, each through the public API (and raw generated calls), on the byte-level
server of `hostile` (not the emulator):

- answer size: bodies of 400 MiB, endless bodies, gzip bombs (2 MiB expanding to 2 GiB), in
  success and error answers: each ends in `InvalidResponseError` naming the limit, with peak
  memory measured under a small bound;
- retry hints: ``Retry-After`` and ``RetryInfo.retryDelay`` far in the future, dated in year
  9999, negative, NaN or garbage: never an OverflowError, never a sleep longer than the clamp;
- secrets: a key or token echoed by the server in a message, a name, a URL or a header never
  survives in an error's text; a token with a stray CR/LF is refused without being shown;
- raw generated calls on hostile JSON shapes: `InvalidResponseError`, never RecursionError,
  TypeError or KeyError.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import struct
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from dual import Api

from gemini_ops import AsyncOperations, InvalidResponseError, Operations, RateLimitError
from gemini_ops._core import timing
from gemini_ops._http.limits import DEFAULT_MAX_RESPONSE_BYTES
from gemini_ops._http.wire import MAX_SERVER_HINT

from .hostile import Conn, HostileServer, Request, json_response, response

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

MiB = 1024 * 1024
KEY = "AIzaSyHOSTILE-wire-key-5d1e0a"
LIMIT = 4 * MiB  # the limit of the size tests: small, so that a bound on memory means something
OPERATION = {"name": "batches/b1", "done": False}

# ---------------------------------------------------------------------------------------------
# Helpers


async def _raw_get(api: Api, batch: str = "b1") -> Any:
    from gemini_ops_api.api.gemini import get_batch

    raw = api.ops.raw_client()
    if api.is_async:
        return await get_batch.asyncio_detailed(batch=batch, client=raw)
    return get_batch.sync_detailed(batch=batch, client=raw)


class Client:
    """Operations or AsyncOperations on `url`, optionally through an httpx client of the test."""

    def __init__(self, mode: str, url: str, *, own_client: bool = False, **options: Any) -> None:
        self.own: httpx.Client | httpx.AsyncClient | None = None
        if own_client:
            self.own = httpx.AsyncClient() if mode == "async" else httpx.Client()
            options["http_client"] = self.own
        cls = AsyncOperations if mode == "async" else Operations
        options = {"api_key": KEY, "base_url": url, "max_retries": 0, "timeout": 30, **options}
        self.api = Api(cls(**options))

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if method == "raw_get":
            return await _raw_get(self.api, *args)
        if method in {"list_all", "wait_many"}:
            return await self.api.collect(method, *args, **kwargs)
        return await self.api(method, *args, **kwargs)

    async def close(self) -> None:
        await self.api.close()
        if isinstance(self.own, httpx.AsyncClient):
            await self.own.aclose()
        elif self.own is not None:
            self.own.close()


@contextlib.asynccontextmanager
async def client(mode: str, url: str, **options: Any) -> Any:
    made = Client(mode, url, **options)
    try:
        yield made
    finally:
        await made.close()


@contextlib.contextmanager
def serve(script: Callable[[Request, Conn], Awaitable[None]]) -> Iterator[HostileServer]:
    """A hostile server running `script`; a script that broke fails the test."""
    with HostileServer(script) as server:
        yield server
    assert server.errors == []


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """Measure the peak of Python's allocations in the block (bytes), into the list yielded."""
    peak: list[int] = []
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


# ---------------------------------------------------------------------------------------------
# 1. Answer size


def _gzip_bomb() -> bytes:
    """A valid gzip body of about 2 MiB that decodes to 2 GiB + 12 bytes of a JSON object."""
    zeros = b"0" * (16 * MiB)
    head, tail, blocks = b'{"name": "', b'"}', 128
    deflate = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    start = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: every block of zeros encodes the same.
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.compress(tail) + deflate.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + blocks * len(zeros) + len(tail)
    return start + block * blocks + end[:-8] + struct.pack("<II", crc, size & 0xFFFFFFFF)


_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    if not _BOMB:
        _BOMB.append(_gzip_bomb())
    return _BOMB[0]


def _head(status: int, **headers: str) -> bytes:
    return response(
        status, headers={"Content-Type": "application/json", **headers}, content_length=False
    )


BodyScript = Callable[[int], Callable[[Request, Conn], Awaitable[None]]]


def huge_body(status: int) -> Callable[[Request, Conn], Awaitable[None]]:
    """400 MiB under a Content-Length, written as fast as the client reads."""

    async def script(request: Request, conn: Conn) -> None:
        total = 400 * MiB
        await conn.write(_head(status, **{"Content-Length": str(total)}))
        await conn.write(b'{"name": "')
        await conn.stream(b"a" * (64 * 1024), total=total - 10)

    return script


def endless_body(status: int) -> Callable[[Request, Conn], Awaitable[None]]:
    """A chunked body that never ends."""

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(_head(status, **{"Transfer-Encoding": "chunked"}))
        await conn.stream(b"10000\r\n" + b"[" * 0x10000 + b"\r\n")

    return script


def gzip_bomb_body(status: int) -> Callable[[Request, Conn], Awaitable[None]]:
    """2 MiB of gzip expanding to 2 GiB."""

    async def script(request: Request, conn: Conn) -> None:
        bomb = gzip_bomb()
        await conn.write(
            _head(status, **{"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
        )
        await conn.write(bomb)

    return script


def double_gzip_body(status: int) -> Callable[[Request, Conn], Awaitable[None]]:
    """The gzip bomb gzipped once more (``Content-Encoding: gzip, gzip``): a few KiB."""

    async def script(request: Request, conn: Conn) -> None:
        body = gzip.compress(gzip_bomb())
        encoding = {"Content-Encoding": "gzip, gzip", "Content-Length": str(len(body))}
        await conn.write(_head(status, **encoding))
        await conn.write(body)

    return script


def endless_deflate_body(status: int) -> Callable[[Request, Conn], Awaitable[None]]:
    """A chunked deflate stream of zeros that never ends."""

    async def script(request: Request, conn: Conn) -> None:
        deflate = zlib.compressobj(9)
        start = deflate.compress(b'{"name": "') + deflate.flush(zlib.Z_FULL_FLUSH)
        block = deflate.compress(b"0" * MiB) + deflate.flush(zlib.Z_FULL_FLUSH)
        encoding = {"Content-Encoding": "deflate", "Transfer-Encoding": "chunked"}
        await conn.write(_head(status, **encoding))
        await conn.write(b"%x\r\n%s\r\n" % (len(start), start))
        await conn.stream(b"%x\r\n%s\r\n" % (len(block), block))

    return script


BODIES: dict[str, BodyScript] = {
    "400 MiB": huge_body,
    "endless": endless_body,
    "gzip bomb": gzip_bomb_body,
    "gzip, gzip": double_gzip_body,
    "endless deflate": endless_deflate_body,
}
SIZE_METHODS = ["get", "list", "cancel", "raw_get", "own client get"]


async def _call_size_case(mode: str, url: str, method: str, limit: int | None) -> BaseException:
    own = method.startswith("own client ")
    method = method.removeprefix("own client ")
    options: dict[str, Any] = {"own_client": own}
    if limit is not None:
        options["max_response_bytes"] = limit
    args = {"get": ("batches/b1",), "list": ("batches",), "cancel": ("batches/b1",)}
    async with client(mode, url, **options) as made:
        with pytest.raises(InvalidResponseError) as caught:
            await made.call(method, *args.get(method, ()))
    return caught.value


# Every method on a successful answer; error answers (read by the same code for every method,
# before the retries decide) through the facade and a raw call.
SIZE_CASES = [(method, 200) for method in SIZE_METHODS] + [
    (method, status) for method in ("get", "raw_get") for status in (503, 400)
]


@pytest.mark.parametrize(("method", "status"), SIZE_CASES)
@pytest.mark.parametrize("body", list(BODIES))
async def test_an_answer_past_the_limit_ends_typed_in_bounded_memory(
    mode: str, body: str, method: str, status: int
) -> None:
    gzip_bomb()  # built before measuring
    with serve(BODIES[body](status)) as server:
        started = time.monotonic()
        with peak_memory() as peak:
            error = await _call_size_case(mode, server.url, method, LIMIT)
        took = time.monotonic() - started
    text = str(error)
    assert f"limit of {LIMIT:,} bytes" in text
    assert "max_response_bytes=" in text
    assert error.http_status == status
    assert error.method in {"GET", "POST"}
    assert peak[0] < 3 * LIMIT, f"peak {peak[0] / MiB:.1f} MiB"
    assert took < 10  # reading a few MiB, not the hundreds of MiB (or the endless) sent


async def test_the_default_limit_stops_a_400_mib_answer(mode: str) -> None:
    with serve(huge_body(200)) as server, peak_memory() as peak:
        error = await _call_size_case(mode, server.url, "get", None)
    assert f"limit of {DEFAULT_MAX_RESPONSE_BYTES:,} bytes (32 MiB decoded)" in str(error)
    assert peak[0] < 3 * DEFAULT_MAX_RESPONSE_BYTES, f"peak {peak[0] / MiB:.1f} MiB"


def _exact(size: int) -> bytes:
    body = json.dumps(OPERATION).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


@pytest.mark.parametrize("method", ["get", "raw_get", "own client get"])
async def test_an_answer_of_exactly_the_limit_is_read(mode: str, method: str) -> None:
    limit = 64 * 1024

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response(_exact(limit)))

    with serve(script) as server:
        own = method.startswith("own client ")
        async with client(mode, server.url, own_client=own, max_response_bytes=limit) as made:
            result = await made.call(
                method.removeprefix("own client "), "b1" if "raw" in method else "batches/b1"
            )
    name = result.parsed.name if method == "raw_get" else result.name
    assert name == "batches/b1"


async def test_one_byte_past_the_limit_is_refused(mode: str) -> None:
    limit = 64 * 1024

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response(_exact(limit + 1)))

    with serve(script) as server:
        async with client(mode, server.url, max_response_bytes=limit) as made:
            with pytest.raises(InvalidResponseError, match=f"limit of {limit:,} bytes"):
                await made.call("get", "batches/b1")


ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "deflate raw": lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS),
    "gzip, deflate": lambda data: zlib.compress(gzip.compress(data)),
    "identity": lambda data: data,
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("method", ["get", "raw_get", "own client get"])
async def test_encoded_answers_within_the_limit_are_decoded(
    mode: str, encoding: str, method: str
) -> None:
    plain = json.dumps(
        {**OPERATION, "metadata": {"@type": "type.googleapis.com/x.Pad", "pad": "x" * 200_000}}
    ).encode()

    async def script(request: Request, conn: Conn) -> None:
        body = ENCODINGS[encoding](plain)
        header = encoding.removesuffix(" raw")
        await conn.write(json_response(body, headers={"Content-Encoding": header}))

    with serve(script) as server:
        own = method.startswith("own client ")
        async with client(mode, server.url, own_client=own) as made:
            result = await made.call(
                method.removeprefix("own client "), "b1" if "raw" in method else "batches/b1"
            )
    name = result.parsed.name if method == "raw_get" else result.name
    assert name == "batches/b1"
    assert server.requests[0].header("accept-encoding") == "gzip, deflate"


async def test_a_corrupt_gzip_body_is_a_transport_error(mode: str) -> None:
    from gemini_ops import TransportError

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(
            json_response(
                b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20,
                headers={"Content-Encoding": "gzip"},
            )
        )

    with serve(script) as server:
        async with client(mode, server.url) as made:
            with pytest.raises(TransportError, match="not valid gzip"):
                await made.call("get", "batches/b1")


@pytest.mark.parametrize("value", [0, -1, 1.5, "1", True])
def test_max_response_bytes_is_validated(mode: str, value: Any) -> None:
    cls = AsyncOperations if mode == "async" else Operations
    with pytest.raises(ValueError, match="max_response_bytes must be an integer >= 1"):
        cls(api_key=KEY, max_response_bytes=value)


# ---------------------------------------------------------------------------------------------
# 2. Retry hints


def _rate_limited(headers: dict[str, str], retry_delay: Any = None) -> bytes:
    error: dict[str, Any] = {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}
    if retry_delay is not None:
        error["details"] = [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        ]
    return json_response({"error": error}, 429, headers=headers)


CLAMPED = MAX_SERVER_HINT
HINTS: dict[str, tuple[dict[str, str], Any, float | None]] = {
    "Retry-After 9999999999": ({"Retry-After": "9999999999"}, None, CLAMPED),
    "Retry-After of 400 digits": ({"Retry-After": "7" * 400}, None, CLAMPED),
    "Retry-After 1e400 as a fraction": ({"Retry-After": "1" * 400 + ".5"}, None, CLAMPED),
    "retryDelay 999999999999s": ({}, "999999999999s", CLAMPED),
    "retryDelay 999999999999.999999999s": ({}, "999999999999.999999999s", CLAMPED),
    "Retry-After in year 9999": ({"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, None, CLAMPED),
    "both huge": ({"Retry-After": "9999999999"}, "999999999999s", CLAMPED),
    "Retry-After -5": ({"Retry-After": "-5"}, None, None),
    "Retry-After nan": ({"Retry-After": "nan"}, None, None),
    "Retry-After inf": ({"Retry-After": "inf"}, None, None),
    "Retry-After 1e9": ({"Retry-After": "1e9"}, None, None),
    "Retry-After garbage": ({"Retry-After": "soon\x07"}, None, None),
    "Retry-After year 10000": ({"Retry-After": "Fri, 31 Dec 10000 23:59:59 GMT"}, None, None),
    "Retry-After in the past": ({"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}, None, 0.0),
    "server clock in year 9999": (
        {"Retry-After": "Thu, 01 Jan 2026 00:00:00 GMT", "Date": "Fri, 31 Dec 9999 23:59:59 GMT"},
        None,
        0.0,
    ),
    "server clock garbage": (
        {"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT", "Date": "yesterday"},
        None,
        0.0,
    ),
    "retryDelay -3s": ({}, "-3s", None),
    "retryDelay NaNs": ({}, "NaNs", None),
    "retryDelay infs": ({}, "infs", None),
    "retryDelay 1e400 (a number)": ({}, 1e400, None),
    "retryDelay an object": ({}, {"seconds": "999999999999"}, None),
    "retryDelay 2.5s, Retry-After 1": ({"Retry-After": "1"}, "2.5s", 2.5),
}


@pytest.mark.parametrize("hint", list(HINTS))
async def test_retry_hints_are_clamped_or_ignored(mode: str, hint: str) -> None:
    headers, retry_delay, expected = HINTS[hint]

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(_rate_limited(headers, retry_delay))

    with serve(script) as server:
        async with client(mode, server.url) as made:
            with pytest.raises(RateLimitError) as caught:
                await made.call("get", "batches/b1")
    assert caught.value.retry_delay == expected


class Sleeps:
    """The sleeps the code asks for, recorded instead of slept."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.asked.append(seconds)


HUGE_HINTS = [name for name, (_h, _r, expected) in HINTS.items() if expected == CLAMPED]


@pytest.mark.parametrize("hint", HUGE_HINTS)
async def test_a_wait_without_deadline_sleeps_no_longer_than_the_clamp(
    mode: str, hint: str
) -> None:
    """A wait (timeout=None) and the retries of each poll both see the clamped hint."""
    headers, retry_delay, _expected = HINTS[hint]

    async def script(request: Request, conn: Conn) -> None:
        if len(server.requests) <= 2:
            await conn.write(_rate_limited(headers, retry_delay))
        else:
            await conn.write(json_response({"name": "batches/b1", "done": True, "response": {}}))

    sleeps = Sleeps()
    with serve(script) as server, timing.override(sleep=sleeps.sleep, asleep=sleeps.asleep):
        async with client(mode, server.url, max_retries=3) as made:
            done = await made.call("wait", "batches/b1", poll_interval=0.01, timeout=None)
    assert done.done
    assert sleeps.asked, "the hint was not slept on"
    assert max(sleeps.asked) == CLAMPED
    assert len(server.requests) == 3


@pytest.mark.parametrize("hint", HUGE_HINTS)
async def test_the_retries_of_a_request_see_the_clamped_hint(mode: str, hint: str) -> None:
    """Above the retry ceiling (120 s) a request is not retried: the clamped hint is reported."""
    headers, retry_delay, _expected = HINTS[hint]

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(_rate_limited(headers, retry_delay))

    sleeps = Sleeps()
    with serve(script) as server, timing.override(sleep=sleeps.sleep, asleep=sleeps.asleep):
        async with client(mode, server.url, max_retries=3) as made:
            with pytest.raises(RateLimitError) as caught:
                await made.call("get", "batches/b1")
    assert caught.value.retry_delay == CLAMPED
    assert sleeps.asked == []
    assert len(server.requests) == 1


async def test_a_retried_request_sleeps_the_hint_below_the_retry_ceiling(mode: str) -> None:
    async def script(request: Request, conn: Conn) -> None:
        if len(server.requests) == 1:
            await conn.write(_rate_limited({"Retry-After": "7"}, "9s"))
        else:
            await conn.write(json_response(OPERATION))

    sleeps = Sleeps()
    with serve(script) as server, timing.override(sleep=sleeps.sleep, asleep=sleeps.asleep):
        async with client(mode, server.url, max_retries=1) as made:
            operation = await made.call("get", "batches/b1")
    assert operation.name == "batches/b1"
    assert sleeps.asked == [9.0]


# ---------------------------------------------------------------------------------------------
# 3. Secrets echoed by the server

TOKEN = "ya29.HOSTILE-wire-token-8c3b7f"
VERTEX_OP = "projects/p1/locations/us-central1/operations/o1"


def _secret_of(request: Request) -> str:
    """The credential the request carried, as a server reading it would echo it."""
    key = request.header("x-goog-api-key")
    if key:
        return key
    return (request.header("authorization") or "").removeprefix("Bearer ")


def _escaped(secret: str) -> str:
    return "".join(f"\\u{ord(ch):04x}" for ch in secret)


def _error(code: int, message: str, **extra: Any) -> bytes:
    return json_response({"error": {"code": code, "message": message, **extra}}, code)


ECHOES: dict[str, Callable[[str], bytes]] = {
    "error message": lambda s: _error(400, f"API key not valid: {s}", status="INVALID_ARGUMENT"),
    "error details": lambda s: _error(
        403,
        "denied",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "metadata": {"key": s, s: "as a key"},
            },
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"url": f"x?k={s}"}]},
        ],
    ),
    "legacy errors list": lambda s: json_response({"error": {"errors": [{"message": s}]}}, 400),
    "OAuth error": lambda s: json_response(
        {"error": "invalid_token", "error_description": f"bad token {s}"}, 401
    ),
    "HTML page": lambda s: response(
        502,
        f"<html><title>{s}</title><p>echo {s}</p></html>".encode(),
        headers={"Content-Type": "text/html"},
    ),
    "JSON-escaped": lambda s: json_response(
        '{"error": {"code": 400, "message": "' + _escaped(s) + '"}}', 400
    ),
    "text 200": lambda s: response(
        200, f"hello {s}".encode(), headers={"Content-Type": "text/plain"}
    ),
    "content type header": lambda s: response(
        200, b"<p>no</p>", headers={"Content-Type": f"text/{s}"}
    ),
    "JSON array 200": lambda s: json_response([s, {s: s}]),
    "malformed header line": lambda s: f"HTTP/1.1 200 OK\r\nX-Echo {s}\r\n\r\n".encode(),
    "429 with headers": lambda s: _error(
        429, f"quota for {s}", status="RESOURCE_EXHAUSTED"
    ).replace(b"\r\n\r\n", f"\r\nX-Echo: {s}\r\nRetry-After: 1\r\n\r\n".encode(), 1),
    "failed operation": lambda s: json_response(
        {
            "name": "batches/b1",
            "done": True,
            "error": {
                "code": 7,
                "message": f"denied for {s}",
                "details": [{"@type": "type.googleapis.com/x.Echo", "echo": s}],
            },
        }
    ),
    "operation name": lambda s: json_response(
        {"name": f"batches/{s}", "done": True, "response": {"@type": "x.Y", s: s}}
    ),
    "escaped in metadata": lambda s: json_response(
        '{"name": "batches/b1", "metadata": {"@type": "x.Y", "note": "' + _escaped(s) + '"}}'
    ),
}


def _texts(value: object) -> list[str]:
    """Every text a value shows: str, repr, attributes, and for an exception its whole chain."""
    import traceback

    if not isinstance(value, BaseException):
        return [str(value), repr(value), repr(getattr(value, "__dict__", ""))]
    texts = ["".join(traceback.format_exception(value))]
    seen: set[int] = set()
    current: BaseException | None = value
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return texts


def _leaks(texts: list[str], secret: str) -> list[str]:
    suffix = secret.split("-", 1)[1]
    return [text[:300] for text in texts if secret in text or suffix in text]


async def _outcomes(made: Client, method: str, name: str) -> list[object]:
    """What a call shows: its result or error, and for an operation its result() error."""
    try:
        result = await made.call(method, name)
    except Exception as error:
        return [error]
    # A raw call's Response holds the body as sent (its bytes are the caller's to read); what
    # gemini-ops builds from it is the parsed model.
    operation = getattr(result, "parsed", result)
    shown: list[object] = [operation]
    if hasattr(operation, "result") and getattr(operation, "done", False):
        try:
            operation.result()
        except Exception as error:
            shown.append(error)
    return shown


@pytest.mark.parametrize(
    ("backend", "method"),
    [
        ("gemini", "get"),
        ("gemini", "list"),
        ("gemini", "raw_get"),
        ("vertex", "get"),
        ("vertex", "list"),
    ],
)
@pytest.mark.parametrize("echo", list(ECHOES))
async def test_a_secret_echoed_by_the_server_never_reaches_a_message(
    mode: str, echo: str, method: str, backend: str
) -> None:

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(ECHOES[echo](_secret_of(request)))

    if backend == "gemini":
        options: dict[str, Any] = {"api_key": KEY}
        secret, name = KEY, {"get": "batches/b1", "list": "batches", "raw_get": "b1"}[method]
    else:
        from google.oauth2.credentials import Credentials

        options = {"vertex_ai": True, "project": "p1", "location": "us-central1"}
        options["credentials"] = Credentials(token=TOKEN)
        secret, name = (
            TOKEN,
            {"get": VERTEX_OP, "list": "projects/p1/locations/us-central1"}[method],
        )
    with serve(script) as server:
        async with client(mode, server.url, **options) as made:
            shown = await _outcomes(made, method, name)
    assert server.requests, "no request was sent"
    assert _secret_of(server.requests[0]) == secret
    texts = [text for value in shown for text in _texts(value)]
    assert _leaks(texts, secret) == []


@pytest.mark.parametrize("spare", ["\r", "\n", "\r\n", " ", "\t"])
async def test_whitespace_around_an_access_token_is_dropped(mode: str, spare: str) -> None:
    from google.oauth2.credentials import Credentials

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response({"name": VERTEX_OP, "done": False}))

    options = {"vertex_ai": True, "project": "p1", "location": "us-central1"}
    with serve(script) as server:
        credentials = Credentials(token=f"{spare}{TOKEN}{spare}")
        async with client(mode, server.url, credentials=credentials, **options) as made:
            operation = await made.call("get", VERTEX_OP)
    assert operation.name == VERTEX_OP
    assert server.requests[0].header("authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (f"{TOKEN}\r\nX-Injected: 1", "must not contain whitespace or control characters"),
        (f"ya29.a\rb-{TOKEN}", "must not contain whitespace or control characters"),
        (f"{TOKEN} {TOKEN}", "must not contain whitespace or control characters"),
        (f"{TOKEN}\x00", "must not contain whitespace or control characters"),
        ("\r\n", "must be a non-empty string"),
    ],
)
async def test_an_unusable_access_token_is_refused_without_being_shown(
    mode: str, token: str, problem: str
) -> None:
    from google.oauth2.credentials import Credentials

    from gemini_ops import CredentialsError

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response({"name": VERTEX_OP}))

    options = {"vertex_ai": True, "project": "p1", "location": "us-central1"}
    with serve(script) as server:
        credentials = Credentials(token=token)
        async with client(mode, server.url, credentials=credentials, **options) as made:
            with pytest.raises(CredentialsError, match=problem) as caught:
                await made.call("get", VERTEX_OP)
    assert server.requests == []
    assert _leaks(_texts(caught.value), TOKEN) == []
    assert "access token" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# 4. Raw generated calls on hostile shapes

DEEP = 100_000  # past any recursion limit: json.loads raises RecursionError
FAIRLY_DEEP = 900  # below the decoder's limit, deeper than a recursive walk may go


def _nested(depth: int, leaf: str = "0") -> str:
    return "[" * depth + leaf + "]" * depth


SHAPES: dict[str, tuple[str, str]] = {
    # name: (endpoint, body)
    "deep array": ("get", _nested(DEEP)),
    "deep object": ("get", '{"a":' * DEEP + "0" + "}" * DEEP),
    "deep metadata": ("get", '{"name": "batches/b1", "metadata": ' + _nested(DEEP) + "}"),
    "top-level array": ("get", "[]"),
    "top-level pairs": ("get", '[["name", "batches/b1"]]'),
    "top-level string": ("get", '"batches/b1"'),
    "top-level number": ("get", "1e400"),
    "top-level null": ("get", "null"),
    "missing name": ("get", "{}"),
    "metadata a string": ("get", '{"name": "batches/b1", "metadata": "x"}'),
    "metadata a list": ("get", '{"name": "batches/b1", "metadata": [1, 2]}'),
    "metadata without @type": ("get", '{"name": "batches/b1", "metadata": {}}'),
    "error a string": ("get", '{"name": "batches/b1", "done": true, "error": "boom"}'),
    "error details a number": (
        "get",
        '{"name": "batches/b1", "done": true, "error": {"code": 3, "details": 5}}',
    ),
    "error details of strings": (
        "get",
        '{"name": "batches/b1", "done": true, "error": {"code": 3, "details": ["x"]}}',
    ),
    "response null": ("get", '{"name": "batches/b1", "done": true, "response": null}'),
    "operations a number": ("list", '{"operations": 5}'),
    "operations a string": ("list", '{"operations": "abc"}'),
    "operations of numbers": ("list", '{"operations": [1]}'),
    "operations missing names": ("list", '{"operations": [{}]}'),
    "operations an object": ("list", '{"operations": {"name": "batches/b1"}}'),
    "cancel answers an array": ("cancel", "[1]"),
    "cancel answers a string": ("cancel", '"ok"'),
    "vertex metadata a number": ("vertex get", '{"name": "x", "metadata": 7}'),
    "vertex wait missing name": ("vertex wait", '{"done": true}'),
    "fetchPredictOperation a list": ("vertex fetch", "[{}]"),
}


async def _raw_call(api: Api, endpoint: str) -> Any:
    from gemini_ops_api.api.gemini import cancel_batch, get_batch, list_batches
    from gemini_ops_api.api.vertex import (
        fetch_predict_operation,
        get_vertex_operation,
        wait_vertex_operation,
    )
    from gemini_ops_api.models import FetchPredictOperationRequest

    where = {"project": "p1", "location": "us-central1"}
    calls: dict[str, tuple[Any, dict[str, Any]]] = {
        "get": (get_batch, {"batch": "b1"}),
        "list": (list_batches, {}),
        "cancel": (cancel_batch, {"batch": "b1"}),
        "vertex get": (get_vertex_operation, {**where, "operation": "o1"}),
        "vertex wait": (wait_vertex_operation, {**where, "operation": "o1"}),
        "vertex fetch": (
            fetch_predict_operation,
            {
                **where,
                "publisher": "google",
                "model": "veo",
                "body": FetchPredictOperationRequest(operation_name="x"),
            },
        ),
    }
    module, kwargs = calls[endpoint]
    raw = api.ops.raw_client()
    if api.is_async:
        return await module.asyncio_detailed(client=raw, **kwargs)
    return module.sync_detailed(client=raw, **kwargs)


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize("shape", list(SHAPES))
async def test_a_raw_call_on_a_hostile_shape_raises_invalid_response(
    mode: str, shape: str, status: int
) -> None:
    endpoint, body = SHAPES[shape]

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response(body, status))

    with serve(script) as server:
        async with client(mode, server.url, max_retries=0) as made:
            with pytest.raises(InvalidResponseError) as caught:
                await _raw_call(made.api, endpoint)
    assert caught.value.http_status == status
    assert _leaks(_texts(caught.value), KEY) == []
    # Nothing that generated code raised is kept: no context to print, no body held.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


@pytest.mark.parametrize("depth", [10, 200, FAIRLY_DEEP])
async def test_a_deep_body_holding_the_key_is_scrubbed_or_refused(mode: str, depth: int) -> None:
    """Deep enough, the scrubbing walk may run out of stack: then the body is refused, typed."""
    body = (
        '{"name": "batches/b1", "metadata": {"@type": "x.Y", "v": '
        + _nested(depth, f'"{KEY}"')
        + "}}"
    )

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response(body))

    with serve(script) as server:
        async with client(mode, server.url) as made:
            try:
                answer = await _raw_call(made.api, "get")
            except InvalidResponseError as error:
                assert depth == FAIRLY_DEEP
                shown: object = error
            else:
                shown = answer.parsed
                assert KEY not in json.dumps(answer.parsed.to_dict())
    assert _leaks(_texts(shown), KEY) == []


@pytest.mark.parametrize("status", [299, 209, 250])
async def test_a_raw_call_on_an_undefined_status_raises_invalid_response(
    mode: str, status: int
) -> None:
    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response({"name": "batches/b1"}, status))

    with serve(script) as server:
        async with client(mode, server.url) as made:
            with pytest.raises(InvalidResponseError, match="a status that HTTP does not define"):
                await _raw_call(made.api, "get")


async def test_a_raw_call_on_a_good_shape_still_parses(mode: str) -> None:
    from gemini_ops_api.models import Operation as RawOperation

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(
            json_response(
                {
                    "name": "batches/b1",
                    "metadata": {"@type": "x.Y", "deep": json.loads(_nested(50))},
                    "done": True,
                    "error": {"code": 3, "message": "m", "details": [{"@type": "x.Z"}]},
                    "extra": {"kept": True},
                }
            )
        )

    with serve(script) as server:
        async with client(mode, server.url) as made:
            answer = await _raw_call(made.api, "get")
    assert isinstance(answer.parsed, RawOperation)
    assert answer.parsed.name == "batches/b1"
    assert answer.parsed.additional_properties == {"extra": {"kept": True}}


async def test_a_raw_answer_json_takes_the_decoder_options(mode: str) -> None:
    from decimal import Decimal

    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response(b'{"name": "batches/b1", "n": 0.1}'))

    with serve(script) as server:
        async with client(mode, server.url) as made:
            raw = made.api.ops.raw_client()
            if made.api.is_async:
                answer = await raw.get_async_httpx_client().get("/batches/b1")
            else:
                answer = raw.get_httpx_client().get("/batches/b1")
    assert answer.json(parse_float=Decimal) == {"name": "batches/b1", "n": Decimal("0.1")}
