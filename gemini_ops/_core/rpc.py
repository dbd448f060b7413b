"""Facts of google.rpc that the client reads: canonical status names, rpc codes, detail types.

One table each: the status of an HTTP answer without a body, the code of a status name, and the
parsing of a ``google.protobuf.Duration``. Pure data and functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["RPC_CODES", "STATUS_FOR_HTTP", "canonical_status", "detail_type", "parse_duration"]

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
