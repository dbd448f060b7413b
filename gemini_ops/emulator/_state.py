"""The emulator's state: operations and jobs on a monotonic clock, faults, and the requests log.

All methods are thread-safe: the server runs in one thread while tests drive the state from another.
Operations progress without background tasks: every read computes the state at that instant.
"""

from __future__ import annotations

import bisect
import copy
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gemini_ops.emulator._families import (
    Snapshot,
    default_metadata,
    default_response,
    metadata_type,
    response_type_url,
    type_url,
)
from gemini_ops.emulator._faults import Fault, fault_from_json
from gemini_ops.emulator._jobs import JobStore
from gemini_ops.emulator._names import NameError_, NameInfo, parse_name
from gemini_ops.emulator._wire import ApiError, JSONObject, bad_request, check_object, check_status

CANCELLED_ERROR: JSONObject = {"code": 1, "message": "Operation cancelled by the user."}

# Progress of an operation that runs until told: fraction = elapsed / (elapsed + this), never 1.
_OPEN_ENDED_HALF_LIFE = 30.0

REQUEST_LOG_LIMIT = 10_000


@dataclass(frozen=True)
class Ending:
    """How and when (monotonic seconds) an operation ends."""

    at: float
    error: JSONObject | None
    response: JSONObject | None
    cancelled: bool = False


@dataclass
class OperationRecord:
    """One emulated operation: its name, its clock, its scheduled outcome and overrides."""

    info: NameInfo
    seq: int
    created: float
    created_wall: float
    duration: float | None
    error: JSONObject | None
    response: JSONObject | None
    metadata: JSONObject | None
    forced: Ending | None = None
    webhook_config: JSONObject | None = None
    # What a finished operation renders to, per API version: it never changes once done, and
    # lists of thousands of finished operations render each one again and again.
    finished_json: dict[str | None, JSONObject] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The full operation name, exactly as created."""
        return self.info.name

    def ending(self, now: float) -> Ending | None:
        """Return the ending in effect at `now` (the earliest scheduled or forced one), or None."""
        candidates: list[Ending] = []
        if self.duration is not None:
            candidates.append(Ending(self.created + self.duration, self.error, self.response))
        if self.forced is not None:
            candidates.append(self.forced)
        if not candidates:
            return None
        first = min(candidates, key=lambda e: e.at)
        return first if first.at <= now else None

    def is_done(self, now: float) -> bool:
        """Whether the operation has ended at `now`."""
        return self.ending(now) is not None

    def fraction(self, at: float) -> float:
        """Share of the work done at monotonic time `at`, in [0, 1]."""
        elapsed = max(0.0, at - self.created)
        if self.duration is None:
            return elapsed / (elapsed + _OPEN_ENDED_HALF_LIFE)
        if self.duration <= 0:
            return 1.0
        return min(1.0, elapsed / self.duration)

    def wall(self, at: float) -> float:
        """Wall-clock time (epoch seconds) of monotonic time `at`."""
        return self.created_wall + (at - self.created)

    def render(self, now: float, version: str | None) -> JSONObject:
        """Return the operation's JSON as Google shows it at `now`, with `@type`s of `version`.

        The result is the caller's own (a fresh copy even when it comes from the cache).
        """
        end = self.ending(now)
        if end is None:
            return self._render(now, version, None)
        cached = self.finished_json.get(version)
        if cached is None:
            cached = self.finished_json[version] = self._render(now, version, end)
        copied: JSONObject = _copy_json(cached)
        return copied

    def _render(self, now: float, version: str | None, end: Ending | None) -> JSONObject:
        if end is None:
            outcome = "running"
            shown_at = now
        elif end.cancelled:
            outcome, shown_at = "cancelled", end.at
        elif end.error is not None:
            outcome, shown_at = "failed", end.at
        else:
            outcome, shown_at = "succeeded", end.at
        snap = Snapshot(
            outcome=outcome,  # type: ignore[arg-type]
            fraction=self.fraction(shown_at),
            create_time=self.created_wall,
            update_time=self.wall(shown_at),
            end_time=None if end is None else self.wall(end.at),
        )
        op: JSONObject = {"name": self.name}
        metadata = default_metadata(self.info, version, snap)
        if self.metadata is not None:
            metadata = {**(metadata or {}), **copy.deepcopy(self.metadata)}
            known = metadata_type(self.info)
            if "@type" not in metadata and known is not None:
                metadata["@type"] = type_url(self.info, version, known)
        if metadata is not None:
            op["metadata"] = metadata
        if end is None:
            return op
        op["done"] = True
        if end.error is not None:
            op["error"] = copy.deepcopy(end.error)
        elif end.response is not None:
            response = copy.deepcopy(end.response)
            response.setdefault("@type", response_type_url(self.info, version))
            op["response"] = response
        else:
            op["response"] = default_response(self.info, version, snap)
        return op


def _copy_json(value: Any) -> Any:
    """A copy of decoded JSON (dicts, lists and scalars): several times faster than deepcopy."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


def _check_outcome(error: Any, response: Any) -> tuple[JSONObject | None, JSONObject | None]:
    if error is not None and response is not None:
        raise bad_request("error", "Give either error or response, not both.")
    return (
        None if error is None else check_status(error, "error"),
        check_object(response, "response"),
    )


def _check_webhook_config(value: Any) -> JSONObject | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"uris", "user_metadata"}:
        raise bad_request("webhook_config", "webhook_config takes uris and user_metadata.")
    uris = value.get("uris", [])
    if not isinstance(uris, list) or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in uris
    ):
        raise bad_request("webhook_config.uris", "uris must be a list of http(s) URLs.")
    check_object(value.get("user_metadata"), "webhook_config.user_metadata")
    return copy.deepcopy(value)


class EmulatorState:
    """Operations, faults and the requests log of one emulator, shared by its server and its API."""

    def __init__(
        self,
        *,
        cancel_delay: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.cancel_delay = cancel_delay
        self.clock = clock
        self.wall_clock = wall_clock
        self.closing = False
        self._lock = threading.RLock()
        self._ops: dict[str, OperationRecord] = {}
        # Each parent's operations by sequence number, and those numbers in order: a list page
        # reads its parent's operations from where it left off instead of scanning them all.
        self._by_seq: dict[int, OperationRecord] = {}
        self._children: dict[str | None, list[int]] = {}
        self._faults: list[Fault] = []
        self._requests: deque[JSONObject] = deque(maxlen=REQUEST_LOG_LIMIT)
        self._seq = 0
        # Called (outside the lock) after an operation is created, completed or cancelled, and
        # after a reset: the webhook dispatcher watches operations finish through them.
        self.listeners: list[Callable[[], None]] = []
        self.reset_listeners: list[Callable[[], None]] = []
        # Job resources (batch prediction jobs, tuned models, ...) live beside the operations.
        self.jobs = JobStore(self)

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    # Operations ------------------------------------------------------------------------------

    def create(
        self,
        name: Any,
        *,
        duration: Any = None,
        error: Any = None,
        response: Any = None,
        metadata: Any = None,
        webhook_config: Any = None,
    ) -> OperationRecord:
        """Create an operation that ends after `duration` seconds (None: when told).

        `webhook_config` (`{uris: [...], user_metadata: {...}}`) sends its finishing event to
        `uris` instead of the registered webhooks. Raises ApiError 400 for an invalid name or
        argument, 409 when the name exists.
        """
        if not isinstance(name, str):
            raise bad_request("name", "name must be a full operation name.")
        try:
            info = parse_name(name)
        except NameError_ as exc:
            raise bad_request("name", str(exc)) from None
        if duration is not None and (
            isinstance(duration, bool) or not isinstance(duration, int | float) or duration < 0
        ):
            raise bad_request("duration", "duration must be a number of seconds >= 0, or null.")
        checked_error, checked_response = _check_outcome(error, response)
        checked_metadata = check_object(metadata, "metadata")
        checked_config = _check_webhook_config(webhook_config)
        with self._lock:
            if name in self._ops:
                raise ApiError(409, f"Operation {name} already exists.", status="ALREADY_EXISTS")
            self._seq += 1
            record = OperationRecord(
                info=info,
                seq=self._seq,
                created=self.clock(),
                created_wall=self.wall_clock(),
                duration=None if duration is None else float(duration),
                error=checked_error,
                response=checked_response,
                metadata=checked_metadata,
                webhook_config=checked_config,
            )
            self._ops[name] = record
            self._by_seq[record.seq] = record
            self._children.setdefault(info.parent, []).append(record.seq)
        self._notify()
        return record

    def get(self, name: str) -> OperationRecord:
        """Return the operation with this full name; raise ApiError 404 when there is none."""
        with self._lock:
            record = self._ops.get(name)
        if record is None:
            raise ApiError(404, "Requested entity was not found.")
        return record

    def complete(self, name: Any, *, error: Any = None, response: Any = None) -> OperationRecord:
        """End a running operation now, with `error`, `response`, or its scheduled outcome.

        Raises ApiError 404 for an unknown name, 400 FAILED_PRECONDITION when it is already done.
        """
        if not isinstance(name, str):
            raise bad_request("name", "name must be a full operation name.")
        checked_error, checked_response = _check_outcome(error, response)
        with self._lock:
            record = self.get(name)
            now = self.clock()
            if record.is_done(now):
                raise ApiError(
                    400, f"Operation {name} is already done.", status="FAILED_PRECONDITION"
                )
            if checked_error is None and checked_response is None:
                checked_error, checked_response = record.error, record.response
            record.forced = Ending(now, checked_error, checked_response)
        self._notify()
        return record

    def cancel(self, name: str) -> None:
        """Ask a running operation to stop: it ends with CANCELLED after `cancel_delay` seconds.

        A done operation is left as it is. Raises ApiError 404 for an unknown name.
        """
        with self._lock:
            record = self.get(name)
            now = self.clock()
            if record.is_done(now) or (record.forced is not None and record.forced.cancelled):
                return
            record.forced = Ending(now + self.cancel_delay, CANCELLED_ERROR, None, cancelled=True)
        self._notify()

    def delete(self, name: str) -> None:
        """Forget an operation (without cancelling it); raise ApiError 404 for an unknown name."""
        with self._lock:
            record = self._ops.pop(name, None)
            if record is None:
                raise ApiError(404, "Requested entity was not found.")
            del self._by_seq[record.seq]
            seqs = self._children[record.info.parent]
            del seqs[bisect.bisect_left(seqs, record.seq)]

    def page(
        self, parent: str, *, after: int, limit: int, done: bool | None, now: float
    ) -> tuple[list[OperationRecord], int | None]:
        """Operations listed under `parent` created after sequence number `after`, oldest first.

        `done` filters on whether each operation has ended at `now`. Returns at most `limit`
        records and the sequence number to continue after (None: this is the last page).
        """
        matching: list[OperationRecord] = []
        with self._lock:
            seqs = self._children.get(parent, [])
            for index in range(bisect.bisect_right(seqs, after), len(seqs)):
                record = self._by_seq[seqs[index]]
                if done is None or record.is_done(now) == done:
                    matching.append(record)
                    if len(matching) > limit:
                        break
        if len(matching) > limit:
            shown = matching[:limit]
            return shown, shown[-1].seq
        return matching, None

    def finished_since(self, seen: set[int], now: float | None = None) -> list[OperationRecord]:
        """The operations done at `now` whose sequence numbers are not in `seen`, oldest first."""
        at = self.clock() if now is None else now
        with self._lock:
            done = [r for r in self._ops.values() if r.seq not in seen and r.is_done(at)]
        return sorted(done, key=lambda r: r.seq)

    def next_ending(self, seen: set[int]) -> float | None:
        """The earliest time (monotonic) an operation not in `seen` is due to end, if any."""
        with self._lock:
            endings = [
                e.at
                for r in self._ops.values()
                if r.seq not in seen and (e := r.ending(float("inf"))) is not None
            ]
        return min(endings, default=None)

    def has_webhook_configs(self) -> bool:
        """Whether any operation was created with a `webhook_config`."""
        with self._lock:
            return any(r.webhook_config is not None for r in self._ops.values())

    def operations(self) -> list[OperationRecord]:
        """Return every operation, oldest first."""
        with self._lock:
            return sorted(self._ops.values(), key=lambda r: r.seq)

    # Faults ----------------------------------------------------------------------------------

    def add_fault(self, data: Any) -> Fault:
        """Queue a fault described as in the control plane; raise ApiError 400 when invalid."""
        fault = fault_from_json(data)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Fault]:
        """Return the queued faults, oldest first."""
        with self._lock:
            return list(self._faults)

    def take_fault(self, method: str, raw_path: str) -> Fault | None:
        """Return the oldest fault matching this request, consuming one of its `times`."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, raw_path):
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[index]
                    return fault
        return None

    # Requests log ----------------------------------------------------------------------------

    def log_request(self, entry: JSONObject) -> None:
        """Append one request to the log (the oldest entries go past REQUEST_LOG_LIMIT)."""
        with self._lock:
            self._requests.append(entry)

    def requests(self) -> list[JSONObject]:
        """Return the requests received on the API surface, oldest first."""
        with self._lock:
            return [dict(e) for e in self._requests]

    def reset(self) -> None:
        """Forget every operation, job, fault and logged request."""
        with self._lock:
            self._ops.clear()
            self.jobs.clear()
            self._by_seq.clear()
            self._children.clear()
            self._faults.clear()
            self._requests.clear()
        for listener in list(self.reset_listeners):
            listener()
