"""Serving the app with uvicorn: the configuration and the protocol that can drop a connection."""

from __future__ import annotations

from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from gemini_ops.emulator._app import DROP_EXTENSION
from gemini_ops.emulator._wire import JSONObject


class DroppingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, letting the app close the socket without answering.

    A `drop` fault must look like a dead front end: the client sees the connection close before
    any byte of a response. ASGI has no message for that, so the protocol hands the app a
    callable in `scope["extensions"]` that closes this connection's transport.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner = self.app

        async def app(scope: Any, receive: Any, send: Any) -> None:
            extensions: JSONObject = scope.setdefault("extensions", {})
            extensions[DROP_EXTENSION] = self._close_transport
            await inner(scope, receive, send)

        self.app = app

    def _close_transport(self) -> None:
        self.transport.close()


def make_config(
    app: Any, *, host: str, port: int, log_level: str | None = None, log_config: Any = None
) -> uvicorn.Config:
    """Build the uvicorn configuration: h11 with drop support, no lifespan, no websockets.

    uvicorn's access log is off: it would print query strings as received (API keys included);
    the app logs each request itself with secrets redacted.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=DroppingH11Protocol,
        ws="none",
        lifespan="off",
        access_log=False,
        log_config=log_config,
        log_level=log_level,
        timeout_graceful_shutdown=2,
    )
