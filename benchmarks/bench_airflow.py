"""How many OperationTriggers one asyncio loop (one triggerer process) holds, and at what CPU.

    .venv-airflow/bin/python -m benchmarks.bench_airflow [--count 1000] [--spread 20] [--poll 2]

Needs the ``airflow`` extra (run it in .venv-airflow, made by scripts/airflow_venv.sh). The
emulator runs in a child process (``benchmarks._server``), so this process's CPU time is the
triggers' cost alone. ``count`` batches end at random times over ``spread`` seconds; every
trigger polls its own batch every ``poll`` seconds, as Airflow's triggerer runs them: each in
its own coroutine, with its own connection read and its own client. The baseline, in the same
run, is the floor for the same polls: one shared ``httpx.AsyncClient`` and a bare GET loop per
operation. Reported: client CPU per poll (and its ratio to the floor), detection lag (end of
the batch to its event), requests per operation, peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from benchmarks._harness import API_KEY, Server, quantile

Waiter = Callable[[str, float], Awaitable[dict[str, Any]]]


def _triggers(server: Server) -> Waiter:
    from gemini_ops.airflow import OperationTrigger

    os.environ["AIRFLOW_CONN_GEMINI_OPS_BENCH"] = json.dumps(
        {"conn_type": "gemini_ops", "host": server.url, "password": API_KEY}
    )

    async def wait(name: str, poll: float) -> dict[str, Any]:
        trigger = OperationTrigger(name, conn_id="gemini_ops_bench", poll_interval=poll)
        events = [event async for event in trigger.run()]
        payload: dict[str, Any] = events[0].payload
        return payload

    return wait


def _floor(client: httpx.AsyncClient) -> Waiter:
    async def wait(name: str, poll: float) -> dict[str, Any]:
        while True:
            body: dict[str, Any] = (await client.get(f"/v1beta/{name}")).json()
            if body.get("done"):
                return {"status": "success", "operation": body}
            await asyncio.sleep(poll)

    return wait


def _case(server: Server, label: str, count: int, spread: float, poll: float, seed: int) -> None:
    rng = random.Random(seed)
    names = [f"batches/airflow-{label}-{i}" for i in range(count)]
    server.stats()  # reset the counters
    ends = server.seed(names=names, durations=[rng.uniform(0, spread) for _ in names])
    end_of = dict(zip(names, ends, strict=True))
    lags: list[float] = []

    async def one(wait: Waiter, name: str) -> None:
        event = await wait(name, poll)
        seen = time.monotonic()
        if event["status"] != "success":
            raise RuntimeError(f"{name}: {event}")
        end = end_of[name]
        assert end is not None
        lags.append(seen - end)

    async def go() -> None:
        async with httpx.AsyncClient(
            base_url=server.url,
            headers={"x-goog-api-key": API_KEY},
            timeout=60,
            limits=httpx.Limits(max_connections=None),
        ) as client:
            wait = _triggers(server) if label == "triggers" else _floor(client)
            await asyncio.gather(*(one(wait, name) for name in names))

    cpu0, wall0 = time.process_time(), time.perf_counter()
    asyncio.run(go())
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    requests = sum(server.stats().values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| {label} | {count:,} | {cpu:.1f} s | {cpu / requests * 1e3:.2f} ms | "
        f"{quantile(lags, 0.5):.2f} s | {quantile(lags, 0.99):.2f} s | "
        f"{requests / count:.1f} | {rss:.0f} MiB | {wall:.1f} s |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=20.0)
    parser.add_argument("--poll", type=float, default=2.0)
    args = parser.parse_args()
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="gemini-ops-bench-airflow-"))
    print(
        f"{args.count:,} batches ending over {args.spread:g} s, polled every {args.poll:g} s; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
    )
    print(
        "| candidate | operations | client CPU | CPU per poll | lag p50 | lag p99 "
        "| requests per op | peak RSS | wall |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with Server() as server:
        # The floor first: peak RSS is the process's high-water mark, so the triggers' figure
        # includes it (and Airflow's import).
        _case(server, "floor", args.count, args.spread, args.poll, seed=1)
        _case(server, "triggers", args.count, args.spread, args.poll, seed=2)


if __name__ == "__main__":
    main()
