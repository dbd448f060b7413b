"""``get``: the facade against a raw httpx request plus ``json.loads``, and against google-genai."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from benchmarks._harness import API_KEY, Row, Server, interleave, ratio_rows
from benchmarks._peers import genai_client, genai_missing
from gemini_ops import AsyncOperations, Operations

BATCH = "batches/bench-get"
VIDEO = "models/veo-3.0-generate-001/operations/bench-get"


def run(server: Server, *, reps: int, calls: int) -> list[Row]:
    server.seed(names=[BATCH, VIDEO], durations=[None, None])
    base = f"{server.url}/v1beta"
    headers = {"x-goog-api-key": API_KEY}
    raw = httpx.Client(headers=headers, timeout=60)
    ops = Operations(api_key=API_KEY, base_url=server.url)
    shared = Operations(api_key=API_KEY, base_url=server.url, http_client=raw)
    loop = asyncio.new_event_loop()
    araw = httpx.AsyncClient(headers=headers, timeout=60)
    aops = AsyncOperations(api_key=API_KEY, base_url=server.url)
    genai = genai_client(server.url)
    rows: list[Row] = []
    try:

        def raw_get(url: str) -> Any:
            def block() -> None:
                for _ in range(calls):
                    json.loads(raw.get(url).content)

            return block

        def facade_get(client: Operations, name: str) -> Any:
            def block() -> None:
                for _ in range(calls):
                    client.get(name)

            return block

        def araw_block() -> None:
            async def go() -> None:
                for _ in range(calls):
                    json.loads((await araw.get(f"{base}/{BATCH}")).content)

            loop.run_until_complete(go())

        def aops_block() -> None:
            async def go() -> None:
                for _ in range(calls):
                    await aops.get(BATCH)

            loop.run_until_complete(go())

        batch: dict[str, Any] = {
            "raw httpx.Client.get + json.loads": raw_get(f"{base}/{BATCH}"),
            "Operations.get": facade_get(ops, BATCH),
            "Operations.get (http_client= the raw client)": facade_get(shared, BATCH),
            "raw httpx.AsyncClient.get + json.loads": araw_block,
            "AsyncOperations.get": aops_block,
        }
        video: dict[str, Any] = {
            "raw httpx.Client.get + json.loads": raw_get(f"{base}/{VIDEO}"),
            "Operations.get": facade_get(ops, VIDEO),
        }
        if genai is not None:
            from google.genai import types

            def genai_batches() -> None:
                for _ in range(calls):
                    genai.batches.get(name=BATCH)

            def genai_operations() -> None:
                operation = types.GenerateVideosOperation(name=VIDEO)
                for _ in range(calls):
                    genai.operations.get(operation)

            batch["google-genai batches.get"] = genai_batches
            video["google-genai operations.get"] = genai_operations

        notes = {
            "raw httpx.Client.get + json.loads": "floor",
            "Operations.get (http_client= the raw client)": "same connection as the floor",
            "raw httpx.AsyncClient.get + json.loads": "async floor",
        }
        results = interleave(batch, reps=reps, calls=calls)
        rows += ratio_rows(f"get {BATCH}", results, "raw httpx.Client.get + json.loads", notes)
        async_rows = ratio_rows(
            "get, async",
            {
                k: results[k]
                for k in ("raw httpx.AsyncClient.get + json.loads", "AsyncOperations.get")
            },
            "raw httpx.AsyncClient.get + json.loads",
        )
        rows.append(
            Row(
                "get, async",
                "AsyncOperations.get vs raw httpx.AsyncClient",
                async_rows[1].median,
                async_rows[1].ratio,
                async_rows[1].spread,
                async_rows[1].cpu_ratio,
            )
        )
        results = interleave(video, reps=reps, calls=calls)
        rows += ratio_rows(f"get {VIDEO}", results, "raw httpx.Client.get + json.loads", notes)
        if genai is None:
            rows.append(Row("get", "google-genai", None, note=genai_missing()))
    finally:
        raw.close()
        ops.close()
        shared.close()
        loop.run_until_complete(araw.aclose())
        loop.run_until_complete(aops.aclose())
        loop.close()
        if genai is not None:
            genai.close()
    return rows
