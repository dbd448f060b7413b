"""Every shell command of docs/cli.md runs, as written, with the installed ``gemini-ops`` script.

The page tells the reader to start ``gemini-ops emulator --seed-demo`` and to export the variables
that point the command at it; the commands then run in that order, each in ``bash -o pipefail``
(``zsh``/``fish`` for their completion lines) with what the page exported so far. The only
textual change is the emulator's port: ``127.0.0.1:8765`` becomes a free port (the emulator
command gets ``--port`` for it), so that parallel runs do not collide. Commands before "## Commands"
use the demo's operations; each later one gets a fresh emulator state holding the operations the
examples name (``OPERATIONS``), created through the control plane.

A command is either run or in ``NOT_RUN`` with the reason; a new command on the page is run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import DROPPED
from .markdown import ROOT, blocks, commands

PAGE = "docs/cli.md"
DOC_PORT = "127.0.0.1:8765"
EMULATOR = "gemini-ops emulator --seed-demo"
# Commands not run here, and why. Nothing on the page needs Google.
NOT_RUN = {
    'pip install ".[cli]"': "installs from the package index (tests/docs/test_install.py)",
    'pip install ".[cli,emulator]"': "test_install.py's clone install, one more extra",
    "bash scripts/demo.sh": "installs .venv-demo from the package index; `gemini-ops demo` runs it",
}
# Commands that exit non-zero on purpose, as the page says.
EXIT_CODES = {
    "gemini-ops wait batches/demo-batch-failed": 1,
    "gemini-ops wait batches/demo-batch-running --timeout 3s": 3,
}
SHELLS = {"zsh_source": "zsh", "fish_source": "fish"}
# The operations the examples after "## Commands" name.
OPERATIONS: dict[str, dict[str, Any]] = {
    "models/veo-3.0-generate-001/operations/abc123": {"duration": 0},
    "batches/a": {"duration": 0},
    "batches/b": {"duration": 0},
    "tunedModels/m/operations/o": {"duration": 0},
    "tunedModels/my-model/operations/t1": {"duration": 0},
    "projects/p/locations/us-central1/operations/running": {"duration": None},
}


def _page_commands() -> list[tuple[str, bool]]:
    """Each command of the page, and whether it comes before the "## Commands" section."""
    text = (ROOT / PAGE).read_text(encoding="utf-8")
    section_line = text.count("\n", 0, text.index("\n## Commands\n")) + 1
    return [
        (command, block.line < section_line)
        for block in blocks(PAGE, "sh")
        for command in commands(block)
    ]


COMMANDS = _page_commands()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _base_environment(home: Path) -> dict[str, str]:
    """A shell with the installed script first on PATH, none of the run's own settings, and a
    dead proxy for anything that would leave loopback."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    bin_dir = str(Path(sys.executable).parent)
    return {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "HOME": str(home),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }


class Shell:
    """The reader's shell session: the emulator they started and the variables they exported."""

    def __init__(self, home: Path) -> None:
        self.port = _free_port()
        self.env = _base_environment(home)
        self.log = home / "emulator.log"
        self.emulator: subprocess.Popen[bytes] | None = None

    def adapt(self, command: str) -> str:
        return command.replace(DOC_PORT, f"127.0.0.1:{self.port}")

    def control(self, path: str, body: dict[str, Any] | None = None) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/_emulator{path}",
            data=json.dumps(body or {}).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200

    def start_emulator(self, command: str) -> None:
        args = [*shlex.split(command), "--port", str(self.port)]
        with self.log.open("w") as log:  # the emulator logs each request: not into a pipe
            self.emulator = subprocess.Popen(args, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.emulator.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"{command!r} did not start serving within 30 s")

    def stop_emulator(self) -> int | None:
        if self.emulator is None:
            return None
        self.emulator.send_signal(signal.SIGINT)  # "It serves until Ctrl-C."
        try:
            return self.emulator.wait(timeout=15)
        finally:
            if self.emulator.poll() is None:
                self.emulator.kill()
                self.emulator.wait()

    def export(self, command: str) -> bool:
        """Record ``export A=1 B=2`` or ``A=1``; False when ``command`` is not an assignment."""
        words = shlex.split(command)
        if words and words[0] == "export":
            words = words[1:]
        if not words or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", w) for w in words):
            return False
        for word in words:
            name, value = word.split("=", 1)
            self.env[name] = value
        return True


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    session = Shell(tmp_path_factory.mktemp("home"))
    yield session
    code = session.stop_emulator()
    assert code in (None, 0, 130), f"the emulator exited {code} on Ctrl-C"


def test_the_page_starts_the_emulator_first() -> None:
    runnable = [c for c, _ in COMMANDS if c not in NOT_RUN and c != "gemini-ops demo"]
    assert runnable[0] == EMULATOR
    assert all(c in [command for command, _ in COMMANDS] for c in [*NOT_RUN, *EXIT_CODES])


@pytest.mark.parametrize(("command", "seeded"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_the_command_runs_as_written(shell: Shell, command: str, seeded: bool) -> None:
    if command in NOT_RUN:
        pytest.skip(NOT_RUN[command])
    command = shell.adapt(command)
    if command.startswith(EMULATOR):
        shell.start_emulator(command)
        return
    if shell.export(command):
        return
    program = next((SHELLS[k] for k in SHELLS if k in command), "bash")
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    if shell.emulator is not None and not seeded:
        shell.control("/reset")
        for name, options in OPERATIONS.items():
            shell.control("/operations", {"name": name, **options})
    flags = ["-o", "pipefail"] if program == "bash" else []
    argv = [program, *flags, "-c", command]
    result = subprocess.run(
        argv, capture_output=True, text=True, env=shell.env, timeout=90, check=False
    )
    expected = EXIT_CODES.get(command, 0)
    assert result.returncode == expected, f"{command}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
