"""Operations: the synchronous client. Its async mirror is _async_client.py, line for line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from contextlib import nullcontext
from types import TracebackType
from typing import Any, Literal, overload

import httpx

from gemini_ops._base import BaseOperations, OperationRef, ProgressCallback, Target
from gemini_ops._core import timing
from gemini_ops._core.config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from gemini_ops._core.errors import GeminiOpsError
from gemini_ops._core.fleet import Detect, ListPage, check_detect
from gemini_ops._core.jobs import Job
from gemini_ops._core.operation import Operation, OperationsPage
from gemini_ops._core.pagination import PageTokens
from gemini_ops._core.polling import (
    MAX_LONG_POLLS_IN_FLIGHT,
    MAX_POLLS_IN_FLIGHT,
    Deadline,
    Finished,
    Poll,
    PollPolicy,
    WaitPlan,
    Wake,
    fleet_flow,
    wait_flow,
)
from gemini_ops._http.clients import borrow_client, build_client, detach
from gemini_ops._http.deadline import deadline_scope
from gemini_ops._http.limits import DEFAULT_MAX_RESPONSE_BYTES
from gemini_ops._notifications import Notifications, Subscription, listen
from gemini_ops_api import AuthenticatedClient


def _pause(seconds: float, listening: Subscription | None) -> frozenset[str]:
    """Sleep between polls, until ``seconds`` pass or a name listened for is published."""
    if listening is None:
        timing.sleep(seconds)
        return frozenset()
    return listening.sleep(seconds)


class Operations(BaseOperations[httpx.Client]):
    """Get, list, cancel, delete and wait for long-running operations (synchronous).

    Settings come from the arguments, then the environment (``GEMINI_API_KEY`` /
    ``GOOGLE_API_KEY``; ``GOOGLE_GENAI_USE_VERTEXAI``, ``GOOGLE_CLOUD_PROJECT``,
    ``GOOGLE_CLOUD_LOCATION``; ``GEMINI_OPS_BASE_URL``). ``timeout`` is per request, in seconds
    (None: no limit): it bounds each attempt as a whole, headers and body however slowly they
    arrive; ``max_retries`` bounds the retries of one request on 408/429/5xx and connection
    errors, and a call with its retries ends within ``timeout * (max_retries + 1)``. Redirects
    are never followed (``InvalidResponseError``). ``base_url`` sends every request to another
    host (the API version is appended). ``http_client`` is an ``httpx.Client`` of your own
    to send through (never closed here). ``max_response_bytes`` (default 32 MiB) bounds each
    answer's decoded body, error answers included: a larger one raises ``InvalidResponseError``
    once that much has been read. A client configured for both backends chooses per call with
    ``auth=``.

    Every method takes an operation's full name or an ``Operation``, and the same for jobs (Vertex
    AI jobs, Gemini API tuned models: see docs/jobs.md), answered as a ``Job``. Names are validated
    before any request (``InvalidNameError``); a method Google does not serve on a family raises
    ``UnsupportedMethodError``. Safe to share across threads.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        vertex_ai: bool | None = None,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            api_key=api_key,
            vertex_ai=vertex_ai,
            project=project,
            location=location,
            credentials=credentials,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
        )

    def __enter__(self) -> Operations:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections this client opened (not an ``http_client`` you passed in)."""
        for client in self._take_clients():
            client.close()

    def raw_client(self, auth: str | None = None) -> AuthenticatedClient:
        """The generated low-level client, sending through this client's httpx client.

        Raw calls get the same auth, retries, base URL and typed errors, over this client's
        connections; the generated client has an httpx client of its own, so closing it (``with
        ops.raw_client() as raw:``) or ``raw.with_headers(...)`` leaves this client unchanged.
        Use it for what the facade does not cover; see ``gemini_ops_api.api``.
        """
        backend = self._raw_backend(auth)
        http = self._client_for(backend, build_client)
        raw = AuthenticatedClient(base_url=str(http.base_url), token="")
        raw.set_httpx_client(borrow_client(http))
        return raw

    def _send(self, target: Target) -> httpx.Response:
        http = self._client_for(target.backend, build_client)
        spec = target.spec
        url = self._url(target)
        return http.request(spec.method, url, params=spec.params, json=spec.json)

    @overload
    def get(self, operation: Job, *, auth: str | None = None) -> Job: ...

    @overload
    def get(self, operation: OperationRef, *, auth: str | None = None) -> Operation: ...

    def get(self, operation: OperationRef, *, auth: str | None = None) -> Operation:
        """Fetch the current state of an operation, or of a job (a ``Job``).

        Veo operations on Vertex AI (``publishers/*/models/*/operations/*``) are read through
        ``fetchPredictOperation``, the only method Google serves for them.
        """
        target = self._operation_target(operation, "get", auth)
        return self._parse_operation(target, self._send(target))

    def list(
        self,
        parent: str | None = None,
        *,
        page_size: int | None = None,
        page_token: str | None = None,
        filter: str | None = None,
        auth: str | None = None,
    ) -> OperationsPage:
        """One page of the operations under ``parent`` (``batches``, ``tunedModels/m``, ...).

        A job collection (``projects/p/locations/l/batchPredictionJobs``, ``tunedModels``, ...)
        gives a page of ``Job``s, read from the collection's own list field.

        Without a parent: the configured Vertex AI location, or on the Gemini API the
        top-level ``operations`` (v1 only; v1beta asks for a parent with a ValueError).
        ``filter`` is e.g. ``done=true``.
        """
        target = self._list_target(parent, auth, page_size, page_token, filter)
        # A page can be large: decode it from a detached copy, so that each page's original
        # answer is freed by the next collection rather than piling up (see detach()).
        return self._parse_page(target, detach(self._send(target)))

    def list_all(
        self,
        parent: str | None = None,
        *,
        page_size: int | None = None,
        filter: str | None = None,
        auth: str | None = None,
    ) -> Iterator[Operation]:
        """Every operation (or job, for a job collection) under ``parent``, page by page.

        Stops on an absent or empty page token; raises PaginationError instead of looping
        forever when the server repeats a token, sends one longer than 8192 characters, or
        sends 100 pages in a row without an operation. Options are validated on the first
        ``next()``.
        """
        tokens = PageTokens(parent or "")
        token: str | None = None
        while True:
            page = self.list(
                parent, page_size=page_size, page_token=token, filter=filter, auth=auth
            )
            yield from page.operations
            token = tokens.next_token(page)
            if token is None:
                return

    def cancel(self, operation: OperationRef, *, auth: str | None = None) -> None:
        """Ask the server to cancel an operation or job (best effort; it ends later CANCELLED).

        Tuning operations (``tunedModels/*/operations/*``) are cancelled through v1, the only
        version of the Gemini API that serves their cancel.
        """
        target = self._operation_target(operation, "cancel", auth)
        self._check_empty(self._send(target), target)

    def delete(self, operation: OperationRef, *, auth: str | None = None) -> None:
        """Delete an operation record (it does not cancel it); the name then answers 404.

        For a job, Google deletes the job itself (Vertex AI answers the operation deleting it,
        which is not returned).

        Top-level ``operations/*`` are deleted through v1, the only version that serves it.
        """
        target = self._operation_target(operation, "delete", auth)
        self._check_empty(self._send(target), target)

    @overload
    def wait(
        self,
        operation: Job,
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Job: ...

    @overload
    def wait(
        self,
        operation: OperationRef,
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Operation: ...

    def wait(
        self,
        operation: OperationRef,
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Operation:
        """Poll until the operation is done; return it, succeeded or failed.

        A job is polled with GET until its ``state`` ends (docs/jobs.md says which states do).

        The first poll is immediate, then one every ``poll_interval`` seconds. ``timeout`` is a
        hard deadline in seconds on the monotonic clock (None: wait forever): no sleep and no
        request outlives it, and running out raises WaitTimeoutError carrying the last operation
        seen. Transient failures (429, 5xx, dropped connections) are polled through until the
        deadline; permanent ones (400, 401, 403, 404) raise at once. ``on_progress`` is called
        with each operation polled, the final one included. On Vertex AI, where ``:wait``
        exists, each poll long-polls with it, held at most until the next poll is due. With
        ``notifications``, a publication of this operation's name ends the current sleep: it is
        polled at once (the poll decides).
        """
        policy = PollPolicy.fixed(poll_interval)
        plan = self._wait_plan(operation, policy, timeout, on_progress, auth)
        return self._wait(plan, auth, notifications)

    @overload
    def wait_with_backoff(
        self,
        operation: Job,
        *,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        multiplier: float = 2.0,
        timeout: float | None = None,
        jitter: bool = True,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Job: ...

    @overload
    def wait_with_backoff(
        self,
        operation: OperationRef,
        *,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        multiplier: float = 2.0,
        timeout: float | None = None,
        jitter: bool = True,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Operation: ...

    def wait_with_backoff(
        self,
        operation: OperationRef,
        *,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        multiplier: float = 2.0,
        timeout: float | None = None,
        jitter: bool = True,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
    ) -> Operation:
        """Like ``wait``, with delays ``initial_delay * multiplier**n`` capped at ``max_delay``.

        Exact with ``jitter=False``; with jitter each delay falls between half its value and
        its value, never above ``max_delay``.
        """
        policy = PollPolicy.exponential(
            initial_delay=initial_delay, max_delay=max_delay, multiplier=multiplier, jitter=jitter
        )
        plan = self._wait_plan(operation, policy, timeout, on_progress, auth)
        return self._wait(plan, auth, notifications)

    @overload
    def wait_many(
        self,
        operations: Iterable[OperationRef],
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        return_exceptions: Literal[False] = False,
        detect: Detect = "auto",
    ) -> Iterator[Operation]: ...

    @overload
    def wait_many(
        self,
        operations: Iterable[OperationRef],
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
        return_exceptions: Literal[True],
        detect: Detect = "auto",
    ) -> Iterator[Operation | GeminiOpsError]: ...

    def wait_many(
        self,
        operations: Iterable[OperationRef],
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
        notifications: Notifications | None = None,
        return_exceptions: bool = False,
        detect: Detect = "auto",
    ) -> Iterator[Operation | GeminiOpsError]:
        """Wait for several operations; yield each one once, as it finishes (finishing order).

        Same options as ``wait``; ``timeout`` covers them all. Every operation follows the
        ``wait`` rules, long-polling on Vertex AI included, with at most
        ``MAX_POLLS_IN_FLIGHT`` plain polls and ``MAX_LONG_POLLS_IN_FLIGHT`` long polls in
        flight at once (sent from a pool of threads); the same requests as
        ``AsyncOperations.wait_many``.

        By default the first permanent error (e.g. a 404) is raised and ends the iteration, and
        the deadline raises WaitTimeoutError whose ``pending`` maps every unfinished operation's
        name to its last state. With ``return_exceptions=True`` nothing is raised for one
        operation: its error is yielded in its place (``error.operation_name`` says whose), the
        deadline yields a WaitTimeoutError for each unfinished operation (``error.operation``:
        its last state), and the others go on, so every operation is yielded exactly once.

        With ``notifications``, an operation whose name is published is polled at once, out of
        turn (after its poll in flight answers, if one is); the deadline is unchanged.

        ``detect`` says how finishing is seen. ``"auto"`` (the default) watches operations that
        share a listable parent (Gemini ``batches``, ``models/{m}``, ``tunedModels/{m}``; a
        Vertex AI location or resource whose operations list Google serves) through pages of
        that list, one round per ``poll_interval``, when that costs fewer requests than polling
        each: at least 10 of them, and a round of pages at most a fifth of their number.
        ``"list"`` lists every listable parent whatever the cost; ``"poll"`` polls each
        operation. An operation a round of pages did not show is polled with a GET from then
        on, and a list request that fails hands its operations back to polling: no operation
        is lost, only the saving (README, "Waiting").
        """
        detect = check_detect(detect)
        plans = self._fleet_plans(operations, poll_interval, timeout, on_progress, auth)
        listening = listen(notifications, [plan.name for plan in plans])
        with listening or nullcontext():
            yield from self._wait_fleet(plans, auth, return_exceptions, listening, detect)

    def _wait_fleet(
        self,
        plans: Sequence[WaitPlan],
        auth: str | None,
        return_exceptions: bool,
        listening: Subscription | None,
        detect: Detect,
    ) -> Iterator[Operation | GeminiOpsError]:
        sources = self._list_sources(plans, detect)
        flow = fleet_flow(
            plans, return_exceptions=return_exceptions, sources=sources, detect=detect
        )
        in_flight: dict[Future[Any], int] = {}
        # Room for list pages beside the polls, so that a page never waits for a thread.
        pool = ThreadPoolExecutor(MAX_POLLS_IN_FLIGHT + MAX_LONG_POLLS_IN_FLIGHT + 4, "gemini-ops")
        answer: object = None
        try:
            while True:
                try:
                    action = flow.send(answer)
                except StopIteration:
                    return
                answer = None
                if isinstance(action, Poll | ListPage):
                    poll: Future[Any]
                    if isinstance(action, Poll):
                        assert action.plan is not None
                        poll = pool.submit(self._poll_once, action.plan, action.server_wait, auth)
                    else:
                        poll = pool.submit(self._list_once, action, plans[0].deadline, auth)
                    in_flight[poll] = action.index
                    if listening is not None:
                        poll.add_done_callback(listening.ring)
                elif isinstance(action, Finished):
                    yield action.outcome
                elif listening is not None:
                    # One wait for both: a poll's answer rings, a publication notifies.
                    published = listening.sleep(action.seconds)
                    done = [poll for poll in in_flight if poll.done()]
                    answer = Wake(
                        [(in_flight.pop(poll), poll.result()) for poll in done], published
                    )
                elif in_flight:
                    answered, _ = futures_wait(
                        in_flight, timeout=action.seconds, return_when=FIRST_COMPLETED
                    )
                    answer = [(in_flight.pop(poll), poll.result()) for poll in answered]
                else:
                    timing.sleep(action.seconds)
        finally:
            # Let the polls in flight end (a long poll holds at most one poll interval), so
            # that none outlives the iteration on a connection that is about to close.
            pool.shutdown(wait=True, cancel_futures=True)

    def _wait(
        self, plan: WaitPlan, auth: str | None, notifications: Notifications | None
    ) -> Operation:
        listening = listen(notifications, [plan.name])
        flow = wait_flow(plan)
        outcome: object = None
        with listening or nullcontext():
            while True:
                try:
                    action = flow.send(outcome)
                except StopIteration as done:
                    result: Operation = done.value
                    return result
                if isinstance(action, Poll):
                    outcome = self._poll_once(plan, action.server_wait, auth)
                else:
                    outcome = _pause(action.seconds, listening)

    def _poll_once(
        self, plan: WaitPlan, server_wait: float | None, auth: str | None
    ) -> Operation | GeminiOpsError:
        try:
            with deadline_scope(plan.deadline.at):
                target = self._poll_target(plan, server_wait, auth)
                return self._parse_operation(target, self._send(target))
        except GeminiOpsError as exc:
            return exc

    def _list_once(
        self, page: ListPage, deadline: Deadline, auth: str | None
    ) -> OperationsPage | GeminiOpsError:
        try:
            with deadline_scope(deadline.at):
                target = self._fleet_list_target(page, auth)
                return self._parse_page(target, detach(self._send(target)))
        except GeminiOpsError as exc:
            return exc
