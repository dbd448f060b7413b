"""A hostile Google token service: a credential refresh reads a bounded answer, in bounded time.

The token endpoint (``token_uri`` of OAuth user credentials) is the byte-level server of
`hostile.py`; the API itself is never reached, since the refresh comes first.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from dual import Api
from google.oauth2.credentials import Credentials

from gemini_ops import AsyncOperations, Operations, TransportError, WaitTimeoutError
from gemini_ops._http.auth import MAX_TOKEN_ANSWER_BYTES

from .hostile import Conn, HostileServer, Request, json_response, response

pytestmark = pytest.mark.anyio

OPERATION = "projects/p1/locations/us-central1/operations/o1"


def api(mode: str, server: HostileServer, **options: Any) -> Api:
    credentials = Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token="refresh-me",
        token_uri=f"{server.url}/token",
        client_id="id",
        client_secret="secret",
    )
    cls = AsyncOperations if mode == "async" else Operations
    return Api(
        cls(
            vertex_ai=True,
            project="p1",
            location="us-central1",
            credentials=credentials,
            base_url=server.url,
            max_retries=0,
            **options,
        )
    )


async def endless(request: Request, conn: Conn) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    await conn.write(head)
    chunk = b"ffff\r\n" + b" " * 0xFFFF + b"\r\n"
    await conn.stream(chunk)


async def dripped(request: Request, conn: Conn) -> None:
    body = b'{"access_token": "t", "expires_in": 3600}' + b" " * 1000
    await conn.write(response(200, headers={"Content-Length": str(len(body))}))
    await conn.drip(body, every=0.25)


async def test_an_endless_token_answer_is_a_transport_error(mode: str) -> None:
    with HostileServer(endless) as server:
        client = api(mode, server)
        try:
            with pytest.raises(TransportError, match=f"larger than {MAX_TOKEN_ANSWER_BYTES} bytes"):
                await client("get", OPERATION)
        finally:
            await client.close()
        assert [r.path for r in server.requests] == ["/token"]


async def test_a_dripped_token_answer_ends_with_the_wait(mode: str) -> None:
    with HostileServer(dripped) as server:
        client = api(mode, server)
        started = time.monotonic()
        try:
            with pytest.raises(WaitTimeoutError):
                await client("wait", OPERATION, poll_interval=0.2, timeout=1.0)
        finally:
            await client.close()
        assert time.monotonic() - started < 1.0 + 0.5
        assert {r.path for r in server.requests} == {"/token"}


async def test_a_small_token_answer_is_used(mode: str) -> None:
    async def script(request: Request, conn: Conn) -> None:
        if request.path == "/token":
            await conn.write(json_response({"access_token": "tok-1", "expires_in": 3600}))
        else:
            assert request.header("authorization") == "Bearer tok-1"
            await conn.write(json_response({"name": OPERATION, "done": True, "response": {}}))

    with HostileServer(script) as server:
        client = api(mode, server)
        try:
            operation = await client("get", OPERATION)
        finally:
            await client.close()
    assert operation.done
    assert server.errors == []
