"""The shipped pytest plugin: a module that overrides ``emulator_options`` gets its own emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gemini_ops.testing import Emulator

KEY = "plugin-options-key"
seen: list[Emulator] = []


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {"api_key": KEY, "vertex_token": "plugin-options-token"}


@pytest.mark.parametrize("attempt", [1, 2])
def test_the_options_build_one_shared_emulator_reset_per_test(
    emulator: Emulator, attempt: int
) -> None:
    assert (emulator.api_key, emulator.vertex_token) == (KEY, "plugin-options-token")
    assert emulator.state.operations() == []  # reset before each test
    emulator.create_operation(f"batches/b{attempt}", duration=0)
    answer = httpx.get(f"{emulator.url}/v1beta/batches/b{attempt}", headers={"x-goog-api-key": KEY})
    assert answer.status_code == 200
    seen.append(emulator)
    assert all(emu is emulator for emu in seen)  # the same server for the same options
