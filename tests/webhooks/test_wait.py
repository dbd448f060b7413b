"""Waits ended by webhook deliveries: the emulator delivers, the receiver publishes, waits poll."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from dual import gemini_options, make

from gemini_ops import Notifications, WaitTimeoutError
from gemini_ops.testing import Emulator
from gemini_ops.webhooks import WebhookReceiver
from webhooks.helpers import LateApp, Recording, gemini_client, serve

BATCH_EVENTS = ["batch.succeeded", "batch.failed", "batch.cancelled", "batch.expired"]


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def registered(emu: Emulator, hub: Notifications) -> Iterator[tuple[WebhookReceiver, str]]:
    """A receiver on loopback, registered with the emulator through google-genai."""
    late = LateApp()
    with serve(late) as url:
        client = gemini_client(emu)
        hook = client.webhooks.create(uri=url + "/hook", subscribed_events=BATCH_EVENTS)
        late.app = WebhookReceiver(hub, secret=hook.new_signing_secret)
        yield late.app, url + "/hook"


def polls(emu: Emulator) -> Counter[str]:
    return Counter(r["path"] for r in emu.requests() if r["method"] == "GET")


@pytest.mark.anyio
async def test_many_batches_end_by_notification_with_two_polls_each(
    emu: Emulator, mode: str
) -> None:
    hub = Notifications()
    names = [f"batches/n{i:03d}" for i in range(100)]
    with registered(emu, hub) as (receiver, _url):
        for i, name in enumerate(names):
            emu.create_operation(name, duration=0.3 + 5.0 * i / len(names))
        api = make(mode, **gemini_options(emu))
        try:
            # poll_interval=60 and a 30 s deadline: only notifications can end these waits.
            done = await api.collect(
                "wait_many", names, poll_interval=60, timeout=30, notifications=hub
            )
        finally:
            await api.close()
    assert sorted(op.name for op in done) == names
    assert all(op.done for op in done)
    counts = polls(emu)
    assert max(counts[f"/v1beta/{n}"] for n in names) <= 2
    assert receiver.counts["rejected"] == 0


@pytest.mark.anyio
async def test_wait_and_backoff_end_by_notification(emu: Emulator, mode: str) -> None:
    hub = Notifications()
    with registered(emu, hub):
        emu.create_operation("batches/w1", duration=None)
        emu.create_operation("batches/w2", duration=None)
        api = make(mode, **gemini_options(emu))
        later = threading.Timer(1.0, emu.complete, args=("batches/w1",))
        later.start()
        try:
            one = await api("wait", "batches/w1", poll_interval=60, timeout=20, notifications=hub)
            error = {"code": 13, "message": "x"}
            later = threading.Timer(
                1.0, emu.complete, args=("batches/w2",), kwargs={"error": error}
            )
            later.start()
            two = await api(
                "wait_with_backoff",
                "batches/w2",
                initial_delay=60,
                max_delay=60,
                timeout=20,
                notifications=hub,
            )
        finally:
            await api.close()
    assert one.done
    assert two.done
    assert two.error is not None
    assert polls(emu)["/v1beta/batches/w1"] == 2
    assert polls(emu)["/v1beta/batches/w2"] == 2


@pytest.mark.anyio
@pytest.mark.parametrize("attack", ["forged", "replayed", "tampered"])
async def test_bad_deliveries_trigger_no_poll(emu: Emulator, mode: str, attack: str) -> None:
    import base64
    from datetime import UTC, datetime, timedelta

    import standardwebhooks

    hub = Notifications()
    name = "batches/victim"
    with registered(emu, hub) as (receiver, url):
        emu.create_operation(name, duration=None)
        secret = "whsec_" + base64.b64encode(b"f" * 32).decode()
        body = f'{{"type":"batch.succeeded","data":{{"id":"{name}"}}}}'
        sent = datetime.now(UTC)
        if attack == "replayed":
            sent -= timedelta(minutes=10)
        headers = {
            "webhook-id": "evil",
            "webhook-timestamp": str(int(sent.timestamp())),
            "webhook-signature": standardwebhooks.Webhook(secret).sign("evil", sent, body),
        }
        if attack == "tampered":
            body = body.replace("victim", "victim ")
        answers: list[int] = []

        def attack_soon() -> None:
            time.sleep(0.3)
            answers.append(httpx.post(url, content=body, headers=headers).status_code)

        thread = threading.Thread(target=attack_soon)
        thread.start()
        api = make(mode, **gemini_options(emu))
        try:
            with pytest.raises(WaitTimeoutError):
                await api("wait", name, poll_interval=60, timeout=1.0, notifications=hub)
        finally:
            await api.close()
            thread.join()
    assert answers == [401]
    assert receiver.counts == {"accepted": 0, "duplicate": 0, "rejected": 1}
    assert polls(emu)[f"/v1beta/{name}"] == 1


@pytest.mark.anyio
async def test_duplicates_and_bare_ids_yield_each_operation_once(emu: Emulator, mode: str) -> None:
    hub = Recording()
    emu.webhook_settings(duplicates=2, id_form="bare")
    names = [f"batches/d{i}" for i in range(10)]
    with registered(emu, hub) as (receiver, _url):
        for name in names:
            emu.create_operation(name, duration=0.3)
        api = make(mode, **gemini_options(emu))
        try:
            done = await api.collect(
                "wait_many", names, poll_interval=60, timeout=20, notifications=hub
            )
        finally:
            await api.close()
        deadline = time.monotonic() + 5
        while receiver.counts["duplicate"] < 20 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    assert sorted(op.name for op in done) == names
    assert receiver.counts == {"accepted": 10, "duplicate": 20, "rejected": 0}
    assert sorted(n for n in hub.published if "/" in n) == names  # bare id -> batches/{id}
    assert max(polls(emu)[f"/v1beta/{n}"] for n in names) <= 2


@pytest.mark.anyio
async def test_with_the_receiver_down_waits_end_by_backstop_polling(
    emu: Emulator, mode: str
) -> None:
    hub = Notifications()
    with serve(LateApp()) as url:
        dead = url  # the server stops when this block ends: nothing listens there any more
    client = gemini_client(emu)
    client.webhooks.create(uri=dead + "/hook", subscribed_events=BATCH_EVENTS)
    emu.webhook_settings(retry_base=0.05, max_attempts=2)
    names = [f"batches/down{i}" for i in range(5)]
    for name in names:
        emu.create_operation(name, duration=0.2)
    api = make(mode, **gemini_options(emu))
    try:
        done = await api.collect(
            "wait_many", names, poll_interval=0.5, timeout=20, notifications=hub
        )
    finally:
        await api.close()
    assert sorted(op.name for op in done) == names
    assert any(d["status"] is None for d in emu.webhook_deliveries())


def test_notifications_must_be_a_hub(emu: Emulator) -> None:
    from gemini_ops import Operations

    emu.create_operation("batches/t", duration=0)
    with Operations(**gemini_options(emu)) as ops, pytest.raises(TypeError, match="Notifications"):
        ops.wait("batches/t", notifications=object())  # type: ignore[arg-type]
