"""The one switch for time: every sleep, clock reading and jitter draw of gemini-ops goes here.

Like stamina's ``set_testing``, one documented object, `TIMING`, is read at the decision points
instead of tests replacing private module globals:

- the pauses between polls of the sync and async clients (`sleep`, `asleep`);
- the pauses before a retried request, the deadline clock and the jitter of the retry transport
  (`sleep`, `asleep`, `monotonic`, `jitter`);
- whether the retry transport retries at all (``TIMING.retries``).

`gemini_ops.testing.instant_sleeps` and `gemini_ops.testing.set_testing` are the public way to
turn it; `override` changes fields for the length of a block. It is process-wide (every thread).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import anyio
import attrs

__all__ = ["TIMING", "Timing", "asleep", "jitter", "monotonic", "override", "sleep"]


@attrs.define
class Timing:
    """What the sleep, clock and retry decision points read.

    Attributes:
        instant_sleeps: sleep for no time at all (an async caller still yields to the event loop
            once); deadlines still run on the real clock.
        retries: False makes the retry transport return the first answer (or raise the first
            failure) as if ``max_retries`` were 0.
        monotonic: the clock deadlines are measured on.
        random: the source of the retry backoff's jitter, a float in [0, 1).
        sleep, asleep: replacements for ``time.sleep`` / ``anyio.sleep`` (None: those), for a
            fake clock in tests; they receive the seconds the code asked for.

    """

    instant_sleeps: bool = False
    retries: bool = True
    monotonic: Callable[[], float] = time.monotonic
    random: Callable[[], float] = random.random
    sleep: Callable[[float], None] | None = None
    asleep: Callable[[float], Awaitable[None]] | None = None


#: The process-wide switch.
TIMING = Timing()


def sleep(seconds: float) -> None:
    """Pause the calling thread for `seconds`, as `TIMING` says."""
    if TIMING.sleep is not None:
        TIMING.sleep(seconds)
    else:
        time.sleep(0 if TIMING.instant_sleeps else seconds)


async def asleep(seconds: float) -> None:
    """Pause the calling task for `seconds` (asyncio or trio), as `TIMING` says."""
    if TIMING.asleep is not None:
        await TIMING.asleep(seconds)
    else:
        await anyio.sleep(0 if TIMING.instant_sleeps else seconds)


def monotonic() -> float:
    """The deadline clock, in seconds."""
    return TIMING.monotonic()


def jitter() -> float:
    """A random float in [0, 1) for the retry backoff."""
    return TIMING.random()


@contextlib.contextmanager
def override(**changes: Any) -> Iterator[Timing]:
    """Set fields of `TIMING` (by name) inside the block; restore them after it."""
    saved = {name: getattr(TIMING, name) for name in changes}
    for name, value in changes.items():
        if not hasattr(TIMING, name):
            raise TypeError(f"Timing has no field {name!r}")
        setattr(TIMING, name, value)
    try:
        yield TIMING
    finally:
        for name, value in saved.items():
            setattr(TIMING, name, value)
