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
    Finished,
    Poll,
    PollPolicy,
    Sleep,
    WaitPlan,
    Wake,
    fleet_flow,
    is_transient,
    wait_flow,
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
        wait_flow(plan(clock, timeout=100, long_poll=True, policy=PollPolicy.fixed(30.0))),
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
    flow = wait_flow(plan(clock, timeout=4.0, long_poll=True, policy=PollPolicy.fixed(10.0)))
    first = next(flow)
    assert isinstance(first, Poll)
    assert first.server_wait == 4.0


def test_long_poll_never_holds_longer_than_the_poll_interval() -> None:
    clock = FakeClock()
    actions, result = drive(
        wait_flow(plan(clock, timeout=100, long_poll=True, policy=PollPolicy.fixed(2.0))),
        clock,
        [running(), running(), finished()],
        poll_cost=2.0,
    )
    assert [a.server_wait for a in actions if isinstance(a, Poll)] == [2.0, 2.0, 2.0]
    assert not [a for a in actions if isinstance(a, Sleep)]
    assert result.done


def test_is_transient() -> None:
    assert is_transient(api_error(ServiceUnavailableError, 503))
    assert is_transient(api_error(RateLimitError, 429))
    assert is_transient(TransportError("x"))
    assert not is_transient(api_error(NotFoundError, 404))
    assert not is_transient(ValueError("x"))


def run_fleet(
    plans: list[WaitPlan],
    clock: FakeClock,
    script: dict[str, list[object]],
    *,
    poll_cost: float = 0.0,
    **options: object,
) -> tuple[list[Operation | Exception], list[list[Poll]]]:
    """Drive ``fleet_flow`` like a client does: polls in flight answer after ``poll_cost``.

    Returns what was finished, in order, and the polls started in each round.
    """
    flow = fleet_flow(plans, **options)  # type: ignore[arg-type]
    results: list[Operation | Exception] = []
    rounds: list[list[Poll]] = [[]]
    in_flight: list[Poll] = []
    answer: object = None
    while True:
        try:
            action = flow.send(answer)
        except StopIteration:
            return results, rounds
        answer = None
        if isinstance(action, Poll):
            assert action.plan is not None
            in_flight.append(action)
            rounds[-1].append(action)
        elif isinstance(action, Finished):
            results.append(action.outcome)
        elif in_flight:
            clock.now += min(poll_cost, action.seconds) if poll_cost else 0.0
            answer = [(p.index, script[p.plan.name].pop(0)) for p in in_flight if p.plan]
            in_flight = []
            rounds.append([])
        else:
            clock.now += action.seconds
            rounds.append([])


def names_of(results: list[Operation | Exception]) -> list[str]:
    return [r.name if isinstance(r, Operation) else str(r.operation_name) for r in results]  # type: ignore[attr-defined]


def test_fleet_interleaves_and_yields_in_finishing_order() -> None:
    clock = FakeClock()
    plans = [plan(clock, name="batches/slow"), plan(clock, name="batches/fast")]
    script: dict[str, list[object]] = {
        "batches/slow": [running(), running(), finished("batches/slow")],
        "batches/fast": [running(), finished("batches/fast")],
    }
    results, _ = run_fleet(plans, clock, script)
    assert names_of(results) == ["batches/fast", "batches/slow"]
    assert clock.now == pytest.approx(1002.0)


def fleet_of(clock: FakeClock, count: int, **options: object) -> list[WaitPlan]:
    deadline = Deadline.after(options.pop("timeout", 10.0), clock)  # type: ignore[arg-type]
    return [
        plan(clock, name=f"batches/b{i}", **options)._replace(deadline=deadline)
        for i in range(count)
    ]  # type: ignore[arg-type]


def test_fleet_reports_a_404_and_goes_on_with_the_others() -> None:
    clock = FakeClock()
    plans = fleet_of(clock, 20)
    script: dict[str, list[object]] = {
        f"batches/b{i}": [running(), finished(f"batches/b{i}")] for i in range(20)
    }
    script["batches/b7"] = [api_error(NotFoundError, 404)]
    results, _ = run_fleet(plans, clock, script, return_exceptions=True)
    assert sorted(names_of(results)) == sorted(f"batches/b{i}" for i in range(20))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], NotFoundError)
    assert errors[0].operation_name == "batches/b7"
    assert all(r.done for r in results if isinstance(r, Operation))


def test_fleet_raises_the_first_permanent_error_by_default() -> None:
    clock = FakeClock()
    plans = fleet_of(clock, 3)
    script: dict[str, list[object]] = {p.name: [running()] * 5 for p in plans}
    script["batches/b1"] = [api_error(NotFoundError, 404)]
    with pytest.raises(NotFoundError):
        run_fleet(plans, clock, script)


def test_fleet_timeout_carries_the_last_state_of_every_unfinished_operation() -> None:
    clock = FakeClock()
    plans = fleet_of(clock, 4, timeout=5.0)

    def progress(name: str, n: int) -> Operation:
        return Operation.from_dict({"name": name, "metadata": {"step": n}})

    script: dict[str, list[object]] = {
        p.name: [progress(p.name, n) for n in range(100)] for p in plans
    }
    script["batches/b0"] = [running("batches/b0"), finished("batches/b0")]
    with pytest.raises(WaitTimeoutError) as caught:
        run_fleet(fleet_of(clock, 4, timeout=5.0), clock, {k: list(v) for k, v in script.items()})
    pending = caught.value.pending
    assert sorted(pending) == ["batches/b1", "batches/b2", "batches/b3"]
    for name, last in pending.items():
        assert isinstance(last, Operation)
        assert last.name == name
        assert last.metadata == {"step": 4}  # polls at 0, 1, ..., 4 s; 5 s is the deadline

    clock.now = 1000.0
    results, _ = run_fleet(plans, clock, script, return_exceptions=True)
    assert names_of(results)[0] == "batches/b0"
    timeouts = [r for r in results if isinstance(r, WaitTimeoutError)]
    assert sorted(t.operation_name for t in timeouts) == ["batches/b1", "batches/b2", "batches/b3"]  # type: ignore[type-var]
    assert all(isinstance(t.operation, Operation) for t in timeouts)
    assert len(results) == 4


def test_fleet_long_polls_within_its_limit_and_plain_polls_the_rest() -> None:
    clock = FakeClock()
    plans = fleet_of(clock, 5, long_poll=True, timeout=100.0)
    script: dict[str, list[object]] = {p.name: [running(p.name), finished(p.name)] for p in plans}
    results, rounds = run_fleet(plans, clock, script, poll_cost=1.0, max_long_polls=2, max_polls=2)
    assert len(results) == 5
    first = rounds[0]
    # Two long polls and two plain polls in flight; the fifth waits for a free slot.
    assert [p.server_wait is not None for p in first] == [True, True, False, False]
    assert all(p.server_wait is None or p.server_wait <= 1.0 for r in rounds for p in r)
    for polls in rounds:
        assert sum(p.server_wait is not None for p in polls) <= 2
        assert sum(p.server_wait is None for p in polls) <= 2


def test_fleet_of_nothing_finishes_at_once() -> None:
    assert run_fleet([], FakeClock(), {}) == ([], [[]])


def drive_hinted_fleet(
    plans: list[WaitPlan],
    clock: FakeClock,
    done_at: dict[str, float],
    hints: list[tuple[float, frozenset[str]]],
    *,
    poll_cost: float = 0.0,
    finishes: int,
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Drive ``fleet_flow`` as a client with notifications does, sending back ``Wake``s.

    A poll sees the state at its start and answers ``poll_cost`` later. ``hints`` are
    ``(seconds from the start, names)`` published then: the sleep under way ends there. Returns
    the polls and the finished operations, each with its time, once ``finishes`` finished.
    """
    start = clock.now
    flow = fleet_flow(plans)
    polls: list[tuple[str, float]] = []
    yielded: list[tuple[str, float]] = []
    in_flight: list[tuple[int, Operation | BaseException]] = []
    answer_at = start
    answer: object = None
    while len(yielded) < finishes:
        action = flow.send(answer)
        answer = None
        if isinstance(action, Poll):
            assert action.plan is not None
            name = action.plan.name
            polls.append((name, clock.now - start))
            seen = finished(name) if clock.now - start >= done_at[name] else running(name)
            in_flight.append((action.index, seen))
            answer_at = clock.now + poll_cost
        elif isinstance(action, Finished):
            assert isinstance(action.outcome, Operation)
            yielded.append((action.outcome.name, clock.now - start))
        else:
            assert isinstance(action, Sleep)
            wake_at = clock.now + action.seconds
            if in_flight:
                wake_at = min(wake_at, answer_at)
            published: frozenset[str] = frozenset()
            if hints and start + hints[0][0] < wake_at:
                at, published = hints.pop(0)
                wake_at = start + at
            clock.now = wake_at
            answers = in_flight if in_flight and clock.now >= answer_at else []
            if answers:
                in_flight = []
            answer = Wake(answers, published)
    flow.close()
    return polls, yielded


def test_fleet_polls_a_published_name_at_once_and_the_others_on_schedule() -> None:
    clock = FakeClock()
    names = ["batches/a", "batches/b", "batches/c"]
    plans = [plan(clock, name=n, policy=PollPolicy.fixed(60.0), timeout=None) for n in names]
    done_at = {"batches/a": 1e9, "batches/b": 2.0, "batches/c": 70.0}
    # 2 s into the first 60 s sleep, b (and a name nobody waits for) is published.
    hints = [(2.0, frozenset({"batches/b", "batches/unknown"}))]
    polls, yielded = drive_hinted_fleet(plans, clock, done_at, hints, finishes=2)
    assert yielded == [("batches/b", 2.0), ("batches/c", 120.0)]
    # b: polled at 0 and, out of turn, at 2; a and c keep their 60 s schedule.
    assert [t for n, t in polls if n == "batches/b"] == [0.0, 2.0]
    assert [t for n, t in polls if n == "batches/a"] == [0.0, 60.0, 120.0]
    assert [t for n, t in polls if n == "batches/c"] == [0.0, 60.0, 120.0]


def test_fleet_polls_again_at_once_when_the_name_is_published_during_its_poll() -> None:
    clock = FakeClock()
    names = ["batches/a", "batches/b"]
    plans = [plan(clock, name=n, policy=PollPolicy.fixed(60.0), timeout=None) for n in names]
    # b finishes just after its first poll started; the hint comes while that poll is out.
    done_at = {"batches/a": 1e9, "batches/b": 0.25}
    hints = [(0.5, frozenset({"batches/b"}))]
    polls, yielded = drive_hinted_fleet(plans, clock, done_at, hints, poll_cost=1.0, finishes=1)
    # That poll answers "running" at 1 s; b is polled again then, not 60 s later.
    assert [t for n, t in polls if n == "batches/b"] == [0.0, 1.0]
    assert yielded == [("batches/b", 2.0)]
    assert [t for n, t in polls if n == "batches/a"] == [0.0]
