"""The exceptions gemini-ops raises: the whole tree, and the class for each canonical status.

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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from gemini_ops._core.rpc import RPC_CODES, STATUS_FOR_HTTP, canonical_status, detail_type

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
]


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
            status = self.canonical_status or STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
        super().__init__(message)
        self.http_status = http_status
        self.status = status
        self.code = RPC_CODES.get(status, RPC_CODES["UNKNOWN"])
        self.message = message
        self.details: tuple[dict[str, Any], ...] = tuple(dict(d) for d in details)
        self.retry_delay = retry_delay
        self.method = method
        self.url = url

    @property
    def reason(self) -> str | None:
        """The ``reason`` of the first ``google.rpc.ErrorInfo`` detail, e.g. ``API_KEY_INVALID``."""
        for detail in self.details:
            if detail_type(detail) == "ErrorInfo" and isinstance(detail.get("reason"), str):
                return str(detail["reason"])
        return None

    def __str__(self) -> str:
        message = " ".join(self.message.split())
        text = f"{self.http_status} {self.status}: {message}"
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

    def __init__(
        self, name: str, method: str, supported: Sequence[str], *, reason: str | None = None
    ) -> None:
        offered = ", ".join(supported) or "none"
        why = reason or f"Google serves only {offered} on it"
        super().__init__(f"{method} is not available for {name!r}: {why}")
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
    canonical = canonical_status(status)
    if canonical is None:
        canonical = STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
    return _CLASS_FOR_STATUS[canonical]
