"""Helpers for the webhook tests: a loopback server for ASGI apps, a recording hub."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from gemini_ops import Notifications
from gemini_ops.testing import Emulator


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app on a loopback port in a thread; yield its URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "receiver did not start"
        assert time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class Recording(Notifications):
    """A hub that also records every name published on it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[str] = []

    def publish(self, name: str) -> int:
        self.published.append(name)
        return super().publish(name)


class LateApp:
    """An ASGI app whose inner app is set once the server runs (the secret comes later)."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def gemini_client(emu: Emulator, version: str = "v1beta") -> Any:
    from google import genai

    return genai.Client(
        api_key=emu.api_key, http_options={"base_url": emu.url, "api_version": version}
    )
