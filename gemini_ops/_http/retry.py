"""Retries: `RetryPolicy` decides, `RetryTransport` / `AsyncRetryTransport` do the I/O.

A request is repeated on 408, 429, 500, 502, 503, 504 and on connection errors, waiting with
exponential backoff and full jitter, never less than the server asked (``RetryInfo.retryDelay``,
``Retry-After``), and never past the deadline of `deadline_scope`.

The request's timeout (its ``read`` timeout: the client's `timeout`) bounds each attempt as a
whole, connect, headers and body, however slowly the server sends them; and the call as a whole,
attempts and the waits between them, is bounded by that timeout times the attempts the policy
allows (``max_retries + 1``). A server asking to wait longer than the time left ends the call at
once with its answer.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass

import anyio
import httpx

from gemini_ops._core import timing
from gemini_ops._core.rpc import TRANSIENT_HTTP
from gemini_ops._core.validate import check_count
from gemini_ops._http.deadline import (
    DEADLINE_SLACK,
    DeadlineReachedError,
    clip_timeouts,
    deadline_scope,
    time_left,
    time_until,
)
from gemini_ops._http.wire import retry_delay_from_response

__all__ = [
    "RETRYABLE_EXCEPTIONS",
    "RETRYABLE_STATUS_CODES",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
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


class _Attempts:
    """The decisions for one request's attempts; the sync and async transports only do the I/O."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.policy = policy
        self.request = request
        self.retries = 0
        self._timeouts: Mapping[str, float | None] = dict(request.extensions.get("timeout") or {})
        read = self._timeouts.get("read")
        self._per_attempt = float(read) if isinstance(read, int | float) else None
        attempts = policy.max_retries + 1
        self.call_at = (
            None if self._per_attempt is None else timing.monotonic() + attempts * self._per_attempt
        )
        self._last_response: httpx.Response | None = None
        self._last_error: httpx.TransportError | None = None

    def attempt_at(self) -> float | None:
        """When the attempt starting now must have ended, headers and body (None: never).

        That is the request timeout from now, or the deadline of the call (or of a wait around
        it) when that comes first.
        """
        seconds = [s for s in (self._per_attempt, time_left()) if s is not None]
        return timing.monotonic() + min(seconds) if seconds else None

    def begin(self) -> httpx.Response | None:
        """Clip the request's timeouts to the time left before an attempt.

        Returns the last failed answer when no time is left (to be returned as is), raises the
        last failure or `DeadlineReachedError` when there is no answer to return.
        """
        left = time_left()
        if left is not None and left <= 0:
            if self._last_response is not None:
                return self._last_response
            if self._last_error is not None:
                raise self._last_error
            raise DeadlineReachedError("the deadline passed before the request was sent")
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

        Raises `DeadlineReachedError` (from `error`) for a timeout that the deadline caused.
        """
        left = time_left()
        timed_out = isinstance(error, httpx.TimeoutException)
        if timed_out and left is not None and left <= DEADLINE_SLACK:
            raise DeadlineReachedError(
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
    clipped to the time left under `deadline_scope`, and each attempt, headers and body, ends by
    the request timeout (the socket waits of `DeadlineBackend`); the call ends by the request
    timeout times ``max_retries + 1``. When the retries are used up, or the next wait would not
    end before the deadline, the last answer is returned (or the last exception raised) at once.
    A deadline that passes before an attempt, or a timeout caused by it, raises an
    `httpx.TimeoutException` subclass (mapped by the built clients to `WaitTimeoutError` when a
    wait's deadline passed, to `TransportError` otherwise).
    """

    def __init__(self, transport: httpx.BaseTransport, *, policy: RetryPolicy | None = None):
        self.transport = transport
        self.policy = policy if policy is not None else RetryPolicy()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it as the policy allows, each attempt within its bound."""
        request.read()  # A body read into memory can be sent again.
        attempts = _Attempts(self.policy, request)
        with deadline_scope(attempts.call_at):
            while True:
                last = attempts.begin()
                if last is not None:
                    return last
                attempt_at = attempts.attempt_at()
                try:
                    with deadline_scope(attempt_at):
                        response = self.transport.handle_request(request)
                        if attempts.wants_body(response):
                            _read_or_close(response)
                except httpx.TransportError as error:
                    delay = attempts.after_error(error)
                    if delay is None:
                        raise
                else:
                    if not attempts.wants_body(response):
                        return _body_by(response, attempt_at)
                    delay = attempts.after_response(response)
                    if delay is None:
                        return response
                    response.close()
                timing.sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport`: same policy, same decisions, async I/O and sleep.

    Each attempt ends by its bound under an anyio cancel scope, whatever transport it wraps.
    """

    def __init__(self, transport: httpx.AsyncBaseTransport, *, policy: RetryPolicy | None = None):
        self.transport = transport
        self.policy = policy if policy is not None else RetryPolicy()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, repeating it as the policy allows, each attempt within its bound."""
        await request.aread()  # A body read into memory can be sent again.
        attempts = _Attempts(self.policy, request)
        with deadline_scope(attempts.call_at):
            while True:
                last = attempts.begin()
                if last is not None:
                    return last
                attempt_at = attempts.attempt_at()
                try:
                    response = await self._attempt(request, attempts, attempt_at)
                except httpx.TransportError as error:
                    delay = attempts.after_error(error)
                    if delay is None:
                        raise
                else:
                    if not attempts.wants_body(response):
                        return _abody_by(response, attempt_at)
                    delay = attempts.after_response(response)
                    if delay is None:
                        return response
                    await response.aclose()
                await timing.asleep(delay)

    async def _attempt(
        self, request: httpx.Request, attempts: _Attempts, attempt_at: float | None
    ) -> httpx.Response:
        # A cancel scope ends the exchange at its bound, however slowly the bytes arrive.
        with deadline_scope(attempt_at), anyio.move_on_after(time_left()):
            response = await self.transport.handle_async_request(request)
            if attempts.wants_body(response):
                try:
                    await response.aread()
                except BaseException:
                    await response.aclose()
                    raise
            return response
        raise httpx.ReadTimeout("no complete answer within the time left", request=request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.transport.aclose()


def _read_or_close(response: httpx.Response) -> None:
    try:
        response.read()
    except BaseException:
        response.close()
        raise


class _BoundedStream(httpx.SyncByteStream):
    """A body whose every read ends by `at` (the bound of the attempt that brought it)."""

    def __init__(self, stream: httpx.SyncByteStream, at: float) -> None:
        self._stream = stream
        self._at = at

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            with deadline_scope(self._at):  # read by `DeadlineBackend`'s sockets
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    """The async twin of `_BoundedStream`: each read under a cancel scope."""

    def __init__(self, stream: httpx.AsyncByteStream, at: float) -> None:
        self._stream = stream
        self._at = at

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = aiter(self._stream)
        while True:
            with anyio.move_on_after(time_until(self._at)) as scope:
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    return
            if scope.cancelled_caught:
                raise httpx.ReadTimeout("no complete answer within the request timeout")
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def _body_by(response: httpx.Response, at: float | None) -> httpx.Response:
    """`response`, whose body (read later, by the caller) must have arrived by `at`."""
    if at is not None and isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _BoundedStream(response.stream, at)
    return response


def _abody_by(response: httpx.Response, at: float | None) -> httpx.Response:
    """The async twin of `_body_by`."""
    if at is not None and isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncBoundedStream(response.stream, at)
    return response
