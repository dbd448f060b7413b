"""Redaction: credentials never reach a message, a log line or the terminal.

The one redactor of the library, its errors and the CLI: `redact` masks known secrets and every
``key=`` / ``access_token=`` value, `redact_url` also drops user info and secret parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx

__all__ = ["redact", "redact_text", "redact_url"]

# Query parameters that carry credentials and must never be shown.
_SECRET_PARAMS = frozenset({"key", "access_token"})
_SECRET_IN_TEXT = re.compile(r"(?i)(\b(?:api_?key|key|access_token)=)[^&#\s'\"]*")


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
    """`text` with each of `secrets` (API keys, tokens) and any secret parameter masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return redact_text(text)
