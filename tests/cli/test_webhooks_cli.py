"""gemini-ops webhooks list/create/delete, and wait --webhook-listen, against the emulator."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from click.testing import CliRunner, Result

from gemini_ops.cli import cli
from gemini_ops.testing import Emulator

from .conftest import SECRET_KEY as KEY


def run(emu: Emulator, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        ["--base-url", emu.url, "--api-key", KEY, *args],
        env={"GEMINI_API_KEY": None, "GOOGLE_API_KEY": None, **(env or {})},
        catch_exceptions=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_create_list_delete(emu: Emulator) -> None:
    created = run(emu, "webhooks", "create", "https://x.invalid/h", "--event", "batch.failed")
    assert created.exit_code == 0, created.output
    ident = created.stdout.split("Created: ")[1].split()[0]
    assert "whsec_" in created.stdout
    listed = run(emu, "webhooks", "list", "--json")
    hooks = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(h["id"], h["subscribed_events"]) for h in hooks] == [(ident, ["batch.failed"])]
    assert "whsec_" not in listed.stdout.replace("whsec_...", "")  # only truncated secrets
    table = run(emu, "webhooks", "list")
    assert ident in table.stdout
    deleted = run(emu, "webhooks", "delete", ident)
    assert deleted.exit_code == 0
    assert run(emu, "webhooks", "list", "--json").stdout.strip() == ""
    missing = run(emu, "webhooks", "delete", ident)
    assert missing.exit_code != 0
    assert "Traceback" not in missing.output
    assert KEY not in missing.output


def test_wait_ends_by_a_delivery_to_its_receiver(emu: Emulator) -> None:
    port = free_port()
    created = run(emu, "webhooks", "create", f"http://127.0.0.1:{port}/", "--json")
    secret = json.loads(created.stdout)["new_signing_secret"]
    emu.create_operation("batches/cli", duration=None)
    timer = threading.Timer(1.5, emu.complete, args=("batches/cli",))
    timer.start()
    try:
        result = run(
            emu,
            "wait",
            "batches/cli",
            "--poll-interval",
            "60",
            "--timeout",
            "20",
            "--webhook-listen",
            f"127.0.0.1:{port}",
            "--webhook-secret-env",
            "HOOK_SECRET",
            "--json",
            env={"HOOK_SECRET": secret},
        )
    finally:
        timer.cancel()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["done"] is True
    gets = [r for r in emu.requests() if r["path"] == "/v1beta/batches/cli"]
    assert len(gets) == 2
    assert secret not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--webhook-listen", "127.0.0.1:1"], "needs --webhook-secret-env"),
        (["--webhook-secret-env", "X"], "only applies with --webhook-listen"),
        (["--webhook-listen", "nowhere", "--webhook-secret-env", "X"], "HOST:PORT"),
        (["--webhook-listen", "127.0.0.1:1", "--webhook-secret-env", "UNSET_VAR"], "not set"),
    ],
)
def test_webhook_option_errors(emu: Emulator, args: list[str], message: str) -> None:
    emu.create_operation("batches/o", duration=0)
    result = run(emu, "wait", "batches/o", *args)
    assert result.exit_code == 2
    assert message in result.output
