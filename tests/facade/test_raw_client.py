"""Raw generated clients borrow the facade's connections; they can neither close nor change them."""

from __future__ import annotations

import httpx
import pytest

from gemini_ops import AsyncOperations, Operations
from gemini_ops.testing import Emulator

pytestmark = pytest.mark.anyio


def test_closing_a_raw_client_leaves_the_facade_open(emu: Emulator) -> None:
    from gemini_ops_api.api.gemini import get_batch

    emu.create_operation("batches/rc1", duration=None)
    with Operations(api_key=emu.api_key, base_url=emu.url) as ops:
        ops.get("batches/rc1")  # the facade's client exists before the raw one is made
        with ops.raw_client() as raw:  # the generated client's documented usage
            parsed = get_batch.sync(batch="rc1", client=raw)
            assert parsed is not None
        assert ops.get("batches/rc1").name == "batches/rc1"
        with ops.raw_client() as raw:  # and a second raw client still works
            assert get_batch.sync(batch="rc1", client=raw) is not None


async def test_closing_an_async_raw_client_leaves_the_facade_open(emu: Emulator) -> None:
    from gemini_ops_api.api.gemini import get_batch

    emu.create_operation("batches/rc2", duration=None)
    async with AsyncOperations(api_key=emu.api_key, base_url=emu.url) as ops:
        await ops.get("batches/rc2")
        async with ops.raw_client() as raw:
            assert await get_batch.asyncio(batch="rc2", client=raw) is not None
        assert (await ops.get("batches/rc2")).name == "batches/rc2"


def test_raw_headers_do_not_reach_later_facade_requests(emu: Emulator) -> None:
    from gemini_ops_api.api.gemini import get_batch

    emu.create_operation("batches/rc3", duration=None)
    seen: list[httpx.Headers] = []
    with httpx.Client(event_hooks={"request": [lambda r: seen.append(r.headers)]}) as mine:
        ops = Operations(api_key=emu.api_key, base_url=emu.url, http_client=mine)
        raw = ops.raw_client()
        # with_headers() updates the httpx client `raw` holds (and returns a copy without it).
        raw.with_headers({"x-raw-only": "1"})
        assert get_batch.sync(batch="rc3", client=raw) is not None
        assert seen[-1].get("x-raw-only") == "1"  # the raw client does send its header
        ops.get("batches/rc3")
        assert "x-raw-only" not in seen[-1]
        assert "x-raw-only" not in mine.headers
        ops.close()
