"""A hostile HTTP server for the reliability suite, separate from the emulator.

It reads each request (request line, headers and a ``Content-Length`` body) and then hands the
connection to a *script*: an async function that writes whatever bytes it likes, when it likes,
and may stall, drip one byte at a time, or close or reset the connection. Nothing here knows
Google's API; a test writes the answer a front end, a proxy, a captive portal or an attacker
might send, byte for byte.

The server runs its own asyncio loop in a background thread, so sync and async clients (and
the CLI in a subprocess) can be pointed at ``server.url`` alike::

    async def drip(request: Request, conn: Conn) -> None:
        await conn.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\n")
        await conn.drip(b"x" * 1000, every=0.5)

    with HostileServer(drip) as server:
        Operations(api_key="k", base_url=server.url).get("batches/b1")

Helpers at the bottom build the common answers (`response`, `json_response`).
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Conn", "HostileServer", "Request", "Script", "json_response", "response"]

_MAX_HEAD = 256 * 1024
_MAX_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        """The query string, without ``?``, or empty."""
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def header(self, name: str) -> str | None:
        """A header's value, by case-insensitive name."""
        return self.headers.get(name.lower())


class Conn:
    """The connection a script writes to."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self.bytes_written = 0

    async def write(self, data: bytes) -> None:
        """Write bytes now and flush them."""
        self._writer.write(data)
        self.bytes_written += len(data)
        await self._writer.drain()

    async def drip(self, data: bytes, *, every: float, size: int = 1) -> None:
        """Write ``data`` ``size`` bytes at a time, one piece every ``every`` seconds."""
        for start in range(0, len(data), size):
            await self.write(data[start : start + size])
            await asyncio.sleep(every)

    async def stream(self, chunk: bytes, *, total: int | None = None) -> None:
        """Write ``chunk`` over and over, ``total`` bytes in all, or until the peer goes away."""
        sent = 0
        while total is None or sent < total:
            piece = chunk if total is None else chunk[: total - sent]
            await self.write(piece)
            sent += len(piece)

    async def stall(self, seconds: float = 3600.0) -> None:
        """Write nothing for a while (an hour by default: until the client gives up)."""
        await asyncio.sleep(seconds)

    def reset(self) -> None:
        """Drop the connection abruptly (an RST where the platform allows)."""
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            linger_zero = struct.pack("ii", 1, 0)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
        self._writer.transport.abort()


#: What a test writes: given the request it read, write an answer to the connection.
Script = Callable[[Request, Conn], Awaitable[None]]


@dataclass
class HostileServer:
    """A loopback HTTP/1.1 server whose every answer is written by ``script``.

    ``requests`` records every request read, in order. The connection is kept open after the
    script returns (HTTP keep-alive), unless the script closed or reset it; a script that
    wants one answer per connection writes ``Connection: close``.
    """

    script: Script
    host: str = "127.0.0.1"
    requests: list[Request] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _server: asyncio.base_events.Server | None = None
    _port: int = 0

    @property
    def url(self) -> str:
        """``http://host:port``, the base URL to give a client."""
        return f"http://{self.host}:{self._port}"

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._port

    def start(self) -> HostileServer:
        """Start listening in a background thread; returns once the port is bound."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def serve() -> None:
            self._server = await asyncio.start_server(self._handle, self.host, 0)
            self._port = self._server.sockets[0].getsockname()[1]
            ready.set()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="hostile-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the hostile server did not start")
        return self

    def stop(self) -> None:
        """Close every connection and stop the loop."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(writer)
        try:
            while not writer.is_closing():
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                await self.script(request, conn)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a broken script must show up in the test, not vanish
            self.errors.append(error)
        finally:
            if not writer.is_closing():
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        return None
    if len(head) > _MAX_HEAD:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = min(int(headers.get("content-length", "0") or 0), _MAX_BODY)
    body = await reader.readexactly(length) if length else b""
    return Request(method=method, target=target, headers=headers, body=body)


def response(
    status: int = 200,
    body: bytes = b"",
    *,
    reason: str = "",
    headers: dict[str, str] | None = None,
    content_length: bool = True,
) -> bytes:
    """The bytes of a whole HTTP/1.1 answer (``Content-Length`` added unless told not to)."""
    lines = [f"HTTP/1.1 {status} {reason or 'X'}"]
    all_headers = dict(headers or {})
    if content_length and not any(k.lower() == "content-length" for k in all_headers):
        all_headers["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(
    payload: Any, status: int = 200, *, headers: dict[str, str] | None = None
) -> bytes:
    """A whole answer with a JSON body (``payload`` may also be pre-encoded text or bytes)."""
    if isinstance(payload, bytes):
        body = payload
    elif isinstance(payload, str):
        body = payload.encode()
    else:
        body = json.dumps(payload).encode()
    return response(status, body, headers={"Content-Type": "application/json", **(headers or {})})
