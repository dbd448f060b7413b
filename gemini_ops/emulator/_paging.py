"""Paging of list answers: page sizes, the `done` filter, and opaque page tokens."""

from __future__ import annotations

import base64
import binascii
import json
import re

from gemini_ops.emulator._wire import bad_request

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "decode_page_token",
    "encode_page_token",
    "list_filter",
    "page_size",
]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

_INT32_MAX = 2**31 - 1
_INTEGER = re.compile(r"[+-]?\d+")
_FILTER = re.compile(r"\s*done\s*=\s*(true|false)\s*", re.IGNORECASE)


def page_size(params: dict[str, str], *, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size a list request asks for: 0 or absent is `default`, larger is clamped."""
    raw = params.get("pageSize", params.get("page_size", ""))
    if raw == "":
        return default
    if _INTEGER.fullmatch(raw) is None or not -(2**31) <= int(raw) <= _INT32_MAX:
        raise bad_request("page_size", f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"")
    size = int(raw)
    if size < 0:
        raise bad_request("page_size", f"Invalid page_size {size}: must not be negative.")
    if size == 0:
        return default
    return min(size, MAX_PAGE_SIZE)


def list_filter(params: dict[str, str]) -> tuple[str, bool | None]:
    """The normalised filter text and the `done` value it selects (None: no filter)."""
    raw = params.get("filter", "")
    if raw.strip() == "":
        return "", None
    match = _FILTER.fullmatch(raw)
    if match is None:
        raise bad_request(
            "filter", f'Invalid filter "{raw}": supported filters are done=true and done=false.'
        )
    done = match.group(1).lower() == "true"
    return f"done={str(done).lower()}", done


def encode_page_token(parent: str, filter_text: str, after: int) -> str:
    """Build an opaque page token: where to continue, bound to the list's parent and filter."""
    raw = json.dumps([parent, filter_text, after], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str, parent: str, filter_text: str) -> int:
    """Where a page token says to continue; a token for another list or filter is invalid."""
    invalid = bad_request("page_token", "Invalid page token.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise invalid from None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or value[0] != parent
        or value[1] != filter_text
        or isinstance(value[2], bool)
        or not isinstance(value[2], int)
        or value[2] < 0
    ):
        raise invalid
    return value[2]
