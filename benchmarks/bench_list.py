"""``list_all`` over tens of thousands of operations: time against a raw page loop, and memory."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Protocol

import httpx

from benchmarks._harness import API_KEY, Row, Server, interleave, ratio_rows
from benchmarks._peers import genai_client, genai_missing
from gemini_ops import Operations

PAGE_SIZE = 1000  # the emulator's maximum, as Google's lists allow
PARENT = "batches"


class Walk(Protocol):
    def __call__(self, collect: bool = False) -> int: ...


def _candidates(server: Server) -> tuple[dict[str, Walk], Callable[[], None]]:
    url = f"{server.url}/v1beta/{PARENT}"
    raw = httpx.Client(headers={"x-goog-api-key": API_KEY}, timeout=60)
    ops = Operations(api_key=API_KEY, base_url=server.url)
    genai = genai_client(server.url)

    def raw_loop(collect: bool = False) -> int:
        count = 0
        token = ""
        while True:
            params: dict[str, str | int] = {"pageSize": PAGE_SIZE}
            if token:
                params["pageToken"] = token
            page = json.loads(raw.get(url, params=params).content)
            for _operation in page.get("operations", ()):
                count += 1
                if collect and count % PAGE_SIZE == 0:
                    gc.collect()
            token = page.get("nextPageToken") or ""
            if not token:
                return count

    def facade(collect: bool = False) -> int:
        count = 0
        for _operation in ops.list_all(PARENT, page_size=PAGE_SIZE):
            count += 1
            if collect and count % PAGE_SIZE == 0:
                gc.collect()
        return count

    candidates: dict[str, Walk] = {
        "raw httpx page loop + json.loads": raw_loop,
        "Operations.list_all": facade,
    }
    if genai is not None:
        from google.genai import types

        def genai_pager(collect: bool = False) -> int:
            count = 0
            config = types.ListBatchJobsConfig(page_size=PAGE_SIZE)
            for _batch in genai.batches.list(config=config):
                count += 1
                if collect and count % PAGE_SIZE == 0:
                    gc.collect()
            return count

        candidates["google-genai batches.list pager"] = genai_pager

    def close() -> None:
        raw.close()
        ops.close()
        if genai is not None:
            genai.close()

    return candidates, close


def _peak(walk: Walk, expected: int, *, collect: bool) -> float:
    """Peak traced memory of one walk; ``collect``: run the cyclic GC after every page."""
    gc.collect()
    tracemalloc.start()
    try:
        count = walk(collect)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if count != expected:
        raise RuntimeError(f"walked {count} operations, expected {expected}")
    return float(peak)


def run(server: Server, *, reps: int, small: int, large: int) -> list[Row]:
    rows: list[Row] = []
    server.seed(prefix=f"{PARENT}/list-", count=small, duration=0)
    server.cache(True)
    candidates, close = _candidates(server)
    try:
        kinds = (("peak", False), ("live peak", True))
        peaks_small = {
            (name, kind): _peak(walk, small, collect=collect)
            for name, walk in candidates.items()
            for kind, collect in kinds
        }
        server.seed(prefix=f"{PARENT}/list-more-", count=large - small, duration=0)
        server.cache(True)  # a new list: forget the pages of the small one
        peaks_large = {
            (name, kind): _peak(walk, large, collect=collect)
            for name, walk in candidates.items()
            for kind, collect in kinds
        }
        for key, large_peak in peaks_large.items():
            name, kind = key
            rows.append(
                Row(
                    f"list_all memory, {small:,} -> {large:,} ops",
                    f"{name}: {kind}",
                    large_peak / 2**20,
                    large_peak / peaks_small[key],
                    unit="MiB",
                    note=f"{peaks_small[key] / 2**20:.2f} MiB at {small:,}; ratio = large/small",
                )
            )

        def block(walk: Walk) -> Callable[[], None]:
            def run_once() -> None:
                if walk() != large:
                    raise RuntimeError("list_all lost operations")

            return run_once

        results = interleave({k: block(v) for k, v in candidates.items()}, reps=reps, calls=1)
        notes = {"raw httpx page loop + json.loads": f"floor; pageSize={PAGE_SIZE}"}
        rows = (
            ratio_rows(
                f"list_all {large:,} ops", results, "raw httpx page loop + json.loads", notes
            )
            + rows
        )
        if len(candidates) == 2:
            rows.append(Row("list_all", "google-genai", None, note=genai_missing()))
    finally:
        server.cache(False)
        close()
    return rows
