"""The exceptions gemini-ops raises, and how an HTTP error answer becomes one of them.

Everything raised on purpose derives from `GeminiOpsError`::

    GeminiOpsError
     ├── ApiError                      the server answered with an error status (>= 400)
     │    ├── RequestCancelledError       CANCELLED            rpc 1   HTTP 499
     │    ├── UnknownApiError             UNKNOWN              rpc 2   any status not listed here
     │    ├── InvalidArgumentError        INVALID_ARGUMENT     rpc 3   HTTP 400
     │    ├── DeadlineExceededError       DEADLINE_EXCEEDED    rpc 4   HTTP 504, 408
     │    ├── NotFoundError               NOT_FOUND            rpc 5   HTTP 404
     │    ├── AlreadyExistsError          ALREADY_EXISTS       rpc 6   (409 with this status)
     │    ├── PermissionDeniedError       PERMISSION_DENIED    rpc 7   HTTP 403
     │    ├── RateLimitError              RESOURCE_EXHAUSTED   rpc 8   HTTP 429
     │    ├── FailedPreconditionError     FAILED_PRECONDITION  rpc 9   (400 with this status)
     │    ├── AbortedError                ABORTED              rpc 10  HTTP 409
     │    ├── OutOfRangeError             OUT_OF_RANGE         rpc 11  HTTP 416
     │    ├── UnimplementedError          UNIMPLEMENTED        rpc 12  HTTP 501
     │    ├── InternalServerError         INTERNAL             rpc 13  HTTP 500
     │    ├── ServiceUnavailableError     UNAVAILABLE          rpc 14  HTTP 503, 502
     │    ├── DataLossError               DATA_LOSS            rpc 15  (500 with this status)
     │    └── UnauthenticatedError        UNAUTHENTICATED      rpc 16  HTTP 401
     ├── TransportError                no usable answer: connection refused or dropped, timeouts
     ├── InvalidResponseError          a 2xx answer whose body is not the JSON expected
     ├── CredentialsError              Google credentials missing or impossible to refresh
     ├── OperationFailedError          a finished operation carries an error
     ├── OperationNotDoneError         the result of an operation still running was asked for
     ├── WaitTimeoutError              (also TimeoutError) a deadline passed; has the last operation
     ├── InvalidNameError              (also ValueError) a name no endpoint serves
     ├── UnsupportedMethodError        (also ValueError) a method Google does not serve on a family
     └── PaginationError               a server sent a page token it had sent before

The class of an `ApiError` comes from the canonical status in the body when it names one of the
sixteen error statuses; otherwise from the HTTP status (the right-hand column; any other status maps
to `UnknownApiError`, which Google's own definition of UNKNOWN reserves for errors that "do not
return enough error information"). HTTP statuses are never passed through `http.HTTPStatus`, which
does not know 499.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import httpx

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "ApiError",
    "CredentialsError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "GeminiOpsError",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidNameError",
    "InvalidResponseError",
    "NotFoundError",
    "OperationFailedError",
    "OperationNotDoneError",
    "OutOfRangeError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestCancelledError",
    "ServiceUnavailableError",
    "TransportError",
    "UnauthenticatedError",
    "UnimplementedError",
    "UnknownApiError",
    "UnsupportedMethodError",
    "WaitTimeoutError",
    "error_for_status",
    "error_from_response",
    "parse_duration",
    "parse_json_object",
    "redact_text",
    "redact_url",
    "retry_delay_from_response",
]

# Canonical status name -> rpc code (google.rpc.Code).
_RPC_CODES: Mapping[str, int] = {
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
_STATUS_FOR_HTTP: Mapping[int, str] = {
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

# Query parameters that carry credentials and must never be shown.
_SECRET_PARAMS = frozenset({"key", "access_token"})
_SECRET_IN_TEXT = re.compile(r"(?i)(\b(?:api_?key|key|access_token)=)[^&#\s'\"]*")

_EXCERPT_LENGTH = 200
# Only the start of a body is looked at for an excerpt: keeps the regexes below cheap.
_EXCERPT_SCAN = 8192
_HTML_SKIPPED = re.compile(r"(?is)<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)")
_HTML_TAG = re.compile(r"(?s)<[^>]*>")
_WHITESPACE = re.compile(r"\s+")
# A google.protobuf.Duration in JSON: seconds with up to nine fractional digits and an "s".
_DURATION = re.compile(r"(-?)(\d{1,12})(?:\.(\d{1,9}))?s")
_RETRY_AFTER_SECONDS = re.compile(r"\d{1,10}(?:\.\d{1,9})?")


def _rebuild(cls: type[GeminiOpsError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class GeminiOpsError(Exception):
    """Base class of every exception gemini-ops raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword arguments; pickle and copy rebuild them from their state.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ApiError(GeminiOpsError):
    """The server answered with an error status.

    Attributes:
        http_status: the HTTP status of the answer (any integer; 499 included).
        status: the canonical status name, e.g. ``"NOT_FOUND"``: the body's when it names one of
            the sixteen error statuses, otherwise derived from the HTTP status.
        code: the rpc code of `status` (1-16).
        message: the server's message, or a description of the answer when it had none.
        details: the ``details`` entries of the error (``{"@type": ..., ...}`` mappings).
        retry_delay: seconds the server asked to wait before trying again (the larger of
            ``RetryInfo.retryDelay`` and ``Retry-After``), or None.
        method: the request method, when known.
        url: the request URL, when known, without credentials in its query string.

    The request and response themselves are not kept: the request carries credentials.

    """

    canonical_status: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        status: str | None = None,
        details: Iterable[Mapping[str, Any]] = (),
        retry_delay: float | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        if status is None:
            status = self.canonical_status or _STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
        super().__init__(message)
        self.http_status = http_status
        self.status = status
        self.code = _RPC_CODES.get(status, _RPC_CODES["UNKNOWN"])
        self.message = message
        self.details: tuple[dict[str, Any], ...] = tuple(dict(d) for d in details)
        self.retry_delay = retry_delay
        self.method = method
        self.url = url

    @property
    def reason(self) -> str | None:
        """The ``reason`` of the first ``google.rpc.ErrorInfo`` detail, e.g. ``API_KEY_INVALID``."""
        for detail in self.details:
            if _detail_type(detail) == "ErrorInfo" and isinstance(detail.get("reason"), str):
                return str(detail["reason"])
        return None

    def __str__(self) -> str:
        text = f"{self.http_status} {self.status}: {_one_line(self.message)}"
        if self.method and self.url:
            text += f" ({self.method} {self.url})"
        return text


class RequestCancelledError(ApiError):
    """CANCELLED (HTTP 499): the request was cancelled, usually by the caller or a proxy."""

    canonical_status = "CANCELLED"


class UnknownApiError(ApiError):
    """UNKNOWN: an error the server did not classify, or an HTTP status without a canonical one."""

    canonical_status = "UNKNOWN"


class InvalidArgumentError(ApiError):
    """INVALID_ARGUMENT (HTTP 400): the request is malformed; repeating it will not help."""

    canonical_status = "INVALID_ARGUMENT"


class DeadlineExceededError(ApiError):
    """DEADLINE_EXCEEDED (HTTP 504, also 408): the server gave up before answering."""

    canonical_status = "DEADLINE_EXCEEDED"


class NotFoundError(ApiError):
    """NOT_FOUND (HTTP 404): no such operation (never existed, expired, or deleted)."""

    canonical_status = "NOT_FOUND"


class AlreadyExistsError(ApiError):
    """ALREADY_EXISTS (HTTP 409): the resource to create exists already."""

    canonical_status = "ALREADY_EXISTS"


class PermissionDeniedError(ApiError):
    """PERMISSION_DENIED (HTTP 403): the caller may not do this."""

    canonical_status = "PERMISSION_DENIED"


class RateLimitError(ApiError):
    """RESOURCE_EXHAUSTED (HTTP 429): quota or rate limit; see `retry_delay`."""

    canonical_status = "RESOURCE_EXHAUSTED"


class FailedPreconditionError(ApiError):
    """FAILED_PRECONDITION (HTTP 400): the system is not in a state that allows the request."""

    canonical_status = "FAILED_PRECONDITION"


class AbortedError(ApiError):
    """ABORTED (HTTP 409): a concurrency conflict; retrying the whole sequence may succeed."""

    canonical_status = "ABORTED"


class OutOfRangeError(ApiError):
    """OUT_OF_RANGE (HTTP 400/416): a value past the valid range."""

    canonical_status = "OUT_OF_RANGE"


class UnimplementedError(ApiError):
    """UNIMPLEMENTED (HTTP 501): the service does not offer this method for this resource."""

    canonical_status = "UNIMPLEMENTED"


class InternalServerError(ApiError):
    """INTERNAL (HTTP 500): the server failed."""

    canonical_status = "INTERNAL"


class ServiceUnavailableError(ApiError):
    """UNAVAILABLE (HTTP 503, also 502): the service is briefly unavailable."""

    canonical_status = "UNAVAILABLE"


class DataLossError(ApiError):
    """DATA_LOSS (HTTP 500): unrecoverable data loss or corruption."""

    canonical_status = "DATA_LOSS"


class UnauthenticatedError(ApiError):
    """UNAUTHENTICATED (HTTP 401): missing, invalid or expired credentials."""

    canonical_status = "UNAUTHENTICATED"


_CLASS_FOR_STATUS: Mapping[str, type[ApiError]] = {
    cls.canonical_status: cls
    for cls in (
        RequestCancelledError,
        UnknownApiError,
        InvalidArgumentError,
        DeadlineExceededError,
        NotFoundError,
        AlreadyExistsError,
        PermissionDeniedError,
        RateLimitError,
        FailedPreconditionError,
        AbortedError,
        OutOfRangeError,
        UnimplementedError,
        InternalServerError,
        ServiceUnavailableError,
        DataLossError,
        UnauthenticatedError,
    )
    if cls.canonical_status is not None
}


class TransportError(GeminiOpsError):
    """No usable answer: the connection failed, dropped, or timed out (after any retries).

    The underlying httpx exception is the ``__cause__``. Attributes ``method`` and ``url``
    (without credentials) name the request when known.
    """

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None):
        super().__init__(message)
        self.method = method
        self.url = url


class InvalidResponseError(GeminiOpsError):
    """A successful (2xx) answer whose body is not the JSON object expected.

    Attributes:
        http_status: the HTTP status of the answer.
        excerpt: the start of the body, whitespace collapsed, at most about 200 characters.
        method, url: the request, when known (the URL without credentials).

    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        excerpt: str = "",
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.excerpt = excerpt
        self.method = method
        self.url = url

    @classmethod
    def from_response(cls, response: httpx.Response, problem: str) -> InvalidResponseError:
        """Describe `response` (read already) as invalid because of `problem`."""
        method, url = _request_of(response)
        content = _content_of(response)
        excerpt = _excerpt(content, _content_type(response), response) if content else ""
        message = f"HTTP {response.status_code}: {problem}"
        if excerpt:
            message += f": {excerpt}"
        if method and url:
            message += f" ({method} {url})"
        return cls(
            message, http_status=response.status_code, excerpt=excerpt, method=method, url=url
        )


class CredentialsError(GeminiOpsError):
    """Google credentials could not be found or refreshed; the google-auth error is the cause."""


class OperationFailedError(GeminiOpsError):
    """A finished operation ended with an error (``error.code != 0``); see `error`."""

    def __init__(self, operation: object, error: object) -> None:
        name = getattr(operation, "name", "?")
        status = getattr(error, "status", None) or getattr(error, "code", "?")
        message = getattr(error, "message", "")
        super().__init__(f"operation {name} failed: {status} {message}".rstrip())
        self.operation = operation
        self.error = error


class OperationNotDoneError(GeminiOpsError):
    """The result of an operation that is still running was asked for."""

    def __init__(self, operation: object) -> None:
        super().__init__(f"operation {getattr(operation, 'name', '?')} is not done yet")
        self.operation = operation


class WaitTimeoutError(GeminiOpsError, TimeoutError):
    """A deadline passed before the operation finished.

    ``operation`` is the last operation seen, or None when no answer arrived in time.
    """

    def __init__(self, message: str, operation: object | None = None) -> None:
        super().__init__(message)
        self.operation = operation


class InvalidNameError(GeminiOpsError, ValueError):
    """A name (or list parent) that no endpoint serves; raised before any request is made.

    Attributes ``name``, ``reason`` and ``accepted`` (the shapes accepted) say why.
    """

    def __init__(self, name: str, reason: str, accepted: Sequence[str]) -> None:
        shown = name if len(name) <= 200 else name[:200] + "..."
        shapes = ", ".join(accepted)
        super().__init__(f"invalid name {shown!r}: {reason}; accepted: {shapes}")
        self.name = name
        self.reason = reason
        self.accepted = tuple(accepted)


class UnsupportedMethodError(GeminiOpsError, ValueError):
    """A method Google does not serve on this kind of operation (raised before any request).

    For example ``cancel`` on ``models/*/operations/*``: attributes ``name``, ``method`` and
    ``supported`` (the methods that do exist for it).
    """

    def __init__(self, name: str, method: str, supported: Sequence[str]) -> None:
        offered = ", ".join(supported) or "none"
        super().__init__(
            f"{method} is not available for {name!r}: Google serves only {offered} on it"
        )
        self.name = name
        self.method = method
        self.supported = tuple(supported)


class PaginationError(GeminiOpsError):
    """A list answered with a page token it had already given: following it would never end.

    Attributes ``parent`` (what was listed) and ``page_token`` (the repeated token).
    """

    def __init__(self, parent: str, page_token: str) -> None:
        shown = page_token if len(page_token) <= 60 else page_token[:60] + "..."
        super().__init__(
            f"listing {parent!r}: the server repeated page token {shown!r}; stopping instead of "
            "looping forever"
        )
        self.parent = parent
        self.page_token = page_token


def error_for_status(http_status: int, status: str | None) -> type[ApiError]:
    """Return the `ApiError` subclass for a canonical `status`, else for the HTTP status.

    A `status` that is not one of the sixteen canonical error names is ignored; an HTTP status
    with no canonical counterpart gives `UnknownApiError`.
    """
    canonical = _canonical(status)
    if canonical is None:
        canonical = _STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
    return _CLASS_FOR_STATUS[canonical]


def error_from_response(response: httpx.Response) -> ApiError:
    """Build the `ApiError` for an error answer; never raises, whatever the body holds.

    Reads ``{"error": {...}}``, the one-element array form ``[{"error": {...}}]``, the legacy
    ``errors`` list, and OAuth's ``{"error": "...", "error_description": "..."}``. A body that is
    empty, not JSON (an HTML page from a proxy) or JSON of another shape gives a message naming
    what arrived, with a short excerpt. The response should have been read; an unread streaming
    one is treated as empty.
    """
    http_status = response.status_code
    method, url = _request_of(response)
    content = _content_of(response)
    content_type = _content_type(response)
    parsed, is_json = _loads(content)

    envelope = _find_envelope(parsed) if is_json else None
    status: str | None = None
    details: tuple[dict[str, Any], ...] = ()
    message: str | None = None
    if isinstance(envelope, Mapping):
        status = _canonical(envelope.get("status"))
        details = _details(envelope.get("details"))
        message = _envelope_message(envelope)
    elif isinstance(envelope, str) and parsed is not None:
        # OAuth token endpoints: {"error": "invalid_grant", "error_description": "..."}.
        description = parsed.get("error_description") if isinstance(parsed, Mapping) else None
        message = f"{envelope}: {description}" if isinstance(description, str) else envelope

    if message is None:
        message = _describe_body(http_status, content, content_type, is_json, response)

    cls = error_for_status(http_status, status)
    return cls(
        message,
        http_status=http_status,
        status=status or cls.canonical_status,
        details=details,
        retry_delay=_retry_delay(details, response),
        method=method,
        url=url,
    )


def retry_delay_from_response(response: httpx.Response) -> float | None:
    """Seconds the server asked to wait: the larger of ``RetryInfo.retryDelay`` and ``Retry-After``.

    Returns None when neither is present and valid. Never raises.
    """
    parsed, is_json = _loads(_content_of(response))
    envelope = _find_envelope(parsed) if is_json else None
    details = _details(envelope.get("details")) if isinstance(envelope, Mapping) else ()
    return _retry_delay(details, response)


def parse_json_object(response: httpx.Response) -> dict[str, Any]:
    """Decode a successful answer's body as a JSON object.

    Raises:
        InvalidResponseError: the body is empty, not JSON, or JSON but not an object.

    """
    content = _content_of(response)
    if not content.strip():
        raise InvalidResponseError.from_response(response, "empty body where JSON was expected")
    parsed, is_json = _loads(content)
    if not is_json:
        raise InvalidResponseError.from_response(
            response, f"the body is not JSON ({_content_type(response) or 'no content type'})"
        )
    if not isinstance(parsed, dict):
        raise InvalidResponseError.from_response(
            response, f"expected a JSON object, got {_json_kind(parsed)}"
        )
    return parsed


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


def _canonical(status: object) -> str | None:
    if not isinstance(status, str):
        return None
    name = status.strip().upper()
    return name if name in _RPC_CODES else None


def _request_of(response: httpx.Response) -> tuple[str | None, str | None]:
    try:
        request = response.request
    except RuntimeError:
        return None, None
    return request.method, redact_url(request.url)


def _content_of(response: httpx.Response) -> bytes:
    try:
        return response.content
    except Exception:
        return b""


def _content_type(response: httpx.Response) -> str:
    value = str(response.headers.get("content-type", ""))
    return value.split(";", 1)[0].strip().lower()


def _loads(content: bytes) -> tuple[Any, bool]:
    if not content.strip():
        return None, False
    try:
        return json.loads(content), True
    except Exception:  # ValueError, UnicodeDecodeError, RecursionError on deep nesting, ...
        return None, False


def _find_envelope(parsed: Any) -> Any:
    if isinstance(parsed, list):
        # Some Vertex paths wrap the envelope in a one-element array.
        parsed = next((item for item in parsed if isinstance(item, Mapping)), None)
    if isinstance(parsed, Mapping):
        return parsed.get("error")
    return None


def _envelope_message(envelope: Mapping[str, Any]) -> str | None:
    message = envelope.get("message")
    if isinstance(message, str) and message:
        return message
    legacy = envelope.get("errors")
    if isinstance(legacy, list):
        for entry in legacy:
            if isinstance(entry, Mapping) and isinstance(entry.get("message"), str):
                return str(entry["message"])
    return None


def _details(value: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(dict(item) for item in value if isinstance(item, Mapping))


def _detail_type(detail: Mapping[str, Any]) -> str:
    type_url = detail.get("@type")
    if not isinstance(type_url, str):
        return ""
    return type_url.rsplit("/", 1)[-1].rsplit(".", 1)[-1]


def _retry_delay(details: Iterable[Mapping[str, Any]], response: httpx.Response) -> float | None:
    delays: list[float] = []
    for detail in details:
        if _detail_type(detail) == "RetryInfo":
            seconds = parse_duration(detail.get("retryDelay"))
            if seconds is not None and seconds >= 0:
                delays.append(seconds)
    after = _retry_after(response)
    if after is not None:
        delays.append(after)
    return max(delays) if delays else None


def _retry_after(response: httpx.Response) -> float | None:
    try:
        value = response.headers.get("retry-after")
        if value is None:
            return None
        value = value.strip()
        if _RETRY_AFTER_SECONDS.fullmatch(value):
            return float(value)
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            return None
        now = time.time()
        date = response.headers.get("date")
        if date:
            # Measure against the server's clock when it says what time it is.
            try:
                server_now = email.utils.parsedate_to_datetime(date)
                if server_now.tzinfo is not None:
                    now = server_now.timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
        seconds = when.timestamp() - now
        return max(0.0, seconds) if math.isfinite(seconds) else None
    except Exception:
        return None


def _describe_body(
    http_status: int, content: bytes, content_type: str, is_json: bool, response: httpx.Response
) -> str:
    kind = content_type or "no content type"
    if not content.strip():
        return f"HTTP {http_status} with an empty body"
    excerpt = _excerpt(content, content_type, response)
    if is_json:
        return f"HTTP {http_status} with an unexpected JSON body: {excerpt}"
    return f"HTTP {http_status} with a non-JSON ({kind}) body: {excerpt}"


def _excerpt(content: bytes, content_type: str, response: httpx.Response) -> str:
    head = content[:_EXCERPT_SCAN]
    try:
        text = head.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        text = head.decode("utf-8", errors="replace")
    if "html" in content_type or text.lstrip()[:1] == "<":
        text = _HTML_TAG.sub(" ", _HTML_SKIPPED.sub(" ", text))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = redact_text(_one_line(text))
    if len(text) > _EXCERPT_LENGTH:
        text = text[: _EXCERPT_LENGTH - 3].rstrip() + "..."
    return text


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
