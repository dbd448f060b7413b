"""The deadline of `deadline_scope`: one absolute `time.monotonic` value per thread or task.

A deadline is set for the code inside `deadline_scope` with a context variable, so it reaches
requests made anywhere below, sync or async, generated code included: each attempt's timeout is
clipped to the time left (`clip_timeouts`), and no retry sleeps past it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Iterator, Mapping

import httpx

__all__ = ["DeadlineReachedError", "clip_timeouts", "deadline_scope", "time_left"]

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "gemini_ops_deadline", default=None
)

# The clock: a module attribute so tests can replace it.
_monotonic = time.monotonic


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
    return max(0.0, deadline - _monotonic())


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
