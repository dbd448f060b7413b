"""List-based detection in the pure fleet flow: which lists, what a page proves, fallbacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from gemini_ops import (
    InvalidArgumentError,
    NotFoundError,
    Operation,
    PermissionDeniedError,
    WaitTimeoutError,
)
from gemini_ops._core.fleet import (
    LIST_MIN_OPERATIONS,
    RUNNING_FILTER,
    ListPage,
    ListSource,
    check_detect,
    list_source,
)
from gemini_ops._core.names import parse_name
from gemini_ops._core.operation import OperationsPage
from gemini_ops._core.polling import Finished, Poll, PollPolicy, fleet_flow

from .test_polling import FakeClock, plan

VERTEX = "projects/p/locations/us-central1"


class Server:
    """Operations that end at scripted times on a fake clock, served by GET and by list pages.

    ``extra`` running operations nobody waits for sit under the same parent, listed before the
    waited ones (``extra_first``) or after them. Every request is
    counted; ``list_errors`` are the answers of the next list requests (then pages again).
    """

    def __init__(
        self,
        clock: FakeClock,
        ends: Mapping[str, float | None],
        *,
        parent: str = "batches",
        extra: int = 0,
        page_size: int = 1000,
        list_errors: list[Exception] | None = None,
        honours_filter: bool = True,
        extra_first: bool = True,
    ) -> None:
        self.clock = clock
        others: dict[str, float | None] = {f"{parent}/x{i}": None for i in range(extra)}
        self.ends = {**others, **ends} if extra_first else {**ends, **others}
        self.page_size = page_size
        self.list_errors = list_errors or []
        self.honours_filter = honours_filter
        self.requests: Counter[str] = Counter()
        self.filters: list[str | None] = []

    def operation(self, name: str) -> Operation:
        end = self.ends[name]
        done = end is not None and self.clock.now >= end
        data: dict[str, Any] = {"name": name, "metadata": {"t": self.clock.now}}
        if done:
            data.update(done=True, response={})
        return Operation.from_dict(data)

    def get(self, name: str) -> Operation | Exception:
        self.requests[f"GET {name}"] += 1
        if name not in self.ends:
            return NotFoundError("gone", http_status=404)
        return self.operation(name)

    def page(self, page: ListPage) -> OperationsPage | Exception:
        self.requests[f"LIST {page.parent}"] += 1
        self.filters.append(page.filter)
        if self.list_errors:
            return self.list_errors.pop(0)
        shown = [self.operation(name) for name in self.ends if name.startswith(page.parent)]
        if page.filter == RUNNING_FILTER and self.honours_filter:
            shown = [op for op in shown if not op.done]
        start = int(page.page_token or 0)
        chunk = shown[start : start + min(page.page_size, self.page_size)]
        token = str(start + len(chunk)) if start + len(chunk) < len(shown) else None
        return OperationsPage(operations=tuple(chunk), next_page_token=token)


def run(
    server: Server,
    names: list[str],
    *,
    detect: str,
    timeout: float = 100.0,
    interval: float = 1.0,
    sources: list[ListSource | None] | None = None,
) -> list[Operation | Exception]:
    """Drive ``fleet_flow`` against ``server``: requests answer at the next sleep, instantly."""
    clock = server.clock
    plans = [
        plan(clock, name=name, timeout=timeout, policy=PollPolicy.fixed(interval)) for name in names
    ]
    if sources is None:
        sources = [list_source(parse_name(name), "v1") for name in names]
    flow = fleet_flow(plans, return_exceptions=True, sources=sources, detect=detect)  # type: ignore[arg-type]
    results: list[Operation | Exception] = []
    in_flight: list[tuple[int, Any]] = []
    answer: object = None
    while True:
        try:
            action = flow.send(answer)
        except StopIteration:
            return results
        answer = None
        if isinstance(action, Poll):
            assert action.plan is not None
            in_flight.append((action.index, server.get(action.plan.name)))
        elif isinstance(action, ListPage):
            in_flight.append((action.index, server.page(action)))
        elif isinstance(action, Finished):
            results.append(action.outcome)
        elif in_flight:
            answer, in_flight = in_flight, []
        else:
            clock.now += action.seconds


def name_of(item: Operation | Exception) -> str:
    return item.name if isinstance(item, Operation) else str(item.operation_name)  # type: ignore[attr-defined]


def gets(server: Server) -> int:
    return sum(n for key, n in server.requests.items() if key.startswith("GET"))


def lists(server: Server) -> int:
    return sum(n for key, n in server.requests.items() if key.startswith("LIST"))


def batches(count: int, start: float = 1000.0) -> dict[str, float | None]:
    return {f"batches/b{i}": start + 0.25 * i for i in range(count)}


@pytest.mark.parametrize("extra_first", [True, False])
def test_list_detection_finishes_every_operation_once_from_the_pages(extra_first: bool) -> None:
    clock = FakeClock()
    ends = batches(40)
    server = Server(clock, ends, extra=200, page_size=100, extra_first=extra_first)
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert all(isinstance(r, Operation) and r.done for r in results)
    assert gets(server) == 0  # every one was seen done in a page
    # 11 rounds (the ends span 10 s at a 1 s interval) of 3 pages (240 operations, 100 a
    # page), or of 1 page when the first one shows them all; the last round may end early.
    if extra_first:
        assert 3 * 10 < lists(server) <= 3 * 11
    else:
        assert lists(server) == 11


def test_auto_lists_when_it_costs_a_fifth_of_polling_and_polls_otherwise() -> None:
    ends = batches(40)
    listed = Server(FakeClock(), ends, extra=100)
    run(listed, list(ends), detect="auto")
    polled = Server(FakeClock(), ends, extra=100)
    run(polled, list(ends), detect="poll")
    assert lists(polled) == 0
    assert lists(listed) + gets(listed) <= (lists(polled) + gets(polled)) / 5


def test_auto_gives_up_a_list_longer_than_polling_within_the_first_round() -> None:
    clock = FakeClock()
    ends = batches(LIST_MIN_OPERATIONS)
    server = Server(clock, ends, extra=5_000, page_size=100)
    results = run(server, list(ends), detect="auto")
    assert sorted(map(name_of, results)) == sorted(ends)
    # 10 operations: two pages cost a fifth of polling them once, the third one more.
    assert lists(server) == 3
    assert gets(server) >= len(ends)


def test_auto_does_not_list_a_few_operations() -> None:
    ends = batches(LIST_MIN_OPERATIONS - 1)
    server = Server(FakeClock(), ends)
    run(server, list(ends), detect="auto")
    assert lists(server) == 0


def test_an_operation_no_page_shows_is_fetched_with_a_get() -> None:
    clock = FakeClock()
    ends = batches(12)
    server = Server(clock, ends)
    names = [*ends, "batches/ghost"]
    results = run(server, names, detect="list")
    assert sorted(map(name_of, results)) == sorted(names)
    ghost = [r for r in results if not isinstance(r, Operation)]
    assert len(ghost) == 1
    assert isinstance(ghost[0], NotFoundError)
    assert server.requests["GET batches/ghost"] == 1  # and never again: it is polled alone
    assert gets(server) == 1


def test_under_the_running_filter_a_finished_operation_costs_one_get() -> None:
    clock = FakeClock()
    ends = {f"{VERTEX}/operations/o{i}": 1000.0 + 0.5 * i for i in range(12)}
    server = Server(clock, ends, parent=VERTEX)
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert set(server.filters) == {RUNNING_FILTER}
    assert all(server.requests[f"GET {name}"] == 1 for name in ends)


def test_a_server_that_ignores_the_filter_changes_nothing_but_the_pages() -> None:
    clock = FakeClock()
    ends = {f"{VERTEX}/operations/o{i}": 1000.0 + 0.5 * i for i in range(12)}
    server = Server(clock, ends, parent=VERTEX, honours_filter=False)
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert gets(server) == 0  # done ones were shown, done


@pytest.mark.parametrize(
    "error",
    [
        PermissionDeniedError("no", http_status=403),
        WaitTimeoutError("slow", None),
    ],
)
def test_a_failed_list_hands_its_operations_back_to_polling(error: Exception) -> None:
    clock = FakeClock()
    ends = batches(12)
    server = Server(clock, ends, list_errors=[error])
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert all(isinstance(r, Operation) and r.done for r in results)
    assert lists(server) == 1
    assert all(server.requests[f"GET {name}"] >= 1 for name in ends)


def test_a_repeated_page_token_hands_the_operations_back() -> None:
    clock = FakeClock()
    ends = batches(12)
    server = Server(clock, ends, extra=20, page_size=10)
    original = server.page

    def stuck(page: ListPage) -> OperationsPage | Exception:
        answer = original(attrs.evolve(page, page_token=None))
        assert isinstance(answer, OperationsPage)
        return OperationsPage(operations=answer.operations, next_page_token="same")

    server.page = stuck  # type: ignore[method-assign]
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert lists(server) == 2  # the second page repeated the token: no third


def test_a_refused_filter_is_dropped_for_that_parent() -> None:
    clock = FakeClock()
    ends: dict[str, float | None] = {
        f"{VERTEX}/operations/o{i}": 1000.0 + 0.5 * i for i in range(12)
    }
    refused = InvalidArgumentError("bad filter", http_status=400)
    server = Server(clock, ends, parent=VERTEX, list_errors=[refused])
    results = run(server, list(ends), detect="list")
    assert sorted(map(name_of, results)) == sorted(ends)
    assert server.filters[0] == RUNNING_FILTER
    assert set(server.filters[1:]) == {None}
    assert gets(server) == 0


def test_the_deadline_ends_listed_operations_with_their_last_state() -> None:
    clock = FakeClock()
    ends: dict[str, float | None] = {f"batches/n{i}": None for i in range(12)}
    server = Server(clock, ends)
    results = run(server, list(ends), detect="list", timeout=3.5)
    assert sorted(map(name_of, results)) == sorted(ends)
    assert all(isinstance(r, WaitTimeoutError) for r in results)
    for r in results:
        assert isinstance(r, WaitTimeoutError)
        assert isinstance(r.operation, Operation)
        assert r.operation.metadata == {"t": 1003.0}  # seen in the last round before 3.5 s
    assert gets(server) == 0
    assert lists(server) == 4


def test_list_sources() -> None:
    def source(name: str, version: str = "v1") -> ListSource | None:
        return list_source(parse_name(name), version)

    assert source("batches/b1") == ListSource("batches", None)
    assert source("models/veo/operations/o1") == ListSource("models/veo", None)
    assert source("tunedModels/t/operations/o1") == ListSource("tunedModels/t", None)
    assert source("operations/o1") == ListSource("operations", None)
    assert source("corpora/c/operations/o1") is None
    assert source(f"{VERTEX}/operations/o1") == ListSource(VERTEX, RUNNING_FILTER)
    assert source(f"{VERTEX}/datasets/d/operations/o1") == ListSource(
        f"{VERTEX}/datasets/d", RUNNING_FILTER
    )
    assert source(f"{VERTEX}/featureGroups/g/operations/o1") is None  # Google lists none there
    assert source(f"{VERTEX}/publishers/google/models/veo/operations/o1") is None
    # Jobs are polled one by one, under any collection.
    assert source("tunedModels/t") is None
    assert source(f"{VERTEX}/batchPredictionJobs/j") is None
    assert source(f"{VERTEX}/pipelineJobs/j") is None


def test_check_detect() -> None:
    assert check_detect("auto") == "auto"
    with pytest.raises(ValueError, match="detect must be one of 'auto', 'poll', 'list'"):
        check_detect("lists")
