"""What every benchmark shares: the server process, interleaved timing, medians and spreads."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN

API_KEY = DEFAULT_API_KEY
VERTEX_TOKEN = DEFAULT_VERTEX_TOKEN


class Server:
    """The emulator (``benchmarks._server``) in a child process, on a free loopback port."""

    def __init__(self) -> None:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=root,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        self._control = httpx.Client(base_url=self.url, timeout=120)
        deadline = time.monotonic() + 10
        while True:
            try:
                self._control.get("/_bench/stats")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def seed(self, **body: Any) -> list[float | None]:
        ends: list[float | None] = self._control.post("/_bench/seed", json=body).json()["ends"]
        return ends

    def reset(self) -> None:
        """Forget every operation (and the list cache)."""
        self._control.post("/_bench/reset")

    def cache(self, enabled: bool) -> None:
        self._control.post("/_bench/cache", json={"enabled": enabled})

    def stats(self) -> dict[str, int]:
        counts: dict[str, int] = self._control.get("/_bench/stats").json()
        return counts

    def close(self) -> None:
        if getattr(self, "_control", None) is not None:
            self._control.close()
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, interpolated linearly."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Samples:
    """Per-repetition measurements of one candidate: seconds per call, wall and client CPU."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


Block = Callable[[], None]


def interleave(
    candidates: dict[str, Block], *, reps: int, calls: int, warmup: int = 1, seed: int = 0
) -> dict[str, Samples]:
    """Run each candidate's block ``reps`` times, in a new random order every repetition.

    A block makes ``calls`` calls; the result is seconds per call for each repetition, wall
    (``perf_counter``) and client CPU (``process_time``: this process only, the server runs in
    another). Interleaving spreads the machine's drift over every candidate alike.
    """
    order = list(candidates)
    rng = random.Random(seed)
    for _ in range(warmup):
        for name in order:
            candidates[name]()
    results = {name: Samples() for name in order}
    for _ in range(reps):
        rng.shuffle(order)
        for name in order:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            candidates[name]()
            wall1, cpu1 = time.perf_counter(), time.process_time()
            results[name].wall.append((wall1 - wall0) / calls)
            results[name].cpu.append((cpu1 - cpu0) / calls)
    return results


@dataclass
class Row:
    """One line of the results table."""

    group: str
    candidate: str
    median: float | None  # seconds per call (or the figure named by `unit`)
    ratio: float | None = None  # median of the per-repetition ratios to the group's floor
    spread: tuple[float, float] | None = None  # IQR of those ratios
    cpu_ratio: float | None = None  # the same ratio on client CPU time
    unit: str = "s"
    note: str = ""


def ratio_rows(
    group: str, samples: dict[str, Samples], floor: str, notes: dict[str, str] | None = None
) -> list[Row]:
    """Rows of per-call medians and of ratios to ``floor``, paired repetition by repetition."""
    rows = []
    base = samples[floor]
    for name, s in samples.items():
        ratios = [a / b for a, b in zip(s.wall, base.wall, strict=True)]
        cpu_ratios = [a / b for a, b in zip(s.cpu, base.cpu, strict=True) if b > 0]
        rows.append(
            Row(
                group,
                name,
                statistics.median(s.wall),
                statistics.median(ratios),
                (quantile(ratios, 0.25), quantile(ratios, 0.75)),
                statistics.median(cpu_ratios) if cpu_ratios else None,
                note=(notes or {}).get(name, ""),
            )
        )
    return rows


def format_seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def format_table(rows: Sequence[Row]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| benchmark | candidate | median | ratio (wall) | IQR | ratio (client CPU) | note |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    for row in rows:
        if row.median is None:
            median = "-"
        elif row.unit == "s":
            median = format_seconds(row.median)
        else:
            median = f"{row.median:.3g} {row.unit}".rstrip()
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        spread = "-" if row.spread is None else f"{row.spread[0]:.2f}-{row.spread[1]:.2f}"
        cpu = "-" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}x"
        cells = [row.group, row.candidate, median, ratio, spread, cpu, row.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rows_to_json(rows: Sequence[Row]) -> str:
    return json.dumps([row.__dict__ for row in rows], indent=2)
