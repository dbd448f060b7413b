"""Operation.result() raises the class of the operation's error code (as python-api-core does)."""

from __future__ import annotations

import copy
import pickle

import pytest

import gemini_ops
from gemini_ops import ApiError, Operation, OperationFailedError

# Every canonical error code, with the ApiError class an HTTP answer of that status raises.
CODES = [
    (1, "RequestCancelledError"),
    (2, "UnknownApiError"),
    (3, "InvalidArgumentError"),
    (4, "DeadlineExceededError"),
    (5, "NotFoundError"),
    (6, "AlreadyExistsError"),
    (7, "PermissionDeniedError"),
    (8, "RateLimitError"),
    (9, "FailedPreconditionError"),
    (10, "AbortedError"),
    (11, "OutOfRangeError"),
    (12, "UnimplementedError"),
    (13, "InternalServerError"),
    (14, "ServiceUnavailableError"),
    (15, "DataLossError"),
    (16, "UnauthenticatedError"),
]


def failed(code: int, message: str = "it broke") -> Operation:
    return Operation.from_dict(
        {"name": "batches/f1", "done": True, "error": {"code": code, "message": message}}
    )


@pytest.mark.parametrize(("code", "class_name"), CODES)
def test_result_raises_the_class_of_the_error_code(code: int, class_name: str) -> None:
    api_class = getattr(gemini_ops, class_name)
    with pytest.raises(api_class) as info:
        failed(code).result()
    error = info.value
    assert isinstance(error, OperationFailedError)
    assert error.code == code
    assert error.status == api_class.canonical_status
    assert error.message == "it broke"
    assert error.operation.name == "batches/f1"
    assert error.error.code == code
    assert str(error) == f"operation batches/f1 failed: {error.status} it broke"


def test_not_found_is_caught_as_either() -> None:
    with pytest.raises(gemini_ops.NotFoundError):
        failed(5).result()
    with pytest.raises(OperationFailedError):
        failed(5).result()
    with pytest.raises(ApiError):
        failed(5).result()


def test_unknown_code_raises_plain_operation_failed() -> None:
    with pytest.raises(OperationFailedError) as info:
        failed(99).result()
    assert type(info.value) is OperationFailedError
    assert not isinstance(info.value, ApiError)


@pytest.mark.parametrize(("code", "class_name"), CODES)
def test_operation_errors_pickle_and_copy(code: int, class_name: str) -> None:
    with pytest.raises(OperationFailedError) as info:
        failed(code, "details matter").result()
    error = info.value
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(clone) is type(error)
        assert str(clone) == str(error)
        assert clone.__dict__.keys() == error.__dict__.keys()
        assert clone.code == error.code
        assert clone.operation == error.operation
