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
     ├── InvalidResponseError          a 2xx answer whose body is not the JSON expected, or a 3xx
     │    └── WrongOperationError         it describes another operation than the one asked for
     ├── CredentialsError              Google credentials missing or impossible to refresh
     ├── OperationFailedError          a finished operation carries an error; for each canonical
     │    │                            code it is also that code's ApiError class:
     │    ├── OperationRequestCancelledError           (also RequestCancelledError)
     │    ├── OperationUnknownApiError                 (also UnknownApiError)
     │    ├── OperationInvalidArgumentError            (also InvalidArgumentError)
     │    ├── OperationDeadlineExceededError           (also DeadlineExceededError)
     │    ├── OperationNotFoundError                   (also NotFoundError)
     │    ├── OperationAlreadyExistsError              (also AlreadyExistsError)
     │    ├── OperationPermissionDeniedError           (also PermissionDeniedError)
     │    ├── OperationRateLimitError                  (also RateLimitError)
     │    ├── OperationFailedPreconditionError         (also FailedPreconditionError)
     │    ├── OperationAbortedError                    (also AbortedError)
     │    ├── OperationOutOfRangeError                 (also OutOfRangeError)
     │    ├── OperationUnimplementedError              (also UnimplementedError)
     │    ├── OperationInternalServerError             (also InternalServerError)
     │    ├── OperationServiceUnavailableError         (also ServiceUnavailableError)
     │    ├── OperationDataLossError                   (also DataLossError)
     │    └── OperationUnauthenticatedError            (also UnauthenticatedError)
     ├── OperationNotDoneError         the result of an operation still running was asked for
     ├── WaitTimeoutError              (also TimeoutError) a deadline passed; has the last operation
     ├── InvalidNameError              (also ValueError) a name no endpoint serves
     ├── UnsupportedMethodError        (also ValueError) a method Google does not serve on a family
     ├── PaginationError               a page token that leads nowhere: repeated, too long, endless
     └── WebhookVerificationError      a webhook delivery whose signature or timestamp does not hold

The class of an `ApiError` comes from the canonical status in the body when it names one of the
sixteen error statuses; otherwise from the HTTP status (the right-hand column; any other status maps
to `UnknownApiError`, which Google's own definition of UNKNOWN reserves for errors that "do not
return enough error information"). HTTP statuses are never passed through `http.HTTPStatus`, which
does not know 499.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from gemini_ops._core.rpc import (
    HTTP_FOR_STATUS,
    RPC_CODES,
    STATUS_FOR_CODE,
    STATUS_FOR_HTTP,
    canonical_status,
    detail_type,
)

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
    "WebhookVerificationError",
    "WrongOperationError",
    "error_for_status",
    "operation_failed",
]


def _rebuild(cls: type[GeminiOpsError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class GeminiOpsError(Exception):
    """Base class of every exception gemini-ops raises on purpose.

    ``operation_name`` is the name of the operation the error belongs to when ``wait_many``
    reports it as one operation's outcome (``return_exceptions=True``), otherwise None.
    """

    operation_name: str | None = None

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
            ``RetryInfo.retryDelay`` and ``Retry-After``, at most 300: longer hints are
            clamped), or None.
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
    """An answer that cannot be used: not the JSON object expected, too large, or a redirect.

    A successful (2xx) answer whose body is not the JSON object expected; any answer (error
    answers included) whose body is larger than the client's ``max_response_bytes``; or a
    redirect (3xx): gemini-ops never follows one (credentials would go with it), and the
    message names the status and the ``Location`` (without credentials).

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


class WrongOperationError(InvalidResponseError):
    """A 2xx answer about another operation than the one asked for.

    ``batches/b1`` asked, ``batches/b2`` answered: never taken as the operation asked for, and
    a wait raises it at once instead of polling through it. Attributes ``requested`` and
    ``answered`` are the two names (see `gemini_ops._core.names.same_operation` for the
    spellings Google may change).
    """

    def __init__(self, requested: str, answered: str) -> None:
        super().__init__(
            f"asked for operation {requested!r}, the server answered with {answered!r:.200}",
            http_status=200,
        )
        self.requested = requested
        self.answered = answered


class CredentialsError(GeminiOpsError):
    """Google credentials could not be found or refreshed; the google-auth error is the cause."""


class OperationFailedError(GeminiOpsError):
    """A finished operation ended with an error (``error.code != 0``); see `error`."""

    def __init__(self, operation: object, error: object) -> None:
        name = getattr(operation, "name", "?")
        status = getattr(error, "status", None) or getattr(error, "code", "?")
        message = getattr(error, "message", "")
        kind = "job" if hasattr(operation, "state") else "operation"  # a Job has a state
        # Not super(): in the classes that are also an ApiError, the next class is ApiError.
        GeminiOpsError.__init__(self, f"{kind} {name} failed: {status} {message}".rstrip())
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
    ``pending`` maps the name of every operation still unfinished at the deadline to the last
    state seen of it (None: never answered); for one ``wait`` it holds that one operation.
    """

    def __init__(
        self,
        message: str,
        operation: object | None = None,
        *,
        pending: Mapping[str, object | None] | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.pending: dict[str, object | None] = dict(pending or {})


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


class WebhookVerificationError(GeminiOpsError):
    """A webhook delivery that cannot be trusted: ``reason`` says why, ``status_code`` answers it.

    ``status_code`` is 400 for a delivery that is malformed (missing headers, a body that is not
    a JSON object) and 401 for one whose signature, key or timestamp does not verify.
    """

    def __init__(self, reason: str, *, status_code: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code


class PaginationError(GeminiOpsError):
    """A list whose next page token leads nowhere: following it would never end.

    The server repeated a token it had given, sent one too long to follow, or sent page after
    page without an operation (see `gemini_ops._core.pagination`). Attributes ``parent`` (what
    was listed), ``page_token`` (the token not followed) and ``reason``.
    """

    def __init__(self, parent: str, page_token: str, *, reason: str | None = None) -> None:
        shown = page_token if len(page_token) <= 60 else page_token[:60] + "..."
        reason = reason or f"the server repeated page token {shown!r}"
        super().__init__(f"listing {parent!r}: {reason}; stopping instead of looping forever")
        self.parent = parent
        self.page_token = page_token
        self.reason = reason


def error_for_status(http_status: int, status: str | None) -> type[ApiError]:
    """Return the `ApiError` subclass for a canonical `status`, else for the HTTP status.

    A `status` that is not one of the sixteen canonical error names is ignored; an HTTP status
    with no canonical counterpart gives `UnknownApiError`.
    """
    canonical = canonical_status(status)
    if canonical is None:
        canonical = STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
    return _CLASS_FOR_STATUS[canonical]


def _failed_init(self: Any, operation: object, error: object) -> None:
    OperationFailedError.__init__(self, operation, error)
    self.http_status = HTTP_FOR_STATUS[self.canonical_status]
    self.status = self.canonical_status
    self.code = RPC_CODES[self.canonical_status]
    message = getattr(error, "message", "")
    self.message = message if isinstance(message, str) else str(message)
    self.details = tuple(dict(d) for d in getattr(error, "details", ()) or ())
    self.retry_delay = None
    self.method = None
    self.url = None


def _failed_str(self: Any) -> str:
    return str(self.args[0]) if self.args else ""


def _failed_class(api_class: type[ApiError]) -> type[OperationFailedError]:
    """The class deriving from both `OperationFailedError` and `api_class`."""
    name = f"Operation{api_class.__name__}"
    namespace = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": (
            f"An operation that failed with {api_class.canonical_status}: both an "
            f"`OperationFailedError` and a `{api_class.__name__}`.\n\n"
            "``operation`` and ``error`` are those of `OperationFailedError`; the `ApiError` "
            "attributes come from ``error`` (``http_status`` is the one google.rpc.Code gives the "
            "code; ``method``, ``url`` and ``retry_delay`` are None)."
        ),
        "__init__": _failed_init,
        "__str__": _failed_str,
    }
    return type(name, (OperationFailedError, api_class), namespace)


_FAILED_CLASS_FOR_STATUS: Mapping[str, type[OperationFailedError]] = {
    status: _failed_class(cls) for status, cls in _CLASS_FOR_STATUS.items()
}
# Module attributes under their own names, so that pickle finds them.
globals().update({cls.__name__: cls for cls in _FAILED_CLASS_FOR_STATUS.values()})


def operation_failed(operation: object, error: object) -> OperationFailedError:
    """The error `Operation.result` raises for `operation`, finished with the Status `error`.

    For a canonical ``error.code`` (1-16) it is an instance of the class that derives from both
    `OperationFailedError` and the `ApiError` class of that status (``OperationNotFoundError`` for
    code 5, ``OperationRequestCancelledError`` for 1, ...), the way python-api-core raises the
    class of an operation's error code; for any other code a plain `OperationFailedError`.
    """
    status = STATUS_FOR_CODE.get(getattr(error, "code", None))  # type: ignore[arg-type]
    cls = _FAILED_CLASS_FOR_STATUS.get(status or "", OperationFailedError)
    return cls(operation, error)
