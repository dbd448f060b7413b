"""The built wheel: both packages inside, and importable from a fresh virtual environment."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("gemini_ops-*.whl")
    return built


def test_wheel_holds_the_facade_and_the_generated_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in [
        "gemini_ops/__init__.py",
        "gemini_ops/py.typed",
        "gemini_ops/emulator/__init__.py",
        "gemini_ops_api/__init__.py",
        "gemini_ops_api/client.py",
        "gemini_ops_api/api/gemini/get_batch.py",
        "gemini_ops_api/models/operation.py",
    ]:
        assert required in names, required
    assert not [n for n in names if n.startswith(("generated/", "tests/", "openapi/"))]


@pytest.mark.timeout(300)
def test_wheel_imports_in_an_empty_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    code = (
        "import gemini_ops, gemini_ops_api; "
        "gemini_ops.parse_name('batches/123'); "
        "from gemini_ops_api.api.gemini import get_batch; "
        "print(gemini_ops.__version__)"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == __import__("gemini_ops").__version__
