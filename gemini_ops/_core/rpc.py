"""Facts of google.rpc that the client reads: canonical status names, rpc codes, detail types.

One table each: the code of a status name (and its inverse), the status of an HTTP answer without
a body (and the HTTP status Google gives each code), the statuses worth trying again, and the
parsing of a ``google.protobuf.Duration``. Pure data and functions, no I/O. The emulator keeps its
own copy on purpose: it is an independent witness of the client.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "HTTP_FOR_STATUS",
    "RPC_CODES",
    "STATUS_FOR_CODE",
    "STATUS_FOR_HTTP",
    "TRANSIENT_HTTP",
    "TRANSIENT_STATUS",
    "canonical_status",
    "detail_type",
    "parse_duration",
]

# Canonical status name -> rpc code (google.rpc.Code).
RPC_CODES: Mapping[str, int] = {
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}

#: google.rpc code -> canonical status name, 0 (OK) included.
STATUS_FOR_CODE: Mapping[int, str] = {0: "OK", **{code: name for name, code in RPC_CODES.items()}}

# HTTP status -> canonical status, for answers whose body names none. 408 is a timeout like 504;
# 502 comes from load balancers in front of a service that is unavailable.
STATUS_FOR_HTTP: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    416: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

#: Canonical status -> the HTTP status google.rpc.Code documents for it (for errors that arrive
#: without an HTTP answer of their own, such as a failed operation's ``error``).
HTTP_FOR_STATUS: Mapping[str, int] = {
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}

#: HTTP statuses that say "try again later": the transport retries a request on them, and a
#: wait keeps polling through them. 499 (CANCELLED) is deliberately absent from both: it says the
#: request was cancelled, by the caller or by a proxy on its behalf, and Google's guidance
#: (AIP-194) and python-api-core's default retry leave CANCELLED to the caller; repeating it
#: behind the caller's back would undo a cancellation.
TRANSIENT_HTTP: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
#: Canonical statuses that say "try again later", whatever the HTTP status that carried them.
TRANSIENT_STATUS: frozenset[str] = frozenset(
    {"UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "INTERNAL", "ABORTED"}
)

# A google.protobuf.Duration in JSON: seconds with up to nine fractional digits and an "s".
_DURATION = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,9}))?s")


def canonical_status(status: object) -> str | None:
    """The canonical error status `status` names (any case, padded), else None."""
    if not isinstance(status, str):
        return None
    name = status.strip().upper()
    return name if name in RPC_CODES else None


def detail_type(detail: Mapping[str, Any]) -> str:
    """The short type name of an error detail, e.g. ``"RetryInfo"``."""
    type_url = detail.get("@type")
    if not isinstance(type_url, str):
        return ""
    return type_url.rsplit("/", 1)[-1].rsplit(".", 1)[-1]


def parse_duration(value: object) -> float | None:
    """Seconds in a ``google.protobuf.Duration`` JSON string (``"17s"``, ``"0.5s"``); else None."""
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        return None
    sign, seconds, fraction = match.groups()
    result = int(seconds) + (int(fraction.ljust(9, "0")) / 1e9 if fraction else 0.0)
    return -result if sign else float(result)
