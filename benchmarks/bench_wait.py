"""Waiting for fleets with ``wait_many``: detection lag, requests, client CPU, peak memory.

Every case seeds operations in the emulator (its own process) with durations drawn uniformly
over a spread, waits for all of them with one ``wait_many``, and measures each operation's
detection lag (from its end on the server's clock to ``wait_many`` yielding it). Client CPU per
poll is set against a raw ``httpx.AsyncClient`` GET + ``json.loads`` of the same answers,
measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks._harness import API_KEY, VERTEX_TOKEN, Row, Server, quantile
from gemini_ops import AsyncOperations, Operations

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


def _wait_async(
    server: Server, backend: str, names: list[str], poll_interval: float, timeout: float
) -> Callable[[Callable[[str], None]], None]:
    def go(seen: Callable[[str], None]) -> None:
        async def main() -> None:
            async with AsyncOperations(**_options(server, backend)) as ops:
                async for op in ops.wait_many(names, poll_interval=poll_interval, timeout=timeout):
                    seen(op.name)

        asyncio.run(main())

    return go


def _wait_sync(
    server: Server, backend: str, names: list[str], poll_interval: float, timeout: float
) -> Callable[[Callable[[str], None]], None]:
    def go(seen: Callable[[str], None]) -> None:
        with Operations(**_options(server, backend)) as ops:
            for op in ops.wait_many(names, poll_interval=poll_interval, timeout=timeout):
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


def _case(
    server: Server,
    *,
    label: str,
    group: str,
    runner: Callable[..., Callable[[Callable[[str], None]], None]],
    backend: str,
    names: list[str],
    spread: float,
    poll_interval: float,
    seed: int,
    raw_cpu: float,
) -> list[Row]:
    rng = random.Random(seed)
    durations = [rng.uniform(0, spread) for _ in names]
    server.stats()  # reset the counters
    ends = server.seed(names=names, durations=durations)
    end_of = dict(zip(names, ends, strict=True))
    lags: list[float] = []

    def seen(name: str) -> None:
        end = end_of[name]
        assert end is not None
        lags.append(time.monotonic() - end)

    go = runner(server, backend, names, poll_interval, spread + 120)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    go(seen)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts = server.stats()
    if len(lags) != len(names):
        raise RuntimeError(f"{label}: {len(lags)} of {len(names)} operations returned")
    requests = sum(counts.values())
    note = ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items()))
    per_poll = cpu / requests
    p99 = quantile(lags, 0.99)
    return [
        Row(group, f"{label}: detection lag p50", quantile(lags, 0.5)),
        Row(
            group,
            f"{label}: detection lag p99",
            p99,
            p99 / poll_interval,
            note="ratio = p99 / interval",
        ),
        Row(group, f"{label}: requests per operation", requests / len(names), unit="", note=note),
        Row(
            group,
            f"{label}: client CPU per poll",
            per_poll,
            per_poll / raw_cpu,
            note=f"ratio = / raw httpx GET + json.loads; {cpu:.1f} s CPU, wall {wall:.1f} s",
        ),
    ]


def peak_memory_per_op(server: Server, count: int) -> float:
    """Peak traced bytes per operation while ``AsyncOperations.wait_many`` waits for ``count``."""
    names = [f"batches/mem-{i}" for i in range(count)]
    server.seed(names=names, durations=[None] * count)

    async def main() -> None:
        async with AsyncOperations(**_options(server, "gemini")) as ops:
            await ops.get(names[0])  # the client's own setup is not per operation
            tracemalloc.start()
            seen = ops.wait_many(names, poll_interval=0.5, timeout=2.0, return_exceptions=True)
            async for _outcome in seen:
                pass

    asyncio.run(main())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / count


def run(server: Server, *, scale: float) -> list[Row]:
    """Every wait_many figure of the fleet benchmark; ``scale`` 1.0 is the full sizes.

    Full sizes: 10,000 Gemini batches over 60 s at a 10 s interval (async); 1,000 over 10 s at
    1 s with the sync client; 1,000 Vertex operations (``:wait`` long polls) over 10 s at 1 s.
    """
    rows: list[Row] = []
    big, small = max(10, round(10_000 * scale)), max(10, round(1_000 * scale))
    raw_cpu = raw_cpu_per_get(server, requests=max(500, small * 2))
    rows.append(
        Row("wait_many baseline", "raw httpx.AsyncClient GET + json.loads: client CPU", raw_cpu)
    )
    cases: list[tuple[str, Callable[..., Any], str, str, int, float, float]] = [
        ("async, Gemini batches", _wait_async, "gemini", "batches/fleet-{i}", big, 60.0, 10.0),
        ("sync, Gemini batches", _wait_sync, "gemini", "batches/sync-{i}", small, 10.0, 1.0),
        (
            "async, Vertex :wait",
            _wait_async,
            "vertex_ai",
            LOCATION + "/operations/lp-{i}",
            small,
            10.0,
            1.0,
        ),
        (
            "sync, Vertex :wait",
            _wait_sync,
            "vertex_ai",
            LOCATION + "/operations/slp-{i}",
            small,
            10.0,
            1.0,
        ),
    ]
    for seed, (label, runner, backend, template, count, spread, interval) in enumerate(cases):
        group = f"wait_many {count:,} ops over {spread:g} s, poll {interval:g} s"
        rows += _case(
            server,
            label=label,
            group=group,
            runner=runner,
            backend=backend,
            names=[template.format(i=i) for i in range(count)],
            spread=spread,
            poll_interval=interval,
            seed=seed,
            raw_cpu=raw_cpu,
        )
    memory = peak_memory_per_op(server, small)
    rows.append(
        Row(
            f"wait_many {small:,} ops, tracemalloc",
            "peak memory per waited operation",
            memory / 1024,
            unit="KiB",
        )
    )
    return rows
