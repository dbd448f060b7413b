"""Importing an optional module without its extra says, in one line, which extra to install."""

from __future__ import annotations

from pathlib import Path

import pytest
from extras import run_without


@pytest.mark.parametrize(
    ("module", "blocked", "extra", "missing"),
    [
        ("gemini_ops.webhooks", "jwt", "webhooks", "jwt"),
        ("gemini_ops.webhooks", "standardwebhooks", "webhooks", "standardwebhooks"),
        ("gemini_ops.airflow", "airflow", "airflow", "airflow"),
        ("gemini_ops.emulator", "uvicorn", "emulator", "uvicorn"),
    ],
)
def test_an_optional_module_without_its_extra_names_the_extra(
    tmp_path: Path, module: str, blocked: str, extra: str, missing: str
) -> None:
    script = tmp_path / "uses_it.py"
    script.write_text(f"import {module}\n")
    result = run_without(blocked, str(script))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: "), last
    wanted = f"needs the {extra} extra: pip install 'gemini-ops[{extra}]' (missing: {missing})"
    assert wanted in last


def test_the_check_imports_nothing_when_the_extra_is_there(tmp_path: Path) -> None:
    script = tmp_path / "uses_it.py"
    script.write_text("import sys\nimport gemini_ops.emulator\nprint('uvicorn' in sys.modules)\n")
    result = run_without("", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
