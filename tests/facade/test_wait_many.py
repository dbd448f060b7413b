"""wait_many for fleets: per-operation outcomes, timeouts, and one algorithm for sync and async."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest
from dual import Api
from google.oauth2.credentials import Credentials

from gemini_ops import (
    AsyncOperations,
    GeminiOpsError,
    NotFoundError,
    Operation,
    Operations,
    WaitTimeoutError,
)
from gemini_ops._core.polling import MAX_LONG_POLLS_IN_FLIGHT
from gemini_ops.testing import Emulator, instant_sleeps

from .conftest import VERTEX

pytestmark = pytest.mark.anyio


async def test_a_404_among_20_operations_still_yields_the_other_19(
    gemini: Api, emu: Emulator
) -> None:
    names = [f"batches/b{i}" for i in range(20)]
    for i, name in enumerate(names):
        if i != 13:  # batches/b13 does not exist: every poll of it answers 404
            emu.create_operation(name, duration=0.05 * (i % 5))
    seen = await gemini.collect(
        "wait_many", names, poll_interval=0.05, timeout=30, return_exceptions=True
    )
    assert sorted(
        item.name if isinstance(item, Operation) else item.operation_name for item in seen
    ) == sorted(names)
    errors = [item for item in seen if not isinstance(item, Operation)]
    assert len(errors) == 1
    assert isinstance(errors[0], NotFoundError)
    assert errors[0].operation_name == "batches/b13"
    assert all(item.done for item in seen if isinstance(item, Operation))


async def test_without_return_exceptions_a_404_still_raises(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    with pytest.raises(NotFoundError):
        await gemini.collect("wait_many", ["batches/b1", "batches/gone"], poll_interval=0.05)


async def test_a_timeout_reports_the_last_state_of_every_unfinished_operation(
    gemini: Api, emu: Emulator
) -> None:
    done = ["batches/d0", "batches/d1"]
    never = ["batches/n0", "batches/n1", "batches/n2"]
    for name in done:
        emu.create_operation(name, duration=0.0)
    for name in never:
        emu.create_operation(name, duration=None, metadata={"note": name})
    got: list[Operation] = []

    async def collect() -> None:
        iterator = gemini.ops.wait_many(done + never, poll_interval=0.05, timeout=2.0)
        if gemini.is_async:
            async for op in iterator:  # type: ignore[union-attr]
                got.append(op)
        else:
            got.extend(iterator)  # type: ignore[arg-type]

    with pytest.raises(WaitTimeoutError) as caught:
        await collect()
    assert sorted(op.name for op in got) == done
    pending = caught.value.pending
    assert sorted(pending) == never
    for name, last in pending.items():
        assert isinstance(last, Operation)
        assert last.name == name
        assert not last.done
        assert last.metadata is not None
        assert last.metadata.get("note") == name

    outcomes = await gemini.collect(
        "wait_many", done + never, poll_interval=0.05, timeout=2.0, return_exceptions=True
    )
    assert len(outcomes) == 5
    timeouts = [item for item in outcomes if isinstance(item, WaitTimeoutError)]
    assert sorted(t.operation_name for t in timeouts) == never  # type: ignore[type-var]
    assert all(isinstance(t.operation, Operation) and not t.operation.done for t in timeouts)


async def test_a_single_name_is_refused(gemini: Api) -> None:
    with pytest.raises(TypeError, match="iterable of operations"):
        await gemini.collect("wait_many", "batches/b1")


class ScriptedServer:
    """Answers each operation ``running`` for its first N polls, then done; 404 for unknowns.

    The answers depend only on how often each name was polled, never on time, so two clients
    that run the same algorithm send the same requests.
    """

    def __init__(self, polls_until_done: dict[str, int]) -> None:
        self.polls_until_done = polls_until_done
        self.seen: Counter[str] = Counter()
        self.requests: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/", 2)[2]  # drop the API version
        name = path.removesuffix(":wait")
        with self.lock:
            self.seen[name] += 1
            count = self.seen[name]
            self.requests[name].append(f"{request.method} {path} {request.url.query.decode()}")
        if name == "batches":  # a list: each batch counts as looked at once more
            with self.lock:
                for op in self.polls_until_done:
                    self.seen[op] += 1
                listed = {op: self.seen[op] for op in self.polls_until_done}
            operations = [self._answer(op, count) for op, count in listed.items()]
            operations = [op for op in operations if op["name"].startswith("batches/")]
            return httpx.Response(200, content=json.dumps({"operations": operations}).encode())
        if name not in self.polls_until_done:
            body = {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}
            return httpx.Response(404, json=body)
        return httpx.Response(200, content=json.dumps(self._answer(name, count)).encode())

    def _answer(self, name: str, count: int) -> dict[str, Any]:
        done = count > self.polls_until_done[name]
        answer: dict[str, Any] = {"name": name, "done": done}
        if done:
            answer["response"] = {}
        return answer


def _script() -> dict[str, int]:
    script = {f"batches/b{i}": i % 4 for i in range(8)}
    # No more Vertex operations than long-poll slots: which one long-polls never depends on timing.
    script.update({f"{VERTEX}/operations/v{i}": i % 3 for i in range(MAX_LONG_POLLS_IN_FLIGHT)})
    script.update({f"{VERTEX}/tuningJobs/t/operations/t{i}": 2 for i in range(3)})
    return script


def _options() -> dict[str, Any]:
    return {
        "api_key": "scripted-key",
        "credentials": Credentials(token="scripted-token"),
        "project": "p1",
        "location": "us-central1",
        "base_url": "http://scripted.invalid",
        "max_retries": 0,
    }


def test_sync_and_async_send_the_same_requests_for_the_same_scripted_server() -> None:
    names = [*_script(), "batches/missing"]

    def run_sync() -> tuple[ScriptedServer, list[str]]:
        server = ScriptedServer(_script())
        http = httpx.Client(transport=httpx.MockTransport(server))
        with Operations(http_client=http, **_options()) as ops:
            seen = ops.wait_many(names, poll_interval=0.5, return_exceptions=True)
            finished = [_label(item) for item in seen]
        return server, finished

    async def run_async() -> tuple[ScriptedServer, list[str]]:
        server = ScriptedServer(_script())
        http = httpx.AsyncClient(transport=httpx.MockTransport(server))
        async with AsyncOperations(http_client=http, **_options()) as ops:
            seen = ops.wait_many(names, poll_interval=0.5, return_exceptions=True)
            finished = [_label(item) async for item in seen]
        return server, finished

    with instant_sleeps():
        sync_server, sync_finished = run_sync()
        async_server, async_finished = asyncio.run(run_async())
    assert sorted(sync_finished) == sorted(async_finished)
    assert len(sync_finished) == len(names)
    assert dict(sync_server.requests) == dict(async_server.requests)
    # Vertex operations long-poll (in both), never longer than the poll interval.
    vertex = sync_server.requests[f"{VERTEX}/operations/v2"]
    assert vertex == [f"POST {VERTEX}/operations/v2:wait timeout=0.5s"] * 3
    assert sync_server.requests["batches/b3"] == ["GET batches/b3 "] * 4


def test_sync_and_async_send_the_same_requests_when_listing() -> None:
    script = {f"batches/l{i}": i % 4 for i in range(20)}
    names = [*script, "batches/missing"]

    def run_sync() -> ScriptedServer:
        server = ScriptedServer(script)
        http = httpx.Client(transport=httpx.MockTransport(server))
        with Operations(http_client=http, **_options()) as ops:
            assert len(list(ops.wait_many(names, poll_interval=0.5, return_exceptions=True))) == 21
        return server

    async def run_async() -> ScriptedServer:
        server = ScriptedServer(script)
        http = httpx.AsyncClient(transport=httpx.MockTransport(server))
        async with AsyncOperations(http_client=http, **_options()) as ops:
            seen = ops.wait_many(names, poll_interval=0.5, return_exceptions=True)
            assert len([item async for item in seen]) == 21
        return server

    with instant_sleeps():
        sync_server = run_sync()
        async_server = asyncio.run(run_async())
    assert dict(sync_server.requests) == dict(async_server.requests)
    # One page a round until the slowest is done (3 running answers, then done), one GET for
    # the one the pages never show, and no GET of any other.
    page = "GET batches pageSize=1000&prettyPrint=false"
    missing = ["GET batches/missing "]
    assert sync_server.requests == {"batches": [page] * 4, "batches/missing": missing}


def _label(item: Operation | GeminiOpsError) -> str:
    if isinstance(item, Operation):
        return f"done {item.name}"
    return f"{type(item).__name__} {item.operation_name}"
