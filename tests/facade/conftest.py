"""Fixtures: the emulator over loopback, and one test body for Operations and AsyncOperations."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from dual import Api, gemini_options, make, vertex_options

from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The plugin's shared emulator (gemini_ops.testing), reset before each test."""
    return emulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def gemini(emu: Emulator, mode: str) -> AsyncIterator[Api]:
    api = make(mode, **gemini_options(emu, max_retries=2))
    yield api
    await api.close()


@pytest.fixture
async def vertex(emu: Emulator, mode: str) -> AsyncIterator[Api]:
    api = make(mode, **vertex_options(emu, max_retries=2))
    yield api
    await api.close()
