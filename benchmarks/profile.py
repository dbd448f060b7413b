"""Profile the facade's hot paths against the emulator, to explain a ratio above its target.

    python -m benchmarks.profile get        # Operations.get, 2,000 calls
    python -m benchmarks.profile list_all   # Operations.list_all over 20,000 operations
    python -m benchmarks.profile wait_many  # AsyncOperations.wait_many, 1,000 operations over 10 s
    python -m benchmarks.profile wait_many --detect list   # the same, detected from list pages

Uses pyinstrument when installed (the ``bench`` group), else cProfile; prints where the client's
time goes. The raw httpx floor of the same work is profiled too, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import sys
from collections.abc import Callable

import httpx

from benchmarks._harness import API_KEY, Server
from gemini_ops import AsyncOperations, Operations


def _profile(label: str, work: Callable[[], object], *, use_cprofile: bool) -> None:
    print(f"\n===== {label}")
    if not use_cprofile:
        try:
            from pyinstrument import Profiler
        except ImportError:
            use_cprofile = True
        else:
            profiler = Profiler(interval=0.001)
            profiler.start()
            work()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
            return
    profile = cProfile.Profile()
    profile.enable()
    work()
    profile.disable()
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("what", choices=["get", "list_all", "wait_many"])
    parser.add_argument("--cprofile", action="store_true", help="use cProfile, not pyinstrument")
    parser.add_argument(
        "--detect", choices=["poll", "list"], default="poll", help="wait_many: how to detect"
    )
    args = parser.parse_args(argv)
    with Server() as server:
        raw = httpx.Client(headers={"x-goog-api-key": API_KEY}, timeout=60)
        ops = Operations(api_key=API_KEY, base_url=server.url)
        if args.what == "get":
            server.seed(names=["batches/p"], durations=[None])
            url = f"{server.url}/v1beta/batches/p"
            for _ in range(200):  # warm up both connections
                ops.get("batches/p")
                raw.get(url)

            def facade() -> None:
                for _ in range(2000):
                    ops.get("batches/p")

            def floor() -> None:
                for _ in range(2000):
                    json.loads(raw.get(url).content)

        elif args.what == "list_all":
            server.seed(prefix="batches/p", count=20_000, duration=0)
            server.cache(True)
            url = f"{server.url}/v1beta/batches"

            def facade() -> None:
                for _ in ops.list_all("batches", page_size=1000):
                    pass

            def floor() -> None:
                token = ""
                while True:
                    params: dict[str, str | int] = {"pageSize": 1000}
                    if token:
                        params["pageToken"] = token
                    page = json.loads(raw.get(url, params=params).content)
                    for _ in page.get("operations", ()):
                        pass
                    token = page.get("nextPageToken") or ""
                    if not token:
                        return

            facade()
            floor()
        else:
            rng = random.Random(0)
            names = [f"batches/w{i}" for i in range(1000)]
            server.seed(names=names, durations=[rng.uniform(0, 10) for _ in names])

            async def waits() -> None:
                async with AsyncOperations(api_key=API_KEY, base_url=server.url) as aops:
                    fleet = aops.wait_many(
                        names, poll_interval=1.0, timeout=600, detect=args.detect
                    )
                    async for _ in fleet:
                        pass

            def facade() -> None:
                asyncio.run(waits())

            floor = None  # type: ignore[assignment]

        _profile(f"facade: {args.what}", facade, use_cprofile=args.cprofile)
        if floor is not None:
            _profile(f"raw httpx floor: {args.what}", floor, use_cprofile=args.cprofile)
        raw.close()
        ops.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
