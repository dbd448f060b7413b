"""Import time of ``gemini_ops`` and ``google.genai`` (``python -X importtime``, new processes)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._harness import Row, quantile

ROOT = Path(__file__).resolve().parent.parent


def import_seconds(python: str, module: str) -> float | None:
    """Cumulative import time of ``module`` in a new ``python`` process (None: not installed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),  # not the repository: import what is installed
        check=False,
    )
    if done.returncode != 0:
        return None
    for line in done.stderr.splitlines():
        # import time: self [us] | cumulative | imported package
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    return None


def _modules_loaded(python: str, modules: list[str]) -> str:
    code = f"import sys, gemini_ops; print(','.join(m for m in {modules!r} if m in sys.modules))"
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir(), check=False
    )
    return done.stdout.strip()


def make_clean_venv(directory: str) -> str:
    """A venv with gemini-ops and its runtime dependencies only; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", directory], check=True)
    python = str(Path(directory) / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        check=True,
    )
    return python


def run(pythons: dict[str, str], *, runs: int) -> list[Row]:
    rows: list[Row] = []
    for label, python in pythons.items():
        heavy = _modules_loaded(
            python, ["click", "rich", "pygments", "google.auth", "gemini_ops_api"]
        )
        for module in ("gemini_ops", "google.genai"):
            times = [import_seconds(python, module) for _ in range(runs)]
            measured = [t for t in times if t is not None]
            if not measured:
                rows.append(
                    Row("import time", f"import {module} ({label})", None, note="not installed")
                )
                continue
            median = statistics.median(measured)
            note = f"min-max {min(measured) * 1e3:.0f}-{max(measured) * 1e3:.0f} ms, {runs} runs"
            if module == "gemini_ops":
                note += f"; also loaded: {heavy or 'nothing heavy'}"
            rows.append(
                Row(
                    "import time",
                    f"import {module} ({label})",
                    median,
                    median / 0.150 if module == "gemini_ops" else None,
                    (quantile(measured, 0.25) / 0.150, quantile(measured, 0.75) / 0.150)
                    if module == "gemini_ops"
                    else None,
                    note=note
                    + ("; ratio = median / 150 ms target" if module == "gemini_ops" else ""),
                )
            )
    return rows
