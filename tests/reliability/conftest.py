"""Fixtures of the reliability suite: an emulator of its own, and one body for sync and async."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from gemini_ops import AsyncOperations, Operations
from gemini_ops.testing import Emulator

SECRET_KEY = "AIzaSyRELIABILITY-secret-key-9f3c1e"
SECRET_TOKEN = "ya29.RELIABILITY-secret-token-47b2d8"
VERTEX_LOCATION = "projects/p1/locations/us-central1"


@pytest.fixture(scope="session")
def emu_server() -> Iterator[Emulator]:
    with Emulator(api_key=SECRET_KEY, vertex_token=SECRET_TOKEN) as emu:
        yield emu


@pytest.fixture
def emu(emu_server: Emulator) -> Emulator:
    emu_server.reset()
    return emu_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the transport's full-jitter backoff short and fixed (2 % of its ceiling).

    Server hints (RetryInfo, Retry-After) are still honoured as minimum waits.
    """
    import gemini_ops._transport as transport

    monkeypatch.setattr(transport, "_random", lambda: 0.02)


class Api:
    """Call a method of Operations or AsyncOperations the same way from an async test body."""

    def __init__(self, ops: Operations | AsyncOperations) -> None:
        self.ops = ops
        self.is_async = isinstance(ops, AsyncOperations)

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.ops, method)(*args, **kwargs)
        if inspect.isawaitable(result):
            return await result
        return result

    async def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        iterator = getattr(self.ops, method)(*args, **kwargs)
        if hasattr(iterator, "__aiter__"):
            return [item async for item in iterator]
        return list(iterator)

    async def close(self) -> None:
        if isinstance(self.ops, AsyncOperations):
            await self.ops.aclose()
        else:
            self.ops.close()


def make(mode: str, **options: Any) -> Api:
    cls = AsyncOperations if mode == "async" else Operations
    return Api(cls(**options))


def gemini_options(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {"api_key": emu.api_key, "base_url": emu.url, **extra}


def vertex_options(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {
        "vertex_ai": True,
        "project": "p1",
        "location": "us-central1",
        "credentials": Credentials(token=emu.vertex_token),
        "base_url": emu.url,
        **extra,
    }


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
