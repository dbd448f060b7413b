"""Soak: 200 concurrent waits on one AsyncOperations while about 5 % of the polls are faulted.

Every operation must come back exactly once with its true final state (succeeded, failed with
its own error, or cancelled), no task may be left behind, and every connection the client
opened must be closed by ``aclose()``.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from typing import Any

import pytest
from dual import gemini_options

from gemini_ops import AsyncOperations, Operation
from gemini_ops.testing import Emulator

pytestmark = pytest.mark.anyio

OPERATIONS = 200
FAULT_SHARE = 0.05
POLL_INTERVAL = 0.1
REQUEST_TIMEOUT = 0.5
FAULTS: list[dict[str, Any]] = [
    {"status": 429, "retry_delay": "0.05s"},
    {"status": 429, "retry_after": 0.05},
    {"status": 500},
    {"status": 502, "body": "html"},
    {"status": 503},
    {"status": 504, "body": "empty"},
    {"body": "garbage"},
    {"body": "truncated"},
    {"drop": True},
    {"delay": REQUEST_TIMEOUT + 0.2},
]

# Summary of the last run, printed by the test (pytest -s shows it).
LAST_RUN: dict[str, Any] = {}


def client_connections(port: int) -> int:
    """TCP sockets of this process connected to ``port`` on loopback (Linux /proc)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[9] in inodes:
                    count += 1
    return count


def _plan(rng: random.Random) -> dict[str, dict[str, Any]]:
    """Each operation's name and fate: succeeds, fails with its own code, or is cancelled."""
    plan: dict[str, dict[str, Any]] = {}
    for i in range(OPERATIONS):
        name = f"batches/soak-{i}"
        roll = rng.random()
        if roll < 0.6:
            plan[name] = {"fate": "succeeded", "duration": rng.uniform(0.05, 3.0)}
        elif roll < 0.8:
            code = rng.choice([3, 9, 13])
            plan[name] = {
                "fate": "failed",
                "duration": rng.uniform(0.05, 3.0),
                "error": {"code": code, "message": f"soak failure {i}"},
            }
        else:
            plan[name] = {"fate": "cancelled", "duration": None, "at": rng.uniform(0.05, 2.0)}
    return plan


@pytest.mark.skipif(not os.path.exists("/proc/self/net/tcp"), reason="counts sockets via /proc")
@pytest.mark.timeout(120)
async def test_soak_200_concurrent_waits_with_faults(emu: Emulator) -> None:
    rng = random.Random(20251125)
    plan = _plan(rng)
    for name, fate in plan.items():
        emu.create_operation(name, duration=fate["duration"], error=fate.get("error"))
    baseline = client_connections(emu.port)
    ops = AsyncOperations(**gemini_options(emu, timeout=REQUEST_TIMEOUT, max_retries=3))
    finished: dict[str, list[Operation]] = {name: [] for name in plan}
    peak_connections = 0
    injected = 0

    async def inject_faults() -> None:
        # Keep the faults served at ~5 % of the requests seen so far, spread over the soak: at
        # most one queued per operation at a time, always on an operation still running.
        nonlocal injected, peak_connections
        while not all(finished.values()):
            peak_connections = max(peak_connections, client_connections(emu.port))
            wanted = round(len(emu.requests()) * FAULT_SHARE)
            pending = {f.path for f in emu.state.faults()}
            running = [n for n in plan if not finished[n] and f"/{n}$" not in pending]
            for name in rng.sample(running, min(len(running), max(0, wanted - injected))):
                emu.inject_fault(path=f"/{name}$", method="GET", times=1, **rng.choice(FAULTS))
                injected += 1
            await asyncio.sleep(0.02)

    async def cancel_some() -> None:
        for name, fate in sorted(plan.items(), key=lambda item: item[1].get("at") or 0):
            if fate["fate"] != "cancelled":
                continue
            await asyncio.sleep(max(0.0, fate["at"] - (time.monotonic() - started)))
            await ops.cancel(name)  # faults target GET only: a cancel goes through

    tasks_before = asyncio.all_tasks()
    started = time.monotonic()
    helpers = [asyncio.ensure_future(inject_faults()), asyncio.ensure_future(cancel_some())]
    try:
        # Polled one by one, so that the faults (injected on operations) meet every request.
        fleet = ops.wait_many(plan, poll_interval=POLL_INTERVAL, timeout=60, detect="poll")
        async for operation in fleet:
            finished[operation.name].append(operation)
        await asyncio.gather(*helpers)
    finally:
        for helper in helpers:
            helper.cancel()
        await ops.aclose()
    elapsed = time.monotonic() - started

    # Every operation came back exactly once, with its true final state.
    assert all(len(seen) == 1 for seen in finished.values()), {
        n: len(s) for n, s in finished.items() if len(s) != 1
    }
    for name, fate in plan.items():
        operation = finished[name][0]
        assert operation.done, name
        if fate["fate"] == "succeeded":
            assert operation.succeeded, (name, operation)
            assert operation.response is not None
        elif fate["fate"] == "failed":
            assert operation.failed, (name, operation)
            assert operation.error is not None
            assert operation.error.code == fate["error"]["code"]
            assert not operation.cancelled
        else:
            assert operation.cancelled, (name, operation)

    # No task lost or left running.
    left = [t for t in asyncio.all_tasks() - tasks_before if not t.done()]
    assert left == []

    # The faults were served, at about the share asked for.
    remaining = sum(f.times for f in emu.state.faults())
    served = injected - remaining
    requests = len(emu.requests())
    share = served / requests
    assert served >= 20, (served, requests)
    assert 0.03 <= share <= 0.08, (served, requests)

    # No connection left open once the client is closed (the server closes its ends too).
    assert peak_connections > 0
    for _ in range(100):  # closing is immediate; allow the kernel a moment
        if client_connections(emu.port) <= baseline:
            break
        await asyncio.sleep(0.05)
    assert client_connections(emu.port) <= baseline

    LAST_RUN.update(
        operations=OPERATIONS,
        requests=requests,
        faults_served=served,
        fault_share=round(share, 3),
        seconds=round(elapsed, 2),
        peak_connections=peak_connections,
    )
    print(f"\nsoak: {LAST_RUN}")
