"""Secrets stay secret: with DEBUG logging on everywhere, run every method, succeeding and
failing, with a recognisable API key and access token, and look for them in every URL sent, log
record, repr, exception (its whole chain and traceback) and the CLI's output."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest
from dual import Api
from google.oauth2.credentials import Credentials

from gemini_ops import AsyncOperations, Operations
from gemini_ops.testing import Emulator

from .conftest import SECRET_KEY, SECRET_TOKEN, VERTEX_LOCATION, fast_backoff  # noqa: F401

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("fast_backoff")]

WRONG_KEY = "AIzaSyWRONG-secret-key-0c7d21"
WRONG_TOKEN = "ya29.WRONG-secret-token-6e1f90"
SECRETS = (SECRET_KEY, SECRET_TOKEN, WRONG_KEY, WRONG_TOKEN)


class Texts:
    """Every piece of text a secret could end up in."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, text: object) -> None:
        self.items.append((where, str(text)))

    def add_exception(self, where: str, exc: BaseException) -> None:
        self.add(f"{where}: traceback", "".join(traceback.format_exception(exc)))
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            self.add(f"{where}: str", current)
            self.add(f"{where}: repr", repr(current))
            self.add(f"{where}: attributes", repr(vars(current)))
            current = current.__cause__ or current.__context__

    def leaks(self) -> list[tuple[str, str]]:
        return [
            (where, secret)
            for where, text in self.items
            for secret in SECRETS
            if secret in text or secret.split("-", 1)[1] in text
        ]


@pytest.fixture
def debug_everywhere(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("gemini_ops", "httpx", "httpcore", "hpack", "google", "urllib3", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _record_url(sent: list[str]) -> Any:
    def hook(request: httpx.Request) -> None:
        sent.append(str(request.url))
        sent.append(repr(request))

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    return hook, ahook


class OwnClientApi(Api):
    """An Api sending through an httpx client of the test's own, closed with it."""

    def __init__(self, ops: Operations | AsyncOperations, client: Any) -> None:
        super().__init__(ops)
        self.client = client

    async def close(self) -> None:
        await super().close()
        if isinstance(self.client, httpx.AsyncClient):
            await self.client.aclose()
        else:
            self.client.close()


def _make(mode: str, sent: list[str], **options: Any) -> Api:
    """A client whose every request's URL is recorded by an event hook of its own httpx client."""
    hook, ahook = _record_url(sent)
    if mode == "async":
        aclient = httpx.AsyncClient(event_hooks={"request": [ahook]})
        aops = AsyncOperations(http_client=aclient, max_retries=1, timeout=0.3, **options)
        return OwnClientApi(aops, aclient)
    client = httpx.Client(event_hooks={"request": [hook]})
    return OwnClientApi(
        Operations(http_client=client, max_retries=1, timeout=0.3, **options), client
    )


async def _run(api: Api, texts: Texts, label: str, method: str, *args: Any, **kw: Any) -> None:
    try:
        if method in {"list_all", "wait_many"}:
            result: Any = await api.collect(method, *args, **kw)
        elif method == "raw_get":
            from gemini_ops_api.api.gemini import get_batch

            raw = api.ops.raw_client()
            texts.add(f"{label}: raw client", repr(raw))
            if api.is_async:
                result = await get_batch.asyncio_detailed(batch=args[0], client=raw)
            else:
                result = get_batch.sync_detailed(batch=args[0], client=raw)
        else:
            result = await api(method, *args, **kw)
        texts.add(f"{label}: result", repr(result))
    except Exception as exc:
        texts.add_exception(label, exc)


@pytest.mark.timeout(60)
async def test_no_secret_anywhere(
    emu: Emulator, mode: str, debug_everywhere: pytest.LogCaptureFixture
) -> None:
    texts = Texts()
    sent: list[str] = []
    gemini = _make(mode, sent, api_key=SECRET_KEY, base_url=emu.url)
    vertex = _make(
        mode,
        sent,
        vertex_ai=True,
        project="p1",
        location="us-central1",
        credentials=Credentials(token=SECRET_TOKEN),
        base_url=emu.url,
    )
    wrong_key = _make(mode, sent, api_key=WRONG_KEY, base_url=emu.url)
    wrong_token = _make(
        mode,
        sent,
        vertex_ai=True,
        project="p1",
        location="us-central1",
        credentials=Credentials(token=WRONG_TOKEN),
        base_url=emu.url,
    )
    for api in (gemini, vertex, wrong_key, wrong_token):
        texts.add("client repr", repr(api.ops))
        texts.add("settings", str(api.ops.settings))
        texts.add("settings repr", repr(api.ops.settings))
    vop = f"{VERTEX_LOCATION}/operations/v1"
    for i in range(4):
        emu.create_operation(f"batches/s{i}", duration=0.05 * i)
    emu.create_operation(vop, duration=0.1)
    emu.create_operation(f"{VERTEX_LOCATION}/operations/v2", duration=None)
    wait = {"poll_interval": 0.02, "timeout": 5.0}
    try:
        # Every method, succeeding.
        for method, args, kw in [
            ("get", ("batches/s0",), {}),
            ("list", ("batches",), {"page_size": 2}),
            ("list_all", ("batches",), {"page_size": 2}),
            ("wait", ("batches/s1",), wait),
            ("wait_with_backoff", ("batches/s2",), {"initial_delay": 0.02, "timeout": 5.0}),
            ("wait_many", (["batches/s1", "batches/s2"],), wait),
            ("raw_get", ("s0",), {}),
            ("cancel", ("batches/s3",), {}),
            ("delete", ("batches/s3",), {}),
        ]:
            await _run(gemini, texts, f"gemini {method}", method, *args, **kw)
        for method, args, kw in [
            ("get", (vop,), {}),
            ("list", (), {}),
            ("wait", (vop,), wait),
            ("cancel", (f"{VERTEX_LOCATION}/operations/v2",), {}),
            ("delete", (vop,), {}),
        ]:
            await _run(vertex, texts, f"vertex {method}", method, *args, **kw)
        # Every method, failing in every way the server can fail.
        emu.create_operation("batches/f", duration=None)
        for label, fault in [
            ("503 twice", {"status": 503, "times": 2}),
            ("429 RetryInfo", {"status": 429, "retry_delay": "0.01s", "times": 2}),
            ("HTML 502", {"status": 502, "body": "html", "times": 2}),
            ("garbage", {"body": "garbage"}),
            ("truncated", {"body": "truncated"}),
            ("dropped", {"drop": True, "times": 2}),
            ("slow", {"delay": 0.5, "times": 2}),
        ]:
            for method in ("get", "cancel", "list", "raw_get"):
                name = "batches/f" if method != "raw_get" else "f"
                arg = "batches" if method == "list" else name
                emu.clear_faults()
                emu.inject_fault(path="/v1beta/batches", **fault)
                await _run(gemini, texts, f"gemini {method} {label}", method, arg)
            emu.clear_faults()
            emu.inject_fault(path=f"/v1/{VERTEX_LOCATION}", **fault)
            await _run(vertex, texts, f"vertex get {label}", "get", vop)
        emu.clear_faults()
        await _run(gemini, texts, "not found", "get", "batches/missing")
        await _run(
            gemini, texts, "wait timeout", "wait", "batches/f", poll_interval=0.02, timeout=0.1
        )
        emu.inject_fault(path="/v1beta/batches$", times=5, repeat_page_token=True)
        await _run(gemini, texts, "pagination", "list_all", "batches", page_size=1)
        emu.clear_faults()
        await _run(wrong_key, texts, "wrong key", "get", "batches/f")
        await _run(wrong_token, texts, "wrong token", "get", vop)
    finally:
        for api in (gemini, vertex, wrong_key, wrong_token):
            await api.close()
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s")
    for record in debug_everywhere.records:
        texts.add(f"log {record.name}", formatter.format(record))
    for url in sent:
        texts.add("URL sent", url)
    for entry in emu.requests():
        texts.add("request log", entry)
        assert "key=" not in entry["query"]
        assert "access_token=" not in entry["query"]

    assert len(sent) > 60  # every call above went out
    assert any(r.levelno == logging.DEBUG for r in debug_everywhere.records)
    assert any("retrying" in r.getMessage() for r in debug_everywhere.records)
    assert texts.leaks() == []


def _cli() -> Path | None:
    script = Path(sys.executable).parent / "gemini-ops"
    try:
        import gemini_ops.cli  # noqa: F401
    except ImportError:
        return None
    return script if script.exists() else None


@pytest.mark.timeout(120)
@pytest.mark.skipif(_cli() is None, reason="the gemini-ops console script is not installed")
def test_no_secret_in_cli_output(emu: Emulator) -> None:
    script = str(_cli())
    for i in range(3):
        emu.create_operation(f"batches/c{i}", duration=0.05)
    emu.create_operation(f"{VERTEX_LOCATION}/operations/c", duration=0.05)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GEMINI_", "GOOGLE_")) and k not in {"FORCE_COLOR", "NO_COLOR"}
    }
    gemini = ["--base-url", emu.url, "--api-key", SECRET_KEY, "-v", "--max-retries", "1"]
    vertex = ["--base-url", emu.url, "--access-token", SECRET_TOKEN, "-v", "--vertex"]
    vertex += ["--project", "p1", "--location", "us-central1"]
    runs: list[tuple[list[str], dict[str, Any] | None]] = [
        ([*gemini, "get", "batches/c0", "--json"], None),
        ([*gemini, "get", "batches/c0"], None),
        ([*gemini, "list", "batches", "--json"], None),
        ([*gemini, "list", "batches"], None),
        ([*gemini, "wait", "batches/c1", "--poll-interval", "0.05", "--json"], None),
        ([*gemini, "cancel", "batches/c2"], None),
        ([*gemini, "delete", "batches/c2"], None),
        ([*gemini, "get", "batches/missing"], None),
        ([*gemini, "get", "batches/c0"], {"status": 503, "times": 5}),
        ([*gemini, "get", "batches/c0", "--json"], {"body": "garbage"}),
        ([*gemini, "get", "batches/c0"], {"drop": True, "times": 5}),
        ([*vertex, "get", f"{VERTEX_LOCATION}/operations/c", "--json"], None),
        ([*vertex, "wait", f"{VERTEX_LOCATION}/operations/c", "--poll-interval", "0.05"], None),
        ([*vertex, "list"], None),
        (["--base-url", emu.url, "--api-key", WRONG_KEY, "-v", "get", "batches/c0"], None),
        (
            [
                "--base-url",
                emu.url,
                "--access-token",
                WRONG_TOKEN,
                "-v",
                "--vertex",
                "get",
                f"{VERTEX_LOCATION}/operations/c",
            ],
            None,
        ),
    ]
    outputs = []
    for args, fault in runs:
        emu.clear_faults()
        if fault is not None:
            emu.inject_fault(path="/v1beta/batches", **fault)
        done = subprocess.run(
            [script, *args], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        outputs.append((args[-3:], done.returncode, done.stdout + done.stderr))
    # The same with the key from the environment.
    done = subprocess.run(
        [script, "--base-url", emu.url, "-v", "get", "batches/c0"],
        capture_output=True,
        text=True,
        env={**env, "GEMINI_API_KEY": SECRET_KEY},
        timeout=60,
        check=False,
    )
    outputs.append((["env key"], done.returncode, done.stdout + done.stderr))

    assert outputs[0][1] == 0, outputs[0]
    assert "batches/c0" in outputs[0][2]
    assert any(code != 0 for _, code, _ in outputs)  # the failures failed
    for args, _code, text in outputs:
        for secret in SECRETS:
            assert secret not in text, (args, secret)
            assert secret.split("-", 1)[1] not in text, (args, secret)
