"""Waiting for many operations with ``AsyncOperations.wait_many``: detection lag, requests, CPU."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from benchmarks._harness import API_KEY, VERTEX_TOKEN, Row, Server, quantile
from gemini_ops import AsyncOperations

LOCATION = "projects/p/locations/us-central1"


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


def _one(
    server: Server,
    *,
    label: str,
    backend: str,
    names: list[str],
    spread: float,
    poll_interval: float,
    seed: int,
) -> list[Row]:
    rng = random.Random(seed)
    durations = [rng.uniform(0, spread) for _ in names]
    server.stats()  # reset the counters
    ends = server.seed(names=names, durations=durations)
    end_of = dict(zip(names, ends, strict=True))
    lags: list[float] = []

    async def go() -> None:
        async with AsyncOperations(**_options(server, backend)) as ops:
            async for operation in ops.wait_many(
                names, poll_interval=poll_interval, timeout=spread + 60
            ):
                seen = time.monotonic()
                end = end_of[operation.name]
                assert end is not None
                assert operation.done
                lags.append(seen - end)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    asyncio.run(go())
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts = server.stats()
    if len(lags) != len(names):
        raise RuntimeError(f"{label}: {len(lags)} of {len(names)} operations returned")
    requests = sum(counts.values())
    group = f"wait_many {len(names):,} ops over {spread:g} s, poll {poll_interval:g} s"
    note = ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items()))
    return [
        Row(group, f"{label}: detection lag p50", quantile(lags, 0.5)),
        Row(
            group,
            f"{label}: detection lag p99",
            quantile(lags, 0.99),
            quantile(lags, 0.99) / poll_interval,
            note="ratio = p99 / poll interval",
        ),
        Row(group, f"{label}: requests per operation", requests / len(names), unit="", note=note),
        Row(
            group,
            f"{label}: client CPU",
            cpu,
            note=f"{cpu / len(names) * 1e3:.2f} ms per op; wall {wall:.1f} s",
        ),
    ]


def run(server: Server, *, count: int, spread: float, poll_interval: float) -> list[Row]:
    """The three cases with ``count`` operations, then Gemini polling with ``count // 10``.

    The small case stays under the connection pool's 100 connections, the large one does not.
    """
    rows: list[Row] = []
    cases = [
        ("Gemini batches, polling", "gemini", "batches/wait-{i}"),
        ("Vertex, :wait long-polling", "vertex_ai", LOCATION + "/operations/wait-{i}"),
        (
            "Vertex tuningJobs, :wait long-polling",
            "vertex_ai",
            LOCATION + "/tuningJobs/t/operations/wait-{i}",
        ),
    ]
    for seed, (label, backend, template) in enumerate(cases):
        names = [template.format(i=i) for i in range(count)]
        rows += _one(
            server,
            label=label,
            backend=backend,
            names=names,
            spread=spread,
            poll_interval=poll_interval,
            seed=seed,
        )
    small = count // 10
    rows += _one(
        server,
        label="Gemini batches, polling",
        backend="gemini",
        names=[f"batches/wait-small-{i}" for i in range(small)],
        spread=spread,
        poll_interval=poll_interval,
        seed=len(cases),
    )
    return rows
