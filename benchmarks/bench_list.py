"""``list_all`` over tens of thousands of operations: time against a raw page loop, and memory."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable

import httpx

from benchmarks._harness import API_KEY, Row, Server, interleave, ratio_rows
from benchmarks._peers import genai_client, genai_missing
from gemini_ops import Operations

PAGE_SIZE = 1000  # the emulator's maximum, as Google's lists allow
PARENT = "batches"


def _candidates(server: Server) -> tuple[dict[str, Callable[[], int]], Callable[[], None]]:
    url = f"{server.url}/v1beta/{PARENT}"
    raw = httpx.Client(headers={"x-goog-api-key": API_KEY}, timeout=60)
    ops = Operations(api_key=API_KEY, base_url=server.url)
    genai = genai_client(server.url)

    def raw_loop() -> int:
        count = 0
        token = ""
        while True:
            params: dict[str, str | int] = {"pageSize": PAGE_SIZE}
            if token:
                params["pageToken"] = token
            page = json.loads(raw.get(url, params=params).content)
            for _operation in page.get("operations", ()):
                count += 1
            token = page.get("nextPageToken") or ""
            if not token:
                return count

    def facade() -> int:
        count = 0
        for _operation in ops.list_all(PARENT, page_size=PAGE_SIZE):
            count += 1
        return count

    candidates: dict[str, Callable[[], int]] = {
        "raw httpx page loop + json.loads": raw_loop,
        "Operations.list_all": facade,
    }
    if genai is not None:
        from google.genai import types

        def genai_pager() -> int:
            count = 0
            for _batch in genai.batches.list(config=types.ListBatchJobsConfig(page_size=PAGE_SIZE)):
                count += 1
            return count

        candidates["google-genai batches.list pager"] = genai_pager

    def close() -> None:
        raw.close()
        ops.close()
        if genai is not None:
            genai.close()

    return candidates, close


def _peak(walk: Callable[[], int], expected: int) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        count = walk()
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
        peaks_small = {name: _peak(walk, small) for name, walk in candidates.items()}
        server.seed(prefix=f"{PARENT}/list-more-", count=large - small, duration=0)
        server.cache(True)  # a new list: forget the pages of the small one
        peaks_large = {name: _peak(walk, large) for name, walk in candidates.items()}
        for name in candidates:
            growth = peaks_large[name] / peaks_small[name]
            rows.append(
                Row(
                    "list_all peak memory",
                    f"{name}: {small:,} → {large:,} ops",
                    peaks_large[name] / 2**20,
                    growth,
                    unit="MiB",
                    note=f"{peaks_small[name] / 2**20:.2f} MiB at {small:,}; ratio = large/small",
                )
            )

        def block(walk: Callable[[], int]) -> Callable[[], None]:
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
