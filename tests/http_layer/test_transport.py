from __future__ import annotations

import asyncio
import email.utils
import gzip
import logging
import math
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpcore
import httpx
import pytest

import gemini_ops._http.retry as retry
from gemini_ops._core import timing
from gemini_ops._core.errors import (
    InvalidArgumentError,
    NotFoundError,
    RateLimitError,
    RequestCancelledError,
    ServiceUnavailableError,
    TransportError,
    UnauthenticatedError,
    WaitTimeoutError,
)
from gemini_ops._http.auth import ApiKeyAuth
from gemini_ops._http.clients import build_async_client, build_client
from gemini_ops._http.deadline import DeadlineBackend, clip_timeouts, deadline_scope, time_left
from gemini_ops._http.limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AsyncLimitTransport,
    LimitTransport,
)
from gemini_ops._http.retry import (
    RETRYABLE_EXCEPTIONS,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
)

BASE = "https://generativelanguage.googleapis.com/v1beta"
URL = f"{BASE}/batches/x"
TIMEOUTS = {"connect": 10.0, "read": 60.0, "write": 10.0, "pool": 10.0}
KEY = "AIzaSECRETKEY0123456789"


class Clock:
    """A fake monotonic clock; the patched sleeps advance it and record what was asked."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.oversleep = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.oversleep

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    fake = Clock()
    with timing.override(
        monotonic=fake.monotonic, sleep=fake.sleep, asleep=fake.asleep, random=lambda: 0.5
    ):
        yield fake


Outcome = Callable[[httpx.Request], httpx.Response]


def answer(
    status: int, json_body: Any = None, *, body: bytes = b"", headers: dict[str, str] | None = None
) -> Outcome:
    def make(request: httpx.Request) -> httpx.Response:
        if json_body is not None:
            return httpx.Response(status, json=json_body, headers=headers)
        return httpx.Response(status, content=body, headers=headers)

    return make


def fail(error: type[httpx.TransportError]) -> Outcome:
    def make(request: httpx.Request) -> httpx.Response:
        raise error("simulated failure", request=request)

    return make


def retry_info(status: int, delay: str) -> Outcome:
    canonical = {429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}[status]
    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}]
    error = {"code": status, "message": "slow down", "status": canonical, "details": details}
    return answer(status, {"error": error})


OK = answer(200, {"name": "batches/x", "done": True})


class Script:
    """A server answering from a list of outcomes (the last one repeats); records requests."""

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []
        self.timeouts: list[dict[str, float | None]] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.timeouts.append(dict(request.extensions.get("timeout", {})))
        self.bodies.append(request.content)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        return outcome(request)


def make_request(
    method: str = "GET", url: str = URL, timeouts: dict[str, Any] | None = None, **kwargs: Any
) -> httpx.Request:
    request = httpx.Request(method, url, **kwargs)
    request.extensions["timeout"] = dict(TIMEOUTS if timeouts is None else timeouts)
    return request


class Driver:
    """Runs one test body through the sync or the async stack."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def send(
        self, script: Script, request: httpx.Request | None = None, **policy: Any
    ) -> httpx.Response:
        request = request if request is not None else make_request()
        retry_policy = RetryPolicy(**policy)
        mock = httpx.MockTransport(script)
        if self.mode == "sync":
            response = RetryTransport(mock, policy=retry_policy).handle_request(request)
            response.read()
            return response

        async def go() -> httpx.Response:
            retrying = AsyncRetryTransport(mock, policy=retry_policy)
            response = await retrying.handle_async_request(request)
            await response.aread()
            return response

        return asyncio.run(go())

    def call(
        self,
        script: Script,
        method: str = "GET",
        url: str = "/batches/x",
        *,
        auth: httpx.Auth | None = None,
        max_retries: int = 3,
        timeout: float | None = 10.0,
        user_client_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send through a client from the builders, over a caller's client backed by `script`."""
        options = user_client_options or {}
        if self.mode == "sync":
            with httpx.Client(transport=httpx.MockTransport(script), **options) as user:
                client = build_client(
                    base_url=BASE,
                    auth=auth,
                    timeout=timeout,
                    max_retries=max_retries,
                    http_client=user,
                )
                with client:
                    return client.request(method, url, **kwargs)

        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.MockTransport(script), **options) as user:
                client = build_async_client(
                    base_url=BASE,
                    auth=auth,
                    timeout=timeout,
                    max_retries=max_retries,
                    http_client=user,
                )
                async with client:
                    return await client.request(method, url, **kwargs)

        return asyncio.run(go())


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest) -> Driver:
    return Driver(request.param)


# Retries


def test_succeeds_after_two_503s(driver: Driver, clock: Clock) -> None:
    script = Script(answer(503), answer(503), OK)
    response = driver.send(script)
    assert response.status_code == 200
    assert response.json()["name"] == "batches/x"
    assert len(script.requests) == 3
    assert clock.sleeps == [0.25, 0.5]  # full jitter at 0.5 of 0.5 s, then of 1 s


@pytest.mark.parametrize("status", sorted(retry.RETRYABLE_STATUS_CODES))
def test_every_retryable_status_is_retried(driver: Driver, clock: Clock, status: int) -> None:
    script = Script(answer(status), OK)
    assert driver.send(script).status_code == 200
    assert len(script.requests) == 2


def test_gives_up_after_max_retries(driver: Driver, clock: Clock) -> None:
    script = Script(answer(503, body=b"busy"))
    response = driver.send(script)
    assert response.status_code == 503
    assert response.content == b"busy"
    assert len(script.requests) == 4
    assert clock.sleeps == [0.25, 0.5, 1.0]


def test_max_retries_zero_means_one_attempt(driver: Driver, clock: Clock) -> None:
    script = Script(answer(503))
    assert driver.send(script, max_retries=0).status_code == 503
    assert len(script.requests) == 1
    assert clock.sleeps == []


def test_gives_up_with_the_typed_error(driver: Driver, clock: Clock) -> None:
    script = Script(
        answer(503, body=b"<html>unavailable</html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(ServiceUnavailableError, match="non-JSON") as info:
        driver.call(script, max_retries=2)
    assert info.value.http_status == 503
    assert len(script.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 501])
def test_permanent_errors_are_not_retried(driver: Driver, clock: Clock, status: int) -> None:
    script = Script(answer(status), OK)
    assert driver.send(script).status_code == status
    assert len(script.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("error", RETRYABLE_EXCEPTIONS, ids=lambda e: e.__name__)
def test_connection_errors_are_retried(
    driver: Driver, clock: Clock, error: type[httpx.TransportError]
) -> None:
    script = Script(fail(error), OK)
    assert driver.send(script).status_code == 200
    assert len(script.requests) == 2
    assert clock.sleeps == [0.25]


def test_connection_errors_exhausted_raise_the_last_one(driver: Driver, clock: Clock) -> None:
    script = Script(fail(httpx.ConnectError))
    with pytest.raises(httpx.ConnectError):
        driver.send(script)
    assert len(script.requests) == 4


def test_connection_errors_exhausted_become_transport_error(driver: Driver, clock: Clock) -> None:
    script = Script(fail(httpx.ConnectError))
    with pytest.raises(TransportError) as info:
        driver.call(script, params={"pageSize": 3})
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert str(info.value) == (f"GET {URL}?pageSize=3 failed: ConnectError: simulated failure")
    assert len(script.requests) == 4


@pytest.mark.parametrize(
    "error",
    [httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError, httpx.WriteTimeout],
    ids=lambda e: e.__name__,
)
def test_other_transport_errors_are_not_retried(
    driver: Driver, clock: Clock, error: type[httpx.TransportError]
) -> None:
    script = Script(fail(error), OK)
    with pytest.raises(error):
        driver.send(script)
    assert len(script.requests) == 1


def test_body_read_failure_is_retried(driver: Driver, clock: Clock) -> None:
    streams: list[Broken] = []

    class Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
        closed = False

        def __iter__(self) -> Iterator[bytes]:
            yield b'{"error": '
            raise httpx.ReadError("connection dropped")

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b'{"error": '
            raise httpx.ReadError("connection dropped")

        def close(self) -> None:
            self.closed = True

        async def aclose(self) -> None:
            self.closed = True

    def dropped(request: httpx.Request) -> httpx.Response:
        streams.append(Broken())
        return httpx.Response(503, stream=streams[-1])

    script = Script(dropped, OK)
    assert driver.send(script).status_code == 200
    assert len(script.requests) == 2
    assert streams[0].closed  # the connection is released


def test_discarded_responses_are_closed(driver: Driver, clock: Clock) -> None:
    streams: list[Tracked] = []

    class Tracked(httpx.SyncByteStream, httpx.AsyncByteStream):
        closed = False

        def __iter__(self) -> Iterator[bytes]:
            yield b"busy"

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"busy"

        def close(self) -> None:
            self.closed = True

        async def aclose(self) -> None:
            self.closed = True

    def busy(request: httpx.Request) -> httpx.Response:
        streams.append(Tracked())
        return httpx.Response(503, stream=streams[-1])

    script = Script(busy, busy, OK)
    assert driver.send(script).status_code == 200
    assert len(streams) == 2
    assert all(stream.closed for stream in streams)


def test_request_body_is_sent_again(driver: Driver, clock: Clock) -> None:
    if driver.mode == "sync":
        content: Any = iter([b'{"operationName": ', b'"x"}'])
    else:

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"operationName": '
            yield b'"x"}'

        content = chunks()
    request = make_request("POST", f"{BASE}/models/m:fetchPredictOperation", content=content)
    script = Script(answer(503), OK)
    assert driver.send(script, request).status_code == 200
    assert script.bodies == [b'{"operationName": "x"}'] * 2


# Server hints


def test_retry_info_is_the_minimum_wait(driver: Driver, clock: Clock) -> None:
    script = Script(retry_info(429, "17s"), OK)
    assert driver.send(script).status_code == 200
    assert clock.sleeps == [17.0]


def test_retry_after_seconds_is_the_minimum_wait(driver: Driver, clock: Clock) -> None:
    script = Script(answer(503, headers={"Retry-After": "3"}), OK)
    driver.send(script)
    assert clock.sleeps == [3.0]


def test_retry_after_date_is_the_minimum_wait(driver: Driver, clock: Clock) -> None:
    headers = {
        "Date": email.utils.formatdate(1_700_000_000, usegmt=True),
        "Retry-After": email.utils.formatdate(1_700_000_005, usegmt=True),
    }
    script = Script(answer(429, headers=headers), OK)
    driver.send(script)
    assert clock.sleeps == [5.0]


def test_backoff_longer_than_hint_wins(
    driver: Driver, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    timing.TIMING.random = lambda: 0.9  # the clock fixture restores it
    script = Script(retry_info(503, "0.1s"), retry_info(503, "0.1s"), OK)
    driver.send(script)
    assert clock.sleeps == pytest.approx([0.45, 0.9])


def test_backoff_is_capped(driver: Driver, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    timing.TIMING.random = lambda: 0.999  # the clock fixture restores it
    script = Script(answer(500))
    driver.send(script, max_retries=10)
    assert len(clock.sleeps) == 10
    assert clock.sleeps == sorted(clock.sleeps)
    assert max(clock.sleeps) <= 30.0
    assert clock.sleeps[-1] == pytest.approx(29.97)


def test_server_delay_too_long_is_not_waited_for(driver: Driver, clock: Clock) -> None:
    script = Script(retry_info(429, "600s"), OK)
    assert driver.send(script).status_code == 429
    assert clock.sleeps == []
    assert len(script.requests) == 1


# Deadline


def test_hint_beyond_the_deadline_gives_up_at_once(driver: Driver, clock: Clock) -> None:
    script = Script(retry_info(429, "17s"), OK)
    with deadline_scope(clock.now + 5.0):
        assert driver.send(script).status_code == 429
    assert clock.sleeps == []
    assert len(script.requests) == 1


def test_hint_beyond_the_deadline_raises_the_typed_error(driver: Driver, clock: Clock) -> None:
    script = Script(retry_info(429, "17s"), OK)
    with deadline_scope(clock.now + 5.0), pytest.raises(RateLimitError) as info:
        driver.call(script)
    assert info.value.retry_delay == 17.0
    assert clock.sleeps == []


def test_never_sleeps_past_the_deadline(driver: Driver, clock: Clock) -> None:
    deadline = clock.now + 1.0
    script = Script(answer(503))
    with deadline_scope(deadline):
        assert driver.send(script, max_retries=10).status_code == 503
    assert clock.sleeps == [0.25, 0.5]  # the next one (1.0 s) would not end before the deadline
    assert clock.now < deadline
    assert len(script.requests) == 3


def test_no_time_left_before_the_first_attempt(driver: Driver, clock: Clock) -> None:
    script = Script(OK)
    with deadline_scope(clock.now), pytest.raises(httpx.TimeoutException, match="deadline"):
        driver.send(script)
    assert script.requests == []


def test_no_time_left_raises_wait_timeout_error(driver: Driver, clock: Clock) -> None:
    script = Script(OK)
    with deadline_scope(clock.now - 1.0), pytest.raises(WaitTimeoutError) as info:
        driver.call(script)
    assert info.value.operation is None
    assert isinstance(info.value, TimeoutError)
    assert script.requests == []


def test_timeout_clipped_to_the_time_left(driver: Driver, clock: Clock) -> None:
    script = Script(answer(503), OK)
    with deadline_scope(clock.now + 4.0):
        driver.send(script)
    assert script.timeouts == [
        {"connect": 4.0, "read": 4.0, "write": 4.0, "pool": 4.0},
        {"connect": 3.75, "read": 3.75, "write": 3.75, "pool": 3.75},
    ]


def test_timeout_clipping_keeps_shorter_timeouts(driver: Driver, clock: Clock) -> None:
    script = Script(OK)
    request = make_request(timeouts={"connect": 2.0, "read": None, "write": 30.0, "pool": 1.0})
    with deadline_scope(clock.now + 20.0):
        driver.send(script, request)
    assert script.timeouts == [{"connect": 2.0, "read": 20.0, "write": 20.0, "pool": 1.0}]


def test_timeout_untouched_without_deadline(driver: Driver, clock: Clock) -> None:
    script = Script(OK)
    driver.send(script)
    assert script.timeouts == [TIMEOUTS]


def test_client_timeout_is_clipped_for_raw_calls(driver: Driver, clock: Clock) -> None:
    script = Script(OK)
    with deadline_scope(clock.now + 2.5):
        driver.call(script, timeout=30.0)
    assert script.timeouts == [{"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}]


def test_timeout_at_the_deadline_is_the_deadline(driver: Driver, clock: Clock) -> None:
    deadline = clock.now + 3.0

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now = deadline  # the clipped read timeout fires at the deadline
        raise httpx.ReadTimeout("timed out", request=request)

    script = Script(slow, OK)
    with deadline_scope(deadline), pytest.raises(WaitTimeoutError) as info:
        driver.call(script)
    assert isinstance(info.value.__cause__, httpx.TimeoutException)
    assert isinstance(info.value.__cause__.__cause__, httpx.ReadTimeout)
    assert len(script.requests) == 1


def test_oversleeping_returns_the_last_answer(driver: Driver, clock: Clock) -> None:
    clock.oversleep = 10.0  # a sleep that ends late
    script = Script(answer(503, body=b"busy"), OK)
    with deadline_scope(clock.now + 5.0):
        response = driver.send(script)
    assert response.status_code == 503
    assert response.content == b"busy"
    assert len(script.requests) == 1


def test_oversleeping_raises_the_last_error(driver: Driver, clock: Clock) -> None:
    clock.oversleep = 10.0
    script = Script(fail(httpx.ConnectError), OK)
    with deadline_scope(clock.now + 5.0), pytest.raises(httpx.ConnectError):
        driver.send(script)
    assert len(script.requests) == 1


def test_deadline_scope_nests_and_only_tightens(clock: Clock) -> None:
    assert time_left() is None
    with deadline_scope(clock.now + 10.0):
        assert time_left() == 10.0
        with deadline_scope(clock.now + 20.0):
            assert time_left() == 10.0
        with deadline_scope(None):
            assert time_left() == 10.0
        with deadline_scope(clock.now + 2.0):
            assert time_left() == 2.0
        assert time_left() == 10.0
        clock.now += 15.0
        assert time_left() == 0.0
    assert time_left() is None


def test_deadline_backend_clips_every_socket_wait_to_the_time_left(clock: Clock) -> None:
    seen: list[tuple[str, float | None]] = []

    class Stream(httpcore.NetworkStream):
        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            seen.append(("read", timeout))
            return b"x"

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            seen.append(("write", timeout))

        def close(self) -> None:
            pass

    class Backend(httpcore.NetworkBackend):
        def connect_tcp(
            self, host: str, port: int, timeout: float | None = None, *rest: Any
        ) -> Stream:
            seen.append(("connect", timeout))
            return Stream()

    backend = DeadlineBackend(Backend())
    stream = backend.connect_tcp("h", 1, timeout=30.0)
    stream.read(10, timeout=None)  # outside a scope: untouched
    with deadline_scope(clock.now + 2.0):
        stream.read(10, timeout=30.0)
        stream.write(b"x", timeout=None)
        backend.connect_tcp("h", 1, timeout=1.0)
        clock.now += 2.0
        with pytest.raises(httpcore.ReadTimeout):
            stream.read(10, timeout=30.0)
        with pytest.raises(httpcore.WriteTimeout):
            stream.write(b"x", timeout=30.0)
        with pytest.raises(httpcore.ConnectTimeout):
            backend.connect_tcp("h", 1, timeout=30.0)
    assert seen == [
        ("connect", 30.0),
        ("read", None),
        ("read", 2.0),
        ("write", 2.0),
        ("connect", 1.0),
    ]


def test_deadline_scope_is_reset_after_an_exception(clock: Clock) -> None:
    with pytest.raises(RuntimeError), deadline_scope(clock.now + 1.0):
        raise RuntimeError
    assert time_left() is None


def test_deadline_scope_rejects_nan() -> None:
    with pytest.raises(ValueError, match="deadline"), deadline_scope(math.nan):
        pass


def test_deadline_is_per_asyncio_task(clock: Clock) -> None:
    seen: dict[str, float | None] = {}

    async def task(name: str, deadline: float | None) -> None:
        with deadline_scope(deadline):
            await asyncio.sleep(0)
            seen[name] = time_left()
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(
            task("a", clock.now + 1.0), task("b", clock.now + 7.0), task("c", None)
        )

    asyncio.run(main())
    assert seen == {"a": 1.0, "b": 7.0, "c": None}


# Pure pieces


def test_clip_timeouts() -> None:
    assert clip_timeouts(TIMEOUTS, None) == TIMEOUTS
    assert clip_timeouts({}, None) == {"connect": None, "read": None, "write": None, "pool": None}
    assert clip_timeouts({}, 1.5) == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert clip_timeouts(TIMEOUTS, 0.0) == {"connect": 0.0, "read": 0.0, "write": 0.0, "pool": 0.0}
    assert clip_timeouts({"read": 1.0}, 5.0)["read"] == 1.0


def test_policy_next_delay() -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=30.0)
    assert policy.next_delay(0, None, None, 1.0) == 0.5
    assert policy.next_delay(2, None, None, 1.0) == 2.0
    assert policy.next_delay(2, None, None, 0.0) == 0.0
    assert policy.next_delay(3, None, None, 0.5) is None  # retries used up
    assert policy.next_delay(0, 17.0, None, 0.5) == 17.0  # the hint is a minimum
    assert policy.next_delay(0, 17.0, 17.0, 0.5) is None  # would end at the deadline
    assert policy.next_delay(0, 17.0, 17.5, 0.5) == 17.0
    assert policy.next_delay(0, 121.0, None, 0.5) is None  # longer than max_server_delay
    assert RetryPolicy(max_retries=100).next_delay(99, None, None, 1.0) == 30.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_retries": -1}, "max_retries must be an integer >= 0"),
        ({"initial_delay": -1.0}, "initial_delay"),
        ({"max_delay": math.inf}, "max_delay"),
        ({"max_server_delay": math.nan}, "max_server_delay"),
    ],
)
def test_policy_validation(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**options)


def test_policy_rejects_non_int_retries() -> None:
    with pytest.raises(ValueError, match="max_retries must be an integer >= 0"):
        RetryPolicy(max_retries=True)


def test_policy_classifies() -> None:
    policy = RetryPolicy()
    assert [s for s in range(100, 600) if policy.is_retryable_status(s)] == [
        408,
        429,
        500,
        502,
        503,
        504,
    ]
    request = httpx.Request("GET", URL)
    assert policy.is_retryable_exception(httpx.ReadTimeout("x", request=request))
    assert not policy.is_retryable_exception(httpx.WriteTimeout("x", request=request))
    assert not policy.is_retryable_exception(ValueError("x"))


# The built clients


def test_raw_call_on_499_raises_request_cancelled(driver: Driver, clock: Clock) -> None:
    script = Script(answer(499, body=b""))
    # The shape of the generated client's calls.
    with pytest.raises(RequestCancelledError) as info:
        driver.call(script, method="get", url="/batches/x", params={"pageSize": 1}, json=None)
    assert info.value.http_status == 499
    assert info.value.code == 1
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, InvalidArgumentError), (401, UnauthenticatedError), (404, NotFoundError)],
)
def test_client_raises_typed_errors(
    driver: Driver, clock: Clock, status: int, cls: type[Exception]
) -> None:
    script = Script(answer(status, {"error": {"code": status, "message": "no"}}))
    with pytest.raises(cls, match=f"^{status} "):
        driver.call(script)


def test_client_maps_errors_of_streamed_requests(clock: Clock) -> None:
    script = Script(answer(404, {"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}))
    with httpx.Client(transport=httpx.MockTransport(script)) as user:
        client = build_client(base_url=BASE, auth=None, timeout=5, max_retries=0, http_client=user)
        with client, pytest.raises(NotFoundError, match="gone"), client.stream("GET", "/batches/x"):
            pass


def test_client_retries_then_succeeds(driver: Driver, clock: Clock) -> None:
    script = Script(answer(502, body=b"<html>"), retry_info(429, "2s"), OK)
    response = driver.call(script)
    assert response.json() == {"name": "batches/x", "done": True}
    assert clock.sleeps == [0.25, 2.0]


def test_user_client_is_used_and_left_open(driver: Driver, clock: Clock) -> None:
    hooks: list[str] = []
    script = Script(answer(503), OK)

    if driver.mode == "sync":

        def hook(request: httpx.Request) -> None:
            hooks.append(request.url.path)

        user: Any = httpx.Client(
            transport=httpx.MockTransport(script),
            headers={"X-Team": "ops"},
            event_hooks={"request": [hook]},
        )
        client = build_client(
            base_url=BASE, auth=ApiKeyAuth(KEY), timeout=7, max_retries=3, http_client=user
        )
        with client:
            client.get("/batches/x")
        assert not user.is_closed
        user.close()
    else:

        async def ahook(request: httpx.Request) -> None:
            hooks.append(request.url.path)

        async def go() -> None:
            user = httpx.AsyncClient(
                transport=httpx.MockTransport(script),
                headers={"X-Team": "ops"},
                event_hooks={"request": [ahook]},
            )
            client = build_async_client(
                base_url=BASE, auth=ApiKeyAuth(KEY), timeout=7, max_retries=3, http_client=user
            )
            async with client:
                await client.get("/batches/x")
            assert not user.is_closed
            await user.aclose()

        asyncio.run(go())

    assert len(script.requests) == 2  # the retry went through the caller's client too
    assert hooks == ["/v1beta/batches/x"] * 2
    for request in script.requests:
        assert request.headers["x-team"] == "ops"
        assert request.headers["x-goog-api-key"] == KEY
        assert request.headers["user-agent"].startswith("gemini-ops/")
        assert request.extensions["timeout"] == {"connect": 7, "read": 7, "write": 7, "pool": 7}


def test_compressed_bodies_pass_through_a_user_client(driver: Driver, clock: Clock) -> None:
    compressed = gzip.compress(b'{"name": "batches/x"}')
    script = Script(answer(200, body=compressed, headers={"content-encoding": "gzip"}))
    assert driver.call(script).json() == {"name": "batches/x"}


def test_user_client_hooks_that_read_the_body(driver: Driver, clock: Clock) -> None:
    compressed = gzip.compress(b'{"name": "batches/x"}')
    script = Script(answer(200, body=compressed, headers={"content-encoding": "gzip"}))
    if driver.mode == "sync":

        def read(response: httpx.Response) -> None:
            response.read()

        hooks: dict[str, Any] = {"response": [read]}
    else:

        async def aread(response: httpx.Response) -> None:
            await response.aread()

        hooks = {"response": [aread]}
    response = driver.call(script, user_client_options={"event_hooks": hooks})
    assert response.json() == {"name": "batches/x"}


def test_default_client(clock: Clock) -> None:
    with build_client(base_url=BASE, auth=None, timeout=12.5, max_retries=2) as client:
        assert client.headers["user-agent"].startswith("gemini-ops/")
        assert client.timeout == httpx.Timeout(12.5)
        assert client.base_url == httpx.URL(BASE + "/")
        inner = client._transport
        assert isinstance(inner, RetryTransport)
        assert isinstance(inner.transport, LimitTransport)
        assert inner.transport.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES
        assert isinstance(inner.transport.transport, httpx.HTTPTransport)
        assert inner.policy.max_retries == 2
    with build_client(base_url=BASE, auth=None, timeout=None, max_retries=0) as client:
        assert client.timeout == httpx.Timeout(None)


def test_default_async_client(clock: Clock) -> None:
    async def go() -> None:
        async with build_async_client(
            base_url=BASE, auth=None, timeout=3, max_retries=1, headers={"X-A": "b"}
        ) as client:
            assert client.headers["x-a"] == "b"
            inner = client._transport
            assert isinstance(inner, AsyncRetryTransport)
            assert isinstance(inner.transport, AsyncLimitTransport)
            assert isinstance(inner.transport.transport, httpx.AsyncHTTPTransport)

    asyncio.run(go())


def test_proxies_from_the_environment_get_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    with build_client(base_url=BASE, auth=None, timeout=3, max_retries=1) as client:
        mounted = [t for t in client._mounts.values() if t is not None]
        assert mounted
        assert all(isinstance(t, RetryTransport) for t in mounted)
        # Every route's sockets honour the deadline: the proxies' as the direct one's.
        for route in [client._transport, *mounted]:
            assert isinstance(route, RetryTransport)
            assert isinstance(route.transport, LimitTransport)
            network = route.transport.transport
            assert isinstance(network._pool._network_backend, DeadlineBackend)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"max_retries": -1}, ValueError, "max_retries must be an integer >= 0"),
        ({"max_retries": 1.5}, ValueError, "max_retries must be an integer >= 0"),
        ({"timeout": 0}, ValueError, "timeout must be > 0 seconds or None"),
        ({"timeout": -2.0}, ValueError, "timeout must be > 0 seconds or None"),
        ({"timeout": math.nan}, ValueError, "timeout must be > 0 seconds or None"),
        ({"timeout": math.inf}, ValueError, "timeout must be > 0 seconds or None"),
        ({"timeout": "5"}, ValueError, "timeout must be a number > 0 seconds or None"),
        ({"http_client": object()}, TypeError, "http_client"),
        ({"max_response_bytes": 0}, ValueError, "max_response_bytes must be an integer >= 1"),
    ],
)
def test_builder_validation(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"base_url": BASE, "auth": None, "timeout": 5, "max_retries": 3}
    arguments.update(options)
    with pytest.raises(error, match=message):
        build_client(**arguments)
    with pytest.raises(error, match=message):
        build_async_client(**arguments)


def test_builders_reject_the_other_kind_of_client() -> None:
    options: dict[str, Any] = {"base_url": BASE, "auth": None, "timeout": 5, "max_retries": 3}
    with httpx.Client() as sync_client, pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        build_async_client(**options, http_client=sync_client)  # type: ignore[arg-type]

    async def go() -> None:
        async with httpx.AsyncClient() as async_client:
            with pytest.raises(TypeError, match=r"httpx\.Client"):
                build_client(**options, http_client=async_client)  # type: ignore[arg-type]

    asyncio.run(go())


# Secrets and logs


def test_retry_logs_name_method_and_path_only(
    driver: Driver, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    script = Script(answer(503), OK)
    driver.call(script, params={"pageToken": "tok", "key": KEY}, auth=ApiKeyAuth(KEY))
    messages = [record.getMessage() for record in caplog.records if record.name == "gemini_ops"]
    assert messages == ["retrying GET /v1beta/batches/x after HTTP 503 in 0.250 s (retry 1 of 3)"]
    for record in caplog.records:
        assert KEY not in record.getMessage()
    assert all(request.url.params.get("key") is None for request in script.requests)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_key_never_leaks_on_a_real_connection_failure(
    mode: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "gemini_ops"):
        caplog.set_level(logging.DEBUG, logger=name)
    base = f"http://127.0.0.1:{closed_port()}/v1beta"
    options: dict[str, Any] = {
        "base_url": base,
        "auth": ApiKeyAuth(KEY),
        "timeout": 5,
        "max_retries": 1,
    }

    def sync_call() -> None:
        with build_client(**options) as client:
            client.get("/batches/x", params={"key": KEY})

    async def async_call() -> None:
        async with build_async_client(**options) as client:
            await client.get("/batches/x", params={"key": KEY})

    with pytest.raises(TransportError) as info:
        sync_call() if mode == "sync" else asyncio.run(async_call())
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert clock.sleeps == [0.25]
    texts = [str(info.value), repr(info.value), str(info.value.__cause__), info.value.url or ""]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    for text in texts:
        assert KEY not in text
