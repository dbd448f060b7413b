"""Gemini API `v1` top-level operations: `DELETE /v1/{name=operations/**}`, names of any depth.

Google's REST binding (google-ai-generativelanguage's generated transport, the same annotations
its discovery document is built from) takes every segment after `operations/`: the facade sends
them as path segments, never with `/` percent-encoded, and the emulator serves the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from dual import Api, gemini_options, make
from google.ai.generativelanguage_v1.services.model_service.transports.rest_base import (
    _BaseModelServiceRestTransport as GoogleTransport,
)

from gemini_ops import (
    AsyncOperations,
    InvalidNameError,
    NotFoundError,
    Operations,
    UnsupportedMethodError,
)
from gemini_ops.testing import Emulator

NAMES = ["operations/op1", "operations/a/b", "operations/generate-1/x-y.z/3~4"]

pytestmark = pytest.mark.anyio


def test_google_binds_every_segment_below_operations() -> None:
    rules = GoogleTransport._BaseDeleteOperation._get_http_options()  # type: ignore[no-untyped-call]
    assert {"method": "delete", "uri": "/v1/{name=operations/**}"} in rules


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


@pytest.mark.parametrize("name", NAMES)
async def test_the_request_keeps_the_slashes(mode: str, name: str) -> None:
    recorder = Recorder()
    options: dict[str, Any] = {"api_key": "k", "base_url": "http://mock.test", "max_retries": 0}
    if mode == "async":
        async with AsyncOperations(
            **options, http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        ) as aops:
            await aops.delete(name)
    else:
        with Operations(
            **options, http_client=httpx.Client(transport=httpx.MockTransport(recorder))
        ) as ops:
            ops.delete(name)
    [request] = recorder.requests
    assert (request.method, request.url.raw_path.decode()) == ("DELETE", f"/v1/{name}")


@pytest.fixture
async def gemini_v1beta(emulator: Emulator, mode: str) -> AsyncIterator[Api]:
    # The configured version is v1beta: the facade switches to v1, the only one serving it.
    api = make(mode, **gemini_options(emulator, max_retries=0))
    yield api
    await api.close()


async def test_the_emulator_serves_it(gemini_v1beta: Api, emulator: Emulator) -> None:
    for name in NAMES:
        emulator.create_operation(name, duration=None)
    for name in NAMES:
        await gemini_v1beta("delete", name)
    assert [(r["method"], r["path"], r["status"]) for r in emulator.requests()] == [
        ("DELETE", f"/v1/{name}", 200) for name in NAMES
    ]
    with pytest.raises(NotFoundError):
        await gemini_v1beta("delete", NAMES[-1])
    assert emulator.state.operations() == []


@pytest.mark.parametrize("bad", ["operations/a//b", "operations/a/../b", "operations/a/b%2Fc"])
def test_each_segment_is_still_checked(bad: str) -> None:
    ops = Operations(api_key="k", base_url="http://mock.test")
    with ops, pytest.raises(InvalidNameError):
        ops.delete(bad)


def test_only_delete_is_served(emulator: Emulator) -> None:
    with Operations(**gemini_options(emulator)) as ops:
        for method in ("get", "cancel"):
            with pytest.raises(UnsupportedMethodError):
                getattr(ops, method)("operations/a/b")
    assert emulator.requests() == []
