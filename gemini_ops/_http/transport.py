"""The httpx layers every request goes through: deadline, retries, error mapping.

From the outside in, a request sent by a client from `build_client` / `build_async_client`
passes through:

1. the client's ``send()``, which turns an error answer (status >= 400) into an `ApiError`
   subclass and an httpx exception into `TransportError`. It runs *after* httpx's auth flow, so
   an auth (e.g. a google-auth refresh after a 401) still sees the raw answer; and before any
   caller parses the answer, so raw generated endpoint calls raise the same typed errors (the
   generated code would otherwise crash on a 499).
2. the auth (`ApiKeyAuth`, `GoogleCredentialsAuth`), applied once per request.
3. `RetryTransport` / `AsyncRetryTransport`: repeat the request on 408, 429, 500, 502, 503,
   504 and on connection errors, waiting with exponential backoff and full jitter, never less
   than the server asked (``RetryInfo.retryDelay``, ``Retry-After``), and never past the deadline.
4. the network: an `httpx.HTTPTransport`, or the caller's own `httpx.Client`.

A deadline (an absolute `time.monotonic` value) is set for the code inside `deadline_scope` with
a context variable, so it reaches requests made anywhere below, sync or async, generated code
included: each attempt's timeout is clipped to the time left, and no retry sleeps past it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from gemini_ops._core import timing
from gemini_ops._core.errors import (
    GeminiOpsError,
    TransportError,
    WaitTimeoutError,
)
from gemini_ops._core.rpc import TRANSIENT_HTTP
from gemini_ops._core.validate import check_count, check_seconds
from gemini_ops._http.redact import redact_text, redact_url
from gemini_ops._http.wire import error_from_response, invalid_response, retry_delay_from_response

__all__ = [
    "RETRYABLE_EXCEPTIONS",
    "RETRYABLE_STATUS_CODES",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
    "borrow_async_client",
    "borrow_client",
    "build_async_client",
    "build_client",
    "clip_timeouts",
    "deadline_scope",
    "time_left",
]

logger = logging.getLogger("gemini_ops")

RETRYABLE_STATUS_CODES = TRANSIENT_HTTP
"""HTTP statuses worth repeating a request for: the one table in `gemini_ops._core.rpc`."""

RETRYABLE_EXCEPTIONS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.PoolTimeout,
)
"""httpx exceptions worth repeating a request for: every operations method is safe to repeat."""

#: Connections per client; idle ones are kept too, so that many concurrent polls reuse them.
POOL_SIZE = 100
_LIMITS = httpx.Limits(
    max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE, keepalive_expiry=30.0
)

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "gemini_ops_deadline", default=None
)

# A timeout that fires this close to the deadline is the deadline firing.
_DEADLINE_SLACK = 0.01


@contextlib.contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Set the deadline for requests made by the code inside, sync or async.

    `deadline` is an absolute `time.monotonic()` value, or None for none. Scopes nest and only
    ever tighten: inside an outer scope, the earlier of the two deadlines applies. The value lives
    in a context variable, so each thread and each asyncio task sees its own.

    Raises:
        ValueError: `deadline` is NaN.

    """
    if deadline is not None and math.isnan(deadline):
        raise ValueError("deadline must be a time.monotonic() value or None, not NaN")
    outer = _DEADLINE.get()
    if outer is not None:
        deadline = outer if deadline is None else min(outer, deadline)
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> float | None:
    """Seconds left before the current deadline (0.0 once passed), or None without a deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    return max(0.0, deadline - timing.monotonic())


def clip_timeouts(
    timeouts: Mapping[str, float | None], left: float | None
) -> dict[str, float | None]:
    """Cap each of httpx's timeouts (``connect``, ``read``, ``write``, ``pool``) at `left` seconds.

    A missing or None timeout (no limit) becomes `left`; `left` None changes nothing.
    """
    clipped: dict[str, float | None] = {
        name: timeouts.get(name) for name in ("connect", "read", "write", "pool")
    }
    clipped.update({name: value for name, value in timeouts.items() if name not in clipped})
    if left is None:
        return clipped
    return {name: left if value is None else min(value, left) for name, value in clipped.items()}


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before repeating a request; pure, shared by sync and async.

    Attributes:
        max_retries: retries after the first attempt (3 means up to 4 attempts).
        initial_delay: seconds; the backoff ceiling starts here and doubles per retry.
        max_delay: seconds; the backoff ceiling stops growing here.
        max_server_delay: seconds; a server asking to wait longer than this is not retried:
            its answer is returned at once (its `retry_delay` tells the caller how long to wait).

    """

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 30.0
    max_server_delay: float = 120.0

    def __post_init__(self) -> None:
        check_count("max_retries", self.max_retries)
        for name in ("initial_delay", "max_delay", "max_server_delay"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0")

    def is_retryable_status(self, status_code: int) -> bool:
        """Whether an answer with this HTTP status is worth repeating."""
        return status_code in RETRYABLE_STATUS_CODES

    def is_retryable_exception(self, error: BaseException) -> bool:
        """Whether a request that raised `error` is worth repeating."""
        return isinstance(error, RETRYABLE_EXCEPTIONS)

    def backoff(self, retry: int, rand: float) -> float:
        """Full jitter: `rand` (in [0, 1)) times ``min(max_delay, initial_delay * 2**retry)``."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0 ** min(retry, 64))
        return rand * ceiling

    def next_delay(
        self, retry: int, server_delay: float | None, left: float | None, rand: float
    ) -> float | None:
        """Seconds to wait before retry number ``retry + 1``, or None to stop retrying.

        `retry` is the number of retries made so far, `server_delay` the server's hint (a
        minimum), `left` the time left before the deadline (None: no deadline). Stops when the
        retries are used up, when the server asks for more than `max_server_delay`, or when the
        wait would not end before the deadline.
        """
        if retry >= self.max_retries:
            return None
        if server_delay is not None and server_delay > self.max_server_delay:
            return None
        delay = max(self.backoff(retry, rand), server_delay or 0.0)
        if left is not None and delay >= left:
            return None
        return delay


class _DeadlineReachedError(httpx.TimeoutException):
    """The deadline passed before a request could be (re)sent, or while it was in flight."""


class _Attempts:
    """The decisions for one request's attempts; the sync and async transports only do the I/O."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.policy = policy
        self.request = request
        self.retries = 0
        self._timeouts: Mapping[str, float | None] = dict(request.extensions.get("timeout") or {})
        self._last_response: httpx.Response | None = None
        self._last_error: httpx.TransportError | None = None

    def begin(self) -> httpx.Response | None:
        """Clip the request's timeouts to the time left before an attempt.

        Returns the last failed answer when no time is left (to be returned as is), raises the
        last failure or `_DeadlineReachedError` when there is no answer to return.
        """
        left = time_left()
        if left is not None and left <= 0:
            if self._last_response is not None:
                return self._last_response
            if self._last_error is not None:
                raise self._last_error
            raise _DeadlineReachedError("the deadline passed before the request was sent")
        self.request.extensions = {
            **self.request.extensions,
            "timeout": clip_timeouts(self._timeouts, left),
        }
        return None

    def wants_body(self, response: httpx.Response) -> bool:
        """Whether to read the body before deciding (only answers that may be retried)."""
        return self.policy.is_retryable_status(response.status_code)

    def after_response(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying this answer, or None to return it."""
        if not self.policy.is_retryable_status(response.status_code):
            return None
        self._last_response, self._last_error = response, None
        hint = retry_delay_from_response(response)
        return self._decide(f"HTTP {response.status_code}", hint)

    def after_error(self, error: httpx.TransportError) -> float | None:
        """Seconds to wait before retrying after `error`, or None to raise it.

        Raises `_DeadlineReachedError` (from `error`) for a timeout that the deadline caused.
        """
        left = time_left()
        timed_out = isinstance(error, httpx.TimeoutException)
        if timed_out and left is not None and left <= _DEADLINE_SLACK:
            raise _DeadlineReachedError(
                "the deadline passed while the request was in flight"
            ) from error
        if not self.policy.is_retryable_exception(error):
            return None
        self._last_response, self._last_error = None, error
        return self._decide(type(error).__name__, None)

    def _decide(self, reason: str, hint: float | None) -> float | None:
        delay = None
        if timing.TIMING.retries:
            delay = self.policy.next_delay(self.retries, hint, time_left(), timing.jitter())
        path = self.request.url.path
        if delay is None:
            logger.debug("not retrying %s %s after %s", self.request.method, path, reason)
            return None
        self.retries += 1
        logger.debug(
            "retrying %s %s after %s in %.3f s (retry %d of %d)",
            self.request.method,
            path,
            reason,
            delay,
            self.retries,
            self.policy.max_retries,
        )
        return delay


class RetryTransport(httpx.BaseTransport):
    """Repeat requests that failed transiently, as `RetryPolicy` decides, under the deadline.

    Wraps `transport`; closing this closes it. Before each attempt the request's timeouts are
    clipped to the time left under `deadline_scope`. When the retries are used up, or the next
    wait would not end before the deadline, the last answer is returned (or the last exception
    raised) at once. A deadline that passes before an attempt, or a timeout caused by it, raises
    an `httpx.TimeoutException` subclass (mapped to `WaitTimeoutError` by the built clients).
    """

    def __init__(self, transport: httpx.BaseTransport, *, policy: RetryPolicy | None = None):
        self.transport = transport
        self.policy = policy if policy is not None else RetryPolicy()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it as the policy allows."""
        request.read()  # A body read into memory can be sent again.
        attempts = _Attempts(self.policy, request)
        while True:
            last = attempts.begin()
            if last is not None:
                return last
            try:
                response = self.transport.handle_request(request)
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                if not attempts.wants_body(response):
                    return response
                try:
                    response.read()
                except httpx.TransportError as error:
                    response.close()
                    delay = attempts.after_error(error)
                    if delay is None:
                        raise
                else:
                    delay = attempts.after_response(response)
                    if delay is None:
                        return response
                    response.close()
            timing.sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport`: same policy, same decisions, async I/O and sleep."""

    def __init__(self, transport: httpx.AsyncBaseTransport, *, policy: RetryPolicy | None = None):
        self.transport = transport
        self.policy = policy if policy is not None else RetryPolicy()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it as the policy allows."""
        await request.aread()  # A body read into memory can be sent again.
        attempts = _Attempts(self.policy, request)
        while True:
            last = attempts.begin()
            if last is not None:
                return last
            try:
                response = await self.transport.handle_async_request(request)
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                if not attempts.wants_body(response):
                    return response
                try:
                    await response.aread()
                except httpx.TransportError as error:
                    await response.aclose()
                    delay = attempts.after_error(error)
                    if delay is None:
                        raise
                else:
                    delay = attempts.after_response(response)
                    if delay is None:
                        return response
                    await response.aclose()
            await timing.asleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.transport.aclose()


def _mapped_exception(request: httpx.Request, error: httpx.RequestError) -> GeminiOpsError:
    method, url = request.method, redact_url(request.url)
    if isinstance(error, _DeadlineReachedError):
        return WaitTimeoutError(f"deadline reached: {method} {request.url.path}: {error}", None)
    detail = redact_text(str(error)) if str(error) else "no details"
    return TransportError(
        f"{method} {url} failed: {type(error).__name__}: {detail}", method=method, url=url
    )


class _CheckedResponse(httpx.Response):
    """A successful answer whose ``json()`` raises InvalidResponseError on a bad body.

    The generated endpoints decode answers with ``response.json()``; a garbage or truncated
    body would otherwise escape from them as a bare ``json.JSONDecodeError``.
    """

    def json(self, **kwargs: Any) -> Any:
        """Decode the body as JSON; InvalidResponseError when it is not JSON."""
        try:
            return super().json(**kwargs)
        except (ValueError, UnicodeDecodeError) as error:
            raise invalid_response(self, f"the body is not valid JSON ({error})") from error


class _Client(httpx.Client):
    """An httpx.Client whose requests retry, and whose failures raise gemini-ops errors."""

    def __init__(self, *, retry_policy: RetryPolicy, **kwargs: Any) -> None:
        self._retry_policy = retry_policy
        super().__init__(**kwargs)

    # httpx builds the default transport, a given one, and one per proxy from the environment
    # through these two methods: wrapping what they return gives every route the same retries.
    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return RetryTransport(super()._init_transport(*args, **kwargs), policy=self._retry_policy)

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        inner = super()._init_proxy_transport(*args, **kwargs)
        return RetryTransport(inner, policy=self._retry_policy)

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send `request`; raise an `ApiError` for status >= 400, `TransportError` on failure.

        Raises `WaitTimeoutError` (with no operation) when the deadline of `deadline_scope`
        passes before the request could complete.
        """
        try:
            response = super().send(request, **kwargs)
        except httpx.RequestError as error:
            raise _mapped_exception(request, error) from error
        if response.status_code >= 400:
            try:
                response.read()
            except httpx.HTTPError:
                pass  # The status alone still says what happened.
            finally:
                response.close()
            raise error_from_response(response)
        response.__class__ = _CheckedResponse
        return response


class _AsyncClient(httpx.AsyncClient):
    """The async twin of `_Client`."""

    def __init__(self, *, retry_policy: RetryPolicy, **kwargs: Any) -> None:
        self._retry_policy = retry_policy
        super().__init__(**kwargs)

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        inner = super()._init_transport(*args, **kwargs)
        return AsyncRetryTransport(inner, policy=self._retry_policy)

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        inner = super()._init_proxy_transport(*args, **kwargs)
        return AsyncRetryTransport(inner, policy=self._retry_policy)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send `request`; raise an `ApiError` for status >= 400, `TransportError` on failure.

        Raises `WaitTimeoutError` (with no operation) when the deadline of `deadline_scope`
        passes before the request could complete.
        """
        try:
            response = await super().send(request, **kwargs)
        except httpx.RequestError as error:
            raise _mapped_exception(request, error) from error
        if response.status_code >= 400:
            try:
                await response.aread()
            except httpx.HTTPError:
                pass  # The status alone still says what happened.
            finally:
                await response.aclose()
            raise error_from_response(response)
        response.__class__ = _CheckedResponse
        return response


_DROPPED_WHEN_DECODED = ("content-encoding", "content-length", "transfer-encoding")


def _forward_headers(client_headers: httpx.Headers, request: httpx.Request) -> None:
    # A client's own headers are merged in build_request(), which send() skips: add the ones
    # the request does not set.
    for name, value in client_headers.multi_items():
        if name not in request.headers:
            request.headers[name] = value


def _fresh_response(
    response: httpx.Response, request: httpx.Request, raw: bytes | None
) -> httpx.Response:
    headers = httpx.Headers(response.headers)
    if raw is None:  # A hook of the caller's client read the body already: it is decoded.
        raw = response.content
        for name in _DROPPED_WHEN_DECODED:
            headers.pop(name, None)
    extensions: dict[str, Any] = {
        key: response.extensions[key]
        for key in ("http_version", "reason_phrase")
        if key in response.extensions
    }
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(raw),
        extensions=extensions,
        request=request,
    )


def detach(response: httpx.Response) -> httpx.Response:
    """A copy of an answer already read, free of the reference cycle httpx builds around it.

    The original then goes at the next garbage collection instead of being promoted to an
    older generation while its (possibly large) body is decoded.
    """
    copy = _fresh_response(response, response.request, None)
    copy.read()
    return copy


class _ClientTransport(httpx.BaseTransport):
    """Send through a caller's `httpx.Client`; never closes or changes it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _forward_headers(self._client.headers, request)
        response = self._client.send(request, stream=True)
        try:
            raw = None if response.is_stream_consumed else b"".join(response.iter_raw())
        finally:
            response.close()
        return _fresh_response(response, request, raw)


class _AsyncClientTransport(httpx.AsyncBaseTransport):
    """Send through a caller's `httpx.AsyncClient`; never closes or changes it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _forward_headers(self._client.headers, request)
        response = await self._client.send(request, stream=True)
        try:
            if response.is_stream_consumed:
                raw = None
            else:
                raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return _fresh_response(response, request, raw)


class _BorrowingClient(httpx.Client):
    """A client of its own over another's connections (see `borrow_client`)."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send through the lender; a successful answer's ``json()`` raises typed errors."""
        response = super().send(request, **kwargs)
        response.__class__ = _CheckedResponse
        return response


class _AsyncBorrowingClient(httpx.AsyncClient):
    """The async twin of `_BorrowingClient`."""

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send through the lender; a successful answer's ``json()`` raises typed errors."""
        response = await super().send(request, **kwargs)
        response.__class__ = _CheckedResponse
        return response


def borrow_client(lender: httpx.Client) -> httpx.Client:
    """A new `httpx.Client` that sends every request through `lender`, which it never changes.

    Requests get the lender's base URL, headers, timeout, auth, retries and typed errors. Closing
    the new client, or changing its headers, cookies or timeout, leaves `lender` as it was: raw
    generated clients get one of these, never the facade's own client.
    """
    return _BorrowingClient(
        base_url=lender.base_url,
        headers=lender.headers,
        timeout=lender.timeout,
        transport=_ClientTransport(lender),
        trust_env=False,
    )


def borrow_async_client(lender: httpx.AsyncClient) -> httpx.AsyncClient:
    """The async twin of `borrow_client`."""
    return _AsyncBorrowingClient(
        base_url=lender.base_url,
        headers=lender.headers,
        timeout=lender.timeout,
        transport=_AsyncClientTransport(lender),
        trust_env=False,
    )


def _default_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    from gemini_ops import __version__  # Late: the package imports this module.

    return {"User-Agent": f"gemini-ops/{__version__}", **(headers or {})}


def _client_options(
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The options both builders give their client (checked by `gemini_ops._core.validate`)."""
    seconds = check_seconds("timeout", timeout, allow_none=True)
    return {
        "retry_policy": RetryPolicy(max_retries=max_retries),
        "base_url": base_url,
        "auth": auth,
        "timeout": httpx.Timeout(seconds),
        "headers": _default_headers(headers),
        "follow_redirects": False,
    }


def build_client(
    *,
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None = None,
    http_client: httpx.Client | None = None,
) -> httpx.Client:
    """Build the `httpx.Client` that Operations and raw generated calls share.

    Requests get `auth`, retries (`max_retries`, see `RetryTransport`), the deadline of
    `deadline_scope`, `timeout` seconds for each of connect/read/write/pool (None: no limit), a
    ``User-Agent: gemini-ops/<version>`` header plus `headers`, and typed errors: `ApiError`
    subclasses for status >= 400, `TransportError` for failures, `WaitTimeoutError` when the
    deadline passes.

    Without `http_client`, requests go over HTTP/1.1 with a pool of up to 100 connections,
    honouring proxy and certificate settings from the environment. With `http_client`, each
    request is sent with ``http_client.send()``, so its transport, proxies, certificates, event
    hooks and auth apply, and its headers are added where the request sets none; the request's
    timeout is this builder's. `http_client` is never changed and never closed here: closing the
    returned client leaves it open.

    Raises:
        ValueError: `max_retries` not an integer >= 0, or `timeout` not > 0 seconds and not
            None (see `gemini_ops._core.validate`).
        TypeError: `http_client` is not an `httpx.Client`.

    """
    if http_client is not None and not isinstance(http_client, httpx.Client):
        raise TypeError(f"http_client must be an httpx.Client, got {type(http_client).__name__}")
    options = _client_options(base_url, auth, timeout, max_retries, headers)
    if http_client is None:
        return _Client(**options, limits=_LIMITS, http1=True, http2=False)
    return _Client(**options, transport=_ClientTransport(http_client), trust_env=False)


def build_async_client(
    *,
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> httpx.AsyncClient:
    """Build the `httpx.AsyncClient` that AsyncOperations and raw calls share.

    The async twin of `build_client`, with the same options, defaults and errors;
    `http_client` must be an `httpx.AsyncClient`.
    """
    if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
        raise TypeError(
            f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
        )
    options = _client_options(base_url, auth, timeout, max_retries, headers)
    if http_client is None:
        return _AsyncClient(**options, limits=_LIMITS, http1=True, http2=False)
    return _AsyncClient(**options, transport=_AsyncClientTransport(http_client), trust_env=False)
