"""One test body for Operations and AsyncOperations, and client options for the emulator."""

from __future__ import annotations

import inspect
from typing import Any

from google.oauth2.credentials import Credentials

from gemini_ops import AsyncOperations, Operations
from gemini_ops.testing import Emulator


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
