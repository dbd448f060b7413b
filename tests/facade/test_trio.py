"""AsyncOperations runs on anyio alone: get, wait and wait_many work under trio too."""

from __future__ import annotations

import contextlib
import threading
import time

import anyio
import pytest
from dual import gemini_options, vertex_options

from gemini_ops import AsyncOperations, Notifications
from gemini_ops.testing import Emulator

from .conftest import VERTEX

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


@pytest.mark.parametrize("detect", ["poll", "list"])
async def test_wait_many_on_trio(emu: Emulator, detect: str) -> None:
    names = [f"batches/t{i}" for i in range(12)]
    for i, name in enumerate(names):
        emu.create_operation(name, duration=0.01 * i)
    async with AsyncOperations(**gemini_options(emu)) as ops:
        fleet = ops.wait_many(names, poll_interval=0.02, timeout=10, detect=detect)  # type: ignore[call-overload]
        seen = [op.name async for op in fleet]
    assert sorted(seen) == sorted(names)
    lists = [r for r in emu.requests() if r["path"] == "/v1beta/batches"]
    assert bool(lists) == (detect == "list")


@pytest.mark.parametrize("publisher", ["thread", "task"])
async def test_wait_many_with_notifications_on_trio(emu: Emulator, publisher: str) -> None:
    emu.create_operation("batches/hinted", duration=None)
    hub = Notifications()

    def finish() -> None:
        emu.complete("batches/hinted")
        hub.publish("batches/hinted")

    async def finish_soon() -> None:
        await anyio.sleep(0.2)
        finish()

    started = time.monotonic()
    async with AsyncOperations(**gemini_options(emu)) as ops, anyio.create_task_group() as tg:
        if publisher == "thread":
            threading.Timer(0.2, finish).start()
        else:
            tg.start_soon(finish_soon)
        fleet = ops.wait_many(["batches/hinted"], poll_interval=30, timeout=10, notifications=hub)
        seen = [op async for op in fleet]
    assert [op.name for op in seen] == ["batches/hinted"]
    assert time.monotonic() - started < 5  # woken by the publication, not the 30 s interval


@pytest.mark.parametrize(
    ("anyio_backend", "close"),
    # trio wants an async generator closed, not dropped: it warns (ResourceWarning) otherwise.
    [("asyncio", "aclosing"), ("asyncio", "dropped"), ("trio", "aclosing")],
)
async def test_stopping_early_ends_the_requests_in_flight(
    emu: Emulator, anyio_backend: str, close: str
) -> None:
    quick, slow = f"{VERTEX}/operations/quick", f"{VERTEX}/operations/slow"
    emu.create_operation(quick, duration=0)
    emu.create_operation(slow, duration=None)
    async with AsyncOperations(**vertex_options(emu)) as ops:
        # The slow one's :wait holds for up to the 20 s interval unless the client gives it up.
        fleet = ops.wait_many([quick, slow], poll_interval=20, timeout=60, detect="poll")
        if close == "aclosing":
            async with contextlib.aclosing(fleet) as stream:
                async for _op in stream:
                    break
        else:
            async for _op in fleet:
                break
            del fleet  # nothing refers to it now: collected, then closed by the event loop
        stopped = time.monotonic()
        slow_wait = f"/v1/{slow}:wait"
        while not [r for r in emu.requests() if r["path"] == slow_wait and r["status"]]:
            assert time.monotonic() - stopped < 5, "the :wait in flight was not given up"
            await anyio.sleep(0.05)
        count = len(emu.requests())
        await anyio.sleep(0.3)
        assert len(emu.requests()) == count  # and nothing polls any more
