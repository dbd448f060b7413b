"""AsyncOperations runs on anyio alone, so trio users get every async method."""

from __future__ import annotations

import contextlib

import pytest

from gemini_ops import AsyncOperations, WaitTimeoutError
from gemini_ops.testing import Emulator

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "trio"


async def test_get_wait_and_wait_many_on_trio(emu: Emulator) -> None:
    emu.create_operation("batches/t1", duration=0.05)
    emu.create_operation("batches/t2", duration=None)
    emu.create_operation("batches/t3", duration=0.1)
    async with AsyncOperations(api_key=emu.api_key, base_url=emu.url) as ops:
        assert (await ops.get("batches/t1")).name == "batches/t1"
        done = await ops.wait("batches/t1", poll_interval=0.02, timeout=10)
        assert done.done
        names = ["batches/t2", "batches/t3"]
        seen: list[str] = []
        async for op in ops.wait_many(names, poll_interval=0.02, timeout=10):
            seen.append(op.name)
            if op.name == "batches/t3":
                emu.complete("batches/t2")  # ends only once t3 is seen: the order is certain
        assert seen == ["batches/t3", "batches/t2"]


async def test_wait_many_stops_early_and_times_out_on_trio(emu: Emulator) -> None:
    emu.create_operation("batches/t4", duration=0.05)
    emu.create_operation("batches/t5", duration=None)
    async with AsyncOperations(api_key=emu.api_key, base_url=emu.url) as ops:
        names = ["batches/t4", "batches/t5"]
        async with contextlib.aclosing(ops.wait_many(names, poll_interval=0.02)) as waits:
            async for op in waits:
                assert op.name == "batches/t4"
                break
        with pytest.raises(WaitTimeoutError):
            async for _ in ops.wait_many(["batches/t5"], poll_interval=0.02, timeout=0.2):
                pass
