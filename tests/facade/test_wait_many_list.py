"""wait_many's list-based detection against the emulator, sync and async, counted on its log."""

from __future__ import annotations

from typing import Any

import pytest
from dual import Api

from gemini_ops import GeminiOpsError, NotFoundError, Operation
from gemini_ops.testing import Emulator

from .conftest import VERTEX

pytestmark = pytest.mark.anyio


def _name(item: Operation | GeminiOpsError) -> str:
    return item.name if isinstance(item, Operation) else str(item.operation_name)


def _requests(emu: Emulator) -> list[dict[str, Any]]:
    return [r for r in emu.requests() if r["status"] is not None]


async def _warm(api: Api, emu: Emulator, name: str = "batches/warm-up") -> None:
    """Build the client's connection first, so that operations' durations count from now."""
    emu.create_operation(name, duration=0)
    await api("get", name)
    emu.reset()


def _lists(emu: Emulator, path: str) -> list[dict[str, Any]]:
    return [r for r in _requests(emu) if r["method"] == "GET" and r["path"].endswith(path)]


async def test_list_detection_yields_every_operation_exactly_once(
    gemini: Api, emu: Emulator
) -> None:
    names = [f"batches/b{i}" for i in range(30)]
    for i, name in enumerate(names):
        emu.create_operation(name, duration=0.01 * i)
    for i in range(15):  # not waited for, under the same parent
        emu.create_operation(f"batches/other{i}", duration=None)
    seen = await gemini.collect("wait_many", names, poll_interval=0.05, timeout=30, detect="list")
    assert sorted(op.name for op in seen) == sorted(names)
    assert all(op.done for op in seen)
    lists = _lists(emu, "/v1beta/batches")
    assert lists
    assert all("pageSize=1000" in r["query"] and "filter" not in r["query"] for r in lists)
    # Each one was seen done in a page: no GET of any of them.
    assert not [r for r in _requests(emu) if r["path"].startswith("/v1beta/batches/")]


async def test_auto_sends_fewer_requests_than_polling(gemini: Api, emu: Emulator) -> None:
    counts = {}
    for detect in ("poll", "auto"):
        await _warm(gemini, emu)
        names = [f"batches/{detect}{i}" for i in range(40)]
        for i, name in enumerate(names):
            emu.create_operation(name, duration=0.1 + 0.6 * i / len(names))
        seen = await gemini.collect(
            "wait_many", names, poll_interval=0.1, timeout=30, detect=detect
        )
        assert sorted(op.name for op in seen) == sorted(names)
        counts[detect] = len(_requests(emu))
    # Polling costs up to 40 GETs per 0.1 s until they end; listing one page per round.
    assert counts["auto"] * 5 <= counts["poll"], counts


async def test_an_operation_the_list_does_not_show_is_fetched_with_a_get(
    gemini: Api, emu: Emulator
) -> None:
    names = [f"batches/b{i}" for i in range(12)]
    for name in names:
        emu.create_operation(name, duration=0.2)
    emu.create_operation("batches/deleted", duration=None)
    waited = [*names, "batches/deleted", "batches/never-existed"]

    async def delete_soon() -> None:
        # Shown running by the first round, gone from the next one: then a GET says 404.
        await gemini("delete", "batches/deleted")

    iterator = gemini.ops.wait_many(
        waited, poll_interval=0.05, timeout=30, detect="list", return_exceptions=True
    )
    seen: list[Operation | GeminiOpsError] = []
    if gemini.is_async:
        async for item in iterator:  # type: ignore[union-attr]
            if not seen:
                await delete_soon()
            seen.append(item)
    else:
        for item in iterator:  # type: ignore[union-attr]
            if not seen:
                await delete_soon()
            seen.append(item)
    assert sorted(map(_name, seen)) == sorted(waited)
    errors = {_name(item): item for item in seen if not isinstance(item, Operation)}
    assert sorted(errors) == ["batches/deleted", "batches/never-existed"]
    assert all(isinstance(error, NotFoundError) for error in errors.values())
    gets = [r["path"] for r in _requests(emu) if r["method"] == "GET" and "/batches/" in r["path"]]
    assert sorted(gets) == ["/v1beta/batches/deleted", "/v1beta/batches/never-existed"]


async def test_vertex_lists_running_operations_and_gets_each_finished_one_once(
    vertex: Api, emu: Emulator
) -> None:
    await _warm(vertex, emu, f"{VERTEX}/operations/warm-up")
    names = [f"{VERTEX}/operations/o{i}" for i in range(12)]
    for i, name in enumerate(names):
        emu.create_operation(name, duration=0.1 + 0.02 * i)
    seen = await vertex.collect("wait_many", names, poll_interval=0.05, timeout=30, detect="list")
    assert sorted(op.name for op in seen) == sorted(names)
    lists = _lists(emu, f"/v1/{VERTEX}/operations")
    assert lists
    assert all("filter=done%3Dfalse" in r["query"] for r in lists)
    for name in names:
        # Once, after it left the list (a :wait, Vertex's poll, answers a done one at once).
        paths = {f"/v1/{name}", f"/v1/{name}:wait"}
        assert len([r for r in _requests(emu) if r["path"] in paths]) == 1


@pytest.mark.parametrize(
    "fault",
    [{"status": 403}, {"status": 501}, {"repeat_page_token": True, "times": 2}],
    ids=["403", "501", "repeated-token"],
)
async def test_a_list_error_falls_back_to_polling_and_loses_nothing(
    gemini: Api, emu: Emulator, fault: dict[str, Any]
) -> None:
    await _warm(gemini, emu)
    names = [f"batches/b{i}" for i in range(12)]
    for i, name in enumerate(names):
        emu.create_operation(name, duration=0.3 + 0.02 * i)
    emu.inject_fault(path=r"/batches$", method="GET", **fault)
    # A page never shows the ghost, so a round follows every page token.
    waited = [*names, "batches/ghost"]
    seen = await gemini.collect(
        "wait_many", waited, poll_interval=0.05, timeout=30, detect="list", return_exceptions=True
    )
    assert sorted(map(_name, seen)) == sorted(waited)
    outcomes = {_name(item): item for item in seen}
    assert isinstance(outcomes.pop("batches/ghost"), NotFoundError)
    assert all(isinstance(item, Operation) and item.done for item in outcomes.values())
    assert len(_lists(emu, "/v1beta/batches")) == (2 if "repeat_page_token" in fault else 1)
    for name in names:
        assert [r for r in _requests(emu) if r["path"] == f"/v1beta/{name}"]


async def test_a_bad_detect_is_refused(gemini: Api) -> None:
    with pytest.raises(ValueError, match="detect must be one of"):
        await gemini.collect("wait_many", ["batches/b1"], detect="lists")
