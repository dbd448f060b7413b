"""The deadline of `deadline_scope`: one absolute `time.monotonic` value per thread or task.

A deadline is set for the code inside `deadline_scope` with a context variable, so it reaches
requests made anywhere below, sync or async, generated code included: each attempt's timeout is
clipped to the time left (`clip_timeouts`), and no retry sleeps past it.

httpx's timeouts bound each read, not the exchange: a server that sends one byte every half
second keeps a request with a 2 s read timeout open for ever. `DeadlineBackend` bounds the
exchange itself on the sync path: every connect, read and write on the socket gets at most the
time left (an async exchange is bounded by a cancel scope instead, see `gemini_ops._http.retry`).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import ssl
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeAlias

import httpcore
import httpx

from gemini_ops._core import timing

__all__ = [
    "DEADLINE_SLACK",
    "DeadlineBackend",
    "DeadlineReachedError",
    "clip_timeouts",
    "current_deadline",
    "deadline_scope",
    "time_left",
    "time_until",
]

SocketOption: TypeAlias = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

#: A timeout that fires this close to a deadline (seconds) is the deadline firing.
DEADLINE_SLACK = 0.01

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "gemini_ops_deadline", default=None
)


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


def current_deadline() -> float | None:
    """The deadline of the current scope (a `time.monotonic()` value), or None without one."""
    return _DEADLINE.get()


def time_until(at: float | None) -> float | None:
    """Seconds until the absolute `time.monotonic()` value `at` (0.0 once passed), or None."""
    return None if at is None else max(0.0, at - timing.monotonic())


def time_left() -> float | None:
    """Seconds left before the current deadline (0.0 once passed), or None without a deadline."""
    return time_until(_DEADLINE.get())


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


class DeadlineReachedError(httpx.TimeoutException):
    """The deadline passed before a request could be (re)sent, or while it was in flight."""


def _clip(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """`timeout` capped at the time left; `expired` raised when no time is left."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("no time left before the deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the deadline of `deadline_scope`."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, waiting no longer than the time left."""
        return self._stream.read(max_bytes, _clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting no longer than the time left."""
        self._stream.write(buffer, _clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the stream."""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """Start TLS (its handshake within the time left); the TLS stream is bounded too."""
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, clipped))

    def get_extra_info(self, info: str) -> Any:
        """What the wrapped stream says (``socket``, ``ssl_object``, ...)."""
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend for sync requests, bounded by the deadline of `deadline_scope`.

    Each connect, read and write waits at most the time left, and fails with httpcore's timeout
    once none is left: however slowly a server drips its headers or body, the exchange ends by
    the deadline. Outside a scope nothing changes.
    """

    def __init__(self, backend: httpcore.NetworkBackend | None = None) -> None:
        self._backend = backend if backend is not None else httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect within the time left."""
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, clipped, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect within the time left."""
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, clipped, socket_options))

    def sleep(self, seconds: float) -> None:
        """Sleep (httpcore's connect retries)."""
        self._backend.sleep(seconds)
