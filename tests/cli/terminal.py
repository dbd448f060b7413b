"""Run the installed ``gemini-ops`` script as a user does, and read what a terminal would show."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("gemini-ops")
# Variables that change what the script does or how it prints.
DROPPED = (
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
    "GEMINI_OPS_BASE_URL",
    "GEMINI_OPS_ACCESS_TOKEN",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "NO_COLOR",
    "COLUMNS",
    "LINES",
)
# A control sequence, a carriage return, a line feed, or a run of text.
_TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+")


def environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without what would steer the script, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return {**env, **(extra or {})}


def final_screen(output: str) -> list[str]:
    """What a terminal shows once ``output`` is written to it (colours, trailing blanks dropped).

    Understands what rich's live display writes: carriage returns, line feeds, cursor up
    (``ESC[nA``), erase line (``ESC[2K``, ``ESC[K``); other sequences change no text.
    """
    lines, row, col = [""], 0, 0
    for match in _TOKEN.finditer(output):
        token = match.group(0)
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif match.group(2) == "A":
            row = max(0, row - int(match.group(1) or 1))
        elif match.group(2) == "K":
            lines[row] = "" if match.group(1) == "2" else lines[row][:col]
        elif match.group(2) is None:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token) :]
            col += len(token)
    screen = [line.rstrip() for line in lines]
    while screen and not screen[-1]:
        screen.pop()
    return screen


def interrupted_in_a_pty(
    args: Sequence[str], *, ready: Callable[[str], bool], columns: int = 160, timeout: float = 30
) -> tuple[int, str]:
    """Run on a terminal, press Ctrl-C once ``ready(output so far)``; return code and output.

    Ctrl-C is what a terminal sends on that key: SIGINT to the script's process group.
    """
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(
        [str(SCRIPT), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environ({"TERM": "xterm"}),
        close_fds=True,
        start_new_session=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    pressed = False
    try:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([leader], [], [], 0.05)
            if readable:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            if not pressed and ready(b"".join(chunks).decode(errors="replace")):
                os.killpg(proc.pid, signal.SIGINT)
                pressed = True
        return proc.wait(timeout=max(0.1, deadline - time.monotonic())), b"".join(chunks).decode(
            errors="replace"
        )
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
