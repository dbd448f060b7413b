"""Type-checked (not run) uses of the public API: mypy --strict must accept every line."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from gemini_ops import (
    AsyncOperations,
    GeminiOpsError,
    Operation,
    Operations,
    OperationsPage,
    Status,
    WaitTimeoutError,
)


def sync_usage(ops: Operations) -> None:
    op: Operation = ops.get("models/veo-3.0-generate-001/operations/abc")
    page: OperationsPage = ops.list("batches", page_size=100, filter="done=true")
    token: str | None = page.next_page_token
    every: Iterator[Operation] = ops.list_all("tunedModels/my-model")
    ops.cancel(op)
    ops.delete("batches/1")
    done: Operation = ops.wait(op, poll_interval=5.0, timeout=600.0, on_progress=print)
    backed: Operation = ops.wait_with_backoff(
        "batches/1", initial_delay=1.0, max_delay=30.0, multiplier=2.0, timeout=None, jitter=True
    )
    many: Iterator[Operation] = ops.wait_many(["batches/1", op], poll_interval=1.0)
    outcomes: Iterator[Operation | GeminiOpsError] = ops.wait_many(
        ["batches/1"], return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, GeminiOpsError):
            failed_name: str | None = outcome.operation_name
            del failed_name
    progress: float | None = done.progress
    error: Status | None = backed.error
    result: Mapping[str, Any] | None = done.result()
    flags: tuple[bool, bool, bool, bool, bool] = (
        op.done,
        op.running,
        op.succeeded,
        op.failed,
        op.cancelled,
    )
    del token, every, many, progress, error, result, flags


async def async_usage(ops: AsyncOperations) -> None:
    op: Operation = await ops.get("batches/1", auth="gemini")
    page: OperationsPage = await ops.list()
    every: AsyncIterator[Operation] = ops.list_all("batches")
    async for item in every:
        assert item.name
    async for finished in ops.wait_many([op], timeout=10.0):
        assert finished.done
    async for outcome in ops.wait_many([op], timeout=10.0, return_exceptions=True):
        if isinstance(outcome, Operation):
            assert outcome.done
    try:
        await ops.wait(op, timeout=1.0)
    except WaitTimeoutError as exc:
        last: object = exc.operation
        pending: Mapping[str, object] = exc.pending
        del last, pending
    except GeminiOpsError:
        pass
    await ops.aclose()
    del page


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    return Operation.from_dict(data).to_dict()
