"""Fixtures: the shared emulator of the test plugin, with this suite's key."""

from __future__ import annotations

from typing import Any

import pytest

from gemini_ops.testing import Emulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {"api_key": "webhooks-test-key"}


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    return emulator
