"""The install commands of the README work as printed, in a copy of the clone and a fresh venv.

The README says: in a clone, ``pip install ".[cli]"``; or ``python -m build --wheel`` and then
``pip install "dist/gemini_ops-<version>-py3-none-any.whl[cli]"``. Both run here, as printed, in
a copy of the working tree (``pip install build`` is left out: the test environment has build),
each followed by the ``gemini-ops`` command it installs. Dependencies come from the package
index, as for a user. The index command (``pip install "gemini-ops[cli]"``) is for once the
package is published, and the README says so.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gemini_ops

from .markdown import ROOT, blocks, commands

[INSTALL] = [b for b in blocks("README.md", "sh") if "pip install" in b.text]
EXPECTED = [
    'pip install ".[cli]"',
    "pip install build && python -m build --wheel",
    f'pip install "dist/gemini_ops-{gemini_ops.__version__}-py3-none-any.whl[cli]"',
]


def test_the_install_block_is_what_is_tested_here() -> None:
    # A changed install command must be tested: update EXPECTED and the test below with it.
    assert commands(INSTALL) == EXPECTED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        'Once the package is\npublished on PyPI (it is not yet), `pip install "gemini-ops[cli]"`'
        in readme
    )


def _copy_of_the_clone(target: Path) -> Path:
    """The files git knows about (committed or not), as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _run(command: str, cwd: Path, venv: Path | None = None) -> None:
    words = shlex.split(command)
    if words[0] == "pip" and venv is not None:
        words = [str(venv / "bin" / "python"), "-m", "pip", *words[1:], "--quiet"]
    elif words[0] == "python":
        words = [sys.executable, *words[1:]]
    result = subprocess.run(words, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def _version_of(venv: Path) -> str:
    script = venv / "bin" / "gemini-ops"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="copies the clone with git ls-files")
@pytest.mark.timeout(600)
def test_the_wheel_and_the_clone_install_as_printed(tmp_path: Path) -> None:
    clone = _copy_of_the_clone(tmp_path / "clone")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    from_clone, build, from_wheel = EXPECTED

    _run(build.removeprefix("pip install build && "), clone)
    assert (clone / shlex.split(from_wheel)[2].removesuffix("[cli]")).is_file()
    _run(from_wheel, clone, venv)
    assert gemini_ops.__version__ in _version_of(venv)

    _run(from_clone, clone, venv)
    assert gemini_ops.__version__ in _version_of(venv)
