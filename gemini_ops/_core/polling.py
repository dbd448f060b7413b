"""Poll policies and deadline arithmetic, and the wait loop as a sans-I/O generator.

A *poll policy* says how often to look at a running operation; it is not a retry policy (retries
of one failed request live in the transport). Delay sequences come from the ``backoff`` library's
wait generators and jitter. The wait loop itself, ``wait_flow``, decides everything and does no
I/O: it yields ``Poll`` and ``Sleep`` actions and is driven line for line by the sync and the
async client, which only send requests and sleep.
"""

from __future__ import annotations

import heapq
import logging
import math
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

import attrs
import backoff

from gemini_ops._core.errors import (
    ApiError,
    GeminiOpsError,
    InvalidResponseError,
    TransportError,
    WaitTimeoutError,
    WrongOperationError,
)
from gemini_ops._core.fleet import Detect, ListDetector, ListPage, ListSource
from gemini_ops._core.rpc import TRANSIENT_HTTP, TRANSIENT_STATUS
from gemini_ops._core.validate import check_seconds

if TYPE_CHECKING:
    from gemini_ops._core.operation import Operation

logger = logging.getLogger("gemini_ops")

#: The longest a Vertex ``:wait`` request asks the server to hold on, in seconds.
LONG_POLL_MAX = 30.0


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
    index: int = 0


@attrs.frozen
class Sleep:
    """Action: sleep this many seconds (already clipped to the deadline)."""

    seconds: float


def is_transient(exc: BaseException) -> bool:
    """True for failures that a later poll may not see again (429, 5xx, dropped connections).

    The statuses are those the transport retries (`gemini_ops._core.rpc.TRANSIENT_HTTP`), plus
    the transient canonical statuses whatever HTTP status carried them. A body that is not an
    operation is transient too; an answer about another operation (WrongOperationError) is not.
    """
    if isinstance(exc, WrongOperationError):
        return False
    if isinstance(exc, TransportError | InvalidResponseError):
        return True
    if isinstance(exc, ApiError):
        return exc.http_status in TRANSIENT_HTTP or exc.status in TRANSIENT_STATUS
    return False


def _timeout(name: str, last: Operation | None, timeout: float | None) -> WaitTimeoutError:
    if last is None:
        state = "never polled"
    elif last.progress is None:
        state = "last seen running, progress unknown"
    else:
        state = f"last seen at {math.floor(last.progress)}%"
    return WaitTimeoutError(
        f"{name} was not done after {timeout} s ({state})", last, pending={name: last}
    )


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
        delay = next(delays)
        server_wait = None
        if plan.long_poll:
            # A long poll never holds longer than the delay to the next poll, so that progress
            # keeps flowing and a connection is never tied up for longer than one interval.
            left = deadline.remaining()
            server_wait = min(LONG_POLL_MAX, delay, math.inf if left is None else left)
        outcome = yield Poll(server_wait, plan)
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
                        pending={name: last},
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


#: The most plain polls a fleet wait keeps in flight at once. Past a few dozen, queued requests
#: cost more CPU in httpcore's pool than they save (measured in benchmarks/bench_wait.py).
MAX_POLLS_IN_FLIGHT = 16
#: The most Vertex ``:wait`` long polls a fleet wait keeps in flight at once. Each one holds a
#: connection, and every connection held adds to what httpcore's pool scans on each request: at
#: 200 operations, 64 long polls cost 12 ms of client CPU per request and a p99 lag of 9 s for a
#: 1 s interval, 4 cost 5 ms and 2.7 s (benchmarks/bench_wait.py). The rest plain-poll.
MAX_LONG_POLLS_IN_FLIGHT = 4


@attrs.frozen
class Finished:
    """Action: the wait for operation ``index`` is over; ``outcome`` is its Operation or error."""

    index: int
    outcome: Operation | GeminiOpsError


@attrs.frozen
class Wake:
    """What a fleet's driver sends back after a ``Sleep`` it watched notifications through.

    ``answers`` are the ``(index, outcome)`` pairs of the polls that answered meanwhile and
    ``published`` the operation names published meanwhile; either may be empty (a sleep that
    ran out, or ended early for a reason the flow need not know).
    """

    answers: Sequence[tuple[int, object]] = ()
    published: frozenset[str] = frozenset()


def _fleet_timeout(
    first: WaitTimeoutError, lasts: dict[int, Operation | None], plans: Sequence[WaitPlan]
) -> WaitTimeoutError:
    pending = {plans[i].name: last for i, last in lasts.items()}
    message = f"{len(pending)} of {len(plans)} operations were not done at the deadline: {first}"
    return WaitTimeoutError(message, first.operation, pending=pending)


def fleet_flow(
    plans: Sequence[WaitPlan],
    *,
    return_exceptions: bool = False,
    max_polls: int = MAX_POLLS_IN_FLIGHT,
    max_long_polls: int = MAX_LONG_POLLS_IN_FLIGHT,
    sources: Sequence[ListSource | None] = (),
    detect: Detect = "poll",
) -> Generator[Poll | ListPage | Sleep | Finished, object, None]:
    """Wait for several operations at once, each following ``wait_flow``: the ``wait_many`` loop.

    Yields ``Poll`` (start this request and send back None; its index says whose it is),
    ``ListPage`` (start this list request and send back None; its answer comes back under its
    index), ``Sleep`` (wait up to that long for requests in flight; send back the list of
    ``(index, outcome)`` pairs that answered meanwhile, possibly empty, or a ``Wake`` that
    also carries the names published meanwhile) and ``Finished`` (one operation's result; send
    back None). A published operation is due at once, polled out of turn (or, when its poll is
    in flight, again as soon as that poll answers); nothing else about its wait changes, the
    deadline included. Every operation is finished exactly once. At most
    ``max_polls`` plain polls and ``max_long_polls`` long polls are in flight; a long-poll-capable
    operation that finds no long-poll slot free plain-polls instead, so nothing waits on a slot.

    ``sources`` gives the list that shows each operation (``gemini_ops._core.fleet``); with
    ``detect`` other than ``"poll"``, operations that share one are watched through its pages
    instead of polled one by one, as ``ListDetector`` decides, and polled again whenever a
    listing cannot vouch for them.

    With ``return_exceptions`` a permanent error or the deadline is one operation's outcome (its
    ``operation_name`` set) and the others go on. Without it, the first permanent error is
    raised, and the deadline raises one WaitTimeoutError whose ``pending`` holds the last state
    of every unfinished operation.
    """
    if not plans:
        return
    deadline = plans[0].deadline
    clock = deadline.clock
    flows = [wait_flow(plan) for plan in plans]
    lasts: dict[int, Operation | None] = dict.fromkeys(range(len(plans)))
    actions: dict[int, Poll | Sleep] = {}
    now = clock()
    listing = ListDetector(
        [plan.name for plan in plans],
        sources or [None] * len(plans),
        [plan.policy.initial_delay for plan in plans],
        detect,
        first_ticket=len(plans),
        now=now,
    )
    queue: list[tuple[float, int]] = []  # (due at, index), a heap of the operations not in flight
    for i, flow in enumerate(flows):
        actions[i] = next(flow)  # the first action of wait_flow is always an immediate Poll
        if i not in listing.listed:
            queue.append((now, i))
    polls = long_polls = 0
    long_in_flight: set[int] = set()
    by_name: dict[str, list[int]] = {}
    for i, plan in enumerate(plans):
        by_name.setdefault(plan.name, []).append(i)
    hinted: set[int] = set()  # in flight when their name was published: due once they answer
    failed: list[tuple[int, GeminiOpsError]] = []  # raised once the others are yielded

    def advance(i: int, outcome: object) -> Poll | Sleep | Finished | None:
        """Send operation ``i`` its poll's outcome: its next action, or its end (None: failed)."""
        if outcome is not None and not isinstance(outcome, BaseException):
            lasts[i] = outcome  # type: ignore[assignment]
        try:
            action = flows[i].send(outcome)
        except StopIteration as stop:
            return _finish(i, stop.value, plans, lasts, return_exceptions)
        except GeminiOpsError as exc:
            if return_exceptions:
                return _finish(i, exc, plans, lasts, return_exceptions)
            failed.append((i, exc))
            return None
        actions[i] = action
        return action

    def observe(i: int, outcome: object) -> Poll | Sleep | Finished | None:
        """Like ``advance`` for an operation a list watches: it may be asleep, not polling."""
        if isinstance(actions[i], Sleep):
            woken = advance(i, None)  # its sleep is over: the next Poll (or the deadline)
            if not isinstance(woken, Poll):
                return woken
        return advance(i, outcome)

    def requeue(indices: Sequence[int]) -> None:
        for i in indices:
            heapq.heappush(queue, (now, i))

    while lasts:
        if listing:
            if deadline.expired():
                # Every listed operation times out through its own flow, none with a request.
                for i in listing.unlist_all():
                    ended = observe(i, WaitTimeoutError(f"{plans[i].name}: deadline reached"))
                    if isinstance(ended, Finished):
                        yield ended
                if failed:
                    _finish(*failed[0], plans, lasts, return_exceptions)  # raises
            pages, unlisted = listing.due(now)
            requeue(unlisted)
            yield from pages
        # Start every poll that is due, as far as the limits allow, in the order they fell due.
        blocked = False
        while queue and queue[0][0] <= now:
            i = queue[0][1]
            action = actions[i]
            if isinstance(action, Sleep):
                try:
                    action = actions[i] = flows[i].send(None)  # slept: the next Poll
                except WaitTimeoutError as exc:
                    heapq.heappop(queue)
                    yield _finish(i, exc, plans, lasts, return_exceptions)
                    continue
            assert isinstance(action, Poll)
            long = action.server_wait is not None and long_polls < max_long_polls
            if not long and polls >= max_polls:
                blocked = True  # the next start waits for an answer, not for the clock
                break
            heapq.heappop(queue)
            if long:
                long_polls += 1
                long_in_flight.add(i)
            else:
                polls += 1
            yield Poll(action.server_wait if long else None, plans[i], i)
        if not lasts:
            return
        target = min(queue[0][0] if queue and not blocked else math.inf, listing.next_due())
        left = deadline.remaining()
        seconds = min(target - clock(), math.inf if left is None else max(left, 0.0))
        if not math.isfinite(seconds):
            seconds = max(plan.policy.max_delay for plan in plans)
        woke = yield Sleep(max(0.0, seconds))
        now = clock()
        answers: Sequence[tuple[int, object]]
        if isinstance(woke, Wake):
            answers, published = woke.answers, woke.published
        else:
            assert woke is None or isinstance(woke, list)
            answers, published = woke or [], frozenset()
            if not answers:
                # Slept the whole time: what was due at the end of it is due now, even when the
                # sleep was cut short (instant sleeps in tests).
                now = max(now, target) if math.isfinite(target) else now
                continue
        if published:
            names = [i for name in published for i in by_name.get(name, ())]
            requeue(listing.unlist(names))
            queue = _hint(queue, published, by_name, lasts, hinted, now)
        for i, outcome in answers:
            if i >= len(plans):  # a list page
                seen = listing.answer(i, outcome, now)  # type: ignore[arg-type]
                if seen.next_page is not None:
                    yield seen.next_page
                requeue(seen.unlisted)
                for j, operation in seen.seen:
                    if j not in listing.listed:
                        continue  # shown twice in one answer, and over the first time
                    step = observe(j, operation)
                    if not isinstance(step, Poll | Sleep):
                        listing.finished(j)
                        if step is not None:
                            yield step
                continue
            if i in long_in_flight:
                long_in_flight.discard(i)
                long_polls -= 1
            else:
                polls -= 1
            step = advance(i, outcome)
            if isinstance(step, Finished):
                yield step
            if not isinstance(step, Poll | Sleep):
                continue
            seconds = step.seconds if isinstance(step, Sleep) else 0.0
            if i in hinted:
                hinted.discard(i)
                seconds = 0.0  # published while its poll was in flight: look again at once
            heapq.heappush(queue, (now + seconds, i))
        if failed:
            _finish(*failed[0], plans, lasts, return_exceptions)  # raises


def _hint(
    queue: list[tuple[float, int]],
    published: frozenset[str],
    by_name: dict[str, list[int]],
    lasts: dict[int, Operation | None],
    hinted: set[int],
    now: float,
) -> list[tuple[float, int]]:
    """The queue with every unfinished published operation due ``now``.

    The published ones in flight go into ``hinted``: their next poll is due as soon as the one
    in flight answers.
    """
    woken = {i for name in published for i in by_name.get(name, ()) if i in lasts}
    queued = {i for _, i in queue}
    hinted.update(woken - queued)
    queue = [(min(at, now) if i in woken else at, i) for at, i in queue]
    heapq.heapify(queue)
    return queue


def _finish(
    i: int,
    outcome: Operation | GeminiOpsError,
    plans: Sequence[WaitPlan],
    lasts: dict[int, Operation | None],
    return_exceptions: bool,
) -> Finished:
    """Operation ``i`` is over: its Finished action, or the error that ends the whole wait."""
    if isinstance(outcome, GeminiOpsError) and not return_exceptions:
        if isinstance(outcome, WaitTimeoutError):
            raise _fleet_timeout(outcome, lasts, plans) from outcome
        raise outcome
    del lasts[i]
    if isinstance(outcome, GeminiOpsError):
        outcome.operation_name = plans[i].name
    return Finished(i, outcome)
