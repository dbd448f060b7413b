"""AsyncOperations.get and wait run on anyio alone, so trio users get them."""

from __future__ import annotations

import pytest

from gemini_ops import AsyncOperations
from gemini_ops.testing import Emulator

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "trio"


async def test_get_and_wait_on_trio(emu: Emulator) -> None:
    emu.create_operation("batches/t1", duration=0.05)
    async with AsyncOperations(api_key=emu.api_key, base_url=emu.url) as ops:
        assert (await ops.get("batches/t1")).name == "batches/t1"
        done = await ops.wait("batches/t1", poll_interval=0.02, timeout=10)
        assert done.done
