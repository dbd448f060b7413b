"""Operations: the synchronous client. Its async mirror is _async_client.py, line for line."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

import httpx

from gemini_ops._base import BaseOperations, OperationRef, ProgressCallback, Target
from gemini_ops._core.config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from gemini_ops._core.errors import GeminiOpsError
from gemini_ops._core.operation import Operation, OperationsPage
from gemini_ops._core.pagination import PageTokens
from gemini_ops._core.polling import Poll, PollPolicy, Sleep, WaitPlan, wait_flow, wait_many_flow
from gemini_ops._http.clients import build_client, detach
from gemini_ops._http.deadline import deadline_scope
from gemini_ops_api import AuthenticatedClient


def _sleep(seconds: float) -> None:
    """Sleep between polls; the one place waits sleep, so tests can replace it."""
    time.sleep(seconds)


class Operations(BaseOperations[httpx.Client]):
    """Get, list, cancel, delete and wait for long-running operations (synchronous).

    Settings come from the arguments, then the environment (``GEMINI_API_KEY`` /
    ``GOOGLE_API_KEY``; ``GOOGLE_GENAI_USE_VERTEXAI``, ``GOOGLE_CLOUD_PROJECT``,
    ``GOOGLE_CLOUD_LOCATION``; ``GEMINI_OPS_BASE_URL``). ``timeout`` is per request, in seconds
    (None: no limit); ``max_retries`` bounds the retries of one request on 408/429/5xx and
    connection errors. ``base_url`` sends every request to another host (the API version is
    appended). ``http_client`` is an ``httpx.Client`` of your own to send through (never closed
    here). A client configured for both backends chooses per call with ``auth=``.

    Every method takes an operation's full name or an ``Operation``. Names are validated before
    any request (``InvalidNameError``); a method Google does not serve on a family raises
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

        Raw calls get the same auth, retries, base URL and typed errors. Use it for what the
        facade does not cover; see ``gemini_ops_api.api``.
        """
        backend = self._raw_backend(auth)
        http = self._client_for(backend, build_client)
        raw = AuthenticatedClient(base_url=str(http.base_url), token="")
        raw.set_httpx_client(http)
        return raw

    def _send(self, target: Target) -> httpx.Response:
        http = self._client_for(target.backend, build_client)
        spec = target.spec
        url = self._url(target)
        return http.request(spec.method, url, params=spec.params, json=spec.json)

    def get(self, operation: OperationRef, *, auth: str | None = None) -> Operation:
        """Fetch the current state of an operation.

        Veo operations on Vertex AI (``publishers/*/models/*/operations/*``) are read through
        ``fetchPredictOperation``, the only method Google serves for them.
        """
        target = self._operation_target(operation, "get", auth)
        return self._parse_operation(self._send(target))

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

        Without a parent: the configured Vertex AI location, or on the Gemini API the
        top-level ``operations`` (v1 only; v1beta asks for a parent with a ValueError).
        ``filter`` is e.g. ``done=true``.
        """
        target = self._list_target(parent, auth, page_size, page_token, filter)
        # A page can be large: decode it from a detached copy, so that each page's original
        # answer is freed by the next collection rather than piling up (see detach()).
        return self._parse_page(detach(self._send(target)))

    def list_all(
        self,
        parent: str | None = None,
        *,
        page_size: int | None = None,
        filter: str | None = None,
        auth: str | None = None,
    ) -> Iterator[Operation]:
        """Every operation under ``parent``, fetched lazily page by page.

        Stops on an absent or empty page token; raises PaginationError if the server repeats
        a token instead of looping forever. Options are validated on the first ``next()``.
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
        """Ask the server to cancel an operation (best effort; it ends later as CANCELLED).

        Tuning operations (``tunedModels/*/operations/*``) are cancelled through v1, the only
        version of the Gemini API that serves their cancel.
        """
        self._check_empty(self._send(self._operation_target(operation, "cancel", auth)))

    def delete(self, operation: OperationRef, *, auth: str | None = None) -> None:
        """Delete an operation record (it does not cancel it); the name then answers 404.

        Top-level ``operations/*`` are deleted through v1, the only version that serves it.
        """
        self._check_empty(self._send(self._operation_target(operation, "delete", auth)))

    def wait(
        self,
        operation: OperationRef,
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
    ) -> Operation:
        """Poll until the operation is done; return it, succeeded or failed.

        The first poll is immediate, then one every ``poll_interval`` seconds. ``timeout`` is a
        hard deadline in seconds on the monotonic clock (None: wait forever): no sleep and no
        request outlives it, and running out raises WaitTimeoutError carrying the last operation
        seen. Transient failures (429, 5xx, dropped connections) are polled through until the
        deadline; permanent ones (400, 401, 403, 404) raise at once. ``on_progress`` is called
        with each operation polled, the final one included. On Vertex AI, where ``:wait``
        exists, each poll long-polls with it.
        """
        policy = PollPolicy.fixed(poll_interval)
        plan = self._wait_plan(operation, policy, timeout, on_progress, auth)
        return self._wait(plan, auth)

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
    ) -> Operation:
        """Like ``wait``, with delays ``initial_delay * multiplier**n`` capped at ``max_delay``.

        Exact with ``jitter=False``; with jitter each delay falls between half its value and
        its value, never above ``max_delay``.
        """
        policy = PollPolicy.exponential(
            initial_delay=initial_delay, max_delay=max_delay, multiplier=multiplier, jitter=jitter
        )
        plan = self._wait_plan(operation, policy, timeout, on_progress, auth)
        return self._wait(plan, auth)

    def wait_many(
        self,
        operations: Iterable[OperationRef],
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        auth: str | None = None,
    ) -> Iterator[Operation]:
        """Wait for several operations; yield each one as it finishes (in finishing order).

        Same options and errors as ``wait``; ``timeout`` covers them all. Operations are polled
        in turn from this thread, each at most every ``poll_interval`` seconds.
        """
        policy = PollPolicy.fixed(poll_interval)
        plans = [self._wait_plan(op, policy, timeout, on_progress, auth) for op in operations]
        flow = wait_many_flow(plans)
        outcome: object = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration:
                return
            if isinstance(action, Operation):
                yield action
                outcome = None
            elif isinstance(action, Sleep):
                _sleep(action.seconds)
                outcome = None
            elif action.plan is not None:
                outcome = self._poll_once(action.plan, None, auth)

    def _wait(self, plan: WaitPlan, auth: str | None) -> Operation:
        flow = wait_flow(plan)
        outcome: object = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as done:
                result: Operation = done.value
                return result
            if isinstance(action, Poll):
                outcome = self._poll_once(plan, action.server_wait, auth)
            else:
                _sleep(action.seconds)
                outcome = None

    def _poll_once(
        self, plan: WaitPlan, server_wait: float | None, auth: str | None
    ) -> Operation | GeminiOpsError:
        try:
            with deadline_scope(plan.deadline.at):
                target = self._poll_target(plan, server_wait, auth)
                return self._parse_operation(self._send(target))
        except GeminiOpsError as exc:
            return exc
