"""The hostile server itself: it writes exactly what a script says, when it says."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from .hostile import Conn, HostileServer, Request, json_response, response


def test_a_scripted_answer_reaches_the_client_byte_for_byte() -> None:
    async def script(request: Request, conn: Conn) -> None:
        await conn.write(json_response({"name": request.path.rsplit("/", 1)[-1]}))

    with HostileServer(script) as server:
        answer = httpx.get(f"{server.url}/v1beta/batches/b1?x=1", headers={"X-Probe": "yes"})
    assert answer.json() == {"name": "b1"}
    assert [r.target for r in server.requests] == ["/v1beta/batches/b1?x=1"]
    assert server.requests[0].header("x-probe") == "yes"
    assert server.errors == []


def test_drip_spreads_the_bytes_over_time() -> None:
    async def script(request: Request, conn: Conn) -> None:
        await conn.write(response(200, headers={"Content-Length": "4"}))
        await conn.drip(b"abcd", every=0.1)

    with HostileServer(script) as server:
        started = time.monotonic()
        answer = httpx.get(server.url)
        took = time.monotonic() - started
    assert answer.content == b"abcd"
    assert took >= 0.3


def test_reset_drops_the_connection() -> None:
    async def script(request: Request, conn: Conn) -> None:
        conn.reset()

    with HostileServer(script) as server, pytest.raises(httpx.TransportError):
        httpx.get(server.url)


def test_a_broken_script_is_recorded() -> None:
    async def script(request: Request, conn: Conn) -> None:
        raise RuntimeError("script bug")

    with HostileServer(script) as server:
        with pytest.raises(httpx.TransportError):
            httpx.get(server.url)
        assert [str(e) for e in server.errors] == ["script bug"]


def test_stop_closes_stalled_connections() -> None:
    async def script(request: Request, conn: Conn) -> None:
        await conn.stall()

    server = HostileServer(script).start()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.1)
    server.stop()
    sock.settimeout(5)
    assert sock.recv(10) == b""
    sock.close()
