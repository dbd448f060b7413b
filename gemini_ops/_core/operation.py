"""Operation, Status and OperationsPage: the facade's view of google.longrunning messages.

Everything here is pure: it reads JSON already decoded and never does I/O. ``Operation.from_dict``
checks only the few fields it needs and keeps the rest as received, so unknown fields survive
a round trip through ``to_dict``; typed models of the generated client are built only on request
(``typed_metadata`` / ``typed_response``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

import attrs

from gemini_ops._core.errors import (
    InvalidResponseError,
    OperationNotDoneError,
    WrongOperationError,
    operation_failed,
)
from gemini_ops._core.names import same_operation
from gemini_ops._core.results import BatchOutput, Video, batch_output_of, document_of, videos_of
from gemini_ops._core.rpc import STATUS_FOR_CODE

if TYPE_CHECKING:
    from gemini_ops_api.models import (
        CreateTunedModelMetadata,
        EmbedContentBatch,
        GenerateContentBatch,
        GenerateContentBatchOutput,
        GenerateVideoResponse,
        GenericOperationMetadata,
        ImportFileResponse,
        PredictLongRunningMetadata,
        PredictLongRunningResponse,
        TunedModel,
        UploadToFileSearchStoreResponse,
        VertexOperationMetadata,
    )

#: The generated models that `Operation.typed_metadata` and `typed_response` return.
TypedModel: TypeAlias = (
    "CreateTunedModelMetadata | TunedModel | PredictLongRunningMetadata"
    " | PredictLongRunningResponse | GenerateContentBatch | EmbedContentBatch"
    " | GenerateContentBatchOutput | ImportFileResponse | UploadToFileSearchStoreResponse"
    " | GenericOperationMetadata | GenerateVideoResponse | VertexOperationMetadata"
)


_CANCELLED = 1
_UNKNOWN = 2
# Metadata keys that hold a percentage (0-100), in the order they are trusted.
_PERCENT_KEYS = (
    "progressPercent",
    "progressPercentage",
    "completedPercent",
    "completionPercentage",
)


def _invalid(problem: str) -> InvalidResponseError:
    return InvalidResponseError(f"invalid operation: {problem}", http_status=200)


def _any_type(value: Mapping[str, Any] | None) -> str | None:
    """The message name of an Any (``GenerateContentBatch``), the part after the last dot."""
    if value is None:
        return None
    type_url = value.get("@type")
    if not isinstance(type_url, str) or not type_url:
        return None
    return type_url.rsplit("/", 1)[-1].rsplit(".", 1)[-1] or None


def finite_number(value: object) -> float | None:
    """A finite float from a JSON number or an int64 string; None for anything else.

    NaN, infinities, numbers beyond the float range (``1e400``, a 400-digit integer), booleans
    and strings that are not numbers all give None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer past 1.8e308
            return None
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _percent(part: float, whole: float | None) -> float | None:
    """``100 * part / whole`` clamped to 0-100; None when ``whole`` is 0 or None.

    Both are finite, so the quotient is a number or, past the float range, an infinity that
    clamps to 0 or 100: never NaN.
    """
    if not whole:
        return None
    return _clamp_percent(part / whole * 100.0)


def _clamp_percent(value: float) -> float:
    return min(100.0, max(0.0, value))


def progress_of(metadata: Mapping[str, Any] | None) -> float | None:
    """The percentage (0-100) a running operation's metadata reports, or None when none does.

    Looks, in order, at ``progressPercent``, ``progressPercentage``, ``completedPercent``,
    ``completionPercentage``, ``progress`` (a 0-1 fraction), ``completedSteps/totalSteps`` and
    batch ``batchStats`` ((successful + failed) / requestCount, int64 strings). A finite number
    out of range is clamped to 0-100; a value that is not a finite number (NaN, Infinity, past
    the float range, a string that is not a number) counts as absent, and the next key is tried.
    """
    if not metadata:
        return None
    for key in _PERCENT_KEYS:
        number = finite_number(metadata.get(key))
        if number is not None:
            return _clamp_percent(number)
    fraction = finite_number(metadata.get("progress"))
    if fraction is not None:
        return _percent(fraction, 1.0)
    completed = finite_number(metadata.get("completedSteps"))
    if completed is not None:
        steps = _percent(completed, finite_number(metadata.get("totalSteps")))
        if steps is not None:
            return steps
    stats = metadata.get("batchStats")
    if isinstance(stats, Mapping):
        finished = (finite_number(stats.get("successfulRequestCount")) or 0.0) + (
            finite_number(stats.get("failedRequestCount")) or 0.0
        )
        return _percent(finished, finite_number(stats.get("requestCount")))
    return None


def timestamp_of(value: object) -> datetime | None:
    """An RFC 3339 timestamp (``2025-12-03T17:23:06.004734302Z``) as an aware UTC datetime.

    None for anything that is not one, or names an instant a datetime cannot hold (past year
    9999 or before year 1 in UTC). Digits past the microsecond are dropped; a time without an
    offset is taken as UTC.
    """
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00:00+01:00
        return None


@attrs.frozen(slots=True, repr=False)
class Status:
    """A google.rpc.Status: why a finished operation failed.

    ``code`` is the canonical rpc code (1 = CANCELLED, 13 = INTERNAL, ...), ``status`` its name.
    Read from the wire, an error without a code (``"error": {}``) or with code 0 (OK) is code 2,
    UNKNOWN: the operation failed without saying why (google-api-core fails it too), and a
    failed operation never reads as OK.
    """

    code: int
    message: str = ""
    details: tuple[Mapping[str, Any], ...] = ()

    def __repr__(self) -> str:
        details = f", details={list(self.details)!r}" if self.details else ""
        return (
            f"Status(code={self.code}, status={self.status!r}, message={self.message!r}{details})"
        )

    @property
    def status(self) -> str:
        """The canonical name of ``code`` (``"CANCELLED"``, ``"INTERNAL"``, ...)."""
        return STATUS_FOR_CODE.get(self.code, f"CODE_{self.code}")

    @classmethod
    def from_dict(cls, data: object) -> Status:
        """Read a Status from its JSON form; raises InvalidResponseError when it is malformed."""
        if not isinstance(data, Mapping):
            raise _invalid(f"error must be an object, got {type(data).__name__}")
        code = data.get("code", 0)
        if isinstance(code, bool) or not isinstance(code, int):
            raise _invalid(f"error.code must be an integer, got {code!r:.40}")
        code = code or _UNKNOWN
        message = data.get("message", "")
        if not isinstance(message, str):
            raise _invalid("error.message must be a string")
        details = data.get("details", ())
        if not isinstance(details, list | tuple) or not all(
            isinstance(d, Mapping) for d in details
        ):
            raise _invalid("error.details must be a list of objects")
        return cls(code=code, message=message, details=tuple(details))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, omitting default values as Google does."""
        data: dict[str, Any] = {}
        if self.code:
            data["code"] = self.code
        if self.message:
            data["message"] = self.message
        if self.details:
            data["details"] = [dict(d) for d in self.details]
        return data


def _typed_models() -> dict[str, Any]:
    from gemini_ops_api.models import (
        CreateTunedModelMetadata,
        EmbedContentBatch,
        GenerateContentBatch,
        GenerateContentBatchOutput,
        GenerateVideoResponse,
        GenericOperationMetadata,
        ImportFileResponse,
        PredictLongRunningMetadata,
        PredictLongRunningResponse,
        TunedModel,
        UploadToFileSearchStoreResponse,
    )

    return {
        "CreateTunedModelMetadata": CreateTunedModelMetadata,
        "TunedModel": TunedModel,
        "PredictLongRunningMetadata": PredictLongRunningMetadata,
        "PredictLongRunningResponse": PredictLongRunningResponse,
        "GenerateContentBatch": GenerateContentBatch,
        "EmbedContentBatch": EmbedContentBatch,
        "GenerateContentBatchOutput": GenerateContentBatchOutput,
        "ImportFileResponse": ImportFileResponse,
        "UploadToFileSearchStoreResponse": UploadToFileSearchStoreResponse,
        "GenericOperationMetadata": GenericOperationMetadata,
        "GenerateVideoResponse": GenerateVideoResponse,
    }


def _typed(value: Mapping[str, Any] | None, type_name: str | None) -> TypedModel | None:
    if value is None or type_name is None:
        return None
    model = _typed_models().get(type_name)
    if model is None and type_name.endswith("OperationMetadata") and "genericMetadata" in value:
        from gemini_ops_api.models import VertexOperationMetadata

        model = VertexOperationMetadata
    if model is None:
        return None
    try:
        return cast("TypedModel", model.from_dict(value))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise _invalid(f"{type_name} does not match its schema: {exc}") from exc


class Operation:
    """A long-running operation as the server last described it.

    Once ``done``, exactly one of ``error`` and ``response`` is set; a running operation has
    neither. A cancelled operation is done with ``error.code == 1``: ``cancelled`` and ``failed``
    are both true. ``metadata`` and ``response`` are the JSON objects as received (``@type``
    included); ``to_dict()`` gives back the whole wire form, unknown fields included.
    Operations are immutable; make them with ``Operation.from_dict``.
    """

    # A plain slotted class: from_dict runs once per operation of every list page, and filling
    # slots directly costs half of what an attrs frozen __init__ does.
    __slots__ = ("_raw", "done", "error", "metadata", "name", "response")

    name: str
    done: bool
    metadata: Mapping[str, Any] | None
    response: Mapping[str, Any] | None
    error: Status | None
    _raw: Mapping[str, Any]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Operation is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Operation is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle rebuild an operation from its wire form.
        return (Operation.from_dict, (dict(self._raw),))

    def __repr__(self) -> str:
        return (
            f"Operation(name={self.name!r}, done={self.done!r}, progress={self.progress!r}, "
            f"metadata_type={self.metadata_type!r}, error={self.error!r})"
        )

    @classmethod
    def from_dict(cls, data: object) -> Operation:
        """Read an operation from its JSON form (as decoded by ``json.loads``).

        A missing ``done`` means false, unless ``error`` or ``response`` is present; an explicit
        ``"done": false`` wins over them (as in google-api-core): the operation is running, and
        its ``error`` and ``response`` are None (``to_dict`` keeps them as received). Raises
        InvalidResponseError when the object cannot be an operation (no name, wrong types, both
        ``error`` and ``response``).
        """
        if not isinstance(data, Mapping):
            raise _invalid(f"expected a JSON object, got {type(data).__name__}")
        get = data.get
        name = get("name")
        if not isinstance(name, str) or not name:
            raise _invalid("missing or non-string 'name'")
        done = get("done")
        if done is not None and done is not True and done is not False:
            raise _invalid(f"'done' must be a boolean, got {done!r:.40}")
        metadata = get("metadata")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise _invalid("'metadata' must be an object")
        response = get("response")
        if response is not None and not isinstance(response, Mapping):
            raise _invalid("'response' must be an object")
        raw_error = get("error")
        error = None
        if raw_error is not None:
            error = Status.from_dict(raw_error)
            if response is not None:
                raise _invalid(f"{name} has both 'error' and 'response'")
        if done is False:
            error = response = None
        operation = _new(cls)
        _set_name(operation, name)
        _set_done(operation, bool(done) or error is not None or response is not None)
        _set_metadata(operation, metadata)
        _set_response(operation, response)
        _set_error(operation, error)
        _set_raw(operation, data)
        return operation

    def to_dict(self) -> dict[str, Any]:
        """The wire form of this operation, exactly as received (a shallow copy)."""
        return dict(self._raw)

    @property
    def running(self) -> bool:
        """True while the operation is not done."""
        return not self.done

    @property
    def succeeded(self) -> bool:
        """True when the operation is done without an error."""
        return self.done and self.error is None

    @property
    def failed(self) -> bool:
        """True when the operation is done with an error (cancellation included)."""
        return self.done and self.error is not None

    @property
    def cancelled(self) -> bool:
        """True when the operation ended because it was cancelled (``error.code == 1``)."""
        return self.error is not None and self.error.code == _CANCELLED

    @property
    def progress(self) -> float | None:
        """Percent complete, 0-100: 100 when done, else what the metadata says, else None."""
        if self.done:
            return 100.0
        return progress_of(self.metadata)

    @property
    def create_time(self) -> datetime | None:
        """When the operation was created (UTC), from the metadata's ``createTime``, or None.

        Vertex AI's ``genericMetadata.createTime`` is read as well. A value that is not an RFC
        3339 timestamp a datetime can hold (year 10000, garbage) reads as None.
        """
        metadata = self.metadata or {}
        generic = metadata.get("genericMetadata")
        for source in (metadata, generic if isinstance(generic, Mapping) else {}):
            created = timestamp_of(source.get("createTime"))
            if created is not None:
                return created
        return None

    @property
    def metadata_type(self) -> str | None:
        """The message name of the metadata (``GenerateContentBatch``), or None."""
        return _any_type(self.metadata)

    @property
    def response_type(self) -> str | None:
        """The message name of the response (``PredictLongRunningResponse``), or None."""
        return _any_type(self.response)

    def result(self) -> Mapping[str, Any] | None:
        """The response of a successful operation (None when the server sent none).

        Raises:
            OperationFailedError: the operation finished with an error (cancelled included).
                For a canonical ``error.code`` (1-16) the error is also the matching `ApiError`
                class: a ``NOT_FOUND`` failure is caught by ``except NotFoundError`` as well as
                ``except OperationFailedError`` (see `operation_failed`).
            OperationNotDoneError: the operation is still running.

        """
        if not self.done:
            raise OperationNotDoneError(self)
        if self.error is not None:
            raise operation_failed(self, self.error)
        return self.response

    def videos(self) -> tuple[Video, ...]:
        """The videos a finished Veo operation generated (Gemini API or Vertex AI shape).

        Raises what `result` raises (the operation failed or is not done), and
        InvalidResponseError when a video field has the wrong type.
        """
        return videos_of(self.result())

    def batch_output(self) -> BatchOutput | None:
        """Where a finished Gemini batch put its answers: a responses file or inline answers.

        None when the operation carries no batch output. Raises what `result` raises.
        """
        return batch_output_of(self.result(), self.metadata)

    def document_name(self) -> str | None:
        """The document a finished file-search import or upload created.

        Raises what `result` raises.
        """
        return document_of(self.result())

    def tuned_model_name(self) -> str | None:
        """The tuned model a Gemini tuning operation creates (``tunedModels/m``), or None.

        Known while the operation runs: read from the response (a ``TunedModel``), else the
        metadata's ``tunedModel``, else the operation's own name ``tunedModels/m/operations/o``.
        """
        for source in (self.response, self.metadata):
            if source is not None:
                value = source.get("name" if source is self.response else "tunedModel")
                if isinstance(value, str) and value.startswith("tunedModels/"):
                    return value
        prefix, found, _ = self.name.partition("/operations/")
        return prefix if found and prefix.startswith("tunedModels/") else None

    def typed_metadata(self) -> TypedModel | None:
        """The metadata as a model of the generated client, or None for an unknown ``@type``.

        Known types: CreateTunedModelMetadata, PredictLongRunningMetadata, GenerateContentBatch,
        EmbedContentBatch, GenericOperationMetadata, and Vertex ``*OperationMetadata`` types
        that carry ``genericMetadata`` (as VertexOperationMetadata). Raises InvalidResponseError
        when the metadata does not fit its model.
        """
        return _typed(self.metadata, self.metadata_type)

    def typed_response(self) -> TypedModel | None:
        """The response as a model of the generated client, or None for an unknown ``@type``.

        Known types: TunedModel, PredictLongRunningResponse, GenerateContentBatchOutput,
        ImportFileResponse, UploadToFileSearchStoreResponse, GenerateVideoResponse.
        """
        return _typed(self.response, self.response_type)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Operation):
            return NotImplemented
        return self._raw == other._raw

    def __hash__(self) -> int:
        return hash((self.name, self.done))


def slot_setter(slot: str) -> Callable[[Operation, Any], None]:
    """The setter of one of Operation's slots, for ``from_dict`` (here and in subclasses)."""
    setter: Callable[[Operation, Any], None] = vars(Operation)[slot].__set__
    return setter


_new = object.__new__
_set_name = slot_setter("name")
_set_done = slot_setter("done")
_set_metadata = slot_setter("metadata")
_set_response = slot_setter("response")
_set_error = slot_setter("error")
_set_raw = slot_setter("_raw")


#: An `Operation`, or a subclass of it (a job view).
OperationT = TypeVar("OperationT", bound=Operation)


def check_answer(requested: str, operation: OperationT) -> OperationT:
    """``operation``, the answer to a get, wait or fetch of ``requested``, if it is that one.

    Raises WrongOperationError when it is another operation (or job).
    """
    if not same_operation(requested, operation.name):
        raise WrongOperationError(requested, operation.name)
    return operation


def check_empty_answer(requested: str, data: Mapping[str, Any]) -> None:
    """Check what a cancel or delete of ``requested`` answered (``{}``, or an operation).

    Raises WrongOperationError when the answer names another operation.
    """
    name = data.get("name")
    if name is None or same_operation(requested, name):
        return
    raise WrongOperationError(requested, name if isinstance(name, str) else f"{name!r:.200}")


@attrs.frozen(slots=True)
class OperationsPage:
    """One page of a list: the operations and the token of the next page (None on the last)."""

    operations: tuple[Operation, ...]
    next_page_token: str | None = None
    unreachable: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: object) -> OperationsPage:
        """Read a ListOperationsResponse; raises InvalidResponseError when it is malformed."""
        if not isinstance(data, Mapping):
            raise _invalid(f"expected a list response object, got {type(data).__name__}")
        raw_ops = data.get("operations") or []
        if not isinstance(raw_ops, list):
            raise _invalid("'operations' must be a list")
        token = data.get("nextPageToken") or None
        if token is not None and not isinstance(token, str):
            raise _invalid("'nextPageToken' must be a string")
        unreachable = data.get("unreachable") or []
        if not isinstance(unreachable, list) or not all(isinstance(u, str) for u in unreachable):
            raise _invalid("'unreachable' must be a list of strings")
        return cls(
            operations=tuple(Operation.from_dict(op) for op in raw_ops),
            next_page_token=token,
            unreachable=tuple(unreachable),
        )

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def __len__(self) -> int:
        return len(self.operations)
