"""List-based detection for fleet waits: which operations to watch through list pages (no I/O).

When many waited operations sit under one listable parent (Gemini ``batches``, a Gemini
``models/{m}`` or ``tunedModels/{m}``, a Vertex AI location or resource whose operations list
Google's discovery documents serve), one page of that list shows up to a thousand of them: a
round of pages every poll interval replaces a GET per operation per interval. ``ListDetector``
keeps that bookkeeping for ``fleet_flow``: it says which list pages to request and when, matches
what a page shows to the waited operations, and hands an operation back to per-operation polling
(a GET at once) whenever a listing cannot vouch for it.

The rules:

- **Which parents.** With ``detect="auto"``, a parent is listed when at least
  ``LIST_MIN_OPERATIONS`` waited operations sit under it, and only while one round of its pages
  costs at most ``1 / LIST_SAVING`` of polling its unfinished operations once (pages are counted
  as they come, so a parent whose list turns out longer than that is given up within the first
  round). With ``detect="list"``, every listable parent is listed whatever its size and cost.
- **The filter.** Vertex AI lists are asked for ``done=false`` (google.longrunning's list
  filter): pages then hold only running operations, and one that finished is simply absent.
  The Gemini API's lists are paged through unfiltered (google-genai refuses a ``filter`` for
  them, and what Google's server makes of one is not documented). Correctness never rests on
  the filter: an operation a round did not show is polled with a GET, and a server that ignores
  the filter only makes pages longer. A filter answered 400 is dropped for that parent.
- **What a page proves.** An operation a page shows is observed as if polled (its
  ``on_progress`` is called, a done one is finished). A round ends on the last page, or as
  soon as every operation it watches has been shown. One that a whole round did not show
  (finished under the filter, deleted, or listed out of the pages' reach) goes back to
  per-operation polling, due at once, and stays there.
- **Errors.** A list request that fails (any error) or repeats a page token gives the whole
  parent back to per-operation polling, due at once: nothing is lost, only the saving.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from gemini_ops._core import vertex_routes
from gemini_ops._core.errors import ApiError, InvalidNameError, PaginationError
from gemini_ops._core.names import ParsedName, parse_parent
from gemini_ops._core.pagination import PageTokens

if TYPE_CHECKING:
    from gemini_ops._core.operation import Operation, OperationsPage

#: How ``wait_many`` detects that operations finished: ``"auto"`` lists a parent when that
#: costs fewer requests than polling (the rules above), ``"poll"`` polls each operation,
#: ``"list"`` lists every listable parent.
Detect = Literal["auto", "poll", "list"]
DETECT_MODES: tuple[str, ...] = ("auto", "poll", "list")

#: The page size asked of every list. Google documents no maximum for these lists (other Gemini
#: lists cap at 100-1000); a server that serves fewer sends more pages, which the cost rule counts.
LIST_PAGE_SIZE = 1000
#: ``detect="auto"`` lists a parent only while a round of pages costs at most this many times
#: fewer requests than polling its unfinished operations once.
LIST_SAVING = 5
#: ``detect="auto"`` starts listing no parent with fewer waited operations than this.
LIST_MIN_OPERATIONS = 2 * LIST_SAVING
#: The filter Vertex AI lists are asked for: only the operations still running.
RUNNING_FILTER = "done=false"


def check_detect(detect: object) -> Detect:
    """``detect`` if it is one of ``DETECT_MODES``; else ValueError naming them."""
    if detect not in DETECT_MODES:
        raise ValueError(
            f"detect must be one of {', '.join(map(repr, DETECT_MODES))}, not {detect!r}"
        )
    return detect  # type: ignore[return-value]


@attrs.frozen
class ListSource:
    """Where an operation is listed: its parent's name and the filter its list is asked for."""

    parent: str
    filter: str | None


def list_source(parsed: ParsedName, version: str) -> ListSource | None:
    """The list that shows ``parsed``, or None when Google serves none for its parent (or a job).

    ``version`` is the API version configured for its backend (Vertex AI parents serve their
    list in some versions only; the Gemini API's lists are routed to a version that serves them).
    """
    if parsed.family.is_job:
        return None  # jobs are polled one by one: their lists filter and page differently
    head, _, _ = parsed.name.rpartition("/")
    if not head:
        return None
    try:
        parent = parse_parent(head)
    except InvalidNameError:
        return None  # corpora/*, generatedFiles/*, ...: no list
    if parent.pattern is None:
        return ListSource(parent.name, None)
    if "list" not in vertex_routes.served(parent.pattern).get(version, {}):
        return None
    return ListSource(parent.name, RUNNING_FILTER)


@attrs.frozen
class ListPage:
    """Action: request one page of ``parent``'s list; answer ``(index, page or error)``.

    ``index`` is the ticket the answer comes back under (it never equals an operation's index).
    """

    parent: str
    page_token: str | None
    filter: str | None
    index: int
    page_size: int = LIST_PAGE_SIZE


@attrs.define
class _Group:
    """One listed parent: its unfinished operations and the state of its current round."""

    source: ListSource
    ticket: int
    interval: float
    members: set[int]
    filter: str | None
    due: float = 0.0  # when the next round starts (while idle)
    started: float = 0.0  # when the current round started
    in_flight: bool = False
    pages: int = 0  # pages of the current round so far
    last_pages: int = 0  # pages of the last complete round
    shown: set[int] = attrs.Factory(set)
    tokens: PageTokens | None = None


@attrs.frozen
class ListAnswer:
    """What one answered page means: operations seen, operations handed back, what to request."""

    seen: Sequence[tuple[int, Operation]] = ()
    unlisted: Sequence[int] = ()
    next_page: ListPage | None = None


class ListDetector:
    """The list rounds of one fleet wait (see the module's rules); the owner does the polling.

    ``sources`` gives, for each waited operation (by index), the list that shows it (None:
    none); ``intervals`` each one's poll interval; ``first_ticket`` the first ticket number
    free for list pages. ``listed`` maps each operation watched through a list to its parent's
    group: the owner does not poll them until ``unlist``, ``answer`` or ``due`` hands them back.
    """

    def __init__(
        self,
        names: Sequence[str],
        sources: Sequence[ListSource | None],
        intervals: Sequence[float],
        detect: Detect,
        *,
        first_ticket: int,
        now: float,
    ) -> None:
        self._detect = detect
        self._by_name: dict[str, list[int]] = {}
        self._groups: dict[int, _Group] = {}  # by ticket
        self.listed: dict[int, _Group] = {}  # operation index -> its group
        by_parent: dict[ListSource, list[int]] = {}
        if detect != "poll":
            for i, source in enumerate(sources):
                if source is not None:
                    by_parent.setdefault(source, []).append(i)
        minimum = LIST_MIN_OPERATIONS if detect == "auto" else 1
        for source, members in by_parent.items():
            if len(members) < minimum:
                continue
            ticket = first_ticket + len(self._groups)
            group = _Group(
                source,
                ticket,
                min(intervals[i] for i in members),
                set(members),
                source.filter,
                due=now,
            )
            self._groups[ticket] = group
            for i in members:
                self.listed[i] = group
                self._by_name.setdefault(names[i], []).append(i)

    def __bool__(self) -> bool:
        return bool(self.listed)

    def next_due(self) -> float:
        """When the earliest idle group's next round starts (inf: none is idle)."""
        return min(
            (g.due for g in self._groups.values() if g.members and not g.in_flight),
            default=math.inf,
        )

    def due(self, now: float) -> tuple[list[ListPage], list[int]]:
        """The first pages of the rounds due at ``now``, and the operations handed back.

        A group ``detect="auto"`` no longer finds cheaper than polling (its last round's pages
        cost more than a fifth of polling what is left) hands all of its operations back here.
        """
        pages: list[ListPage] = []
        unlisted: list[int] = []
        for group in self._groups.values():
            if group.in_flight or not group.members or group.due > now:
                continue
            if self._detect == "auto" and group.last_pages * LIST_SAVING > len(group.members):
                unlisted += self._release(group, group.members)
                continue
            pages.append(self._start_round(group, now))
        return pages, unlisted

    def answer(
        self, ticket: int, outcome: OperationsPage | BaseException, now: float
    ) -> ListAnswer:
        """Take one page (or the error its request ended with) of group ``ticket``."""
        group = self._groups[ticket]
        group.in_flight = False
        if isinstance(outcome, BaseException):
            if (
                group.filter is not None
                and isinstance(outcome, ApiError)
                and (outcome.http_status == 400)
            ):
                group.filter = None  # the server refuses the filter: list without it
                return ListAnswer(next_page=self._start_round(group, now))
            return ListAnswer(unlisted=self._release(group, group.members))
        seen: list[tuple[int, Operation]] = []
        for operation in outcome.operations:
            for i in self._by_name.get(operation.name, ()):
                if i in group.members:
                    group.shown.add(i)
                    seen.append((i, operation))
        group.pages += 1
        if not group.members:
            return ListAnswer(seen)  # everything it watched finished or was handed back
        assert group.tokens is not None
        try:
            token = group.tokens.next_token(outcome)
        except PaginationError:
            return ListAnswer(seen, self._release(group, group.members))
        if self._detect == "auto" and group.pages * LIST_SAVING > len(group.members):
            # This list is longer than polling would cost: give it up at once.
            return ListAnswer(seen, self._release(group, group.members))
        if token is not None and not group.members <= group.shown:
            group.in_flight = True
            return ListAnswer(seen, next_page=self._page(group, token))
        # The last page, or every operation watched has been shown: the round is over.
        unshown = group.members - group.shown
        group.last_pages = group.pages
        group.due = group.started + group.interval
        return ListAnswer(seen, self._release(group, unshown))

    def finished(self, i: int) -> None:
        """Operation ``i`` is over: no list watches it any longer."""
        group = self.listed.pop(i, None)
        if group is not None:
            group.members.discard(i)

    def unlist(self, indices: Sequence[int] | set[int]) -> list[int]:
        """Hand these operations back to per-operation polling; returns those that were listed."""
        handed: list[int] = []
        for i in indices:
            group = self.listed.get(i)
            if group is not None:
                handed += self._release(group, {i})
        return handed

    def unlist_all(self) -> list[int]:
        """Hand every listed operation back (the deadline passed)."""
        return self.unlist(list(self.listed))

    def _start_round(self, group: _Group, now: float) -> ListPage:
        group.started = now
        group.pages = 0
        group.shown = set()
        group.tokens = PageTokens(group.source.parent)
        group.in_flight = True
        return self._page(group, None)

    def _page(self, group: _Group, token: str | None) -> ListPage:
        return ListPage(group.source.parent, token, group.filter, group.ticket)

    def _release(self, group: _Group, indices: set[int]) -> list[int]:
        released = sorted(indices & group.members)
        for i in released:
            group.members.discard(i)
            del self.listed[i]
        return released
