"""The emulator in its own process, with a few controls the benchmarks need.

Run as ``python -m benchmarks._server``: it binds a free loopback port, prints ``PORT <n>`` and
serves until its standard input closes. A separate process keeps the server's work off the
client's CPU and GIL, so the client's process time is the client's cost alone.

On top of the emulator's own control plane it serves, under ``/_bench/``:

- ``POST /_bench/seed`` ``{"names": [...], "durations": [...]}`` or
  ``{"prefix": "batches/b", "count": 50000, "duration": 0}``: create operations straight in the
  emulator's state (one request for thousands); answers ``{"ends": [...]}``, each operation's end
  on ``time.monotonic()`` (system-wide on Linux, so the client can compare its own clock to it).
- ``POST /_bench/cache`` ``{"enabled": true}``: answer repeated ``GET`` list requests from a cache
  of the emulator's own earlier answers (same path, query and credentials). Listing finished
  operations gives the same bytes every time; the cache takes the server's rendering of 50,000
  operations out of what a list benchmark measures.
- ``POST /_bench/reset``: forget every operation (the emulator's reset) and the list cache.
- ``GET /_bench/stats``: API requests served since the previous call (by kind), then resets.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections import Counter
from typing import Any

from gemini_ops.emulator import create_app

Scope = dict[str, Any]


class BenchApp:
    """The emulator's ASGI app behind the ``/_bench/`` controls, a list cache and counters."""

    def __init__(self) -> None:
        self.emulator = create_app()
        self.state = self.emulator.state
        self.cache_enabled = False
        self.cache: dict[tuple[bytes, bytes, bytes], tuple[dict[str, Any], bytes]] = {}
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.emulator(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/_bench/"):
            await self._control(scope, receive, send, path)
            return
        if path.startswith("/_emulator"):
            await self.emulator(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or path.encode()
        kind = "wait" if raw_path.endswith(b":wait") else scope["method"]
        if kind == "GET" and b"pageSize" in _query(scope):
            kind = "list"
        with self.lock:
            self.counts[kind] += 1
        if not (self.cache_enabled and scope["method"] == "GET" and b"pageSize" in _query(scope)):
            await self.emulator(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (raw_path, _query(scope), headers.get(b"x-goog-api-key", b""))
        hit = self.cache.get(key)
        if hit is not None:
            start, body = hit
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        parts: list[bytes] = []
        start_message: dict[str, Any] = {}

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start_message.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        await self.emulator(scope, receive, capture)
        if start_message.get("status") == 200:
            self.cache[key] = (start_message, b"".join(parts))

    async def _control(self, scope: Scope, receive: Any, send: Any, path: str) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        data = json.loads(body) if body.strip() else {}
        answer: Any
        if path == "/_bench/seed":
            answer = {"ends": self._seed(data)}
        elif path == "/_bench/reset":
            self.state.reset()
            self.cache.clear()
            answer = {"reset": True}
        elif path == "/_bench/cache":
            self.cache_enabled = bool(data.get("enabled"))
            self.cache.clear()
            answer = {"enabled": self.cache_enabled}
        elif path == "/_bench/stats":
            with self.lock:
                answer = dict(self.counts)
                self.counts.clear()
        else:
            answer = {"error": f"unknown control {path}"}
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    def _seed(self, data: dict[str, Any]) -> list[float | None]:
        if "names" in data:
            names: list[str] = data["names"]
            durations: list[float | None] = data.get("durations") or [None] * len(names)
        else:
            prefix, count = data["prefix"], int(data["count"])
            names = [f"{prefix}{i}" for i in range(count)]
            durations = [data.get("duration")] * count
        ends: list[float | None] = []
        for name, duration in zip(names, durations, strict=True):
            record = self.state.create(name, duration=duration)
            ends.append(None if duration is None else record.created + float(duration))
        return ends


def _query(scope: Scope) -> bytes:
    query: bytes = scope.get("query_string", b"")
    return query


def main() -> None:
    import uvicorn

    from gemini_ops.emulator._server import make_config

    app = BenchApp()
    # The protocol number matters: asyncio sets TCP_NODELAY only on sockets whose proto is
    # IPPROTO_TCP, and without it each answer (headers and body written apart) waits ~40 ms
    # for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = make_config(app, host="127.0.0.1", port=0, log_level="warning")
    config.backlog = 4096
    config.limit_concurrency = None
    server = uvicorn.Server(config)

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        app.state.closing = True
        server.should_exit = True

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
