"""Fixtures of the reliability suite: the plugin's emulator with secrets to hunt for, and one body
for sync and async."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gemini_ops._core import timing
from gemini_ops.testing import Emulator

SECRET_KEY = "AIzaSyRELIABILITY-secret-key-9f3c1e"
SECRET_TOKEN = "ya29.RELIABILITY-secret-token-47b2d8"
VERTEX_LOCATION = "projects/p1/locations/us-central1"


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    """The shared emulator (gemini_ops.testing) accepts credentials easy to spot in output."""
    return {"api_key": SECRET_KEY, "vertex_token": SECRET_TOKEN}


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The plugin's emulator for this suite, reset before each test."""
    return emulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fast_backoff() -> Iterator[None]:
    """Make the transport's full-jitter backoff short and fixed (2 % of its ceiling).

    Server hints (RetryInfo, Retry-After) are still honoured as minimum waits.
    """
    with timing.override(random=lambda: 0.02):
        yield


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
