"""The CLI suites' emulator: the shipped plugin's shared one (gemini_ops.testing), with
credentials that are easy to spot if any output ever leaks them."""

from __future__ import annotations

from typing import Any

import pytest

from gemini_ops.testing import Emulator

SECRET_KEY = "sk-test-7f3a9c-never-print-me"
VERTEX_TOKEN = "ya29.test-token-never-print-me"


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {"api_key": SECRET_KEY, "vertex_token": VERTEX_TOKEN}


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The plugin's emulator, reset before each test."""
    return emulator
