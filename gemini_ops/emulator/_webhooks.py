"""The WebhookService and event deliveries: registrations, signing, retries, dynamic configs.

Written from Google's API reference for the WebhookService and from the Standard Webhooks spec,
independently of the client's verifier. Registrations live under `/{v1,v1beta}/webhooks` in
snake_case, as google-genai's `client.webhooks` sends and reads them. When a batch or a video
generation finishes, a dispatcher thread delivers its event to every enabled registration
subscribed to its type (HMAC-signed with the registration's secrets, through `standardwebhooks`),
or, when the operation was created with a `webhook_config`, to its `uris` instead (an RS256 JWT
through PyJWT, checked against `/.well-known/jwks.json`). Needs the `webhooks` extra.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gemini_ops.emulator._paging import page_size
from gemini_ops.emulator._state import EmulatorState, OperationRecord
from gemini_ops.emulator._wire import ApiError, JSONObject, bad_request, not_found, timestamp

__all__ = ["EVENT_TYPES", "WebhookService"]

#: Every event type the guide's catalogue lists (the API reference omits the two `cancelled`).
EVENT_TYPES = frozenset(
    {
        "batch.succeeded",
        "batch.cancelled",
        "batch.expired",
        "batch.failed",
        "interaction.requires_action",
        "interaction.completed",
        "interaction.failed",
        "interaction.cancelled",
        "video.generated",
    }
)
_REVOCATIONS = frozenset(
    {"revoke_previous_secrets_after_h24", "revoke_previous_secrets_immediately"}
)
_UPDATABLE = frozenset({"name", "state", "subscribed_events", "uri"})
_GRACE = 24 * 3600.0
_ROUTE = re.compile(r"/(v1|v1beta)/webhooks(?:/([A-Za-z0-9_-]+)(?::(ping|rotateSigningSecret))?)?")
JWKS_PATH = "/.well-known/jwks.json"
#: The issuer the emulator writes into the JWTs of dynamic deliveries.
ISSUER = "https://generativelanguage.googleapis.com"
DELIVERY_LOG_LIMIT = 10_000
# How often the dispatcher looks for operations that finished, at most, in seconds.
_TICK = 0.01


@dataclass
class _Secret:
    value: str
    created: float
    expires: float | None = None


@dataclass
class _Registration:
    id: str
    name: str
    uri: str
    events: list[str]
    state: str
    created: float
    updated: float
    secrets: list[_Secret] = field(default_factory=list)

    def live_secrets(self, now: float) -> list[_Secret]:
        return [s for s in self.secrets if s.expires is None or s.expires > now]

    def render(self, now: float) -> JSONObject:
        return {
            "id": self.id,
            "name": self.name,
            "uri": self.uri,
            "subscribed_events": list(self.events),
            "state": self.state,
            "signing_secrets": [
                {
                    "truncated_secret": f"whsec_...{s.value[-4:]}",
                    **({} if s.expires is None else {"expire_time": timestamp(s.expires)}),
                }
                for s in self.live_secrets(now)
            ],
            "create_time": timestamp(self.created),
            "update_time": timestamp(self.updated),
        }


@dataclass(order=True)
class _Delivery:
    due: float
    seq: int
    uri: str = field(compare=False)
    webhook_id: str = field(compare=False)
    body: bytes = field(compare=False)
    event_type: str = field(compare=False)
    registration: str | None = field(compare=False)  # None: a dynamic delivery (JWT)
    attempt: int = field(default=1, compare=False)


@dataclass
class Settings:
    """Control-plane switches for deliveries (`POST /_emulator/webhooks:settings`)."""

    duplicates: int = 0
    delay: float = 0.0
    id_form: str = "name"
    max_attempts: int = 5
    retry_base: float = 0.2
    timeout: float = 2.0

    def update(self, data: JSONObject) -> None:
        for key, value in data.items():
            if key not in {"duplicates", "delay", "id_form", "max_attempts", "retry_base"}:
                raise bad_request(key, f"Unknown field {key!r}.")
            if key == "id_form":
                if value not in {"name", "bare"}:
                    raise bad_request(key, "id_form must be 'name' or 'bare'.")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise bad_request(key, f"{key} must be a number >= 0.")
            if key in {"duplicates", "max_attempts"} and not isinstance(value, int):
                raise bad_request(key, f"{key} must be an integer.")
            setattr(self, key, value)


def _event_for(record: OperationRecord, now: float, id_form: str) -> JSONObject | None:
    """The event a finished operation announces (None for families without events)."""
    family = record.info.family
    if family not in {"batch", "veo"}:
        return None
    rendered = record.render(now, None)
    ident = record.name if id_form == "name" else record.info.leaf
    data: JSONObject = {"id": ident}
    error = rendered.get("error")
    response = rendered.get("response") or {}
    if family == "veo":
        if error is not None:
            return None
        samples = response.get("generateVideoResponse", {}).get("generatedSamples") or [{}]
        uri = samples[0].get("video", {}).get("uri")
        kind = "video.generated"
        if isinstance(uri, str):
            data["output_file_uri"] = uri
    elif error is None:
        kind = "batch.succeeded"
        if isinstance(response.get("responsesFile"), str):
            data["output_file_uri"] = response["responsesFile"]
    elif error.get("code") == 1:
        kind = "batch.cancelled"
    elif error.get("code") == 4:
        kind = "batch.expired"
    else:
        kind = "batch.failed"
        data["error_code"] = error.get("code")
        data["error_message"] = error.get("message", "")
    return {"type": kind, "version": "v1", "timestamp": timestamp(time.time()), "data": data}


class WebhookService:
    """Registrations, the RSA key of dynamic deliveries, and the dispatcher thread."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.settings = Settings()
        self._lock = threading.RLock()
        self._hooks: dict[str, _Registration] = {}
        self._announced: set[int] = set()
        self._queue: list[_Delivery] = []
        self._log: deque[JSONObject] = deque(maxlen=DELIVERY_LOG_LIMIT)
        self._seq = itertools.count()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._key: Any = None
        self._kid = "emulator-" + secrets.token_hex(4)
        state.listeners.append(self._changed)
        state.reset_listeners.append(self.reset)

    # Registrations ---------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, query: dict[str, str], body: Any) -> JSONObject:
        """Serve one WebhookService request; raise ApiError for a bad or unknown one."""
        match = _ROUTE.fullmatch(raw_path)
        if match is None:
            raise ApiError(404, f"The requested URL {raw_path} was not found on this server.")
        _version, ident, verb = match.groups()
        if ident is None:
            if method == "POST":
                return self.create(body)
            if method == "GET":
                return self.list_page(query)
        elif verb is None:
            if method == "GET":
                return self.get(ident).render(time.time())
            if method == "PATCH":
                return self.update(ident, query.get("update_mask"), body)
            if method == "DELETE":
                with self._lock:
                    if self._hooks.pop(ident, None) is None:
                        raise not_found()
                return {}
        elif method == "POST" and verb == "ping":
            self.ping(ident)
            return {}
        elif method == "POST" and verb == "rotateSigningSecret":
            return self.rotate(ident, body)
        raise ApiError(405, f"Method {method} is not allowed on {raw_path}.")

    def get(self, ident: str) -> _Registration:
        """The registration `ident`; ApiError 404 when there is none."""
        with self._lock:
            hook = self._hooks.get(ident)
        if hook is None:
            raise not_found()
        return hook

    def create(self, body: Any) -> JSONObject:
        """Register a webhook; the answer carries `new_signing_secret`, shown only this once."""
        data = _object(body)
        unknown = sorted(set(data) - {"name", "uri", "subscribed_events"})
        if unknown:
            raise bad_request(unknown[0], f"Unknown field {unknown[0]!r}.")
        now = time.time()
        secret = _new_secret()
        hook = _Registration(
            id=secrets.token_hex(18),
            name=_check_name(data.get("name", "")),
            uri=_check_uri(data.get("uri")),
            events=_check_events(data.get("subscribed_events")),
            state="enabled",
            created=now,
            updated=now,
            secrets=[_Secret(secret, now)],
        )
        with self._lock:
            if not self._hooks:
                # Operations that finished before anyone listened announce nothing.
                self._announced.update(r.seq for r in self.state.finished_since(self._announced))
            self._hooks[hook.id] = hook
        self._changed()
        return {**hook.render(now), "new_signing_secret": secret}

    def list_page(self, query: dict[str, str]) -> JSONObject:
        """One page of registrations, oldest first; `page_token` is where to continue."""
        size = page_size(query)
        token = query.get("page_token", query.get("pageToken", ""))
        start = 0
        if token:
            try:
                start = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            except ValueError:
                raise bad_request("page_token", "Invalid page token.") from None
        with self._lock:
            hooks = sorted(self._hooks.values(), key=lambda h: (h.created, h.id))
        now = time.time()
        page: JSONObject = {"webhooks": [h.render(now) for h in hooks[start : start + size]]}
        if start + size < len(hooks):
            page["next_page_token"] = (
                base64.urlsafe_b64encode(str(start + size).encode()).decode().rstrip("=")
            )
        return page

    def update(self, ident: str, mask: str | None, body: Any) -> JSONObject:
        """Change the fields in `update_mask` (all fields given, without a mask)."""
        data = _object(body)
        fields = [f.strip() for f in mask.split(",")] if mask else sorted(data)
        for name in fields:
            if name not in _UPDATABLE:
                raise bad_request("update_mask", f"Field {name!r} cannot be updated.")
        with self._lock:
            hook = self.get(ident)
            if "name" in fields:
                hook.name = _check_name(data.get("name", ""))
            if "uri" in fields:
                hook.uri = _check_uri(data.get("uri"))
            if "subscribed_events" in fields:
                hook.events = _check_events(data.get("subscribed_events"))
            if "state" in fields:
                value = data.get("state")
                if value not in {"enabled", "disabled"}:
                    raise bad_request("state", "state must be 'enabled' or 'disabled'.")
                hook.state = value
            hook.updated = time.time()
            return hook.render(hook.updated)

    def rotate(self, ident: str, body: Any) -> JSONObject:
        """Add a new secret (returned only here); the old ones expire now or after 24 h."""
        data = _object(body)
        behaviour = data.get("revocation_behavior", "revoke_previous_secrets_after_h24")
        if behaviour not in _REVOCATIONS:
            raise bad_request("revocation_behavior", f"Invalid revocation_behavior {behaviour!r}.")
        now = time.time()
        secret = _new_secret()
        with self._lock:
            hook = self.get(ident)
            ends = now if behaviour == "revoke_previous_secrets_immediately" else now + _GRACE
            for old in hook.live_secrets(now):
                old.expires = ends if old.expires is None else min(old.expires, ends)
            hook.secrets = [*hook.live_secrets(now), _Secret(secret, now)]
            hook.updated = now
        return {"secret": secret}

    def ping(self, ident: str) -> None:
        """Send the registration a signed `webhook.ping` event."""
        hook = self.get(ident)
        event = {
            "type": "webhook.ping",
            "version": "v1",
            "timestamp": timestamp(time.time()),
            "data": {"id": hook.id},
        }
        self._enqueue(hook.uri, event, hook.id, time.monotonic())

    def reset(self) -> None:
        """Forget every registration, queued delivery and logged delivery."""
        with self._lock:
            self._hooks.clear()
            self._queue.clear()
            self._log.clear()
            self._announced.clear()
            self.settings = Settings()

    def deliveries(self) -> list[JSONObject]:
        """Every delivery attempt so far, oldest first (uri, webhook_id, type, attempt, status)."""
        with self._lock:
            return [dict(d) for d in self._log]

    # Dynamic deliveries ----------------------------------------------------------------------

    def jwks(self) -> JSONObject:
        """The public keys of dynamic deliveries, as a JWK Set."""
        import jwt

        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private_key().public_key()))
        return {"keys": [{**key, "kid": self._kid, "use": "sig", "alg": "RS256"}]}

    def _private_key(self) -> Any:
        with self._lock:
            if self._key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    # Dispatching -----------------------------------------------------------------------------

    def _changed(self) -> None:
        """The state changed (an operation created, completed or cancelled): look again."""
        with self._lock:
            if not self._listening():
                return  # nobody listens: no thread, no work
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="gemini-ops-emulator-webhooks", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _listening(self) -> bool:
        return bool(self._hooks) or self.state.has_webhook_configs()

    def _run(self) -> None:
        import httpx

        with httpx.Client(timeout=self.settings.timeout) as client:
            while not self.state.closing:
                self._wake.clear()
                now = time.monotonic()
                if self._listening():
                    self._announce(now)
                next_at = now + 1.0
                for delivery in self._due(now):
                    self._send(client, delivery)
                with self._lock:
                    if self._queue:
                        next_at = min(next_at, self._queue[0].due)
                with self._lock:
                    listening = self._listening()
                    ending = self.state.next_ending(self._announced) if listening else None
                if ending is not None:
                    next_at = min(next_at, ending)
                self._wake.wait(max(_TICK, min(next_at - time.monotonic(), 1.0)))

    def _announce(self, now: float) -> None:
        with self._lock:
            finished = self.state.finished_since(self._announced, now)
            self._announced.update(r.seq for r in finished)
        for record in finished:
            event = _event_for(record, now, self.settings.id_form)
            if event is None:
                continue
            due = now + self.settings.delay
            config = record.webhook_config
            if config is not None and config.get("uris"):
                if config.get("user_metadata") is not None:
                    event["user_metadata"] = config["user_metadata"]
                for uri in config["uris"]:
                    self._enqueue(uri, event, None, due)
                continue
            with self._lock:
                hooks = [
                    h
                    for h in self._hooks.values()
                    if h.state == "enabled" and event["type"] in h.events
                ]
            for hook in hooks:
                self._enqueue(hook.uri, event, hook.id, due)

    def _enqueue(self, uri: str, event: JSONObject, registration: str | None, due: float) -> None:
        body = json.dumps(event, separators=(",", ":")).encode()
        webhook_id = "msg_" + secrets.token_hex(12)
        with self._lock:
            for _copy in range(1 + self.settings.duplicates):
                heapq.heappush(
                    self._queue,
                    _Delivery(
                        due, next(self._seq), uri, webhook_id, body, event["type"], registration
                    ),
                )
        self._wake.set()

    def _due(self, now: float) -> list[_Delivery]:
        due: list[_Delivery] = []
        with self._lock:
            while self._queue and self._queue[0].due <= now:
                due.append(heapq.heappop(self._queue))
        return due

    def _headers(self, delivery: _Delivery) -> dict[str, str] | None:
        sent = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.webhook_id,
            "webhook-timestamp": str(int(sent.timestamp())),
        }
        if delivery.registration is None:
            import jwt

            claims = {
                "iss": ISSUER,
                "aud": delivery.uri,
                "iat": int(sent.timestamp()),
                "exp": int(sent.timestamp()) + 300,
            }
            headers["webhook-signature"] = jwt.encode(
                claims, self._private_key(), algorithm="RS256", headers={"kid": self._kid}
            )
            return headers
        import standardwebhooks

        with self._lock:
            hook = self._hooks.get(delivery.registration)
            live = [] if hook is None else hook.live_secrets(time.time())
        if not live:
            return None  # deleted meanwhile: nothing left to sign with
        text = delivery.body.decode()
        headers["webhook-signature"] = " ".join(
            standardwebhooks.Webhook(s.value).sign(delivery.webhook_id, sent, text) for s in live
        )
        return headers

    def _send(self, client: Any, delivery: _Delivery) -> None:
        import httpx

        headers = self._headers(delivery)
        if headers is None:
            return
        try:
            status: int | None = client.post(
                delivery.uri, content=delivery.body, headers=headers
            ).status_code
        except httpx.HTTPError:
            status = None
        with self._lock:
            self._log.append(
                {
                    "uri": delivery.uri,
                    "webhook_id": delivery.webhook_id,
                    "type": delivery.event_type,
                    "attempt": delivery.attempt,
                    "status": status,
                }
            )
            if (status is None or not 200 <= status < 300) and (
                delivery.attempt < self.settings.max_attempts
            ):
                delivery.attempt += 1
                delivery.due = time.monotonic() + self.settings.retry_base * 2 ** (
                    delivery.attempt - 2
                )
                delivery.seq = next(self._seq)
                heapq.heappush(self._queue, delivery)


def _object(body: Any) -> JSONObject:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    return body


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check_name(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 256:
        raise bad_request("name", "name must be a string of at most 256 characters.")
    return value


def _check_uri(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise bad_request("uri", "uri must be an http(s) URL.")
    return value


def _check_events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise bad_request("subscribed_events", "subscribed_events must list at least one event.")
    for event in value:
        if event not in EVENT_TYPES:
            raise bad_request("subscribed_events", f"Unknown event type {event!r}.")
    return list(dict.fromkeys(value))
