"""Option validation: the one place the rules for seconds and counts live.

Every bad value raises `ValueError` (a wrong type included), with a message naming the option,
so that ``timeout=0``, ``timeout="5"``, ``timeout=nan`` and ``poll_interval=1e10`` fail alike
wherever they are passed: to a client, a builder, a wait or the CLI.
"""

from __future__ import annotations

import math
import threading

__all__ = [
    "MAX_SECONDS",
    "check_api_key",
    "check_count",
    "check_seconds",
    "check_secret",
    "check_text",
]

#: The longest duration an option may give, in seconds: a year (365 days), or less where the
#: platform's ``threading.TIMEOUT_MAX`` is less (49.7 days on Windows), so that every sleep,
#: ``threading`` wait and socket timeout takes it (``time.sleep(1e10)`` overflows). A longer
#: wait is ``timeout=None``.
MAX_SECONDS = min(365 * 86400.0, threading.TIMEOUT_MAX)


def check_seconds(option: str, value: object, *, allow_none: bool = False) -> float | None:
    """`value` as a number of seconds in (0, `MAX_SECONDS`]; raise ValueError naming `option`.

    None is accepted (and returned) only with `allow_none`; booleans are not numbers here, and
    NaN, infinities and integers too large for a float are out of range.
    """
    if value is None and allow_none:
        return None
    expected = ("> 0 seconds or None" if allow_none else "> 0 seconds") + (
        f", at most {MAX_SECONDS:.0f} s ({MAX_SECONDS / 86400:.4g} days)"
    )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{option} must be a number {expected}, got {_shown(value)}")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not 0 < seconds <= MAX_SECONDS:  # NaN fails every comparison
        raise ValueError(f"{option} must be {expected}, got {_shown(value)}")
    return seconds


def check_count(option: str, value: object, *, minimum: int = 0) -> int:
    """`value` as an integer >= `minimum`; raise ValueError naming `option` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{option} must be an integer >= {minimum}, got {_shown(value)}")
    return value


def _shown(value: object) -> str:
    """A bad value as an error message shows it: short, and never a huge integer's digits."""
    if isinstance(value, int) and value.bit_length() > 64:
        # repr() of an integer past 4300 digits raises ValueError itself.
        return f"an integer of {value.bit_length()} bits"
    return f"{value!r:.60}"


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


def check_text(option: str, value: object) -> str:
    """`value` as text a request can carry (a string of valid Unicode); ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{option} must be a string, got {type(value).__name__}")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError(f"{option} must be valid Unicode, got a lone surrogate") from None
    return value
