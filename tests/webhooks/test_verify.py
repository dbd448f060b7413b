"""verify(), WebhookEvent and WebhookReceiver, signed by the standardwebhooks package itself."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import standardwebhooks

from gemini_ops import GeminiOpsError, Notifications, WebhookVerificationError
from gemini_ops.webhooks import WebhookEvent, WebhookReceiver, verify

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER = "whsec_" + base64.b64encode(b"o" * 32).decode()
BODY = json.dumps(
    {
        "type": "batch.succeeded",
        "version": "v1",
        "timestamp": "2026-01-22T12:00:00Z",
        "data": {"id": "batch_123456", "output_file_uri": "gs://b/r.jsonl"},
    }
).encode()


def signed(body: bytes = BODY, *, secret: str = SECRET, age: float = 0.0, msg: str = "msg_1"):  # type: ignore[no-untyped-def]
    sent = datetime.now(UTC) - timedelta(seconds=age)
    signature = standardwebhooks.Webhook(secret).sign(msg, sent, body.decode())
    return {
        "webhook-id": msg,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": signature,
    }


def test_a_good_delivery_gives_its_event() -> None:
    event = verify(BODY, signed(), secret=SECRET)
    assert event == WebhookEvent(
        id="msg_1",
        type="batch.succeeded",
        timestamp="2026-01-22T12:00:00Z",
        data={"id": "batch_123456", "output_file_uri": "gs://b/r.jsonl"},
        user_metadata=None,
        names=("batch_123456", "batches/batch_123456"),
    )


def test_header_case_and_secret_lists_and_multiple_signatures() -> None:
    headers = {k.title(): v for k, v in signed().items()}
    assert verify(BODY, headers, secret=[OTHER, SECRET]).id == "msg_1"
    both = signed(secret=OTHER)["webhook-signature"] + " " + signed()["webhook-signature"]
    assert verify(BODY, {**signed(), "webhook-signature": both}, secret=SECRET).type


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("forged", 401, "no webhook-signature matches"),
        ("tampered", 401, "no webhook-signature matches"),
        ("replayed", 401, "outside the 300 s tolerance"),
        ("future", 401, "outside the 300 s tolerance"),
        ("no id", 400, "missing webhook-id"),
        ("no timestamp", 400, "missing webhook-timestamp"),
        ("bad timestamp", 400, "not Unix seconds"),
        ("garbled signature", 401, "no webhook-signature matches"),
        ("not utf-8", 401, "no webhook-signature matches"),
        ("jwt without jwks", 401, "no jwks= given"),
    ],
)
def test_bad_deliveries_are_rejected_with_a_reason(case: str, status: int, reason: str) -> None:
    body, headers = BODY, signed()
    if case == "forged":
        headers = signed(secret=OTHER)
    elif case == "tampered":
        body = BODY.replace(b"batch_123456", b"batch_999999")
    elif case == "replayed":
        headers = signed(age=301)
    elif case == "future":
        headers = signed(age=-400)
    elif case == "no id":
        del headers["webhook-id"]
    elif case == "no timestamp":
        del headers["webhook-timestamp"]
    elif case == "bad timestamp":
        headers["webhook-timestamp"] = "yesterday"
    elif case == "garbled signature":
        headers["webhook-signature"] = "v1,@@@ v1 v1,a,b"
    elif case == "not utf-8":
        body = b"\xff\xfe" + BODY
    elif case == "jwt without jwks":
        headers["webhook-signature"] = "a.b.c"
    with pytest.raises(WebhookVerificationError, match=reason) as caught:
        verify(body, headers, secret=SECRET)
    assert caught.value.status_code == status
    assert isinstance(caught.value, GeminiOpsError)
    assert SECRET not in str(caught.value)


def test_signed_but_not_an_event_is_400() -> None:
    for body in (b"[1]", b'{"data":{}}', b'{"type":"x"}', b"not json"):
        with pytest.raises(WebhookVerificationError) as caught:
            verify(body, signed(body), secret=SECRET)
        assert caught.value.status_code == 400


def test_verify_needs_a_secret_or_keys() -> None:
    with pytest.raises(ValueError, match="secret="):
        verify(BODY, signed())


@pytest.mark.parametrize(
    ("kind", "ident", "names"),
    [
        ("batch.failed", "batches/b1", ("batches/b1",)),
        ("batch.failed", "b1", ("b1", "batches/b1")),
        ("video.generated", "models/veo/operations/o1", ("models/veo/operations/o1",)),
        ("video.generated", "o1", ("o1",)),
        ("batch.failed", None, ()),
    ],
)
def test_names_of_an_event(kind: str, ident: str | None, names: tuple[str, ...]) -> None:
    payload = {"type": kind, "data": {"id": ident}, "user_metadata": {"k": "v"}}
    event = WebhookEvent.from_payload("m", payload)
    assert event.names == names
    assert event.user_metadata == {"k": "v"}


async def _post(receiver: WebhookReceiver, body: bytes, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=receiver)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
        return await client.post("/hook", content=body, headers=headers)


@pytest.mark.anyio
async def test_receiver_publishes_once_and_rejects_without_publishing() -> None:
    class Hub(Notifications):
        def __init__(self) -> None:
            super().__init__()
            self.published: list[str] = []

        def publish(self, name: str) -> int:
            self.published.append(name)
            return super().publish(name)

    hub = Hub()
    receiver = WebhookReceiver(hub, secret=SECRET)
    headers = signed()
    assert (await _post(receiver, BODY, headers)).status_code == 204
    assert (await _post(receiver, BODY, headers)).status_code == 204  # a duplicate
    forged = await _post(receiver, BODY, signed(secret=OTHER, msg="msg_2"))
    assert forged.status_code == 401
    assert "signature" in forged.text
    replayed = await _post(receiver, BODY, signed(age=600, msg="msg_3"))
    assert replayed.status_code == 401
    assert (await _post(receiver, b"x", {})).status_code == 400
    assert hub.published == ["batch_123456", "batches/batch_123456"]
    assert receiver.counts == {"accepted": 1, "duplicate": 1, "rejected": 3}
    transport = httpx.ASGITransport(app=receiver)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
        assert (await client.get("/hook")).status_code == 405
        big = b"{" + b" " * (300 * 1024) + b"}"
        assert (await client.post("/hook", content=big, headers=signed(big))).status_code == 413
    assert SECRET not in repr(receiver)


def test_receiver_remembers_a_bounded_number_of_ids() -> None:
    hub = Notifications()
    receiver = WebhookReceiver(hub, secret=SECRET, max_seen_ids=3)
    for i in range(10):
        assert receiver.receive(BODY, signed(msg=f"m{i}")) == (204, "accepted")
    assert receiver.receive(BODY, signed(msg="m9")) == (204, "duplicate")
    assert receiver.receive(BODY, signed(msg="m0")) == (204, "accepted")  # forgotten long ago
    assert len(receiver._seen._seen) == 3


def test_receiver_options_are_checked() -> None:
    with pytest.raises(TypeError):
        WebhookReceiver(object(), secret=SECRET)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="secret="):
        WebhookReceiver(Notifications())
    with pytest.raises(ValueError, match="max_seen_ids"):
        WebhookReceiver(Notifications(), secret=SECRET, max_seen_ids=0)


def test_the_exception_imports_without_the_extra() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['standardwebhooks'] = None; sys.modules['jwt'] = None\n"
        "import gemini_ops\n"
        "assert issubclass(gemini_ops.WebhookVerificationError, gemini_ops.GeminiOpsError)\n"
        "gemini_ops.Notifications().publish('batches/x')\n"
        "try:\n    import gemini_ops.webhooks\nexcept ImportError: print('needs extra')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "needs extra"
