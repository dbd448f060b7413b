"""The pure core of waiting: delay sequences, deadline arithmetic, and the wait loop."""

from __future__ import annotations

import itertools
from collections.abc import Generator

import pytest

from gemini_ops import (
    ApiError,
    NotFoundError,
    Operation,
    RateLimitError,
    ServiceUnavailableError,
    TransportError,
    WaitTimeoutError,
)
from gemini_ops._core.polling import (
    Deadline,
    Poll,
    PollPolicy,
    Sleep,
    WaitPlan,
    is_transient,
    wait_flow,
    wait_many_flow,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def running(name: str = "batches/b") -> Operation:
    return Operation.from_dict({"name": name})


def finished(name: str = "batches/b") -> Operation:
    return Operation.from_dict({"name": name, "done": True, "response": {}})


def api_error(cls: type[ApiError], status: int, retry_delay: float | None = None) -> ApiError:
    return cls(f"HTTP {status}", http_status=status, retry_delay=retry_delay)


def plan(
    clock: FakeClock,
    *,
    timeout: float | None = 10.0,
    policy: PollPolicy | None = None,
    long_poll: bool = False,
    on_progress: object = None,
    name: str = "batches/b",
) -> WaitPlan:
    return WaitPlan(
        name=name,
        policy=policy or PollPolicy.fixed(1.0),
        deadline=Deadline.after(timeout, clock),
        timeout=timeout,
        long_poll=long_poll,
        on_progress=on_progress,  # type: ignore[arg-type]
    )


def drive(
    flow: Generator[Poll | Sleep, object, Operation],
    clock: FakeClock,
    outcomes: list[object],
    poll_cost: float = 0.0,
) -> tuple[list[object], Operation]:
    """Run a wait flow with scripted poll outcomes; return the actions seen and the result."""
    actions: list[object] = []
    outcome: object = None
    script = iter(outcomes)
    while True:
        try:
            action = flow.send(outcome)
        except StopIteration as stop:
            return actions, stop.value
        actions.append(action)
        if isinstance(action, Poll):
            clock.now += poll_cost
            outcome = next(script)
        else:
            clock.now += action.seconds
            outcome = None


def test_fixed_delays() -> None:
    assert list(itertools.islice(PollPolicy.fixed(5.0).delays(), 4)) == [5.0, 5.0, 5.0, 5.0]


def test_exponential_delays_exact_without_jitter() -> None:
    policy = PollPolicy.exponential(initial_delay=1.0, max_delay=30.0, multiplier=2.0, jitter=False)
    assert list(itertools.islice(policy.delays(), 7)) == [1, 2, 4, 8, 16, 30, 30]


def test_jitter_never_exceeds_the_cap() -> None:
    policy = PollPolicy.exponential(initial_delay=1.0, max_delay=10.0, multiplier=3.0, jitter=True)
    delays = list(itertools.islice(policy.delays(), 200))
    assert all(0 < d <= 10.0 for d in delays)
    assert max(delays[5:]) > 5.0  # jitter spreads between half the delay and the delay
    assert min(delays[5:]) >= 5.0
    assert len(set(delays)) > 50


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"initial_delay": 0, "max_delay": 1, "multiplier": 2}, "initial_delay"),
        ({"initial_delay": 1, "max_delay": float("inf"), "multiplier": 2}, "max_delay"),
        ({"initial_delay": 1, "max_delay": 2, "multiplier": 0.9}, "multiplier"),
        ({"initial_delay": 1, "max_delay": 2, "multiplier": "2"}, "multiplier"),
        ({"initial_delay": 3, "max_delay": 2, "multiplier": 2}, "max_delay"),
    ],
)
def test_bad_policy_options(kwargs: dict[str, object], option: str) -> None:
    with pytest.raises(ValueError, match=option):
        PollPolicy.exponential(jitter=False, **kwargs)  # type: ignore[arg-type]


def test_deadline_arithmetic() -> None:
    clock = FakeClock()
    deadline = Deadline.after(10, clock)
    assert deadline.remaining() == 10
    assert deadline.clip(3) == 3
    clock.now += 8
    assert deadline.clip(3) == pytest.approx(2)
    assert not deadline.expired()
    clock.now += 5
    assert deadline.expired()
    assert deadline.clip(3) == 0
    forever = Deadline.after(None, clock)
    assert forever.remaining() is None
    assert forever.clip(1e9) == 1e9
    assert not forever.expired()
    with pytest.raises(ValueError, match="timeout"):
        Deadline.after(0, clock)


def test_interval_runs_from_poll_start_to_poll_start() -> None:
    clock = FakeClock()
    actions, _ = drive(wait_flow(plan(clock)), clock, [running(), finished()], poll_cost=0.25)
    assert [a.seconds for a in actions if isinstance(a, Sleep)] == [0.75]


def test_first_poll_is_immediate_then_every_interval() -> None:
    clock = FakeClock()
    seen: list[Operation] = []
    actions, result = drive(
        wait_flow(plan(clock, on_progress=seen.append)),
        clock,
        [running(), running(), finished()],
    )
    kinds = [(type(a).__name__, getattr(a, "seconds", None)) for a in actions]
    assert kinds == [("Poll", None), ("Sleep", 1.0), ("Poll", None), ("Sleep", 1.0), ("Poll", None)]
    assert result.done
    assert seen[-1] is result
    assert len(seen) == 3


def test_timeout_clips_the_last_sleep_and_carries_the_last_operation() -> None:
    clock = FakeClock()
    last = running()
    flow = wait_flow(plan(clock, timeout=2.5))
    with pytest.raises(WaitTimeoutError) as excinfo:
        drive(flow, clock, [running(), running(), last, running()])
    assert excinfo.value.operation is last
    assert clock.now == pytest.approx(1002.5)  # slept 1 + 1 + 0.5, never past the deadline


def test_slow_polls_count_against_the_deadline() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError):
        drive(wait_flow(plan(clock, timeout=2.0)), clock, [running()] * 5, poll_cost=1.5)
    # A poll slower than the interval is followed at once by the next one, never by a sleep;
    # the second poll here overruns only because this fake request ignores the deadline that
    # the transport enforces on real ones.
    assert clock.now == pytest.approx(1003.0)


def test_transient_errors_are_polled_through() -> None:
    clock = FakeClock()
    outcomes = [
        api_error(ServiceUnavailableError, 503),
        TransportError("dropped"),
        api_error(RateLimitError, 429, retry_delay=4.0),
        finished(),
    ]
    actions, result = drive(wait_flow(plan(clock)), clock, outcomes)
    assert result.done
    sleeps = [a.seconds for a in actions if isinstance(a, Sleep)]
    assert sleeps == [1.0, 1.0, 4.0]  # the server's hint is a minimum


def test_permanent_errors_end_the_wait_at_once() -> None:
    clock = FakeClock()
    error = api_error(NotFoundError, 404)
    with pytest.raises(NotFoundError):
        drive(wait_flow(plan(clock)), clock, [running(), error])
    assert clock.now == pytest.approx(1001.0)


def test_a_hint_longer_than_the_time_left_ends_the_wait_now() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError, match="asked to wait 60 s"):
        drive(
            wait_flow(plan(clock, timeout=5)),
            clock,
            [api_error(RateLimitError, 429, retry_delay=60.0)],
        )
    assert clock.now == 1000.0


def test_long_poll_asks_the_server_and_does_not_sleep_after_it() -> None:
    clock = FakeClock()
    actions, result = drive(
        wait_flow(plan(clock, timeout=100, long_poll=True)),
        clock,
        [running(), finished()],
        poll_cost=30.0,
    )
    polls = [a for a in actions if isinstance(a, Poll)]
    assert [p.server_wait for p in polls] == [30.0, 30.0]
    assert not [a for a in actions if isinstance(a, Sleep)]
    assert result.done


def test_long_poll_never_asks_past_the_deadline() -> None:
    clock = FakeClock()
    flow = wait_flow(plan(clock, timeout=4.0, long_poll=True))
    first = next(flow)
    assert isinstance(first, Poll)
    assert first.server_wait == 4.0


def test_is_transient() -> None:
    assert is_transient(api_error(ServiceUnavailableError, 503))
    assert is_transient(api_error(RateLimitError, 429))
    assert is_transient(TransportError("x"))
    assert not is_transient(api_error(NotFoundError, 404))
    assert not is_transient(ValueError("x"))


def test_wait_many_interleaves_and_yields_in_finishing_order() -> None:
    clock = FakeClock()
    plans = [plan(clock, name="batches/slow"), plan(clock, name="batches/fast")]
    states = {
        "batches/slow": [running(), running(), finished("batches/slow")],
        "batches/fast": [running(), finished("batches/fast")],
    }
    flow = wait_many_flow(plans)
    yielded: list[str] = []
    outcome: object = None
    while True:
        try:
            action = flow.send(outcome)
        except StopIteration:
            break
        if isinstance(action, Operation):
            yielded.append(action.name)
            outcome = None
        elif isinstance(action, Sleep):
            clock.now += action.seconds
            outcome = None
        else:
            assert action.plan is not None
            outcome = states[action.plan.name].pop(0)
    assert yielded == ["batches/fast", "batches/slow"]
    assert clock.now == pytest.approx(1002.0)


def test_wait_many_polls_a_notified_name_at_once_and_the_others_on_schedule() -> None:
    clock = FakeClock()
    start = clock.now
    names = ["batches/a", "batches/b", "batches/c"]
    plans = [plan(clock, name=n, policy=PollPolicy.fixed(60.0), timeout=None) for n in names]
    done_at = {"batches/a": 1e9, "batches/b": start + 2.0, "batches/c": start + 70.0}
    flow = wait_many_flow(plans)
    polls: list[tuple[str, float]] = []
    yielded: list[tuple[str, float]] = []
    outcome: object = None
    notified = False
    while len(yielded) < 2:
        action = flow.send(outcome)
        if isinstance(action, Operation):
            yielded.append((action.name, clock.now - start))
            outcome = None
        elif isinstance(action, Sleep):
            if not notified:
                # A hint arrives 2 s into the first 60 s sleep: the sleep ends there.
                clock.now += 2.0
                notified = True
                outcome = frozenset({"batches/b", "batches/unknown"})
            else:
                clock.now += action.seconds
                outcome = frozenset()
        else:
            assert action.plan is not None
            name = action.plan.name
            polls.append((name, clock.now - start))
            outcome = finished(name) if clock.now >= done_at[name] else running(name)
    assert yielded == [("batches/b", 2.0), ("batches/c", 120.0)]
    # b: polled at 0 and, out of turn, at 2; a and c keep their 60 s schedule.
    assert [t for n, t in polls if n == "batches/b"] == [0.0, 2.0]
    assert [t for n, t in polls if n == "batches/a"] == [0.0, 60.0, 120.0]
    assert [t for n, t in polls if n == "batches/c"] == [0.0, 60.0, 120.0]
