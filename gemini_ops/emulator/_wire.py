"""Google's JSON conventions: error envelopes, timestamps, durations, pretty printing."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

JSONObject = dict[str, Any]

# HTTP status → canonical status name, as Google's front end maps them.
CANONICAL_BY_HTTP: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# google.rpc.Code value → (canonical name, HTTP status).
CODES: dict[int, tuple[str, int]] = {
    1: ("CANCELLED", 499),
    2: ("UNKNOWN", 500),
    3: ("INVALID_ARGUMENT", 400),
    4: ("DEADLINE_EXCEEDED", 504),
    5: ("NOT_FOUND", 404),
    6: ("ALREADY_EXISTS", 409),
    7: ("PERMISSION_DENIED", 403),
    8: ("RESOURCE_EXHAUSTED", 429),
    9: ("FAILED_PRECONDITION", 400),
    10: ("ABORTED", 409),
    11: ("OUT_OF_RANGE", 400),
    12: ("UNIMPLEMENTED", 501),
    13: ("INTERNAL", 500),
    14: ("UNAVAILABLE", 503),
    15: ("DATA_LOSS", 500),
    16: ("UNAUTHENTICATED", 401),
}

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: "Request is missing required authentication credential.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    409: "The operation was aborted.",
    429: "Resource has been exhausted (e.g. check quota).",
    499: "The operation was cancelled.",
    500: "Internal error encountered.",
    501: "Operation is not implemented, or supported, or enabled.",
    502: "The server encountered a temporary error and could not complete your request.",
    503: "The service is currently unavailable.",
    504: "Deadline expired before operation could complete.",
}

TYPE_PREFIX = "type.googleapis.com/"


class ApiError(Exception):
    """An error answer: HTTP status, canonical status name, message and `details` Anys."""

    def __init__(
        self,
        http_status: int,
        message: str | None = None,
        *,
        status: str | None = None,
        details: list[JSONObject] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.message = message or DEFAULT_MESSAGES.get(http_status, "Unknown error.")
        self.status = status or CANONICAL_BY_HTTP.get(http_status, "UNKNOWN")
        self.details = details or []
        self.headers = headers or {}

    def envelope(self) -> JSONObject:
        """Return the `{"error": {...}}` body; `details` is left out when empty, as Google does."""
        error: JSONObject = {
            "code": self.http_status,
            "message": self.message,
            "status": self.status,
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(field: str, description: str) -> ApiError:
    """Build a 400 INVALID_ARGUMENT with a google.rpc.BadRequest field violation."""
    return ApiError(
        400,
        description,
        details=[
            {
                "@type": TYPE_PREFIX + "google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": description}],
            }
        ],
    )


def check_status(value: Any, field: str) -> JSONObject:
    """A copy of a control-plane `google.rpc.Status` (non-zero code); ApiError 400 otherwise."""
    if not isinstance(value, dict):
        raise bad_request(field, f"{field} must be a google.rpc.Status object.")
    code = value.get("code")
    if isinstance(code, bool) or not isinstance(code, int) or code == 0:
        raise bad_request(f"{field}.code", f"{field}.code must be a non-zero integer.")
    message = value.get("message")
    if message is not None and not isinstance(message, str):
        raise bad_request(f"{field}.message", f"{field}.message must be a string.")
    details = value.get("details")
    if details is not None and not (
        isinstance(details, list)
        and all(isinstance(d, dict) and isinstance(d.get("@type"), str) for d in details)
    ):
        raise bad_request(f"{field}.details", f"{field}.details must be a list of Any objects.")
    return copy.deepcopy(value)


def check_object(value: Any, field: str) -> JSONObject | None:
    """A copy of a control-plane JSON object, or None; ApiError 400 for anything else."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(field, f"{field} must be a JSON object.")
    return copy.deepcopy(value)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    """Build a 404 NOT_FOUND."""
    return ApiError(404, message)


def dumps(body: Any, *, pretty: bool = True) -> bytes:
    """Serialise as Google does: pretty printed (two-space indent) unless `prettyPrint=false`."""
    if pretty:
        return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def timestamp(seconds: float) -> str:
    """RFC 3339 UTC with nine fractional digits, e.g. `2025-12-03T17:23:06.004734302Z`."""
    whole = int(seconds)
    nanos = round((seconds - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    base = datetime.fromtimestamp(whole, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{nanos:09d}Z"


_DURATION = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,9}))?s")


def parse_duration(text: str) -> float:
    """Parse a google.protobuf.Duration JSON string (`"3.5s"`); raise ValueError otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    sign, whole, frac = match.groups()
    value = int(whole) + (int(frac.ljust(9, "0")) / 1e9 if frac else 0.0)
    return -value if sign else value


def format_duration(seconds: float) -> str:
    """Format seconds as a Duration JSON string: `"0.5s"`, `"17s"`."""
    text = f"{seconds:.9f}".rstrip("0").rstrip(".")
    return f"{text}s"


JSON_MEDIA_TYPE = "application/json; charset=UTF-8"


def json_response(
    body: Any, status: int = 200, *, pretty: bool = True, headers: dict[str, str] | None = None
) -> Response:
    """A JSON answer, as Google's front end formats it."""
    return Response(
        dumps(body, pretty=pretty), status_code=status, headers=headers, media_type=JSON_MEDIA_TYPE
    )


def error_response(error: ApiError, *, pretty: bool = True) -> Response:
    """The `google.rpc.Status` envelope of `error`, with its status and headers."""
    return json_response(
        error.envelope(), error.http_status, pretty=pretty, headers=error.headers or None
    )
