"""The gemini-ops command line against a running emulator: commands, output, exit codes, demo."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gemini_ops import (
    CredentialsError,
    InvalidNameError,
    InvalidResponseError,
    NotFoundError,
    Operation,
    OperationFailedError,
    Operations,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    Status,
    TransportError,
    UnsupportedMethodError,
    WaitTimeoutError,
)
from gemini_ops.cli import cli, exit_code_for
from gemini_ops.cli.demo import NAMES, python_equivalent
from gemini_ops.testing import Emulator

# Keys that would be easy to spot anywhere in the output.
from .conftest import SECRET_KEY, VERTEX_TOKEN

VERTEX = "projects/p1/locations/us-central1"
# Environment variables that would change what the commands do or how they print.
CLEAN_ENV: dict[str, str | None] = dict.fromkeys(
    (
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
)


def run(
    emu: Emulator | None,
    *args: str,
    env: Mapping[str, str | None] | None = None,
    key: str = SECRET_KEY,
) -> Result:
    """Invoke the CLI in-process, pointed at the emulator, with a clean environment."""
    prefix = [] if emu is None else ["--base-url", emu.url, "--api-key", key]
    return CliRunner().invoke(
        cli, [*prefix, *args], env={**CLEAN_ENV, **(env or {})}, catch_exceptions=False
    )


def json_lines(text: str) -> list[Operation]:
    return [Operation.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]


def assert_clean(result: Result) -> None:
    """No traceback and no secret, on either stream."""
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert SECRET_KEY not in stream
        assert VERTEX_TOKEN not in stream


# --------------------------------------------------------------------------------- help, version


def test_help_documents_every_exit_code() -> None:
    result = run(None, "--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.stdout
    for code, words in [
        ("0", "success"),
        ("1", "finished with an error"),
        ("2", "usage error"),
        ("3", "timed out"),
        ("4", "API error"),
        ("5", "cannot connect"),
        ("130", "interrupted"),
    ]:
        assert any(
            line.split()[:1] == [code] and words in line for line in result.stdout.splitlines()
        ), code
    for command in ("get", "list", "wait", "cancel", "delete", "emulator", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["get", "list", "wait", "cancel", "delete", "emulator", "demo"])
def test_every_command_takes_json(command: str) -> None:
    result = run(None, command, "--help")
    assert result.exit_code == 0
    assert "--json" in result.stdout


def test_version() -> None:
    result = run(None, "--version")
    assert result.exit_code == 0
    assert "gemini-ops" in result.stdout


def test_unknown_command_and_option_are_usage_errors() -> None:
    assert run(None, "frobnicate").exit_code == 2
    assert run(None, "get", "--nope", "batches/b").exit_code == 2
    assert run(None, "get").exit_code == 2  # a name is required


# ------------------------------------------------------------------------------------------ get


def test_get_json_round_trips(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    result = run(emu, "get", "batches/b1", "--json")
    assert result.exit_code == 0, result.output
    (op,) = json_lines(result.stdout)
    assert op.name == "batches/b1"
    assert op.running
    assert op.metadata_type == "GenerateContentBatch"
    assert json.loads(result.stdout) == op.to_dict()
    assert_clean(result)


def test_get_several_prints_json_lines(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    emu.create_operation(
        "batches/b2", duration=0, error={"code": 13, "message": "internal failure"}
    )
    result = run(emu, "get", "batches/b1", "batches/b2", "--json")
    assert result.exit_code == 0
    ok, failed = json_lines(result.stdout)
    assert ok.succeeded
    assert failed.failed
    assert failed.error == Status(code=13, message="internal failure")


def test_get_human_output(emu: Emulator) -> None:
    emu.create_operation(
        "batches/b1", duration=0, error={"code": 8, "message": "Quota exceeded for batches."}
    )
    result = run(emu, "get", "batches/b1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "batches/b1"
    text = result.stdout
    assert "failed (BATCH_STATE_FAILED)" in text
    assert "RESOURCE_EXHAUSTED (8): Quota exceeded for batches." in text
    assert "GenerateContentBatch" in text
    assert "\x1b[" not in text  # not a terminal: no colours


def test_get_shows_a_jobs_own_state(emu: Emulator) -> None:
    emu.create_job("tunedModels/m1", duration=None)
    result = run(emu, "get", "tunedModels/m1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "tunedModels/m1"
    assert "running (CREATING)" in result.stdout
    emu.create_job("tunedModels/m2", duration=0)
    assert "succeeded (ACTIVE)" in run(emu, "get", "tunedModels/m2").stdout


def test_get_unknown_is_an_api_error(emu: Emulator) -> None:
    result = run(emu, "get", "batches/nope")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Error: batches/nope: NOT_FOUND (HTTP 404): Requested entity was not found."
    )


def test_get_goes_on_after_an_error_and_returns_the_highest_code(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    result = run(emu, "get", "batches/nope", "batches/b1", "--json")
    assert result.exit_code == 4
    assert [op.name for op in json_lines(result.stdout)] == ["batches/b1"]


@pytest.mark.parametrize("name", ["bad//name", "batches/../x", "https://evil.example/batches/b"])
def test_invalid_names_exit_2_before_any_request(emu: Emulator, name: str) -> None:
    for command in ("get", "wait", "cancel", "delete"):
        result = run(emu, command, "batches/fine", name)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith("Error: invalid name"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert emu.requests() == []


def test_vertex_with_an_access_token(emu: Emulator) -> None:
    name = f"{VERTEX}/operations/42"
    emu.create_operation(name, duration=None)
    result = run(emu, "--access-token", VERTEX_TOKEN, "get", name, "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[0].name == name
    listed = run(
        emu,
        "--access-token",
        VERTEX_TOKEN,
        "--vertex",
        "--project",
        "p1",
        "--location",
        "us-central1",
        "list",
        "--json",
    )
    assert listed.exit_code == 0, listed.output
    assert [op.name for op in json_lines(listed.stdout)] == [name]
    assert_clean(result)
    assert_clean(listed)


def test_missing_google_credentials_exit_4(emu: Emulator, tmp_path: Any) -> None:
    missing = str(tmp_path / "no-such-key.json")
    result = run(
        emu, "get", f"{VERTEX}/operations/42", env={"GOOGLE_APPLICATION_CREDENTIALS": missing}
    )
    assert result.exit_code == 4
    assert "credentials" in result.stderr.lower()
    assert emu.requests() == []


# ----------------------------------------------------------------------------------------- list


def test_list_plain_table_without_a_terminal(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    emu.create_operation("batches/b2", duration=0)
    result = run(emu, "list", "batches")
    assert result.exit_code == 0, result.output
    header, first, second = result.stdout.splitlines()
    assert header.split() == ["STATE", "PROGRESS", "AGE", "NAME"]
    assert first.split()[::3] == ["running", "batches/b1"]
    assert second.split()[:2] == ["succeeded", "100%"]
    assert second.split()[3] == "batches/b2"
    assert second.split()[2].endswith("s")  # age from the metadata's createTime
    wide = run(emu, "list", "batches", "--wide").stdout.splitlines()
    assert wide[0].split() == ["STATE", "PROGRESS", "AGE", "TYPE", "NAME"]
    assert wide[2].split()[3:] == ["GenerateContentBatch", "batches/b2"]
    assert not any(ch in result.stdout for ch in "┃│━\x1b")


def test_list_json_parses_back(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0)
    result = run(emu, "list", "batches", "--json")
    assert result.exit_code == 0
    ops = json_lines(result.stdout)
    assert [op.name for op in ops] == ["batches/b0", "batches/b1", "batches/b2"]
    assert all(op.succeeded for op in ops)


def test_list_one_page_prints_the_next_token_and_all_walks_every_page(emu: Emulator) -> None:
    for i in range(5):
        emu.create_operation(f"batches/b{i}", duration=0)
    first = run(emu, "list", "batches", "--page-size", "2", "--json")
    assert first.exit_code == 0
    assert len(json_lines(first.stdout)) == 2
    hint = first.stderr.strip()
    assert hint.startswith("More operations: gemini-ops --base-url ")
    assert " list batches --page-size 2 --json --page-token " in hint
    token = hint.split("--page-token ")[1].split()[0]
    second = run(emu, "list", "batches", "--page-size", "2", "--page-token", token, "--json")
    assert [op.name for op in json_lines(second.stdout)] == ["batches/b2", "batches/b3"]

    every = run(emu, "list", "batches", "--page-size", "2", "--all", "--json")
    assert every.exit_code == 0
    assert [op.name for op in json_lines(every.stdout)] == [f"batches/b{i}" for i in range(5)]
    assert every.stderr == ""


def test_list_filter_passes_through(emu: Emulator) -> None:
    emu.create_operation("batches/running", duration=None)
    emu.create_operation("batches/done", duration=0)
    result = run(emu, "list", "batches", "--filter", "done=true", "--json")
    assert [op.name for op in json_lines(result.stdout)] == ["batches/done"]


def test_list_without_a_parent_on_v1beta_is_a_usage_error(emu: Emulator) -> None:
    result = run(emu, "list")
    assert result.exit_code == 2
    assert "pass a parent" in result.stderr


def test_list_repeated_page_token_exits_4(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0)
    emu.inject_fault(path="/batches$", method="GET", times=5, repeat_page_token=True)
    result = run(emu, "list", "batches", "--all", "--page-size", "1", "--json")
    assert result.exit_code == 4
    assert "page token" in result.stderr


def test_empty_list(emu: Emulator) -> None:
    result = run(emu, "list", "batches")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No operations" in result.stderr


# ------------------------------------------------------------------------------ cancel, delete


def test_cancel_then_json_shows_it_cancelled(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    result = run(emu, "cancel", "batches/b1", "--json")
    assert result.exit_code == 0, result.output
    (op,) = json_lines(result.stdout)
    assert op.cancelled
    human = run(emu, "cancel", "batches/b1")
    assert human.stdout.strip() == "Cancellation requested: batches/b1"


def test_cancel_unsupported_family_exits_2_without_a_request(emu: Emulator) -> None:
    result = run(emu, "cancel", "models/veo-3.0-generate-001/operations/v1")
    assert result.exit_code == 2
    assert "cancel is not available" in result.stderr
    assert emu.requests() == []


def test_delete(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    emu.create_operation("batches/b2", duration=0)
    result = run(emu, "delete", "batches/b1", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"name": "batches/b1", "deleted": True}
    human = run(emu, "delete", "batches/b2")
    assert human.stdout.strip() == "Deleted: batches/b2"
    assert run(emu, "get", "batches/b1").exit_code == 4
    again = run(emu, "delete", "batches/b1")
    assert again.exit_code == 4
    assert "NOT_FOUND" in again.stderr


# ----------------------------------------------------------------------------------------- wait


def test_wait_success_json(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.3)
    result = run(emu, "wait", "batches/b1", "--poll-interval", "0.1", "--json")
    assert result.exit_code == 0, result.output
    (op,) = json_lines(result.stdout)
    assert op.succeeded
    assert op.response_type == "GenerateContentBatchOutput"


def test_wait_plain_lines_without_a_terminal(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.5)
    result = run(emu, "wait", "batches/b1", "--poll-interval", "0.1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) >= 2
    assert all("batches/b1" in line for line in lines)
    assert lines[0].split()[2] in {"pending", "running"}  # the batch's own state word
    assert lines[-1].split()[2:4] == ["succeeded", "100%"]
    assert "files/batch-b1-responses" in lines[-1]
    assert "\x1b[" not in result.stdout
    assert "\r" not in result.stdout


def test_wait_failed_operation_exits_1(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.2, error={"code": 13, "message": "boom"})
    result = run(emu, "wait", "batches/b1", "--poll-interval", "0.1", "--json")
    assert result.exit_code == 1
    (op,) = json_lines(result.stdout)
    assert op.failed
    assert op.error is not None
    assert op.error.code == 13


def test_wait_timeout_exits_3_with_the_last_operation(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    started = time.monotonic()
    result = run(emu, "wait", "batches/b1", "--timeout", "0.6", "--poll-interval", "0.2", "--json")
    assert time.monotonic() - started < 3
    assert result.exit_code == 3
    (op,) = json_lines(result.stdout)
    assert op.running
    assert result.stderr.startswith("Error: batches/b1 was not done after 0.6 s")


def test_wait_unknown_exits_4(emu: Emulator) -> None:
    result = run(emu, "wait", "batches/nope", "--poll-interval", "0.1")
    assert result.exit_code == 4
    assert "NOT_FOUND" in result.stderr


def test_wait_a_404_among_others_still_reports_the_others(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0.3)
    result = run(
        emu, "wait", "batches/b0", "batches/gone", "batches/b1", "batches/b2",
        "--poll-interval", "0.1", "--json",
    )  # fmt: skip
    assert result.exit_code == 4
    ops = json_lines(result.stdout)
    assert sorted(op.name for op in ops) == ["batches/b0", "batches/b1", "batches/b2"]
    assert all(op.succeeded for op in ops)
    assert "batches/gone" in result.stderr
    assert "NOT_FOUND" in result.stderr


def test_wait_several_concurrently_returns_the_highest_code(emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=0.6)
    emu.create_operation("batches/bad", duration=0.3, error={"code": 9, "message": "no"})
    started = time.monotonic()
    result = run(
        emu,
        "wait",
        *(f"batches/b{i}" for i in range(3)),
        "batches/bad",
        "--poll-interval",
        "0.2",
        "--json",
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    ops = json_lines(result.stdout)
    assert ops[0].name == "batches/bad"  # in finishing order
    assert sorted(op.name for op in ops[1:]) == ["batches/b0", "batches/b1", "batches/b2"]
    assert elapsed < 1.6  # one after the other would take 4 x 0.6 s


def test_wait_with_backoff(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.5)
    result = run(
        emu,
        "wait",
        "batches/b1",
        "--backoff",
        "--initial-delay",
        "0.05",
        "--max-delay",
        "0.2",
        "--multiplier",
        "2",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[0].succeeded
    polls = [r for r in emu.requests() if r["path"].endswith("/batches/b1")]
    assert 3 <= len(polls) <= 8


@pytest.mark.parametrize(
    "options",
    [
        ["--backoff", "--poll-interval", "1"],
        ["--initial-delay", "1"],
        ["--multiplier", "3"],
        ["--poll-interval", "0"],
        ["--timeout", "-1"],
        ["--backoff", "--multiplier", "0.5"],
        ["--backoff", "--initial-delay", "5", "--max-delay", "1"],
    ],
)
def test_wait_bad_options_exit_2(emu: Emulator, options: Sequence[str]) -> None:
    result = run(emu, "wait", "batches/b1", *options)
    assert result.exit_code == 2, result.output
    assert emu.requests() == []


def test_wait_live_progress_on_a_terminal(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.6)
    emu.create_operation("models/veo-3.0-generate-001/operations/v1", duration=0.4)
    result = run(
        emu,
        "wait",
        "batches/b1",
        "models/veo-3.0-generate-001/operations/v1",
        "--poll-interval",
        "0.1",
        env={"FORCE_COLOR": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "150"},
    )
    assert result.exit_code == 0, result.output
    assert "\x1b[" in result.stdout  # drawn with terminal control codes
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout)
    assert "✓ batches/b1  succeeded after" in text
    assert "✓ models/veo-3.0-generate-001/operations/v1  succeeded after" in text
    assert "100% succeeded" in text


# ------------------------------------------------------------------- exit codes 4, 5 and secrets


def test_wrong_api_key_exits_4_and_never_shows_a_key(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    wrong = "sk-wrong-key-also-secret"
    result = run(emu, "-v", "get", "batches/b1", key=wrong)
    assert result.exit_code == 4
    assert wrong not in result.output
    assert_clean(result)


def test_verbose_shows_details_but_never_the_key(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.2)
    results = [
        run(emu, "-v", "get", "batches/b1", "--json"),
        run(emu, "-v", "list", "batches"),
        run(emu, "-v", "wait", "batches/b1", "--poll-interval", "0.1"),
        run(emu, "-v", "get", "batches/nope"),
        run(emu, "-v", "delete", "batches/b1"),
    ]
    assert [r.exit_code for r in results] == [0, 0, 0, 4, 0]
    for result in results:
        assert_clean(result)
    assert "HTTP Request: GET" in results[0].stderr
    assert "request: GET http://" in results[3].stderr
    assert "exception: gemini_ops" in results[3].stderr


def test_a_key_echoed_by_the_server_is_scrubbed(emu: Emulator) -> None:
    emu.inject_fault(path="/batches/b1$", status=400, message=f"API key {SECRET_KEY} is bad")
    result = run(emu, "-v", "get", "batches/b1")
    assert result.exit_code == 4
    assert "API key *** is bad" in result.stderr
    assert_clean(result)


def test_invalid_response_exits_4(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    emu.inject_fault(path="/batches/b1$", status=200, body="garbage")
    result = run(emu, "--max-retries", "0", "get", "batches/b1")
    assert result.exit_code == 4
    assert_clean(result)


def test_rate_limited_after_retries_exits_4(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    emu.inject_fault(path="/batches/b1$", status=429, times=5)
    result = run(emu, "--max-retries", "0", "get", "batches/b1")
    assert result.exit_code == 4
    assert "RESOURCE_EXHAUSTED (HTTP 429)" in result.stderr


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_cannot_connect_exits_5() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(
        cli,
        ["--base-url", url, "--api-key", SECRET_KEY, "--max-retries", "0", "get", "batches/b"],
        env=CLEAN_ENV,
    )
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error: batches/b: cannot connect")
    assert_clean(result)


def test_bad_base_url_is_a_usage_error() -> None:
    result = run(None, "--base-url", "ftp://example", "--api-key", "k", "get", "batches/b")
    assert result.exit_code == 2
    assert "base_url" in result.stderr


def test_api_key_from_the_environment(emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    result = CliRunner().invoke(
        cli,
        ["get", "batches/b1", "--json"],
        env={**CLEAN_ENV, "GEMINI_API_KEY": SECRET_KEY, "GEMINI_OPS_BASE_URL": emu.url},
    )
    assert result.exit_code == 0, result.output
    assert_clean(result)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (WaitTimeoutError("late"), 3),
        (TransportError("refused"), 5),
        (NotFoundError("gone", http_status=404), 4),
        (PermissionDeniedError("no", http_status=403), 4),
        (RateLimitError("slow down", http_status=429), 4),
        (InvalidResponseError("html", http_status=200), 4),
        (PaginationError("batches", "t"), 4),
        (CredentialsError("none"), 4),
        (InvalidNameError("x", "bad", ["batches/{batch}"]), 2),
        (UnsupportedMethodError("x", "cancel", ["get"]), 2),
        (ValueError("page_size"), 2),
        (OperationFailedError(None, None), 1),
        (KeyboardInterrupt(), 130),
    ],
)
def test_exit_code_mapping(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_keyboard_interrupt_exits_130(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Operations, "list", interrupted)
    result = run(emu, "list", "batches")
    assert result.exit_code == 130
    assert result.stderr.strip() == "Interrupted."
    assert_clean(result)


# ------------------------------------------------------------ real processes: Ctrl-C, emulator


def _spawn(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    environ = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    return subprocess.Popen(
        [sys.executable, "-m", "gemini_ops.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**environ, **(env or {})},
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_stops_waiting_cleanly_and_cancels(emu: Emulator) -> None:
    emu.create_operation("batches/long", duration=None)
    emu.create_operation("batches/quick", duration=0)
    proc = _spawn(
        "--base-url",
        emu.url,
        "--api-key",
        SECRET_KEY,
        "wait",
        "batches/quick",
        "batches/long",
        "--poll-interval",
        "0.2",
        "--cancel-on-interrupt",
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline(), proc.stdout.readline()]  # both polled once
    assert all(lines), lines
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert "Interrupted: stopped waiting for 1 operation; cancellation requested for 1." in err
    assert "batches/long  interrupted" in out
    with Operations(api_key=SECRET_KEY, base_url=emu.url) as ops:
        assert ops.get("batches/long").cancelled
        assert ops.get("batches/quick").succeeded


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_emulator_command_serves_until_ctrl_c() -> None:
    proc = _spawn("emulator", "--port", "0", "--seed-demo", "--api-key", "k1", "--json")
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["api_key"] == "k1"
        url = info["url"]
        for _ in range(100):  # the socket is bound just after the line is printed
            result = run(None, "--base-url", url, "--api-key", "k1", "list", "batches", "--json")
            if result.exit_code != 5:
                break
            time.sleep(0.05)
        assert result.exit_code == 0, result.output
        assert "batches/demo-batch-running" in [op.name for op in json_lines(result.stdout)]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "Traceback" not in err


# ----------------------------------------------------------------------------------------- demo


def test_demo_end_to_end_and_its_python_equivalent_runs() -> None:
    # The printed Python runs in a child process meanwhile: it must do what the demo did.
    snippet = _spawn_python(python_equivalent())
    started = time.monotonic()
    result = run(None, "demo", "--json")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 30
    ops = {op.name: op for op in json_lines(result.stdout)}
    assert set(ops) == set(NAMES)
    states = sorted(
        "cancelled" if op.cancelled else "failed" if op.failed else "succeeded"
        for op in ops.values()
    )
    assert states == ["cancelled", "failed"] + ["succeeded"] * 4
    story = result.stderr
    for heading in ("1. Start", "2. List", "3. Wait", "4. Delete", "5. Summary", "in Python"):
        assert heading in story
    assert "UnsupportedMethodError, 0 requests sent" in story
    assert "now raises NotFoundError" in story
    assert "Unexpected" not in story
    assert "Traceback" not in story

    out, err = snippet.communicate(timeout=60)
    assert snippet.returncode == 0, err
    assert out.count(" succeeded: ") == 4
    assert out.count(" ended with ") == 2
    assert out.count("not deletable:") == 2


def _spawn_python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
