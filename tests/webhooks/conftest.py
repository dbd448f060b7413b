"""Fixtures: an emulator per test, and a webhook receiver served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gemini_ops.testing import Emulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_key="webhooks-test-key") as emulator:
        yield emulator
