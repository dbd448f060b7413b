"""Fixtures of the reliability suite: an emulator of its own, and one body for sync and async."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
    import gemini_ops._http.retry as transport

    monkeypatch.setattr(transport, "_random", lambda: 0.02)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
