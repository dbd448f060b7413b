"""gemini-ops: Google long-running operations for the Gemini API and Vertex AI.

``Operations`` (sync) and ``AsyncOperations`` (asyncio) get, list, cancel, delete and wait for
operations and jobs by name; ``Operation`` is what they return, a ``Job`` (an ``Operation``
decided by its ``state``) for Vertex AI jobs and Gemini API tuned models. Every error raised on
purpose derives from ``GeminiOpsError`` (the tree is drawn in ``gemini_ops._core.errors``).
"""

from __future__ import annotations

from gemini_ops._async_client import AsyncOperations
from gemini_ops._client import Operations
from gemini_ops._core.errors import (
    AbortedError,
    AlreadyExistsError,
    ApiError,
    CredentialsError,
    DataLossError,
    DeadlineExceededError,
    FailedPreconditionError,
    GeminiOpsError,
    InternalServerError,
    InvalidArgumentError,
    InvalidNameError,
    InvalidResponseError,
    NotFoundError,
    OperationFailedError,
    OperationNotDoneError,
    OutOfRangeError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RequestCancelledError,
    ServiceUnavailableError,
    TransportError,
    UnauthenticatedError,
    UnimplementedError,
    UnknownApiError,
    UnsupportedMethodError,
    WaitTimeoutError,
    WebhookVerificationError,
    WrongOperationError,
)
from gemini_ops._core.jobs import Job, JobOutcome
from gemini_ops._core.names import (
    Family,
    ParentFamily,
    ParsedName,
    ParsedParent,
    parse_name,
    parse_parent,
)
from gemini_ops._core.operation import Operation, OperationsPage, Status
from gemini_ops._core.results import BatchOutput, Video
from gemini_ops._notifications import Notifications

__version__ = "0.1.0"

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "ApiError",
    "AsyncOperations",
    "BatchOutput",
    "CredentialsError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "Family",
    "GeminiOpsError",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidNameError",
    "InvalidResponseError",
    "Job",
    "JobOutcome",
    "NotFoundError",
    "Notifications",
    "Operation",
    "OperationFailedError",
    "OperationNotDoneError",
    "Operations",
    "OperationsPage",
    "OutOfRangeError",
    "PaginationError",
    "ParentFamily",
    "ParsedName",
    "ParsedParent",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestCancelledError",
    "ServiceUnavailableError",
    "Status",
    "TransportError",
    "UnauthenticatedError",
    "UnimplementedError",
    "UnknownApiError",
    "UnsupportedMethodError",
    "Video",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "WrongOperationError",
    "__version__",
    "parse_name",
    "parse_parent",
]
