"""Option validation: the one place the rules for seconds and counts live.

Every bad value raises `ValueError` (a wrong type included), with a message naming the option,
so that ``timeout=0``, ``timeout="5"`` and ``timeout=nan`` fail alike wherever they are passed:
to a client, a builder, a wait or the CLI.
"""

from __future__ import annotations

import math

__all__ = ["check_api_key", "check_count", "check_seconds", "check_secret"]


def check_seconds(option: str, value: object, *, allow_none: bool = False) -> float | None:
    """`value` as a positive, finite number of seconds; raise ValueError naming `option`.

    None is accepted (and returned) only with `allow_none`; booleans are not numbers here.
    """
    if value is None and allow_none:
        return None
    expected = "> 0 seconds or None" if allow_none else "> 0 seconds"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{option} must be a number {expected}, got {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{option} must be {expected}, got {value!r}")
    return seconds


def check_count(option: str, value: object, *, minimum: int = 0) -> int:
    """`value` as an integer >= `minimum`; raise ValueError naming `option` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{option} must be an integer >= {minimum}, got {value!r}")
    return value


def check_secret(what: str, value: object) -> str:
    """A credential sent in a header, stripped; raise ValueError (never showing it) if unusable.

    It must be a non-empty string without whitespace or control characters once the whitespace
    around it (a line ending read from a file) is stripped: anything else could not be sent in a
    header, and would end up quoted in httpx's error. `what` names it in the message.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    secret = value.strip()
    if not secret.isprintable() or any(ch.isspace() for ch in secret):
        raise ValueError(f"{what} must not contain whitespace or control characters")
    return secret


def check_api_key(value: object) -> str:
    """A Gemini API key, checked by `check_secret` (sent in the ``x-goog-api-key`` header)."""
    return check_secret("api_key", value)
