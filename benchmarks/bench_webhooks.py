"""Waiting by webhook vs by polling: detection lag and requests per operation, in the same run.

The emulator (in its own process) delivers signed ``batch.succeeded`` events to a
``WebhookReceiver`` served in this process; ``wait_many(poll_interval=60, notifications=...)``
polls an operation when its event arrives. The baseline polls every ``poll_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

import httpx
import uvicorn

from benchmarks._harness import API_KEY, Row, Server, quantile
from gemini_ops import AsyncOperations, Notifications, Operations
from gemini_ops.webhooks import WebhookReceiver

BACKSTOP = 60.0


class _Receiver:
    """A WebhookReceiver on a loopback port, served by uvicorn in a thread."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _measure(
    server: Server,
    names: list[str],
    durations: list[float],
    *,
    mode: str,
    poll_interval: float,
    notifications: Notifications | None,
) -> tuple[list[float], float]:
    server.stats()  # reset the counters
    ends = server.seed(names=names, durations=durations)
    end_of = dict(zip(names, ends, strict=True))
    lags: list[float] = []
    options: dict[str, Any] = {"api_key": API_KEY, "base_url": server.url}
    # Per-operation polling, the baseline a webhook saves requests against.
    wait = {"poll_interval": poll_interval, "timeout": max(durations) + 120, "detect": "poll"}
    if notifications is not None:
        wait["notifications"] = notifications

    def seen(operation: Any) -> None:
        end = end_of[operation.name]
        assert end is not None
        assert operation.done
        lags.append(time.monotonic() - end)

    if mode == "sync":
        with Operations(**options) as ops:
            for operation in ops.wait_many(names, **wait):
                seen(operation)
    else:

        async def go() -> None:
            async with AsyncOperations(**options) as ops:
                async for operation in ops.wait_many(names, **wait):
                    seen(operation)

        asyncio.run(go())
    counts = server.stats()
    if len(lags) != len(names):
        raise RuntimeError(f"{len(lags)} of {len(names)} operations returned")
    return lags, sum(counts.values()) / len(names)


def run(server: Server, *, count: int, spread: float, poll_interval: float) -> list[Row]:
    """Polling every ``poll_interval`` s, then webhooks with a 60 s backstop, sync and async."""
    rng = random.Random(7)
    group = f"wait_many {count:,} batches over {spread:g} s: webhook vs polling {poll_interval:g} s"
    rows: list[Row] = []
    results: dict[str, tuple[list[float], float]] = {}
    for mode in ("sync", "async"):
        durations = [rng.uniform(0.5, 0.5 + spread) for _ in range(count)]
        names = [f"batches/poll-{mode}-{i}" for i in range(count)]
        results[f"polling {poll_interval:g} s, {mode}"] = _measure(
            server, names, durations, mode=mode, poll_interval=poll_interval, notifications=None
        )
    hub = Notifications()
    late: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await late["receiver"](scope, receive, send)

    with _Receiver(app) as url:
        hook = httpx.post(
            f"{server.url}/v1beta/webhooks",
            headers={"x-goog-api-key": API_KEY},
            json={"uri": url, "subscribed_events": ["batch.succeeded"]},
        ).json()
        late["receiver"] = WebhookReceiver(hub, secret=hook["new_signing_secret"])
        for mode in ("sync", "async"):
            durations = [rng.uniform(0.5, 0.5 + spread) for _ in range(count)]
            names = [f"batches/hook-{mode}-{i}" for i in range(count)]
            results[f"webhook + {BACKSTOP:g} s backstop, {mode}"] = _measure(
                server, names, durations, mode=mode, poll_interval=BACKSTOP, notifications=hub
            )
    base = quantile(results[f"polling {poll_interval:g} s, async"][0], 0.5)
    for label, (lags, per_op) in results.items():
        p50 = quantile(lags, 0.5)
        rows += [
            Row(group, f"{label}: detection lag p50", p50, p50 / base, note="ratio to polling"),
            Row(group, f"{label}: detection lag p99", quantile(lags, 0.99)),
            Row(group, f"{label}: lag max", max(lags)),
            Row(group, f"{label}: requests per operation", per_op, unit=""),
        ]
    return rows
