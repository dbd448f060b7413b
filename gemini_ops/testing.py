"""Helpers for tests: a running emulator of Google's operations API, and a pytest fixture.

`Emulator` starts the emulator on a free loopback port in a background thread::

    from gemini_ops.testing import Emulator

    with Emulator() as emu:
        emu.create_operation("batches/b1", duration=0.5)
        emu.create_job("projects/p/locations/us-central1/batchPredictionJobs/1", duration=2)
        # point a client at f"{emu.url}/v1beta" with x-goog-api-key: emu.api_key

Load the fixture with ``pytest_plugins = ["gemini_ops.testing"]`` in a conftest: ``emulator``
yields an `Emulator` shared by the test session and reset before each test (override the
``emulator_options`` fixture to choose its API key, Vertex AI token or cancel delay), and
``instant_sleeps`` makes waits and retries skip their pauses (see `instant_sleeps`, and
`set_testing` for the process-wide switch it wraps).
The emulator requires the `emulator` extra (starlette, uvicorn).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from gemini_ops._core import timing

if TYPE_CHECKING:
    from gemini_ops.emulator import EmulatorApp, EmulatorState

__all__ = [
    "Emulator",
    "emulator",
    "emulator_options",
    "instant_sleeps",
    "is_testing",
    "set_testing",
]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0

JSONObject = dict[str, Any]


class Emulator:
    """The emulator served by uvicorn in a background thread, on loopback, for tests.

    Use it as a context manager (or call `start` and `stop`). `url` is the base URL without an API
    version (`http://127.0.0.1:PORT`): Gemini paths live under `/v1beta` and `/v1`, Vertex AI
    paths under `/v1` and `/v1beta1`. The control methods act on the emulator's state directly and
    raise `ValueError` for invalid arguments or `LookupError` for unknown names.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        vertex_token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        cancel_delay: float = 0.0,
    ) -> None:
        # Imported here so that the rest of this module works without the emulator extra.
        from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN, create_app

        self.api_key: str = DEFAULT_API_KEY if api_key is None else api_key
        self.vertex_token: str = DEFAULT_VERTEX_TOKEN if vertex_token is None else vertex_token
        self.host = host
        self.app: EmulatorApp = create_app(
            api_key=self.api_key, vertex_token=self.vertex_token, cancel_delay=cancel_delay
        )
        self._requested_port = port
        self._port: int | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> EmulatorState:
        """The emulator's state, for what the control methods below do not cover."""
        return self.app.state

    @property
    def port(self) -> int:
        """The TCP port the server listens on; raise RuntimeError when it is not running."""
        if self._port is None:
            raise RuntimeError("The emulator is not running.")
        return self._port

    @property
    def url(self) -> str:
        """Base URL of the running server, without an API version: `http://127.0.0.1:PORT`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> Emulator:
        """Start serving in a background thread and return once the socket accepts connections."""
        if self._thread is not None:
            raise RuntimeError("The emulator is already running.")
        import uvicorn

        from gemini_ops.emulator._server import make_config

        self.app.state.closing = False
        config = make_config(self.app, host=self.host, port=self._requested_port)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="gemini-ops-emulator", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The emulator could not start on {self.host}.")
            time.sleep(0.005)
        self._port = server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread; pending `:wait` calls and delays end at once."""
        server, thread = self._server, self._thread
        self.app.state.closing = True
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(_STOP_TIMEOUT)
        self._server = self._thread = None
        self._port = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Control ---------------------------------------------------------------------------------

    def create_operation(
        self,
        name: str,
        *,
        duration: float | None = None,
        error: JSONObject | None = None,
        response: JSONObject | None = None,
        metadata: JSONObject | None = None,
        webhook_config: JSONObject | None = None,
    ) -> JSONObject:
        """Create an operation that ends `duration` seconds from now (None: when told to).

        `name` is a full operation name (`batches/b1`, `projects/p/locations/l/operations/o`, ...);
        `error` (a google.rpc.Status) or `response` replaces the family's default outcome,
        `metadata` keys override the family's default metadata. `webhook_config`
        (`{"uris": [...], "user_metadata": {...}}`) sends the finishing event to `uris`, signed
        as an RS256 JWT, instead of to the registered webhooks. Returns the operation's JSON.
        """
        with _translated():
            record = self.state.create(
                name,
                duration=duration,
                error=error,
                response=response,
                metadata=metadata,
                webhook_config=webhook_config,
            )
            return record.render(self.state.clock(), None)

    def complete(
        self, name: str, *, error: JSONObject | None = None, response: JSONObject | None = None
    ) -> JSONObject:
        """End a running operation now, with `error`, `response` or its default outcome."""
        with _translated():
            record = self.state.complete(name, error=error, response=response)
            return record.render(self.state.clock(), None)

    def create_job(
        self,
        name: str,
        *,
        duration: float | None = None,
        fate: Literal["succeed", "fail"] | None = None,
        error: JSONObject | None = None,
        partial_success: bool = False,
        cancel_delay: float | None = None,
        fields: JSONObject | None = None,
    ) -> JSONObject:
        """Create a job resource that ends `duration` seconds from now (None: when told to).

        `name` is a full job name: `projects/{p}/locations/{l}/{collection}/{id}` for the Vertex
        AI collections batchPredictionJobs, tuningJobs, customJobs, hyperparameterTuningJobs and
        pipelineJobs, or `tunedModels/{id}` for the Gemini API. The job is QUEUED for the first
        tenth of `duration`, PENDING for the second, then RUNNING (a tuned model is CREATING
        throughout). `fate` is `"succeed"` or `"fail"` (None: `"fail"` when `error` is given); a
        failing Vertex AI job reports `error` (a google.rpc.Status; default code 13).
        `partial_success` ends a JobState job `JOB_STATE_PARTIALLY_SUCCEEDED`. A cancel makes
        the job CANCELLING for `cancel_delay` seconds (default: the emulator's), then CANCELLED.
        `fields` are laid over the job's default payload (not its name, state, error or times).
        Returns the job's JSON.
        """
        with _translated():
            record = self.state.jobs.create(
                name,
                duration=duration,
                fate=fate,
                error=error,
                partial_success=partial_success,
                cancel_delay=cancel_delay,
                fields=fields,
            )
            return record.render(self.state.clock())

    def complete_job(
        self,
        name: str,
        *,
        fate: Literal["succeed", "fail"] | None = None,
        error: JSONObject | None = None,
        partial_success: bool | None = None,
    ) -> JSONObject:
        """End a job now with `fate` (`"succeed"` or `"fail"`; None: its scheduled fate)."""
        with _translated():
            record = self.state.jobs.complete(
                name, fate=fate, error=error, partial_success=partial_success
            )
            return record.render(self.state.clock())

    def inject_fault(
        self,
        *,
        path: str = "",
        method: str | None = None,
        times: int = 1,
        status: int | None = None,
        message: str | None = None,
        retry_delay: str | float | None = None,
        retry_after: str | float | None = None,
        delay: float = 0.0,
        body: str | None = None,
        drop: bool = False,
        repeat_page_token: bool = False,
    ) -> None:
        """Queue a fault for the next `times` requests whose raw path matches the regex `path`.

        The arguments are those of `POST /_emulator/faults` (see docs/emulator.md): `delay` is in
        seconds, `retry_delay` a Duration string (`"0.5s"`) or seconds.
        """
        spec: JSONObject = {
            "path": path,
            "method": method,
            "times": times,
            "status": status,
            "message": message,
            "retry_delay": retry_delay,
            "retry_after": retry_after,
            "delay": delay,
            "body": body,
            "drop": drop,
            "repeat_page_token": repeat_page_token,
        }
        with _translated():
            self.state.add_fault({k: v for k, v in spec.items() if v is not None})

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        self.state.clear_faults()

    def reset(self) -> None:
        """Forget every operation, fault and logged request."""
        self.state.reset()

    @property
    def jwks_url(self) -> str:
        """Where the running emulator serves the keys that sign dynamic webhook deliveries."""
        return f"{self.url}/.well-known/jwks.json"

    def webhook_settings(self, **switches: object) -> JSONObject:
        """Set the webhook delivery switches and return them all.

        `duplicates` (extra copies of each delivery), `delay` (seconds before delivering),
        `id_form` (`"name"` or `"bare"` ids in `data.id`), `max_attempts`,
        `retry_base` (seconds before the first retry, doubling).
        """
        with _translated():
            self.app.webhooks.settings.update(dict(switches))
            return dict(vars(self.app.webhooks.settings))

    def webhook_deliveries(self) -> list[JSONObject]:
        """Every webhook delivery attempt so far (uri, webhook_id, type, attempt, status)."""
        return self.app.webhooks.deliveries()

    def requests(self) -> list[JSONObject]:
        """Return the API requests received so far (method, path, query, status, auth_header)."""
        return self.state.requests()


def set_testing(testing: bool, *, retries: bool = True) -> None:
    """Turn testing mode on or off for the whole process, like stamina's ``set_testing``.

    With `testing`, every pause between polls of ``wait``, ``wait_with_backoff`` and ``wait_many``
    and every pause before a retried request takes no time (see `instant_sleeps`); with
    ``retries=False`` as well, the retry transport makes a single attempt per request, as if
    ``max_retries`` were 0. ``set_testing(False)`` restores real sleeps and retries. It sets the
    one switch every sleep and retry decision reads (`gemini_ops._core.timing.TIMING`).
    """
    timing.TIMING.instant_sleeps = bool(testing)
    timing.TIMING.retries = bool(retries) or not testing


def is_testing() -> bool:
    """Whether testing mode (instant sleeps) is on."""
    return timing.TIMING.instant_sleeps


@contextlib.contextmanager
def instant_sleeps(*, retries: bool = True) -> Iterator[None]:
    """Skip the pauses of gemini-ops waits and retries inside the block (a zero-wait policy).

    Between two polls of ``wait``, ``wait_with_backoff`` and ``wait_many``, and before a retried
    request, gemini-ops then sleeps for no time at all (an async caller still yields to the event
    loop once). Everything else is unchanged: requests are sent, deadlines are measured on the
    real monotonic clock, retry counts are bounded; ``retries=False`` also turns retries off.
    Use it with the emulator's ``complete()`` or short durations so tests do not wait out real
    poll intervals. It is `set_testing` for the length of the block, so it applies to every
    thread: do not use it around code that must really sleep.
    """
    with timing.override(instant_sleeps=True, retries=retries):
        yield


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """Turn the emulator's HTTP-style errors into ValueError / LookupError for Python callers."""
    from gemini_ops.emulator._wire import ApiError

    try:
        yield
    except ApiError as exc:
        if exc.http_status == 404:
            raise LookupError(exc.message) from None
        raise ValueError(exc.message) from None


try:
    import pytest
except ImportError:  # pragma: no cover - the fixtures need pytest, the rest does not
    pass
else:

    @pytest.fixture(scope="session")
    def _gemini_ops_emulator_server() -> Iterator[Emulator]:
        with Emulator() as emu:
            yield emu

    @pytest.fixture(scope="session")
    def _gemini_ops_emulator_pool() -> Iterator[dict[tuple[tuple[str, Any], ...], Emulator]]:
        pool: dict[tuple[tuple[str, Any], ...], Emulator] = {}
        yield pool
        for emu in pool.values():
            emu.stop()

    @pytest.fixture(name="instant_sleeps")
    def _instant_sleeps_fixture() -> Iterator[None]:
        """Run the test inside `instant_sleeps`."""
        with instant_sleeps():
            yield

    @pytest.fixture
    def emulator_options() -> dict[str, Any]:
        """Keyword arguments of `Emulator` for the ``emulator`` fixture; by default none.

        Override it in a conftest or a test module to choose what the emulator accepts, e.g.
        ``return {"api_key": "my-test-key", "vertex_token": "my-token"}``: each distinct set of
        options gets one emulator for the whole session, started on first use.
        """
        return {}

    @pytest.fixture
    def emulator(request: pytest.FixtureRequest, emulator_options: dict[str, Any]) -> Emulator:
        """Provide a running `Emulator`, shared by the session and reset before each test.

        It is built with ``emulator_options`` (override that fixture to change them).
        """
        if emulator_options:
            pool = request.getfixturevalue("_gemini_ops_emulator_pool")
            key = tuple(sorted(emulator_options.items()))
            if key not in pool:
                pool[key] = Emulator(**emulator_options).start()
            emu: Emulator = pool[key]
        else:
            emu = request.getfixturevalue("_gemini_ops_emulator_server")
        emu.reset()
        return emu
