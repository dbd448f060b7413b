"""Gemini API webhooks: verify deliveries, and let them end waits the moment an operation finishes.

An event is a hint, the poll is the truth: a verified event for an operation being waited for makes
the wait poll it at once; nothing is concluded from the event body. Polling continues as a slow
backstop, so a lost delivery only costs latency.

- ``verify(body, headers, secret=..., jwks=...)`` checks a delivery and returns a ``WebhookEvent``.
  Static webhooks (registered through the WebhookService) are signed the Standard Webhooks way
  with a ``whsec_`` secret (checked by the ``standardwebhooks`` package); dynamic ones
  (``webhook_config`` on a request) carry an RS256 JWT checked against a JWKS (by PyJWT).
- ``WebhookReceiver(notifications, secret=...)`` is an ASGI app to mount in Starlette or FastAPI:
  it verifies each delivery, drops duplicates by ``webhook-id`` and publishes the event's names
  on a ``Notifications`` hub that waits listen to.

Requires the ``webhooks`` extra (``pip install 'gemini-ops[webhooks]'``).
"""

from __future__ import annotations

import binascii
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from gemini_ops._extras import require_extra

# Checked before the imports: without the extra, say which to install, not a traceback.
require_extra("webhooks", "gemini_ops.webhooks", "standardwebhooks", "jwt")

import jwt
import standardwebhooks

from gemini_ops._core.errors import WebhookVerificationError
from gemini_ops._notifications import Notifications

__all__ = [
    "GEMINI_JWKS_URL",
    "TIMESTAMP_TOLERANCE",
    "Jwks",
    "Notifications",
    "WebhookEvent",
    "WebhookReceiver",
    "WebhookVerificationError",
    "verify",
]

#: Where the Gemini API publishes the keys that sign dynamic (``webhook_config``) deliveries.
GEMINI_JWKS_URL = "https://generativelanguage.googleapis.com/.well-known/jwks.json"
#: How far a delivery's timestamp may be from now, in seconds (Google's advice and the spec's).
TIMESTAMP_TOLERANCE = 300.0

# Event types whose bare ``data.id`` names a batch, and the collection that holds it.
_BARE_ID_PARENTS = {"batch": "batches"}


@attrs.frozen
class WebhookEvent:
    """One verified delivery.

    ``id`` is the ``webhook-id`` header (the same on every retry of a delivery: deduplicate on
    it); ``type`` e.g. ``batch.succeeded``; ``timestamp`` the payload's ISO 8601 time as sent;
    ``data`` the payload's ``data`` object; ``user_metadata`` what a ``webhook_config`` asked to
    have returned (None when absent). ``names`` are the operation names the event may refer to:
    ``data.id`` as given and, for a bare batch id, ``batches/{id}``.
    """

    id: str
    type: str
    timestamp: str | None
    data: Mapping[str, Any]
    user_metadata: Mapping[str, Any] | None
    names: tuple[str, ...]

    @classmethod
    def from_payload(cls, webhook_id: str, payload: Mapping[str, Any]) -> WebhookEvent:
        """Read a payload that was already verified; raise WebhookVerificationError (400) if odd."""
        kind = payload.get("type")
        data = payload.get("data")
        if not isinstance(kind, str) or not kind:
            raise WebhookVerificationError("the payload has no string 'type'", status_code=400)
        if not isinstance(data, dict):
            raise WebhookVerificationError("the payload has no object 'data'", status_code=400)
        timestamp = payload.get("timestamp")
        metadata = payload.get("user_metadata", data.get("user_metadata"))
        return cls(
            id=webhook_id,
            type=kind,
            timestamp=timestamp if isinstance(timestamp, str) else None,
            data=data,
            user_metadata=metadata if isinstance(metadata, dict) else None,
            names=_names(kind, data.get("id")),
        )


def _names(kind: str, resource: object) -> tuple[str, ...]:
    if not isinstance(resource, str) or not resource:
        return ()
    if "/" in resource:
        return (resource,)
    parent = _BARE_ID_PARENTS.get(kind.partition(".")[0])
    return (resource,) if parent is None else (resource, f"{parent}/{resource}")


class Jwks:
    """The keys that sign dynamic deliveries, fetched from ``url`` once and then cached.

    An unknown ``kid`` refetches the set (at most once per ``min_refresh`` seconds), so rotated
    keys are picked up. Thread-safe. Raises WebhookVerificationError when the keys cannot be
    fetched or none matches.
    """

    def __init__(self, url: str = GEMINI_JWKS_URL, *, timeout: float = 10.0) -> None:
        self.url = url
        self._client = jwt.PyJWKClient(url, cache_keys=True, lifespan=86_400, timeout=timeout)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Jwks({self.url!r})"

    def key_for(self, token: str) -> Any:
        """The public key that ``token``'s header names."""
        try:
            with self._lock:
                return self._client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientError as exc:
            raise WebhookVerificationError(f"no signing key for this token: {exc}") from None
        except jwt.InvalidTokenError as exc:
            raise WebhookVerificationError(f"malformed token: {exc}") from None


_jwks_lock = threading.Lock()
_jwks_cache: dict[str, Jwks] = {}


def _jwks_for(jwks: str | Jwks) -> Jwks:
    if isinstance(jwks, Jwks):
        return jwks
    with _jwks_lock:
        cached = _jwks_cache.get(jwks)
        if cached is None:
            cached = _jwks_cache[jwks] = Jwks(jwks)
        return cached


def _check_timestamp(raw: str, now: float) -> None:
    try:
        sent = float(raw)
    except ValueError:
        raise WebhookVerificationError(
            f"webhook-timestamp is not Unix seconds: {raw[:40]!r}", status_code=400
        ) from None
    if abs(now - sent) > TIMESTAMP_TOLERANCE:
        raise WebhookVerificationError(
            f"webhook-timestamp is {now - sent:+.0f} s from now, outside the "
            f"{TIMESTAMP_TOLERANCE:g} s tolerance (a replay, or a clock off)"
        )


def _verify_hmac(body: bytes, headers: dict[str, str], secrets: Sequence[str]) -> None:
    for secret in secrets:
        try:
            standardwebhooks.Webhook(secret).verify(body, headers, json_parse=False)
            return
        except standardwebhooks.WebhookVerificationError:
            continue
        except (ValueError, binascii.Error, UnicodeDecodeError):
            # A malformed signature list or a body that is not UTF-8: it cannot match.
            continue
    raise WebhookVerificationError("no webhook-signature matches the secret")


def _verify_jwt(token: str, keys: Jwks, audience: str | None, now: float) -> None:
    key = keys.key_for(token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=audience,
            options={"verify_aud": audience is not None},
            leeway=TIMESTAMP_TOLERANCE,
        )
    except jwt.InvalidTokenError as exc:
        raise WebhookVerificationError(f"the token does not verify: {exc}") from None
    issued = claims.get("iat")
    if isinstance(issued, int | float) and abs(now - issued) > TIMESTAMP_TOLERANCE:
        raise WebhookVerificationError(
            f"the token was issued {now - issued:+.0f} s from now, outside the "
            f"{TIMESTAMP_TOLERANCE:g} s tolerance"
        )


def verify(
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    secret: str | Sequence[str] | None = None,
    jwks: str | Jwks | None = None,
    audience: str | None = None,
) -> WebhookEvent:
    """Check one delivery and return its event; raise WebhookVerificationError with a reason.

    ``body`` is the raw request body, exactly as received. ``secret`` is a static webhook's
    ``whsec_`` signing secret (several during a rotation: any may match); ``jwks`` the URL of
    the keys for dynamic deliveries (``GEMINI_JWKS_URL``) or a ``Jwks``, fetched once and cached;
    ``audience``, when given, must be the token's ``aud``. ``webhook-timestamp`` (and a token's
    ``iat``) must be within 5 minutes of now. A signature of the form ``v1,...`` is checked
    against ``secret``, anything else as a JWT against ``jwks``. Raises ValueError when neither
    ``secret`` nor ``jwks`` is given.
    """
    if secret is None and jwks is None:
        raise ValueError("verify() needs secret= (static webhooks) or jwks= (dynamic ones)")
    secrets = [secret] if isinstance(secret, str) else list(secret or ())
    raw = body.encode() if isinstance(body, str) else bytes(body)
    flat = {k.lower(): v for k, v in headers.items()}
    webhook_id = flat.get("webhook-id")
    signature = flat.get("webhook-signature")
    timestamp = flat.get("webhook-timestamp")
    if not webhook_id or not signature:
        raise WebhookVerificationError(
            "missing webhook-id or webhook-signature header", status_code=400
        )
    now = time.time()
    if signature.startswith("v1,") or " v1," in signature:
        if not secrets:
            raise WebhookVerificationError("a Standard Webhooks signature, but no secret= given")
        if not timestamp:
            raise WebhookVerificationError("missing webhook-timestamp header", status_code=400)
        _check_timestamp(timestamp, now)
        _verify_hmac(raw, flat, secrets)
    else:
        if jwks is None:
            raise WebhookVerificationError("a JWT signature, but no jwks= given")
        if timestamp:
            _check_timestamp(timestamp, now)
        _verify_jwt(signature.strip(), _jwks_for(jwks), audience, now)
    try:
        payload = json.loads(raw)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON", status_code=400) from None
    if not isinstance(payload, dict):
        raise WebhookVerificationError("the body is not a JSON object", status_code=400)
    return WebhookEvent.from_payload(webhook_id, payload)


class _SeenIds:
    """The webhook-ids seen lately: at most ``limit``, each kept past the timestamp tolerance."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, webhook_id: str) -> bool:
        """Remember ``webhook_id``; False when it was seen already."""
        now = time.monotonic()
        with self._lock:
            if webhook_id in self._seen:
                return False
            self._seen[webhook_id] = now
            # Older ids can no longer come back: their timestamps would fail the tolerance.
            horizon = now - 2 * TIMESTAMP_TOLERANCE
            while self._seen and (
                len(self._seen) > self._limit or next(iter(self._seen.values())) < horizon
            ):
                self._seen.popitem(last=False)
            return True


# The largest body the receiver reads: Gemini's envelopes are thin (a type, an id, a URI).
MAX_BODY_BYTES = 256 * 1024


class WebhookReceiver:
    """An ASGI app that verifies webhook deliveries and publishes their names on ``notifications``.

    Mount it in Starlette or FastAPI (``app.mount("/gemini-webhooks", receiver)``) or serve it
    alone. A good delivery answers 204 at once; a duplicate ``webhook-id`` answers 204 and
    publishes nothing; a malformed one 400, a forged, tampered or stale one 401 (both publish
    nothing); anything but POST 405; a body over 256 KiB 413. ``secret``, ``jwks`` and
    ``audience`` are as for ``verify``; the last ``max_seen_ids`` ids are kept for deduplication.
    """

    def __init__(
        self,
        notifications: Notifications,
        *,
        secret: str | Sequence[str] | None = None,
        jwks: str | Jwks | None = None,
        audience: str | None = None,
        max_seen_ids: int = 100_000,
    ) -> None:
        if not isinstance(notifications, Notifications):
            raise TypeError("notifications must be a gemini_ops.Notifications")
        if secret is None and jwks is None:
            raise ValueError("WebhookReceiver needs secret= (static webhooks) or jwks=")
        if isinstance(max_seen_ids, bool) or not isinstance(max_seen_ids, int) or max_seen_ids < 1:
            raise ValueError(f"max_seen_ids must be an integer >= 1, got {max_seen_ids!r}")
        self.notifications = notifications
        self._secret = secret
        self._jwks = None if jwks is None else _jwks_for(jwks)
        self._audience = audience
        self._seen = _SeenIds(max_seen_ids)
        self._counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WebhookReceiver(secret={'***' if self._secret else None}, jwks={self._jwks!r})"

    @property
    def counts(self) -> dict[str, int]:
        """How many deliveries were accepted, dropped as duplicates, and rejected."""
        with self._count_lock:
            return dict(self._counts)

    def receive(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str]:
        """Handle one delivery outside ASGI: verify, deduplicate, publish; return (status, why)."""
        try:
            event = verify(
                body, headers, secret=self._secret, jwks=self._jwks, audience=self._audience
            )
        except WebhookVerificationError as exc:
            self._count("rejected")
            return exc.status_code, exc.reason
        if not self._seen.add(event.id):
            self._count("duplicate")
            return 204, "duplicate"
        self._count("accepted")
        for name in event.names:
            self.notifications.publish(name)
        return 204, "accepted"

    def _count(self, what: str) -> None:
        with self._count_lock:
            self._counts[what] += 1

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve one ASGI scope."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, "POST only", [(b"allow", b"POST")])
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _answer(send, 413, "body too large")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        status, reason = self.receive(b"".join(chunks), headers)
        await _answer(send, status, "" if status == 204 else reason)


async def _answer(
    send: Any, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *(extra or [])]
    if status != 204:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if status == 204 else body})
