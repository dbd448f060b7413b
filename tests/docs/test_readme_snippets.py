"""Every Python snippet of the README runs as written against the emulator.

Each runs in a fresh interpreter with a user's environment (see conftest.py) pointed at the
shared emulator, where the operations the snippets name exist. Nothing in a snippet's text is
changed: a snippet that only works with edits, or that names an operation not created here,
fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gemini_ops.testing import Emulator

from .conftest import user_environment
from .markdown import ROOT, blocks

SNIPPETS = blocks("README.md", "python")
VERTEX = "projects/my-project/locations/us-central1"
DONE: dict[str, Any] = {"duration": 0}
# The operations the snippets name, as the emulator should hold them.
OPERATIONS: dict[str, dict[str, Any]] = {
    "models/veo-3.0-generate-001/operations/abc": {"duration": 0.3},
    f"{VERTEX}/operations/123": DONE,
    "batches/123": DONE,
    "batches/456": {"duration": 0.3},
    "batches/789": {"duration": None},
    "batches/1": DONE,
    "batches/2": DONE,
    "batches/3": DONE,
    "tunedModels/my-model/operations/tune-1": {"duration": None},
    "fileSearchStores/my-store/upload/operations/upload-1": DONE,
}


def test_every_snippet_is_found() -> None:
    # A fence the extractor would not see (```py, ```python3, indented) is not left out silently.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    fences = re.findall(r"^\s*```\s*py", text, re.M | re.I)
    assert SNIPPETS
    assert len(fences) == len(SNIPPETS), [s.where for s in SNIPPETS]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.where for s in SNIPPETS])
def test_the_snippet_runs_against_the_emulator(
    snippet: Any, emulator: Emulator, token_url: str, tmp_path: Path
) -> None:
    for name, options in OPERATIONS.items():
        emulator.create_operation(name, **options)
    result = subprocess.run(
        [sys.executable, "-c", snippet.text],
        capture_output=True,
        text=True,
        env=user_environment(emulator.url, token_url, tmp_path),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{snippet.where}:\n{snippet.text}\n{result.stderr}"
    assert "Traceback" not in result.stderr
