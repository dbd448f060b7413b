"""Redaction: credentials never reach a message, a log line or the terminal.

The one redactor of the library, its errors and the CLI: `redact` masks known secrets and every
``key=`` / ``access_token=`` value, `redact_url` also drops user info and secret parameters.

What the server sends is scrubbed too: a server (or a proxy) may echo the API key or the access
token it received, in an error message, a detail, an operation's name or a header. Every message
the client builds from an answer masks the secrets its request carried (`request_secrets`), and
decoded bodies are scrubbed (`scrub_json`) before anything is built from them, so an echoed
secret reaches neither an `Operation` nor an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx

__all__ = [
    "MIN_SECRET_LENGTH",
    "redact",
    "redact_chain",
    "redact_text",
    "redact_url",
    "request_secrets",
    "scrub_json",
]

# Query parameters that carry credentials and must never be shown.
_SECRET_PARAMS = frozenset({"key", "access_token"})
_SECRET_IN_TEXT = re.compile(r"(?i)(\b(?:api_?key|key|access_token)=)[^&#\s'\"]*")

MIN_SECRET_LENGTH = 8
"""Shorter credentials (a test's ``api_key="k"``) are not masked inside a server's text.

Google's API keys have 39 characters and its access tokens over a hundred; masking every "k" of
a message would make it unreadable without protecting anything.
"""


def redact_url(url: httpx.URL | str) -> str:
    """`url` as text without credentials: no user info, no ``key`` or ``access_token`` parameter."""
    try:
        parsed = httpx.URL(url)
        if any(name.lower() in _SECRET_PARAMS for name in parsed.params):
            kept = [
                (k, v) for k, v in parsed.params.multi_items() if k.lower() not in _SECRET_PARAMS
            ]
            parsed = parsed.copy_with(params=kept)
        if parsed.userinfo:
            parsed = parsed.copy_with(username=None, password=None)
        text = str(parsed)
    except Exception:
        text = str(url)
    return redact_text(text)


def redact_text(text: str) -> str:
    """`text` with the value of any ``key=``, ``api_key=`` or ``access_token=`` masked."""
    return _SECRET_IN_TEXT.sub(r"\1***", text)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each of `secrets` (API keys, tokens) and any secret parameter masked.

    Secrets are matched whatever their case: a lowercased key (in a header value, say) is
    still most of the key.
    """
    for secret in secrets:
        if secret:
            text = re.sub(re.escape(secret), "***", text, flags=re.IGNORECASE)
    return redact_text(text)


def request_secrets(request: httpx.Request | None) -> tuple[str, ...]:
    """The credentials `request` carries: its API key, its bearer token, secret parameters.

    Only those of at least `MIN_SECRET_LENGTH` characters; none for None.
    """
    if request is None:
        return ()
    found: list[str] = []
    key = request.headers.get("x-goog-api-key")
    if key:
        found.append(key.strip())
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        found.append(token.strip())
    if request.url.query:
        found += [v for k, v in request.url.params.multi_items() if k.lower() in _SECRET_PARAMS]
    return tuple(dict.fromkeys(s for s in found if len(s) >= MIN_SECRET_LENGTH))


def scrub_json(value: Any, secrets: tuple[str, ...], raw: bytes = b"") -> Any:
    r"""A decoded JSON value with every string (keys included) free of `secrets`.

    `raw` is the body it was decoded from, when known: a body in which no secret appears, and no
    ``\u`` escape that could spell one, is returned as is without walking it. Raises
    RecursionError for a value nested deeper than the interpreter's recursion limit can walk.
    """
    if not secrets:
        return value
    lowered = tuple(secret.lower() for secret in secrets)
    if raw:
        raw = raw.lower()
        if b"\\u" not in raw and not any(secret.encode() in raw for secret in lowered):
            return value
    return _scrub(value, secrets, lowered)


def _scrub(value: Any, secrets: tuple[str, ...], lowered: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        text = value.lower()
        return redact(value, secrets) if any(s in text for s in lowered) else value
    if isinstance(value, dict):
        return {_scrub(k, secrets, lowered): _scrub(v, secrets, lowered) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets, lowered) for item in value]
    return value


def redact_chain(error: BaseException, secrets: tuple[str, ...]) -> None:
    """Mask `secrets` in the text of `error` and of the exceptions it was raised from.

    httpx and h11 quote what the server sent (a malformed header line, say) in their messages;
    those exceptions stay attached as the cause of the library's own errors.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and secrets:
        seen.add(id(current))
        current.args = tuple(_masked_arg(arg, secrets) for arg in current.args)
        current = current.__cause__ or current.__context__


def _masked_arg(arg: object, secrets: tuple[str, ...]) -> object:
    # An argument showing no secret is kept as it is (an int stays an int).
    text = str(arg)
    lowered = text.lower()
    if not any(secret.lower() in lowered for secret in secrets):
        return arg
    return redact(text, secrets)
