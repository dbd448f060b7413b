"""Waiting for fleets with ``wait_many``: detection lag, requests, client CPU, peak memory.

Every case starts from an empty emulator (its own process), seeds operations with durations
drawn uniformly over a spread (and, for some, finished operations nobody waits for under the
same parent), waits for all of them with one ``wait_many`` (``detect="poll"``: one request per
operation per interval; ``detect="list"``: list pages), and measures each operation's detection
lag (from its end on the server's clock to ``wait_many`` yielding it). Client CPU per request
is set against a raw ``httpx.AsyncClient`` GET + ``json.loads`` of an operation, measured in
the same run.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks._harness import API_KEY, VERTEX_TOKEN, Row, Server, quantile
from gemini_ops import AsyncOperations, Operations
from gemini_ops._core.fleet import Detect

LOCATION = "projects/p/locations/us-central1"
#: The concurrency of the raw baseline: the plain polls wait_many keeps in flight.
RAW_CONCURRENCY = 16


def _options(server: Server, backend: str) -> dict[str, Any]:
    if backend == "gemini":
        return {"api_key": API_KEY, "base_url": server.url}
    from google.oauth2.credentials import Credentials

    return {
        "vertex_ai": True,
        "project": "p",
        "location": "us-central1",
        "credentials": Credentials(token=VERTEX_TOKEN),
        "base_url": server.url,
    }


Runner = Callable[
    [Server, str, list[str], float, float, Detect], Callable[[Callable[[str], None]], None]
]


def _wait_async(
    server: Server,
    backend: str,
    names: list[str],
    poll_interval: float,
    timeout: float,
    detect: Detect,
) -> Callable[[Callable[[str], None]], None]:
    def go(seen: Callable[[str], None]) -> None:
        async def main() -> None:
            async with AsyncOperations(**_options(server, backend)) as ops:
                fleet = ops.wait_many(
                    names, poll_interval=poll_interval, timeout=timeout, detect=detect
                )
                async for op in fleet:
                    seen(op.name)

        asyncio.run(main())

    return go


def _wait_sync(
    server: Server,
    backend: str,
    names: list[str],
    poll_interval: float,
    timeout: float,
    detect: Detect,
) -> Callable[[Callable[[str], None]], None]:
    def go(seen: Callable[[str], None]) -> None:
        with Operations(**_options(server, backend)) as ops:
            fleet = ops.wait_many(
                names, poll_interval=poll_interval, timeout=timeout, detect=detect
            )
            for op in fleet:
                seen(op.name)

    return go


def raw_cpu_per_get(server: Server, requests: int) -> float:
    """Client CPU seconds per raw ``httpx.AsyncClient`` GET + ``json.loads`` of an operation."""
    server.seed(names=["batches/raw-0"], durations=[None])
    url = f"{server.url}/v1beta/batches/raw-0"
    headers = {"x-goog-api-key": API_KEY}

    async def main() -> float:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx.AsyncClient(limits=limits) as client:
            semaphore = asyncio.Semaphore(RAW_CONCURRENCY)

            async def one() -> None:
                async with semaphore:
                    response = await client.get(url, headers=headers)
                    json.loads(response.content)

            await asyncio.gather(*(one() for _ in range(RAW_CONCURRENCY)))  # warm up
            cpu0 = time.process_time()
            await asyncio.gather(*(one() for _ in range(requests)))
            return (time.process_time() - cpu0) / requests

    return asyncio.run(main())


@dataclass(frozen=True)
class Case:
    """One fleet wait to measure."""

    label: str
    runner: Runner
    backend: str
    template: str  # the waited names, ``{i}`` numbered
    count: int
    spread: float  # seconds over which the operations finish
    interval: float
    detect: Detect
    others: int = 0  # finished operations nobody waits for, created first under the same parent
    quick: bool = False  # also in a --quick run

    @property
    def group(self) -> str:
        among = f" among {self.count + self.others:,}" if self.others else ""
        return (
            f"wait_many {self.count:,} ops{among} over {self.spread:g} s, poll {self.interval:g} s"
        )


def _case(server: Server, case: Case, *, seed: int, raw_cpu: float) -> list[Row]:
    rng = random.Random(seed)
    names = [case.template.format(i=i) for i in range(case.count)]
    durations = [rng.uniform(0, case.spread) for _ in names]
    server.reset()
    if case.others:
        parent = case.template.rpartition("/")[0]
        server.seed(prefix=f"{parent}/history-", count=case.others, duration=0)
    ends = server.seed(names=names, durations=durations)
    server.stats()  # reset the counters
    end_of = dict(zip(names, ends, strict=True))
    lags: list[float] = []

    def seen(name: str) -> None:
        end = end_of[name]
        assert end is not None
        lags.append(time.monotonic() - end)

    go = case.runner(server, case.backend, names, case.interval, case.spread + 120, case.detect)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    go(seen)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts = server.stats()
    if len(lags) != len(names):
        raise RuntimeError(f"{case.label}: {len(lags)} of {len(names)} operations returned")
    requests = sum(counts.values())
    note = ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items()))
    per_request = cpu / requests
    p99 = quantile(lags, 0.99)
    label, group = case.label, case.group
    return [
        Row(group, f"{label}: detection lag p50", quantile(lags, 0.5)),
        Row(
            group,
            f"{label}: detection lag p99",
            p99,
            p99 / case.interval,
            note="ratio = p99 / interval",
        ),
        Row(group, f"{label}: requests per operation", requests / len(names), unit="", note=note),
        Row(
            group,
            f"{label}: client CPU per request",
            per_request,
            per_request / raw_cpu,
            note=f"ratio = / raw httpx GET + json.loads; {cpu * 1e3 / len(names):.2f} ms CPU "
            f"per operation, {cpu:.1f} s in all, wall {wall:.1f} s",
        ),
    ]


def peak_memory_per_op(server: Server, count: int, detect: Detect) -> float:
    """Peak traced bytes per operation while ``AsyncOperations.wait_many`` waits for ``count``."""
    server.reset()
    names = [f"batches/mem-{i}" for i in range(count)]
    server.seed(names=names, durations=[None] * count)

    async def main() -> None:
        async with AsyncOperations(**_options(server, "gemini")) as ops:
            await ops.get(names[0])  # the client's own setup is not per operation
            tracemalloc.start()
            seen = ops.wait_many(
                names, poll_interval=0.5, timeout=2.0, return_exceptions=True, detect=detect
            )
            async for _outcome in seen:
                pass

    asyncio.run(main())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / count


def cases(scale: float) -> list[Case]:
    """The fleet waits of the benchmark; ``scale`` 1.0 is the full sizes."""

    def n(count: int) -> int:
        return max(10, round(count * scale))

    location = LOCATION + "/operations/"
    return [
        Case("async, polling", _wait_async, "gemini", "batches/f{i}", n(10_000), 60, 10, "poll"),
        Case("async, listing", _wait_async, "gemini", "batches/f{i}", n(10_000), 60, 10, "list"),
        Case(
            "sync, polling",
            _wait_sync,
            "gemini",
            "batches/s{i}",
            n(1_000),
            10,
            1,
            "poll",
            quick=True,
        ),
        Case(
            "async, Vertex :wait",
            _wait_async,
            "vertex_ai",
            location + "l{i}",
            n(1_000),
            10,
            1,
            "poll",
        ),
        Case(
            "sync, Vertex :wait",
            _wait_sync,
            "vertex_ai",
            location + "s{i}",
            n(1_000),
            10,
            1,
            "poll",
        ),
        Case(
            "async, polling",
            _wait_async,
            "gemini",
            "batches/h{i}",
            n(1_000),
            10,
            1,
            "poll",
            n(4_000),
            quick=True,
        ),
        Case(
            "async, listing",
            _wait_async,
            "gemini",
            "batches/h{i}",
            n(1_000),
            10,
            1,
            "list",
            n(4_000),
            quick=True,
        ),
        Case("async, listing", _wait_async, "gemini", "batches/t{i}", n(2_000), 10, 1, "list"),
    ]


def run(server: Server, *, scale: float, quick: bool = False) -> list[Row]:
    """Every wait_many figure of the fleet benchmark; ``scale`` 1.0 is the full sizes.

    ``quick`` runs only the three 1 s cases that set listing against polling and the sync client
    (the spreads do not scale, so every case takes its full 10 or 60 s).

    Full sizes: 10,000 Gemini batches over 60 s at a 10 s interval (async), polled and then
    listed; 1,000 over 10 s at 1 s with the sync client; 1,000 Vertex operations (``:wait`` long
    polls) over 10 s at 1 s, async and sync; 1,000 batches over 10 s at 1 s among 5,000 under
    ``batches`` (4,000 finished), polled and then listed; 2,000 batches listed at 1 s.
    """
    rows: list[Row] = []
    raw_cpu = raw_cpu_per_get(server, requests=max(500, round(2_000 * scale)))
    rows.append(
        Row("wait_many baseline", "raw httpx.AsyncClient GET + json.loads: client CPU", raw_cpu)
    )
    for seed, case in enumerate(cases(scale)):
        if quick and not case.quick:
            continue
        print(f"  {case.group}: {case.label} ...", flush=True)
        rows += _case(server, case, seed=seed, raw_cpu=raw_cpu)
    count = max(10, round(1_000 * scale))
    detects: tuple[Detect, ...] = ("poll", "list")
    for detect in detects:
        memory = peak_memory_per_op(server, count, detect)
        rows.append(
            Row(
                f"wait_many {count:,} ops, tracemalloc",
                f"peak memory per waited operation ({detect})",
                memory / 1024,
                unit="KiB",
            )
        )
    return rows
