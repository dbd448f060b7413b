"""Apache Airflow support: wait for a long-running operation in a deferrable sensor.

`OperationSensor` waits for a Gemini API or Vertex AI operation (or job) by name; by default it
defers to `OperationTrigger`, which polls with `AsyncOperations` in Airflow's triggerer, so a
wait of a day holds no worker slot. Credentials come from an Airflow connection of type
``gemini_ops`` (see `GeminiOpsHook` and docs/airflow.md); nothing secret is ever serialized
into the trigger. Needs the ``airflow`` extra (Airflow 3). Importing this module does not touch
Airflow's database.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
import ssl
from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal, cast

import httpx

from gemini_ops._extras import require_extra

# Checked before the imports: without the extra, say which to install, not a traceback.
require_extra("airflow", "gemini_ops.airflow", "airflow")

from airflow.sdk import BaseHook, BaseSensorOperator, Connection, Context
from airflow.sdk.exceptions import AirflowException
from airflow.triggers.base import BaseTrigger, TriggerEvent

from gemini_ops import (
    AsyncOperations,
    GeminiOpsError,
    Operation,
    Operations,
    WaitTimeoutError,
    parse_name,
)
from gemini_ops._core.validate import MAX_SECONDS, check_seconds
from gemini_ops._http.auth import CLOUD_PLATFORM_SCOPE

__all__ = [
    "CONN_TYPE",
    "DEFAULT_CONN_ID",
    "GeminiOpsHook",
    "OperationError",
    "OperationSensor",
    "OperationTrigger",
    "client_options",
]

#: The connection type of gemini-ops connections (registered with Airflow by the package).
CONN_TYPE = "gemini_ops"
#: The connection the sensor and the trigger use unless told otherwise.
DEFAULT_CONN_ID = "gemini_ops_default"

Status = Literal["success", "failed", "timeout", "error"]

# The connection extras understood.
_EXTRAS = frozenset({"vertex_ai", "project", "location", "key_path", "api_version"})


def client_options(conn: Connection, extras: Mapping[str, Any]) -> dict[str, Any]:
    """The `Operations` / `AsyncOperations` options a ``gemini_ops`` connection stands for.

    ``password`` is a Gemini API key; ``host`` (``https://host`` or a bare host name, with
    ``port``) replaces the base URL; the extras ``vertex_ai`` (true/false), ``project``,
    ``location``, ``key_path`` (a Google credentials JSON file; Application Default Credentials
    without it) and ``api_version`` are passed through. ``extras`` is the connection's decoded
    ``extra``. Raises ValueError naming an unknown or mistyped extra.
    """
    unknown = sorted(set(extras) - _EXTRAS)
    if unknown:
        raise ValueError(
            f"connection {conn.conn_id!r}: unknown extra {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(sorted(_EXTRAS))})"
        )
    options: dict[str, Any] = {}
    for key in ("project", "location", "key_path", "api_version"):
        value = extras.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError(f"connection {conn.conn_id!r}: extra {key!r} must be a string")
    vertex_ai = extras.get("vertex_ai")
    if isinstance(vertex_ai, str) and vertex_ai.lower() in ("true", "false"):
        vertex_ai = vertex_ai.lower() == "true"
    if vertex_ai is not None and not isinstance(vertex_ai, bool):
        raise ValueError(f"connection {conn.conn_id!r}: extra 'vertex_ai' must be true or false")
    if vertex_ai is not None:
        options["vertex_ai"] = vertex_ai
    for key in ("project", "location", "api_version"):
        if extras.get(key):
            options[key] = extras[key]
    if conn.password:
        options["api_key"] = conn.password
    if conn.host:
        host = conn.host.rstrip("/")
        if "://" not in host:
            host = f"https://{host}" + (f":{conn.port}" if conn.port else "")
        options["base_url"] = host
    return options


def _load_credentials(key_path: str) -> Any:
    """Google credentials from a JSON key file: a service account or an authorized user."""
    try:
        with open(key_path, encoding="utf-8") as file:
            info = json.load(file)
    except (OSError, ValueError) as exc:
        raise ValueError(f"key_path {key_path!r} is not a readable JSON file: {exc}") from None
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            from google.oauth2 import service_account

            return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                info, scopes=[CLOUD_PLATFORM_SCOPE]
            )
        if kind == "authorized_user":
            from google.oauth2 import credentials

            return credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                info, scopes=[CLOUD_PLATFORM_SCOPE]
            )
    except ValueError as exc:
        raise ValueError(f"key_path {key_path!r}: {exc}") from None
    raise ValueError(
        f"key_path {key_path!r}: type must be 'service_account' or 'authorized_user', got {kind!r}"
    )


class GeminiOpsHook(BaseHook):
    """Clients for the operations of a ``gemini_ops`` connection.

    The connection's ``password`` is a Gemini API key, or its extras name the Vertex AI project
    and location (``{"vertex_ai": true, "project": "p", "location": "us-central1"}``, with
    ``key_path`` for a credentials file, otherwise Application Default Credentials); ``host``
    overrides the base URL (e.g. an emulator). See `client_options`.
    """

    conn_name_attr = "gemini_ops_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Gemini operations (gemini-ops)"

    def __init__(self, gemini_ops_conn_id: str = DEFAULT_CONN_ID) -> None:
        super().__init__()
        self.gemini_ops_conn_id = gemini_ops_conn_id

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How the Airflow UI shows the connection form."""
        return {
            "hidden_fields": ["schema", "login"],
            "relabeling": {"password": "Gemini API key", "host": "Base URL (optional)"},
            "placeholders": {
                "extra": json.dumps(
                    {"vertex_ai": True, "project": "my-project", "location": "us-central1"}
                ),
            },
        }

    def get_conn(self) -> Operations:
        """A synchronous `Operations` client for the connection (close it when done)."""
        conn = self.get_connection(self.gemini_ops_conn_id)
        options = client_options(conn, conn.extra_dejson)
        key_path = conn.extra_dejson.get("key_path")
        if key_path:
            options["credentials"] = _load_credentials(key_path)
        return Operations(**options)

    async def get_async_conn(
        self, *, http_client: httpx.AsyncClient | None = None
    ) -> AsyncOperations:
        """An `AsyncOperations` client for the connection, read without blocking the loop.

        ``http_client`` is passed on to `AsyncOperations` (and not closed by it).
        """
        conn = await self.aget_connection(self.gemini_ops_conn_id)
        extras = await conn.aextra_dejson()
        options = client_options(conn, extras)
        key_path = extras.get("key_path")
        if key_path:
            options["credentials"] = await asyncio.to_thread(_load_credentials, key_path)
        return AsyncOperations(**options, http_client=http_client)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every trigger of the process.

    Building one loads the CA bundle, which costs more CPU than many polls; a triggerer runs
    thousands of triggers, each with its own connections but all with this context.
    """
    return httpx.create_ssl_context()


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an operation name (str), got {type(name).__name__}")
    return parse_name(name).name


def _check_poll_interval(poll_interval: object) -> float:
    return cast(float, check_seconds("poll_interval", poll_interval))  # None is refused


def _check_deadline(deadline: object) -> datetime.datetime | None:
    if deadline is None:
        return None
    if isinstance(deadline, str):
        try:
            deadline = datetime.datetime.fromisoformat(deadline)
        except ValueError:
            raise ValueError(f"deadline must be an ISO 8601 time, got {deadline!r}") from None
    if not isinstance(deadline, datetime.datetime):
        raise TypeError(f"deadline must be a datetime, got {type(deadline).__name__}")
    if deadline.tzinfo is None or deadline.utcoffset() is None:
        raise ValueError("deadline must be timezone-aware (an absolute UTC time)")
    if (deadline - _now()).total_seconds() > MAX_SECONDS:
        raise ValueError(
            f"deadline must be at most {MAX_SECONDS / 86400:.4g} days away, "
            f"got {deadline.isoformat()}"
        )
    return deadline.astimezone(datetime.UTC)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _event(status: Status, name: str, operation: object, message: str) -> dict[str, Any]:
    """An event payload; ``operation`` is an Operation or None (a timeout's last state)."""
    return {
        "status": status,
        "name": name,
        "operation": operation.to_dict() if isinstance(operation, Operation) else None,
        "message": message,
    }


def _finished(name: str, operation: Operation) -> dict[str, Any]:
    """The event for a done operation: success, or failed with the operation's error."""
    if not operation.failed:
        return _event("success", name, operation, f"{name} succeeded")
    error = operation.error
    what = "was cancelled" if operation.cancelled else "failed"
    detail = f": {error.message}" if error is not None and error.message else ""
    return _event("failed", name, operation, f"{name} {what}{detail}")


class OperationTrigger(BaseTrigger):
    """Wait for one operation in Airflow's triggerer; fire one event when it ends.

    ``name`` is any full name the facade accepts (``batches/123``,
    ``projects/p/locations/l/operations/o``, ...). ``deadline`` is an absolute, timezone-aware
    time: a restarted trigger keeps it. The trigger only reads the operation (it never creates
    or cancels anything), polls through 429s, 5xx and dropped connections and honours server
    retry hints (see `AsyncOperations.wait`); credentials are read from the connection
    ``conn_id`` when it runs, never stored. The event's payload is a dict: ``status``
    (``"success"``, ``"failed"``, ``"timeout"`` or ``"error"``), ``name``, ``operation`` (the wire
    form of the last state seen, or None) and ``message``.
    """

    def __init__(
        self,
        name: str,
        *,
        conn_id: str = DEFAULT_CONN_ID,
        poll_interval: float = 30.0,
        deadline: datetime.datetime | str | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.name = _check_name(name)
        if not isinstance(conn_id, str) or not conn_id:
            raise ValueError(f"conn_id must be a non-empty string, got {conn_id!r}")
        self.conn_id = conn_id
        self.poll_interval = _check_poll_interval(poll_interval)
        self.deadline = _check_deadline(deadline)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and JSON-safe arguments; they hold no credential."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "name": self.name,
                "conn_id": self.conn_id,
                "poll_interval": self.poll_interval,
                "deadline": None if self.deadline is None else self.deadline.isoformat(),
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll until the operation ends or the deadline passes; yield exactly one event."""
        yield TriggerEvent(await self.wait())  # type: ignore[no-untyped-call]

    async def wait(self) -> dict[str, Any]:
        """Poll as `run` does and return the event's payload."""
        hook = GeminiOpsHook(self.conn_id)
        try:
            async with (
                httpx.AsyncClient(verify=_ssl_context()) as http,
                await hook.get_async_conn(http_client=http) as ops,
            ):
                timeout = None
                if self.deadline is not None:
                    timeout = (self.deadline - _now()).total_seconds()
                    if timeout <= 0:
                        return _event(
                            "timeout",
                            self.name,
                            None,
                            f"{self.name}: the deadline {self.deadline.isoformat()} has passed",
                        )
                operation = await ops.wait(
                    self.name,
                    poll_interval=self.poll_interval,
                    timeout=timeout,
                    on_progress=self._log_progress,
                )
        except WaitTimeoutError as exc:
            return _event("timeout", self.name, exc.operation, str(exc))
        except (GeminiOpsError, AirflowException, ValueError, OSError) as exc:
            return _event("error", self.name, None, f"{self.name}: {type(exc).__name__}: {exc}")
        return _finished(self.name, operation)

    def _log_progress(self, operation: Operation) -> None:
        self.log.debug(
            "%s: done=%s progress=%s", operation.name, operation.done, operation.progress
        )


class OperationError(AirflowException):
    """A waited-for operation did not succeed: it failed, timed out, or could not be read.

    ``status`` is ``"failed"``, ``"timeout"`` or ``"error"``; ``operation`` the wire form of the
    last state seen (or None); ``error`` the operation's ``google.rpc.Status`` as a dict when it
    failed (or None).
    """

    def __init__(self, event: Mapping[str, Any]) -> None:
        super().__init__(str(event.get("message", "the operation did not succeed")))
        self.status: str = str(event.get("status"))
        self.name: str = str(event.get("name"))
        self.operation: dict[str, Any] | None = event.get("operation")
        error = (self.operation or {}).get("error")
        self.error: dict[str, Any] | None = error if isinstance(error, dict) else None


class OperationSensor(BaseSensorOperator):
    """Wait for an operation to end; push its wire form to XCom when it succeeds.

    ``name`` is a template field, so it can come from an upstream task
    (``"{{ ti.xcom_pull('start') }}"``). ``execute()`` looks once and returns at once when the
    operation is already done; otherwise it defers to `OperationTrigger` (or, with
    ``deferrable=False``, polls in the worker the same way). ``timeout`` (seconds) is a hard
    deadline counted from the first look. A failed or cancelled operation, a timeout and an
    error that polling cannot get past raise `OperationError`.
    """

    template_fields = ("name", "conn_id")

    def __init__(
        self,
        *,
        name: str,
        conn_id: str = DEFAULT_CONN_ID,
        poll_interval: float = 30.0,
        timeout: float = 7 * 24 * 3600.0,
        deferrable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            poke_interval=_check_poll_interval(poll_interval), timeout=timeout, **kwargs
        )
        self.name = name
        self.conn_id = conn_id
        self.poll_interval = float(poll_interval)
        self.deferrable = deferrable

    def execute(self, context: Context) -> dict[str, Any]:
        """Look once; return if done, else defer (or poll here with ``deferrable=False``)."""
        name = _check_name(self.name)
        deadline = _now() + datetime.timedelta(seconds=self.timeout)
        with GeminiOpsHook(self.conn_id).get_conn() as ops:
            try:
                operation: Operation | None = ops.get(name)
            except GeminiOpsError:
                # The wait below (or the trigger) polls through a transient failure and ends
                # at once, as an error, on a permanent one.
                operation = None
            if operation is not None and operation.done:
                return self.execute_complete(context, _finished(name, operation))
            if self.deferrable:
                self.defer(
                    trigger=OperationTrigger(
                        name,
                        conn_id=self.conn_id,
                        poll_interval=self.poll_interval,
                        deadline=deadline,
                    ),
                    method_name="execute_complete",
                )
            left = max((deadline - _now()).total_seconds(), 1e-3)
            try:
                done = ops.wait(name, poll_interval=self.poll_interval, timeout=left)
            except WaitTimeoutError as exc:
                event = _event("timeout", name, exc.operation, str(exc))
            except GeminiOpsError as exc:
                event = _event("error", name, None, f"{name}: {type(exc).__name__}: {exc}")
            else:
                event = _finished(name, done)
        return self.execute_complete(context, event)

    def execute_complete(self, context: Context, event: Mapping[str, Any]) -> dict[str, Any]:
        """Return the operation's wire form on success; raise `OperationError` otherwise."""
        if event.get("status") == "success" and isinstance(event.get("operation"), dict):
            self.log.info("%s", event.get("message"))
            operation: dict[str, Any] = event["operation"]
            return operation
        raise OperationError(event)
