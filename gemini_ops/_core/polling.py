"""Poll policies and deadline arithmetic, and the wait loop as a sans-I/O generator.

A *poll policy* says how often to look at a running operation; it is not a retry policy (retries
of one failed request live in the transport). Delay sequences come from the ``backoff`` library's
wait generators and jitter. The wait loop itself, ``wait_flow``, decides everything and does no
I/O: it yields ``Poll`` and ``Sleep`` actions and is driven line for line by the sync and the
async client, which only send requests and sleep.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

import attrs
import backoff

from gemini_ops._core.errors import (
    ApiError,
    InvalidResponseError,
    TransportError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from gemini_ops._core.operation import Operation

logger = logging.getLogger("gemini_ops")

#: The longest a Vertex ``:wait`` request asks the server to hold on, in seconds.
LONG_POLL_MAX = 30.0
# HTTP statuses and canonical statuses that say "try again later".
_TRANSIENT_HTTP = frozenset({408, 429, 499, 500, 502, 503, 504})
_TRANSIENT_STATUS = frozenset(
    {"UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "INTERNAL", "ABORTED"}
)


def check_seconds(option: str, value: object, *, allow_none: bool = False) -> float | None:
    """Validate a positive, finite number of seconds; raise ValueError naming ``option``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{option} must be a number of seconds, got {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{option} must be > 0 seconds, got {value!r}")
    return seconds


def _half_jitter(value: float) -> float:
    """Somewhere between half the delay and the delay itself: never above it, never near 0."""
    return value / 2 + backoff.full_jitter(value / 2)


@attrs.frozen
class PollPolicy:
    """How often to poll: ``initial_delay * multiplier**n`` seconds, capped at ``max_delay``.

    With ``jitter``, each delay is drawn between half its value and its value, so it is never
    above ``max_delay``. A fixed interval is ``multiplier == 1``.
    """

    initial_delay: float
    max_delay: float
    multiplier: float = 1.0
    jitter: bool = False

    @classmethod
    def fixed(cls, poll_interval: float) -> PollPolicy:
        """Poll every ``poll_interval`` seconds; raises ValueError unless it is > 0."""
        interval = check_seconds("poll_interval", poll_interval)
        assert interval is not None
        return cls(initial_delay=interval, max_delay=interval)

    @classmethod
    def exponential(
        cls, *, initial_delay: float, max_delay: float, multiplier: float, jitter: bool
    ) -> PollPolicy:
        """Exponential backoff between polls; raises ValueError naming a bad option."""
        initial = check_seconds("initial_delay", initial_delay)
        cap = check_seconds("max_delay", max_delay)
        assert initial is not None
        assert cap is not None
        if isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
            raise ValueError(f"multiplier must be a number >= 1, got {multiplier!r}")
        if not math.isfinite(multiplier) or multiplier < 1:
            raise ValueError(f"multiplier must be >= 1, got {multiplier!r}")
        if cap < initial:
            raise ValueError(f"max_delay ({cap}) must be >= initial_delay ({initial})")
        return cls(
            initial_delay=initial, max_delay=cap, multiplier=float(multiplier), jitter=bool(jitter)
        )

    def delays(self) -> Iterator[float]:
        """The endless sequence of delays between polls, in seconds."""
        wait = backoff.expo(
            base=self.multiplier, factor=self.initial_delay, max_value=self.max_delay
        )
        wait.send(None)  # backoff's generators start with a priming yield
        for value in wait:
            delay = min(value, self.max_delay)
            yield _half_jitter(delay) if self.jitter else delay


@attrs.frozen
class Deadline:
    """An absolute deadline on ``time.monotonic()``; ``at is None`` means never."""

    at: float | None
    clock: Callable[[], float] = attrs.field(default=time.monotonic, eq=False, repr=False)

    @classmethod
    def after(cls, timeout: float | None, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """The deadline ``timeout`` seconds from now (None: no deadline)."""
        seconds = check_seconds("timeout", timeout, allow_none=True)
        return cls(None if seconds is None else clock() + seconds, clock)

    def remaining(self) -> float | None:
        """Seconds left (may be negative), or None without a deadline."""
        return None if self.at is None else self.at - self.clock()

    def expired(self) -> bool:
        """True once the deadline has passed."""
        left = self.remaining()
        return left is not None and left <= 0

    def clip(self, delay: float) -> float:
        """``delay`` shortened so that it ends no later than the deadline."""
        left = self.remaining()
        return delay if left is None else max(0.0, min(delay, left))


class WaitPlan(NamedTuple):
    """A validated wait: the operation's name, poll policy, deadline, and whether to long-poll."""

    name: str
    policy: PollPolicy
    deadline: Deadline
    timeout: float | None
    long_poll: bool
    on_progress: Callable[[Operation], object] | None


@attrs.frozen
class Poll:
    """Action: look at the operation once; ``server_wait`` asks Vertex ``:wait`` to hold on."""

    server_wait: float | None = None
    plan: WaitPlan | None = None


@attrs.frozen
class Sleep:
    """Action: sleep this many seconds (already clipped to the deadline)."""

    seconds: float


def is_transient(exc: BaseException) -> bool:
    """True for failures that a later poll may not see again (429, 5xx, dropped connections)."""
    if isinstance(exc, TransportError | InvalidResponseError):
        return True
    if isinstance(exc, ApiError):
        return exc.http_status in _TRANSIENT_HTTP or exc.status in _TRANSIENT_STATUS
    return False


def _timeout(name: str, last: Operation | None, timeout: float | None) -> WaitTimeoutError:
    state = "never polled" if last is None else f"last progress {last.progress}"
    return WaitTimeoutError(f"{name} was not done after {timeout} s ({state})", last)


def wait_flow(plan: WaitPlan) -> Generator[Poll | Sleep, object, Operation]:
    """Drive one wait: yields Poll/Sleep actions, is sent each poll's Operation or exception.

    Returns the finished operation (succeeded or failed). Raises WaitTimeoutError (carrying the
    last operation seen) when the deadline passes, at once when a server's retry hint is longer
    than the time left; permanent errors (400, 401, 403, 404, ...) propagate unchanged;
    transient ones (429, 5xx, connection errors, bad bodies) are polled through until the
    deadline. ``on_progress`` is called after every successful poll, the final one included.
    """
    name, deadline, timeout = plan.name, plan.deadline, plan.timeout
    delays = plan.policy.delays()
    last: Operation | None = None
    while True:
        if deadline.expired():
            raise _timeout(name, last, timeout)
        started = deadline.clock()
        server_wait = None
        if plan.long_poll:
            left = deadline.remaining()
            server_wait = LONG_POLL_MAX if left is None else min(LONG_POLL_MAX, left)
        outcome = yield Poll(server_wait, plan)
        delay = next(delays)
        if isinstance(outcome, BaseException):
            if isinstance(outcome, WaitTimeoutError) or deadline.expired():
                raise _timeout(name, last, timeout) from outcome
            if not is_transient(outcome):
                raise outcome
            hint = getattr(outcome, "retry_delay", None)
            if isinstance(hint, int | float) and hint > 0:
                left = deadline.remaining()
                if left is not None and hint > left:
                    raise WaitTimeoutError(
                        f"{name}: the server asked to wait {hint:g} s, more than the "
                        f"{max(left, 0.0):.3g} s left before the deadline",
                        last,
                    ) from outcome
                delay = max(delay, float(hint))
            logger.debug("wait %s: %s; next poll in %.3g s", name, type(outcome).__name__, delay)
            yield Sleep(deadline.clip(delay))
            continue
        operation: Operation = outcome  # type: ignore[assignment]
        last = operation
        logger.debug(
            "wait %s: %s, progress %s",
            name,
            "done" if operation.done else "running",
            operation.progress,
        )
        if plan.on_progress is not None:
            plan.on_progress(operation)
        if operation.done:
            return operation
        # Intervals run from the start of one poll to the start of the next: the time the
        # request took (all of it for a long poll the server held) counts toward the delay.
        delay = max(0.0, delay - (deadline.clock() - started))
        if deadline.expired():
            raise _timeout(name, last, timeout)
        if delay > 0:
            yield Sleep(deadline.clip(delay))


def wait_many_flow(
    plans: Sequence[WaitPlan],
) -> Generator[Poll | Sleep | Operation, object, None]:
    """Interleave plain-polling waits for several operations from one thread.

    Yields ``Poll`` (send back the outcome), ``Sleep`` (until the next poll is due; send back
    the names published meanwhile, which are then due at once) and each finished ``Operation``
    as soon as it is seen. Each operation follows ``wait_flow`` exactly, without long-polling;
    errors propagate as they would from a single wait.
    """
    if not plans:
        return
    clock = plans[0].deadline.clock
    flows = {i: wait_flow(plan._replace(long_poll=False)) for i, plan in enumerate(plans)}
    pending: dict[int, Poll | Sleep] = {i: next(flow) for i, flow in flows.items()}
    due_at = dict.fromkeys(flows, clock())
    by_name: dict[str, list[int]] = {}
    for i, plan in enumerate(plans):
        by_name.setdefault(plan.name, []).append(i)
    while flows:
        now = clock()
        due = [i for i, at in due_at.items() if at <= now]
        if not due:
            woken = yield Sleep(min(due_at.values()) - now)
            for name in woken if isinstance(woken, frozenset) else ():
                for i in by_name.get(name, ()):
                    if i in due_at:
                        due_at[i] = now
            continue
        for i in due:
            flow = flows[i]
            if isinstance(pending[i], Sleep):
                pending[i] = flow.send(None)  # slept: the flow answers with its next Poll
            outcome = yield Poll(None, plans[i])
            try:
                action = flow.send(outcome)
            except StopIteration as finished:
                del flows[i], pending[i], due_at[i]
                yield finished.value
                continue
            pending[i] = action
            due_at[i] = clock() + (action.seconds if isinstance(action, Sleep) else 0.0)
