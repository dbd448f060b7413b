"""Every public method x every fault the emulator can inject, sync and async.

Each fault is tried twice: as a blip (once, or a burst of two: within the retries) and as a
persistent failure. Every combination must end within its deadline in one of two ways: recovery
(the right value), or the documented typed error for that fault and method:

- a request method (get, list, list_all, cancel, delete, a raw generated call) retries transient
  faults in its transport: a blip is invisible; a persistent one raises the `ApiError` subclass of
  the status (`RateLimitError`, `InternalServerError`, `ServiceUnavailableError`,
  `DeadlineExceededError`) or `TransportError` (dropped connection, slow answer). A 200 whose body
  is garbage or cut short is not retried: `InvalidResponseError`.
- a wait (wait, wait_with_backoff, wait_many, Vertex `:wait`) polls through every transient
  fault: a blip is invisible, a persistent one ends in `WaitTimeoutError` at its deadline.
- a server repeating a page token makes `list_all` raise `PaginationError` (never loop).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from dual import Api, gemini_options, make, vertex_options

from gemini_ops import (
    DeadlineExceededError,
    GeminiOpsError,
    InternalServerError,
    InvalidResponseError,
    Operation,
    OperationsPage,
    PaginationError,
    RateLimitError,
    ServiceUnavailableError,
    TransportError,
    WaitTimeoutError,
)
from gemini_ops.testing import Emulator

from .conftest import VERTEX_LOCATION

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("fast_backoff")]

REQUEST_TIMEOUT = 0.2  # seconds, per request
SLOW = 0.35  # an injected delay past the request timeout
WAIT_TIMEOUT = 0.3  # the deadline of a wait facing a persistent fault
OP_DURATION = 0.1  # how long the operations waited for take to finish
MAX_RETRIES = 2
PERSISTENT = 1000  # faults queued for the persistent case: more than any test sends


@dataclass(frozen=True)
class Method:
    name: str
    backend: str
    waits: bool
    # Create the operations for one test; return the regex of the paths to fault.
    setup: Callable[[Emulator, str], str]
    call: Callable[[Api, str], Awaitable[Any]]
    check: Callable[[Any, Emulator, str], None]
    walks_pages: bool = False


def _batch(uid: str) -> str:
    return f"batches/{uid}"


def _setup_one(duration: float | None) -> Callable[[Emulator, str], str]:
    def setup(emu: Emulator, uid: str) -> str:
        emu.create_operation(_batch(uid), duration=duration)
        return f"/v1beta/{_batch(uid)}"

    return setup


def _setup_many(count: int) -> Callable[[Emulator, str], str]:
    def setup(emu: Emulator, uid: str) -> str:
        for i in range(count):
            emu.create_operation(f"{_batch(uid)}-{i}", duration=None)
        return "/v1beta/batches$"

    return setup


def _check_get(result: Any, emu: Emulator, uid: str) -> None:
    assert isinstance(result, Operation)
    assert result.name == _batch(uid)
    assert result.running


def _check_list(result: Any, emu: Emulator, uid: str) -> None:
    assert isinstance(result, OperationsPage)
    assert [op.name for op in result.operations] == [f"{_batch(uid)}-{i}" for i in range(2)]


def _check_list_all(result: Any, emu: Emulator, uid: str) -> None:
    assert [op.name for op in result] == [f"{_batch(uid)}-{i}" for i in range(5)]


def _check_cancelled(result: Any, emu: Emulator, uid: str) -> None:
    assert result is None
    record = emu.state.get(_batch(uid))
    assert record.forced is not None
    assert record.forced.cancelled


def _check_deleted(result: Any, emu: Emulator, uid: str) -> None:
    assert result is None
    assert _batch(uid) not in {r.name for r in emu.state.operations()}


def _check_done(name_of: Callable[[str], str]) -> Callable[[Any, Emulator, str], None]:
    def check(result: Any, emu: Emulator, uid: str) -> None:
        assert isinstance(result, Operation)
        assert result.name == name_of(uid)
        assert result.succeeded

    return check


def _check_all_done(result: Any, emu: Emulator, uid: str) -> None:
    assert sorted(op.name for op in result) == [f"{_batch(uid)}-a", f"{_batch(uid)}-b"]
    assert all(op.succeeded for op in result)


def _setup_pair(emu: Emulator, uid: str) -> str:
    emu.create_operation(f"{_batch(uid)}-a", duration=OP_DURATION / 2)
    emu.create_operation(f"{_batch(uid)}-b", duration=OP_DURATION)
    return f"/v1beta/{_batch(uid)}-"


def _vertex(uid: str) -> str:
    return f"{VERTEX_LOCATION}/operations/{uid}"


def _setup_vertex(emu: Emulator, uid: str) -> str:
    emu.create_operation(_vertex(uid), duration=OP_DURATION)
    return f"/v1/{_vertex(uid)}"


async def _raw_get(api: Api, uid: str) -> Any:
    from gemini_ops_api.api.gemini import get_batch

    raw = api.ops.raw_client()
    if api.is_async:
        return await get_batch.asyncio(batch=uid, client=raw)
    return get_batch.sync(batch=uid, client=raw)


def _check_raw(result: Any, emu: Emulator, uid: str) -> None:
    from gemini_ops_api.models import Operation as RawOperation

    assert isinstance(result, RawOperation)
    assert result.name == _batch(uid)


WAIT = {"poll_interval": 0.03}

METHODS = [
    Method(
        "get",
        "gemini",
        False,
        _setup_one(None),
        lambda api, uid: api("get", _batch(uid)),
        _check_get,
    ),
    Method(
        "list",
        "gemini",
        False,
        _setup_many(3),
        lambda api, uid: api("list", "batches", page_size=2),
        _check_list,
    ),
    Method(
        "list_all",
        "gemini",
        False,
        _setup_many(5),
        lambda api, uid: api.collect("list_all", "batches", page_size=2),
        _check_list_all,
        walks_pages=True,
    ),
    Method(
        "cancel",
        "gemini",
        False,
        _setup_one(None),
        lambda api, uid: api("cancel", _batch(uid)),
        _check_cancelled,
    ),
    Method(
        "delete",
        "gemini",
        False,
        _setup_one(None),
        lambda api, uid: api("delete", _batch(uid)),
        _check_deleted,
    ),
    Method("raw_client", "gemini", False, _setup_one(None), _raw_get, _check_raw),
    Method(
        "wait",
        "gemini",
        True,
        _setup_one(OP_DURATION),
        lambda api, uid: api("wait", _batch(uid), timeout=api.wait_timeout, **WAIT),
        _check_done(_batch),
    ),
    Method(
        "wait_with_backoff",
        "gemini",
        True,
        _setup_one(OP_DURATION),
        lambda api, uid: api(
            "wait_with_backoff",
            _batch(uid),
            initial_delay=0.05,
            max_delay=0.1,
            timeout=api.wait_timeout,
        ),
        _check_done(_batch),
    ),
    Method(
        "wait_many",
        "gemini",
        True,
        _setup_pair,
        lambda api, uid: api.collect(
            "wait_many",
            [f"{_batch(uid)}-a", f"{_batch(uid)}-b"],
            timeout=api.wait_timeout,
            **WAIT,
        ),
        _check_all_done,
    ),
    Method(
        "wait (Vertex :wait)",
        "vertex_ai",
        True,
        _setup_vertex,
        lambda api, uid: api("wait", _vertex(uid), timeout=api.wait_timeout, **WAIT),
        _check_done(_vertex),
    ),
]

# Fault name -> (emulator fault arguments, typed error when it persists on a request method).
FAULTS: dict[str, tuple[dict[str, Any], type[GeminiOpsError] | None]] = {
    "429 with RetryInfo": ({"status": 429, "retry_delay": "0.05s"}, RateLimitError),
    "429 with Retry-After": ({"status": 429, "retry_after": 0.05}, RateLimitError),
    "500": ({"status": 500}, InternalServerError),
    "502": ({"status": 502}, ServiceUnavailableError),
    "503": ({"status": 503}, ServiceUnavailableError),
    "504": ({"status": 504}, DeadlineExceededError),
    "HTML 502": ({"status": 502, "body": "html"}, ServiceUnavailableError),
    "empty 503": ({"status": 503, "body": "empty"}, ServiceUnavailableError),
    "garbage 200": ({"body": "garbage"}, InvalidResponseError),
    "truncated 200": ({"body": "truncated"}, InvalidResponseError),
    "dropped connection": ({"drop": True}, TransportError),
    "slow past the request timeout": ({"delay": SLOW}, TransportError),
    "repeated page token": ({"repeat_page_token": True}, None),
}
BURSTS = {"500", "502", "503", "504"}
BAD_BODIES = {"garbage 200", "truncated 200"}


def expected_outcome(method: Method, fault: str, persistent: bool) -> type[GeminiOpsError] | None:
    """The typed error this combination must raise, or None when it must recover."""
    if fault == "repeated page token":
        return PaginationError if method.walks_pages else None
    if method.waits:
        return WaitTimeoutError if persistent else None
    if fault in BAD_BODIES:
        return InvalidResponseError
    return FAULTS[fault][1] if persistent else None


def _times(fault: str, persistent: bool) -> int:
    if persistent:
        return PERSISTENT
    if fault == "repeated page token":
        return 3
    return 2 if fault in BURSTS else 1


def _cases() -> list[Any]:
    cases = []
    for method in METHODS:
        for fault in FAULTS:
            for persistent in (False, True):
                case_id = f"{method.name}-{fault}-{'persistent' if persistent else 'blip'}"
                cases.append(pytest.param(method, fault, persistent, id=case_id))
    return cases


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("method", "fault", "persistent"), _cases())
async def test_fault(
    emu: Emulator, mode: str, method: Method, fault: str, persistent: bool
) -> None:
    uid = f"fm{uuid.uuid4().hex[:12]}"
    options = gemini_options if method.backend == "gemini" else vertex_options
    api = make(mode, **options(emu, timeout=REQUEST_TIMEOUT, max_retries=MAX_RETRIES))
    api.wait_timeout = WAIT_TIMEOUT if persistent else 10.0  # type: ignore[attr-defined]
    path = method.setup(emu, uid)
    arguments, _error = FAULTS[fault]
    emu.inject_fault(path=path, times=_times(fault, persistent), **arguments)
    expected = expected_outcome(method, fault, persistent)
    started = time.monotonic()
    try:
        if expected is None:
            result = await method.call(api, uid)
            method.check(result, emu, uid)
        else:
            with pytest.raises(expected) as excinfo:
                await method.call(api, uid)
            assert emu.api_key not in str(excinfo.value)
    finally:
        elapsed = time.monotonic() - started
        await api.close()
    if method.waits and persistent:
        # A deadline is a deadline: no sleep and no request outlives it.
        assert elapsed < WAIT_TIMEOUT + 0.5, elapsed
    else:
        bound = (MAX_RETRIES + 1) * (REQUEST_TIMEOUT + 0.3) + OP_DURATION + 1.0
        assert elapsed < bound, elapsed
    faulted = [r for r in emu.requests() if r["status"] != 200]
    if fault not in {"repeated page token", "slow past the request timeout"} | BAD_BODIES:
        assert faulted, "the fault was never served"


def test_the_matrix_covers_every_method_and_fault() -> None:
    public = {"get", "list", "list_all", "cancel", "delete", "raw_client"}
    public |= {"wait", "wait_with_backoff", "wait_many"}
    assert public <= {m.name for m in METHODS}
    from gemini_ops.emulator._faults import BODY_KINDS

    kinds = {args.get("body") for args, _ in FAULTS.values()}
    assert set(BODY_KINDS) <= kinds
    assert any(args.get("drop") for args, _ in FAULTS.values())
    assert any(args.get("delay") for args, _ in FAULTS.values())
    assert any(args.get("repeat_page_token") for args, _ in FAULTS.values())
    assert any("retry_after" in args for args, _ in FAULTS.values())
    assert any("retry_delay" in args for args, _ in FAULTS.values())
