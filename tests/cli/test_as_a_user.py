"""The installed ``gemini-ops`` script, run as a user runs it: in a subprocess, a pipe or a pty."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from extras import run_without

from gemini_ops.testing import Emulator

from .conftest import SECRET_KEY as KEY
from .conftest import VERTEX_TOKEN
from .terminal import SCRIPT, environ

VERTEX_PARENT = "projects/a-thirty-character-project-id/locations/northamerica-northeast1"
VERTEX_NAMES = [f"{VERTEX_PARENT}/operations/{n}" for n in ("8765432109876543210", "1")]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def gemini_ops(
    *args: str, env: Mapping[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=environ(env),
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run with stdout a pipe whose reader is gone, as `gemini-ops ... | head -1` soon is."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [str(SCRIPT), *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=environ(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)


def in_a_pty(args: Sequence[str], columns: int) -> tuple[int, str]:
    """Run on a terminal ``columns`` wide; return the exit code and what the terminal got."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(
        [str(SCRIPT), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environ({"TERM": "xterm"}),
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode()


def vertex(emu: Emulator) -> list[str]:
    return ["--base-url", emu.url, "--access-token", VERTEX_TOKEN]


# ------------------------------------------------------------------------------- pipes (item 5)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
@pytest.mark.parametrize("command", ["list", "get"])
def test_a_reader_that_went_away_is_exit_0(emu: Emulator, command: str) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0)
    args = ["batches"] if command == "list" else ["batches/b0", "batches/b1"]
    result = into_closed_pipe("--base-url", emu.url, "--api-key", KEY, command, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


# ------------------------------------------------------------ the list table at 80 columns (6)


@pytest.mark.skipif(sys.platform == "win32", reason="a pty")
@pytest.mark.parametrize("columns", [80, 100])
def test_list_on_a_narrow_terminal_shows_whole_vertex_names(emu: Emulator, columns: int) -> None:
    for name in VERTEX_NAMES:
        emu.create_operation(name, duration=0)
    code, screen = in_a_pty([*vertex(emu), "list", VERTEX_PARENT], columns)
    assert code == 0, screen
    text = ANSI.sub("", screen).replace("\r", "")
    # The terminal wraps a long line; the script itself never cuts or breaks a name.
    for name in VERTEX_NAMES:
        assert name in text, text
    header = text.splitlines()[0].split()
    assert header == ["STATE", "PROGRESS", "AGE", "NAME"]
    assert "100%" in text


# --------------------------------------------------------- the next-page hint works as printed (7)


def test_the_more_operations_hint_runs_as_printed(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/done{i}", duration=0)
        emu.create_operation(f"batches/running{i}", duration=None)
    env = {"GEMINI_API_KEY": KEY}
    first = gemini_ops(
        "list", "batches", "--filter", "done=true", "--page-size", "2", "--json",
        "--base-url", emu.url, "--max-retries", "1", env=env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    seen = [json.loads(line)["name"] for line in first.stdout.splitlines()]
    hint = first.stderr.strip()
    assert hint.startswith("More operations: gemini-ops ")
    command = shlex.split(hint.removeprefix("More operations: ").split("  (")[0])
    assert "--base-url" in command
    assert "--filter" in command
    second = gemini_ops(*command[1:], env=env)
    assert second.returncode == 0, second.stderr
    seen += [json.loads(line)["name"] for line in second.stdout.splitlines()]
    assert sorted(seen) == [f"batches/done{i}" for i in range(3)]


def test_the_hint_never_prints_a_key_given_on_the_command_line(emu: Emulator) -> None:
    for i in range(2):
        emu.create_operation(f"batches/b{i}", duration=0)
    result = gemini_ops(
        "--base-url", emu.url, "--api-key", KEY, "list", "batches", "--page-size", "1"
    )
    assert result.returncode == 0
    assert KEY not in result.stderr
    assert "add your --api-key" in result.stderr


# ------------------------------------------------------------ list --all streams; --limit (8)


def test_list_all_prints_each_page_as_it_arrives(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0)
    # The first page answers at once; the second hangs until the test is done.
    emu.inject_fault(path="/batches$", method="GET", times=1, delay=0.01)
    emu.inject_fault(path="/batches$", method="GET", times=1, delay=20)
    proc = subprocess.Popen(
        [str(SCRIPT), "--base-url", emu.url, "--api-key", KEY, "list", "batches", "--all",
         "--page-size", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ(),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        header, row = proc.stdout.readline(), proc.stdout.readline()
        assert header.split() == ["STATE", "PROGRESS", "AGE", "NAME"]
        assert row.split()[-1] == "batches/b0"
        assert proc.poll() is None  # still waiting for the second page
    finally:
        proc.kill()
        proc.communicate(timeout=20)


def test_list_limit_follows_pages_and_stops(emu: Emulator) -> None:
    for i in range(5):
        emu.create_operation(f"batches/b{i}", duration=0)
    args = ["--base-url", emu.url, "--api-key", KEY, "list", "batches", "--page-size", "2"]
    result = gemini_ops(*args, "--limit", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["name"] for line in result.stdout.splitlines()] == [
        "batches/b0",
        "batches/b1",
        "batches/b2",
    ]
    assert len([e for e in emu.requests() if "/batches" in e["path"]]) == 2
    refused = gemini_ops(*args, "--limit", "0")
    assert refused.returncode == 2
    assert "--limit" in refused.stderr


# ------------------------------------------------ global options after the command; durations (9)


def test_global_options_work_after_the_command(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    result = gemini_ops("list", "batches", "--api-key", KEY, "--json", "--base-url", emu.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "batches/b1"
    # A command's own option of the same spelling stays the command's.
    emulator_help = gemini_ops("emulator", "--help")
    assert "--api-key" in emulator_help.stdout


DURATIONS = [("10m", True), ("1h30m", True), ("2.5", True), ("500ms", True), ("10x", False),
             ("0s", False)]  # fmt: skip


@pytest.mark.parametrize(("given", "ok"), DURATIONS)
def test_durations_take_units(emu: Emulator, given: str, ok: bool) -> None:
    emu.create_operation("batches/b1", duration=0)
    result = gemini_ops(
        "--base-url", emu.url, "--api-key", KEY, "wait", "batches/b1", "--timeout", given,
        "--poll-interval", "0.1",
    )  # fmt: skip
    if ok:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2
        assert "duration" in result.stderr
        assert "Traceback" not in result.stderr


# --------------------------------------------------------- a missing extra says which one (3)


def without(modules: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (a script path first) as if ``modules`` were not installed."""
    return run_without(modules, *argv, env=environ())


@pytest.mark.parametrize(
    ("modules", "args", "extra"),
    [
        ("click,rich", ["list", "batches"], "cli"),
        ("rich", ["emulator"], "cli"),
        ("starlette,uvicorn", ["demo"], "emulator"),
        ("starlette", ["emulator", "--port", "0"], "emulator"),
    ],
)
def test_the_script_without_an_extra_says_which_to_install(
    modules: str, args: list[str], extra: str
) -> None:
    result = without(modules, str(SCRIPT), *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"pip install 'gemini-ops[{extra}]'" in lines[0]


def test_the_emulator_helpers_without_the_extra_say_which_to_install(tmp_path: Path) -> None:
    script = tmp_path / "uses_emulator.py"
    script.write_text("from gemini_ops.testing import Emulator\nEmulator()\n")
    result = without("starlette,uvicorn", str(script))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: the gemini-ops emulator needs the emulator extra: "
        "pip install 'gemini-ops[emulator]' (missing: starlette)"
    )


# ------------------------------------------------- the base URL the emulator prints works (11)


def test_the_emulator_banner_base_urls_work_as_given(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    banner = subprocess.Popen(
        [sys.executable, "-m", "gemini_ops.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environ(),
    )
    try:
        assert banner.stdout is not None
        lines = [banner.stdout.readline() for _ in range(3)]
    finally:
        banner.terminate()
        banner.communicate(timeout=20)
    printed = [line.split()[2] for line in lines[1:]]
    assert printed[0].startswith("http://127.0.0.1:")  # the base URL, then the Gemini one
    assert printed[1].endswith("/v1beta")
    for shown in printed:
        port_free = shown.replace(shown.split("/")[2], emu.url.split("/")[2])
        result = gemini_ops(
            "--base-url", port_free, "--api-key", KEY, "get", "batches/b1", "--json"
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["name"] == "batches/b1"


# ------------------------------------------------------------------------------ smaller (12)


def test_help_texts_say_what_is_printed_and_the_emulator_options_match() -> None:
    delete_help = " ".join(gemini_ops("delete", "--help").stdout.split())
    assert '--json Print {"name": NAME, "deleted": true} per name deleted.' in delete_help
    emulator_help = gemini_ops("emulator", "--help").stdout
    for option in ("--cancel-delay", "--log-level", "--seed-demo", "--vertex-token"):
        assert option in emulator_help


def test_the_missing_key_error_speaks_command_line() -> None:
    result = gemini_ops("get", "batches/b1")
    assert result.returncode == 4
    assert "--api-key" in result.stderr
    assert "GOOGLE_API_KEY" in result.stderr


def test_a_wait_timeout_speaks_one_unit(emu: Emulator) -> None:
    emu.create_operation("batches/slow", duration=None)
    result = gemini_ops(
        "--base-url", emu.url, "--api-key", KEY, "wait", "batches/slow", "--timeout", "3s",
        "--poll-interval", "500ms",
    )  # fmt: skip
    assert result.returncode == 3
    assert re.search(r"\(last seen at \d+%\)$", result.stderr.strip()), result.stderr
