"""A local server that speaks Google's long-running operations API (Gemini API and Vertex AI).

It serves the operations surface of both APIs over real HTTP, with operations that progress in real
time, the job resources that are not operations (Vertex AI's five job collections, the Gemini API's
tuned models) with states that move on a clock, Google's error envelopes and auth answers, and
faults on demand (429s with `RetryInfo`, HTML 502s, truncated bodies, dropped connections, repeated
page tokens). A control plane under `/_emulator/` creates operations and jobs and queues faults;
see `docs/emulator.md`.

Build the ASGI app with `create_app` (e.g. for `httpx.ASGITransport`), run the server with
`python -m gemini_ops.emulator`, or start one in-process with `gemini_ops.testing.Emulator`.
Requires the `emulator` extra (starlette, uvicorn).
"""

from __future__ import annotations

from gemini_ops._extras import require_extra

# Checked before the imports: without the extra, say which to install, not a traceback.
require_extra("emulator", "the gemini-ops emulator", "starlette", "uvicorn")

from gemini_ops.emulator._app import (
    DEFAULT_WAIT_TIMEOUT,
    MAX_WAIT_TIMEOUT,
    ConnectionDropped,
    EmulatorApp,
)
from gemini_ops.emulator._paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gemini_ops.emulator._state import EmulatorState

DEFAULT_API_KEY = "emulator-api-key"
DEFAULT_VERTEX_TOKEN = "emulator-vertex-token"

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_VERTEX_TOKEN",
    "DEFAULT_WAIT_TIMEOUT",
    "MAX_PAGE_SIZE",
    "MAX_WAIT_TIMEOUT",
    "ConnectionDropped",
    "EmulatorApp",
    "EmulatorState",
    "create_app",
]


def create_app(
    *,
    api_key: str = DEFAULT_API_KEY,
    vertex_token: str = DEFAULT_VERTEX_TOKEN,
    cancel_delay: float = 0.0,
    state: EmulatorState | None = None,
) -> EmulatorApp:
    """Build the emulator's ASGI application.

    `api_key` is the only `x-goog-api-key` the Gemini paths accept; `vertex_token` is the only
    bearer token the Vertex AI paths (and the Gemini paths) accept. A cancelled operation ends
    `cancel_delay` seconds after the cancel request (0: at once), and a cancelled job stays
    CANCELLING that long unless created with its own. The app's `state` attribute is
    the `EmulatorState` to drive directly (create operations, queue faults, read the requests log).
    """
    if state is None:
        state = EmulatorState(cancel_delay=cancel_delay)
    return EmulatorApp(state, api_key=api_key, vertex_token=vertex_token)
