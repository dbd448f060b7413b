"""Run every benchmark against the emulator and print one table of ratios.

    python -m benchmarks            # the full run (about 7 minutes on 2 cores)
    python -m benchmarks --quick    # a short run with fewer repetitions and operations

The emulator runs in a child process on loopback; every ratio is measured in this run, with the
candidates of a group interleaved repetition by repetition. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time

from benchmarks import bench_get, bench_import, bench_list, bench_wait, bench_webhooks
from benchmarks._harness import Row, Server, format_table, rows_to_json
from benchmarks._peers import genai_version


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}; "
        f"load average {load}; google-genai {genai_version() or 'not installed'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument(
        "--only",
        default="get,list,wait,webhooks,import",
        help="comma-separated subset of: get, list, wait, webhooks, import",
    )
    parser.add_argument(
        "--import-python",
        action="append",
        default=[],
        metavar="LABEL=PYTHON",
        help="also measure import time with this interpreter (repeatable)",
    )
    parser.add_argument(
        "--clean-venv",
        action="store_true",
        help="build a temporary venv with only the runtime dependencies and time imports there",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help="wait: operation counts as a fraction of the full sizes (1.0: 10,000 and 1,000; "
        "default 0.2, --quick 0.05)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    quick = args.quick

    print(f"machine: {machine()}", flush=True)
    rows: list[Row] = []
    started = time.perf_counter()
    # A fresh emulator for each benchmark, so that none sees another's operations.
    if "get" in only:
        print("get ...", flush=True)
        with Server() as server:
            rows += bench_get.run(server, reps=5 if quick else 15, calls=50 if quick else 200)
    if "list" in only:
        print("list_all ...", flush=True)
        with Server() as server:
            rows += bench_list.run(
                server,
                reps=2 if quick else 5,
                small=2_000 if quick else 10_000,
                large=10_000 if quick else 50_000,
            )
    if "wait" in only:
        print("wait_many ...", flush=True)
        with Server() as server:
            rows += bench_wait.run(
                server, scale=args.scale or (0.05 if quick else 0.2), quick=quick
            )
    if "webhooks" in only:
        print("webhooks ...", flush=True)
        with Server() as server:
            rows += bench_webhooks.run(server, count=100, spread=5.0, poll_interval=1.0)
    if "import" in only:
        print("import time ...", flush=True)
        pythons = {"this environment": sys.executable}
        for item in args.import_python:
            label, _, python = item.partition("=")
            pythons[label] = python
        with tempfile.TemporaryDirectory() as scratch:
            if args.clean_venv:
                print("  building a clean venv ...", flush=True)
                pythons["clean venv, runtime deps only"] = bench_import.make_clean_venv(
                    os.path.join(scratch, "venv")
                )
            rows += bench_import.run(pythons, runs=3 if quick else 9)
    print()
    print(format_table(rows))
    print(f"\n({time.perf_counter() - started:.0f} s; {machine()})")
    if args.json:
        with open(args.json, "w") as out:
            out.write(rows_to_json(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
