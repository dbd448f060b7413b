"""The emulator's WebhookService, driven by google-genai's client.webhooks, and its deliveries."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
import standardwebhooks

from gemini_ops.testing import Emulator
from gemini_ops.webhooks import WebhookReceiver, verify
from webhooks.helpers import LateApp, Recording, gemini_client, serve


def _until(check, seconds: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_google_genai_manages_webhooks(emu: Emulator, version: str) -> None:
    client = gemini_client(emu, version)
    created = client.webhooks.create(
        uri="https://example.invalid/hook",
        subscribed_events=["batch.succeeded", "video.generated"],
        name="mine",
    )
    assert created.new_signing_secret
    assert created.new_signing_secret.startswith("whsec_")
    assert created.state == "enabled"
    assert created.signing_secrets[0].truncated_secret.endswith(created.new_signing_secret[-4:])
    got = client.webhooks.get(created.id)
    assert got.uri == "https://example.invalid/hook"
    assert got.name == "mine"
    assert got.new_signing_secret is None  # shown once only
    assert list(got.subscribed_events) == ["batch.succeeded", "video.generated"]

    updated = client.webhooks.update(created.id, update_mask="state", state="disabled")
    assert updated.state == "disabled"
    assert client.webhooks.get(created.id).state == "disabled"

    rotated = client.webhooks.rotate_signing_secret(
        created.id, revocation_behavior="revoke_previous_secrets_immediately"
    )
    assert rotated.secret.startswith("whsec_")
    assert rotated.secret != created.new_signing_secret
    secrets = client.webhooks.get(created.id).signing_secrets
    assert [s.truncated_secret[-4:] for s in secrets] == [rotated.secret[-4:]]

    for i in range(3):
        client.webhooks.create(
            uri=f"https://example.invalid/{i}", subscribed_events=["batch.failed"]
        )
    first = client.webhooks.list(page_size=2)
    assert len(first.webhooks) == 2
    assert first.next_page_token
    rest = client.webhooks.list(page_size=2, page_token=first.next_page_token)
    ids = [w.id for w in first.webhooks + rest.webhooks]
    assert len(set(ids)) == 4
    assert created.id in ids
    assert not rest.next_page_token

    client.webhooks.delete(created.id)
    with pytest.raises(Exception, match=r"404|not found|Not Found"):
        client.webhooks.get(created.id)
    paths = {(r["method"], r["path"]) for r in emu.requests()}
    assert ("POST", f"/{version}/webhooks") in paths
    assert ("POST", f"/{version}/webhooks/{created.id}:rotateSigningSecret") in paths


def test_bad_registrations_are_400(emu: Emulator) -> None:
    with httpx.Client(base_url=emu.url, headers={"x-goog-api-key": emu.api_key}) as http:
        bad = [
            {"uri": "ftp://x", "subscribed_events": ["batch.failed"]},
            {"uri": "https://x/h", "subscribed_events": []},
            {"uri": "https://x/h", "subscribed_events": ["batch.done"]},
            {"uri": "https://x/h", "subscribed_events": ["batch.failed"], "extra": 1},
        ]
        for body in bad:
            assert http.post("/v1beta/webhooks", json=body).status_code == 400, body
        assert http.post("/v1beta/webhooks", content=b"{nope").status_code == 400
        assert http.get("/v1beta/webhooks", params={"page_token": "!!"}).status_code == 400
        # No key: 403 PERMISSION_DENIED, as Google answers unregistered callers.
        assert httpx.get(f"{emu.url}/v1beta/webhooks").status_code == 403


def test_finished_batches_are_delivered_signed(emu: Emulator) -> None:
    late = LateApp()
    with serve(late) as url:
        client = gemini_client(emu)
        hook = client.webhooks.create(
            uri=url + "/hook",
            subscribed_events=["batch.succeeded", "batch.failed", "batch.cancelled"],
        )
        bodies: list[tuple[bytes, dict[str, str]]] = []

        async def app(scope, receive, send):  # type: ignore[no-untyped-def]
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            bodies.append((body, {k.decode(): v.decode() for k, v in scope["headers"]}))
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        late.app = app
        emu.create_operation("batches/ok", duration=0.05)
        emu.create_operation("batches/bad", duration=0.05, error={"code": 3, "message": "no"})
        emu.create_operation("batches/stop", duration=None)
        emu.state.cancel("batches/stop")
        emu.create_operation("tunedModels/t/operations/o", duration=0.0)  # no event for tuning
        _until(lambda: len(bodies) >= 3)
        time.sleep(0.2)
    assert len(bodies) == 3
    events = {}
    for body, headers in bodies:
        # Google's own recipe: the standardwebhooks package, with the secret shown once.
        payload = standardwebhooks.Webhook(hook.new_signing_secret).verify(body, headers)
        events[payload["data"]["id"]] = payload
    assert events["batches/ok"]["type"] == "batch.succeeded"
    assert events["batches/ok"]["data"]["output_file_uri"]
    assert events["batches/bad"]["type"] == "batch.failed"
    assert events["batches/bad"]["data"]["error_code"] == 3
    assert events["batches/stop"]["type"] == "batch.cancelled"
    assert all(e["version"] == "v1" and e["timestamp"] for e in events.values())


def test_failed_deliveries_are_retried_a_bounded_number_of_times(emu: Emulator) -> None:
    late = LateApp()
    answers = iter([500, 503, 204])

    async def flaky(scope, receive, send):  # type: ignore[no-untyped-def]
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": next(answers, 500), "headers": []})
        await send({"type": "http.response.body", "body": b""})

    late.app = flaky
    emu.webhook_settings(retry_base=0.01, max_attempts=3)
    with serve(late) as url:
        client = gemini_client(emu)
        client.webhooks.create(uri=url, subscribed_events=["batch.succeeded"])
        emu.create_operation("batches/r1", duration=0.0)
        _until(lambda: len(emu.webhook_deliveries()) >= 3)
        emu.create_operation("batches/r2", duration=0.0)  # always 500 from now on
        _until(lambda: len(emu.webhook_deliveries()) >= 6)
        time.sleep(0.3)
    log = emu.webhook_deliveries()
    assert [d["status"] for d in log[:3]] == [500, 503, 204]
    assert len({d["webhook_id"] for d in log[:3]}) == 1  # the same message each time
    assert [d["attempt"] for d in log[3:]] == [1, 2, 3]  # gave up after max_attempts
    assert [d["status"] for d in log[3:]] == [500, 500, 500]


def test_dynamic_webhook_config_is_signed_with_a_jwt(emu: Emulator) -> None:
    late = LateApp()
    hub = Recording()
    with serve(late) as url:
        late.app = WebhookReceiver(hub, jwks=emu.jwks_url)
        hook_uri = url + "/dyn"
        emu.create_operation(
            "batches/dyn",
            duration=0.05,
            webhook_config={"uris": [hook_uri], "user_metadata": {"job": "nightly"}},
        )
        _until(lambda: hub.published)
    assert hub.published == ["batches/dyn"]
    assert late.app.counts == {"accepted": 1, "duplicate": 0, "rejected": 0}
    keys = httpx.get(emu.jwks_url).json()["keys"]
    assert keys
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["kid"]


def test_a_jwt_from_another_key_is_rejected(emu: Emulator) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    kid = httpx.get(emu.jwks_url).json()["keys"][0]["kid"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"iat": int(time.time())}, other, algorithm="RS256", headers={"kid": kid})
    body = b'{"type":"batch.succeeded","data":{"id":"batches/x"}}'
    headers = {"webhook-id": "m1", "webhook-signature": token}
    with pytest.raises(Exception, match="does not verify"):
        verify(body, headers, jwks=emu.jwks_url)
    unknown = jwt.encode({"iat": 1}, other, algorithm="RS256", headers={"kid": "nobody"})
    with pytest.raises(Exception, match="no signing key"):
        verify(body, {**headers, "webhook-signature": unknown}, jwks=emu.jwks_url)


def test_ping_sends_a_signed_delivery_that_wakes_nothing(emu: Emulator) -> None:
    late = LateApp()
    hub = Recording()
    with serve(late) as url:
        client = gemini_client(emu)
        hook = client.webhooks.create(uri=url, subscribed_events=["batch.succeeded"])
        late.app = WebhookReceiver(hub, secret=hook.new_signing_secret)
        client.webhooks.ping(hook.id)
        _until(lambda: late.app.counts["accepted"])
    assert late.app.counts == {"accepted": 1, "duplicate": 0, "rejected": 0}
    assert [d["type"] for d in emu.webhook_deliveries()] == ["webhook.ping"]
    assert hub.published == [hook.id]  # a name no wait waits for


def test_delayed_deliveries_and_disabled_webhooks(emu: Emulator) -> None:
    late = LateApp()
    hub = Recording()
    emu.webhook_settings(delay=0.5)
    with serve(late) as url:
        client = gemini_client(emu)
        hook = client.webhooks.create(uri=url, subscribed_events=["batch.succeeded"])
        late.app = WebhookReceiver(hub, secret=hook.new_signing_secret)
        emu.create_operation("batches/late", duration=0.0)
        time.sleep(0.25)
        assert hub.published == []  # held back by the delay
        _until(lambda: hub.published)
        client.webhooks.update(hook.id, update_mask="state", state="disabled")
        emu.create_operation("batches/quiet", duration=0.0)
        time.sleep(1.0)
    assert hub.published == ["batches/late"]
