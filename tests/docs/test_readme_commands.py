"""Every shell command of the README runs as written, or is listed here with where it is tested.

The ``gemini-ops`` commands run in ``bash -o pipefail`` with a user's environment (conftest.py)
pointed at the shared emulator, holding the operations they name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gemini_ops.testing import Emulator

from .conftest import user_environment
from .markdown import blocks, commands

COMMANDS = [c for block in blocks("README.md", "sh") for c in commands(block)]
CHECK = "run by the README's test command, scripts/check.sh"
NOT_RUN = {
    "bash scripts/demo.sh": "the demo; tests/cli runs `gemini-ops demo`, the same program",
    "bash scripts/check.sh": "the test command itself",
    'pip install ".[cli]"': "tests/docs/test_install.py",
    "pip install build && python -m build --wheel": "tests/docs/test_install.py",
    'pip install "dist/gemini_ops-0.1.0-py3-none-any.whl[cli]"': "tests/docs/test_install.py",
    "python scripts/vertex_routes.py": "rewrites files; its --check is " + CHECK,
    "python scripts/vertex_routes.py --check": CHECK,
    "python scripts/vertex_routes.py --pin 2.203.0": "moves the pin: a maintainer's command",
    "bash scripts/regen.sh": "rewrites generated/; its --check is " + CHECK,
    "bash scripts/regen.sh --check": CHECK,
}
OPERATIONS: dict[str, dict[str, Any]] = {
    "models/veo-3.0-generate-001/operations/abc": {"duration": 0},
    "batches/123": {"duration": 0},
    "tunedModels/m/operations/o": {"duration": 0},
}


def test_every_listed_command_is_in_the_readme() -> None:
    assert set(NOT_RUN) <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_runs_as_written(
    command: str, emulator: Emulator, token_url: str, tmp_path: Path
) -> None:
    if command in NOT_RUN:
        pytest.skip(NOT_RUN[command])
    for name, options in OPERATIONS.items():
        emulator.create_operation(name, **options)
    env = user_environment(emulator.url, token_url, tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
