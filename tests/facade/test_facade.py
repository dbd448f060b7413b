"""Operations and AsyncOperations against the emulator over loopback HTTP, one body for both."""

from __future__ import annotations

import logging
import time

import pytest
from dual import Api, gemini_options, make, vertex_options

from gemini_ops import (
    CredentialsError,
    InvalidArgumentError,
    InvalidNameError,
    InvalidResponseError,
    NotFoundError,
    Operation,
    OperationFailedError,
    OperationNotDoneError,
    PaginationError,
    RateLimitError,
    RequestCancelledError,
    ServiceUnavailableError,
    TransportError,
    UnsupportedMethodError,
    WaitTimeoutError,
)
from gemini_ops.testing import Emulator

from .conftest import VERTEX

pytestmark = pytest.mark.anyio

GEMINI_NAMES = [
    "tunedModels/tm1/operations/op1",
    "models/veo-3.0-generate-001/operations/op1",
    "batches/b1",
    "corpora/c1/operations/op1",
    "generatedFiles/g1/operations/op1",
    "fileSearchStores/s1/operations/op1",
    "fileSearchStores/s1/upload/operations/op1",
]
VERTEX_NAMES = {
    f"{VERTEX}/operations/op1": f"/v1/{VERTEX}/operations/op1",
    f"{VERTEX}/endpoints/e1/operations/op1": f"/v1/{VERTEX}/endpoints/e1/operations/op1",
    f"{VERTEX}/tuningJobs/t1/operations/op1": f"/v1/{VERTEX}/tuningJobs/t1/operations/op1",
    f"{VERTEX}/publishers/google/models/veo-3.0/operations/op1": (
        f"/v1/{VERTEX}/publishers/google/models/veo-3.0:fetchPredictOperation"
    ),
}


def paths(emu: Emulator) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in emu.requests()]


@pytest.mark.parametrize("name", GEMINI_NAMES)
async def test_get_every_gemini_family(gemini: Api, emu: Emulator, name: str) -> None:
    emu.create_operation(name, duration=None)
    op = await gemini("get", name)
    assert isinstance(op, Operation)
    assert op.name == name
    assert op.running
    assert not op.done
    assert paths(emu) == [f"GET /v1beta/{name}"]


@pytest.mark.parametrize("name", sorted(VERTEX_NAMES))
async def test_get_every_vertex_family(vertex: Api, emu: Emulator, name: str) -> None:
    emu.create_operation(name, duration=None)
    op = await vertex("get", name)
    assert op.name == name
    method = "POST" if name.rsplit("/operations/", 1)[0].count("/publishers/") else "GET"
    assert paths(emu) == [f"{method} {VERTEX_NAMES[name]}"]


async def test_an_operation_object_is_accepted_everywhere(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    op = await gemini("get", "batches/b1")
    again = await gemini("get", op)
    assert again.name == "batches/b1"
    await gemini("cancel", op)
    await gemini("delete", op)


async def test_lifecycle_running_to_done(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("models/veo-3.0-generate-001/operations/v1", duration=0.3)
    first = await gemini("get", "models/veo-3.0-generate-001/operations/v1")
    assert first.running
    assert "done" not in first.to_dict()
    with pytest.raises(OperationNotDoneError):
        first.result()
    seen: list[Operation] = []
    done = await gemini("wait", first, poll_interval=0.05, timeout=10, on_progress=seen.append)
    assert done.succeeded
    assert done.progress == 100.0
    assert done.response_type == "PredictLongRunningResponse"
    assert seen[-1] is done
    result = done.result()
    assert result is not None
    assert "generateVideoResponse" in result
    typed = done.typed_response()
    assert typed.generate_video_response.generated_samples[0].video.uri


async def test_cancel_then_cancelled(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    assert await gemini("cancel", "batches/b1") is None
    done = await gemini("wait", "batches/b1", poll_interval=0.05, timeout=10)
    assert done.cancelled
    assert done.failed
    assert not done.succeeded
    assert done.error is not None
    assert done.error.code == 1
    assert done.error.status == "CANCELLED"
    with pytest.raises(OperationFailedError) as excinfo:
        done.result()
    assert excinfo.value.operation is done


async def test_delete_then_not_found(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0)
    assert await gemini("delete", "batches/b1") is None
    with pytest.raises(NotFoundError) as excinfo:
        await gemini("get", "batches/b1")
    assert excinfo.value.http_status == 404
    assert excinfo.value.status == "NOT_FOUND"


async def test_failed_operation_carries_its_error(gemini: Api, emu: Emulator) -> None:
    emu.create_operation(
        "batches/bad", duration=0, error={"code": 13, "message": "the batch input is corrupt"}
    )
    done = await gemini("wait", "batches/bad", poll_interval=0.05, timeout=5)
    assert done.failed
    assert not done.cancelled
    assert done.error is not None
    assert (done.error.code, done.error.status) == (13, "INTERNAL")
    assert "corrupt" in done.error.message


async def test_tuning_cancel_goes_to_v1(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("tunedModels/tm1/operations/op1", duration=None)
    await gemini("cancel", "tunedModels/tm1/operations/op1")
    assert paths(emu) == ["POST /v1/tunedModels/tm1/operations/op1:cancel"]


async def test_unsupported_methods_fail_before_any_request(gemini: Api, emu: Emulator) -> None:
    with pytest.raises(UnsupportedMethodError, match="cancel"):
        await gemini("cancel", "models/veo/operations/o1")
    with pytest.raises(UnsupportedMethodError, match="delete"):
        await gemini("delete", "corpora/c/operations/o1")
    with pytest.raises(UnsupportedMethodError, match="get"):
        await gemini("get", "operations/o1")
    assert emu.requests() == []


async def test_invalid_names_fail_before_any_request(gemini: Api, emu: Emulator) -> None:
    for bad in ["models/x/../../secret", "batches/a?b", "https://evil.example/batches/1"]:
        with pytest.raises(InvalidNameError):
            await gemini("get", bad)
    assert emu.requests() == []


async def test_vertex_name_with_gemini_auth_is_refused(gemini: Api) -> None:
    with pytest.raises(ValueError, match="vertex_ai"):
        await gemini("get", f"{VERTEX}/operations/o1", auth="gemini")
    with pytest.raises(ValueError, match="auth must be"):
        await gemini("get", "batches/b1", auth="openai")


async def test_vertex_lifecycle_with_long_poll(vertex: Api, emu: Emulator) -> None:
    name = f"{VERTEX}/endpoints/e1/operations/op9"
    emu.create_operation(name, duration=0.4)
    started = time.monotonic()
    done = await vertex("wait", name, poll_interval=5.0, timeout=10)
    elapsed = time.monotonic() - started
    assert done.succeeded
    # :wait answered as soon as the operation finished, not at the next 5 s poll.
    assert elapsed < 3.0
    requests = paths(emu)
    assert all(":wait" in p for p in requests)
    assert len(requests) <= 2
    await vertex("cancel", name)
    await vertex("delete", name)
    with pytest.raises(NotFoundError):
        await vertex("get", name)


async def test_vertex_tuning_job_long_polls_in_v1(vertex: Api, emu: Emulator) -> None:
    name = f"{VERTEX}/tuningJobs/t1/operations/op1"
    emu.create_operation(name, duration=0.2)
    done = await vertex("wait", name, poll_interval=0.05, timeout=5)
    assert done.done
    assert paths(emu)
    assert all(
        p.startswith(f"POST /v1/{VERTEX}/tuningJobs/t1/operations/op1:wait") for p in paths(emu)
    )
    await vertex("delete", name)
    assert paths(emu)[-1] == f"DELETE /v1/{VERTEX}/tuningJobs/t1/operations/op1"


async def test_publisher_model_wait_uses_fetch_predict(vertex: Api, emu: Emulator) -> None:
    name = f"{VERTEX}/publishers/google/models/veo-3.0/operations/op1"
    emu.create_operation(name, duration=0.2)
    done = await vertex("wait", name, poll_interval=0.05, timeout=5)
    assert done.response_type == "GenerateVideoResponse"
    assert set(paths(emu)) == {
        f"POST /v1/{VERTEX}/publishers/google/models/veo-3.0:fetchPredictOperation"
    }


async def test_list_pages_and_filters(gemini: Api, emu: Emulator) -> None:
    for i in range(5):
        emu.create_operation(f"batches/b{i}", duration=0 if i % 2 else None)
    page = await gemini("list", "batches", page_size=2)
    assert len(page.operations) == 2
    assert page.next_page_token
    everything = await gemini.collect("list_all", "batches", page_size=2)
    assert sorted(op.name for op in everything) == [f"batches/b{i}" for i in range(5)]
    finished = await gemini.collect("list_all", "batches", filter="done=true")
    assert sorted(op.name for op in finished) == ["batches/b1", "batches/b3"]
    running = await gemini.collect("list_all", "batches", filter="done=false", page_size=1)
    assert sorted(op.name for op in running) == ["batches/b0", "batches/b2", "batches/b4"]


async def test_list_all_is_lazy(gemini: Api, emu: Emulator) -> None:
    for i in range(4):
        emu.create_operation(f"batches/b{i}", duration=None)
    iterator = gemini.ops.list_all("batches", page_size=1)
    assert emu.requests() == []
    first = await iterator.__anext__() if gemini.is_async else next(iterator)
    assert first.name.startswith("batches/")
    assert len(emu.requests()) == 1
    if gemini.is_async:
        await iterator.aclose()
    else:
        iterator.close()


async def test_list_without_parent(gemini: Api, vertex: Api, emu: Emulator, mode: str) -> None:
    emu.create_operation(f"{VERTEX}/operations/o1", duration=None)
    page = await vertex("list")
    assert [op.name for op in page.operations] == [f"{VERTEX}/operations/o1"]
    with pytest.raises(ValueError, match="no top-level operations list"):
        await gemini("list")
    v1 = make(mode, **gemini_options(emu, api_version="v1"))
    try:
        emu.create_operation("operations/top1", duration=None)
        page = await v1("list")
        assert "operations/top1" in [op.name for op in page.operations]
    finally:
        await v1.close()


async def test_repeated_page_token_raises(gemini: Api, emu: Emulator) -> None:
    for i in range(3):
        emu.create_operation(f"batches/b{i}", duration=None)
    emu.inject_fault(path="/v1beta/batches$", times=5, repeat_page_token=True)
    with pytest.raises(PaginationError, match="repeated page token"):
        await gemini.collect("list_all", "batches", page_size=1)
    assert len(emu.requests()) <= 3


@pytest.mark.parametrize("page_size", [0, -1, True, 2.5])
async def test_bad_page_size(gemini: Api, page_size: object) -> None:
    with pytest.raises(ValueError, match="page_size"):
        await gemini("list", "batches", page_size=page_size)


@pytest.mark.parametrize(
    ("option", "kwargs"),
    [
        ("poll_interval", {"poll_interval": 0}),
        ("poll_interval", {"poll_interval": -1.0}),
        ("timeout", {"timeout": -5}),
    ],
)
async def test_bad_wait_options(gemini: Api, option: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=option):
        await gemini("wait", "batches/b1", **kwargs)


@pytest.mark.parametrize(
    ("option", "kwargs"),
    [
        ("multiplier", {"multiplier": 0.5}),
        ("initial_delay", {"initial_delay": 0}),
        ("max_delay", {"max_delay": -1}),
    ],
)
async def test_bad_backoff_options(gemini: Api, option: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=option):
        await gemini("wait_with_backoff", "batches/b1", **kwargs)


async def test_wait_with_backoff_finishes(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.3)
    done = await gemini(
        "wait_with_backoff", "batches/b1", initial_delay=0.05, max_delay=0.2, timeout=5
    )
    assert done.succeeded
    assert 2 <= len(emu.requests()) <= 8


async def test_wait_timeout_is_a_hard_deadline(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/slow", duration=None)
    emu.inject_fault(path="/batches/slow", times=100, delay=1.5)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as excinfo:
        await gemini("wait", "batches/slow", poll_interval=0.1, timeout=2)
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed <= 2.3
    assert isinstance(excinfo.value, TimeoutError)
    assert excinfo.value.operation is not None
    assert excinfo.value.operation.name == "batches/slow"


async def test_wait_for_ever_running_operation_times_out(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/forever", duration=None)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError):
        await gemini("wait", "batches/forever", poll_interval=0.2, timeout=0.5)
    assert time.monotonic() - started < 0.8


async def test_wait_ends_at_once_on_a_permanent_error(gemini: Api, emu: Emulator) -> None:
    started = time.monotonic()
    with pytest.raises(NotFoundError):
        await gemini("wait", "batches/missing", poll_interval=0.1, timeout=10)
    assert time.monotonic() - started < 1.0
    assert paths(emu).count("GET /v1beta/batches/missing") == 1


async def test_wait_polls_through_transient_failures(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=0.2)
    emu.inject_fault(path="/batches/b1", times=4, status=503)
    emu.inject_fault(path="/batches/b1", times=1, body="html", status=502)
    done = await gemini("wait", "batches/b1", poll_interval=0.05, timeout=20)
    assert done.succeeded


async def test_retry_hint_longer_than_the_deadline_ends_the_wait(
    gemini: Api, emu: Emulator
) -> None:
    emu.create_operation("batches/b1", duration=None)
    emu.inject_fault(path="/batches/b1", times=10, status=429, retry_delay="30s")
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="asked to wait"):
        await gemini("wait", "batches/b1", poll_interval=0.1, timeout=3)
    assert time.monotonic() - started < 1.0


async def test_rate_limit_with_retry_info_recovers(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)
    emu.inject_fault(path="/batches/b1", times=2, status=429, retry_delay="0.2s")
    started = time.monotonic()
    op = await gemini("get", "batches/b1")
    assert op.name == "batches/b1"
    assert time.monotonic() - started >= 0.4  # the hint is a minimum wait
    assert [r["status"] for r in emu.requests()] == [429, 429, 200]


async def test_rate_limit_exhausts_retries(emu: Emulator, mode: str) -> None:
    api = make(mode, **gemini_options(emu, max_retries=1))
    try:
        emu.inject_fault(path="/batches/b1", times=5, status=429, retry_delay="0.05s")
        with pytest.raises(RateLimitError) as excinfo:
            await api("get", "batches/b1")
        assert excinfo.value.retry_delay == pytest.approx(0.05)
        assert len(emu.requests()) == 2
    finally:
        await api.close()


@pytest.mark.parametrize(
    "fault",
    [
        {"drop": True},
        {"body": "html", "status": 502},
        {"status": 503},
        {"body": "empty", "status": 504},
    ],
)
async def test_transient_faults_recover(
    gemini: Api, emu: Emulator, fault: dict[str, object]
) -> None:
    emu.create_operation("batches/b1", duration=None)
    emu.inject_fault(path="/batches/b1", times=1, **fault)  # type: ignore[arg-type]
    op = await gemini("get", "batches/b1")
    assert op.name == "batches/b1"


async def test_faults_without_retries_raise_typed_errors(emu: Emulator, mode: str) -> None:
    api = make(mode, **gemini_options(emu, max_retries=0))
    try:
        emu.create_operation("batches/b1", duration=None)
        emu.inject_fault(path="/batches/b1", times=1, body="html", status=502)
        with pytest.raises(ServiceUnavailableError, match="non-JSON"):
            await api("get", "batches/b1")
        emu.inject_fault(path="/batches/b1", times=1, drop=True)
        with pytest.raises(TransportError):
            await api("get", "batches/b1")
        emu.inject_fault(path="/batches/b1", times=1, body="garbage")
        with pytest.raises(InvalidResponseError):
            await api("get", "batches/b1")
        emu.inject_fault(path="/batches/b1", times=1, body="truncated")
        with pytest.raises(InvalidResponseError):
            await api("get", "batches/b1")
    finally:
        await api.close()


async def test_wrong_key_is_a_typed_error(emu: Emulator, mode: str) -> None:
    api = make(mode, api_key="wrong-key", base_url=emu.url)
    try:
        with pytest.raises(InvalidArgumentError) as excinfo:
            await api("get", "batches/b1")
        assert "wrong-key" not in str(excinfo.value)
        assert excinfo.value.http_status == 400
        assert excinfo.value.reason == "API_KEY_INVALID"
        # The message says what to fix.
        assert "check the key" in str(excinfo.value)
        assert "GEMINI_API_KEY" in str(excinfo.value)
    finally:
        await api.close()


async def test_wrong_vertex_token(emu: Emulator, mode: str) -> None:
    from google.oauth2.credentials import Credentials

    api = make(mode, **vertex_options(emu, credentials=Credentials(token="stale")))
    try:
        # The 401 forces one refresh, which a bare token cannot do.
        with pytest.raises(CredentialsError, match="could not refresh"):
            await api("get", f"{VERTEX}/operations/o1")
        assert [r["status"] for r in emu.requests()] == [401]
    finally:
        await api.close()


async def test_wait_many_yields_in_finishing_order(gemini: Api, emu: Emulator) -> None:
    # Far enough apart that a loaded machine cannot swap them (polls every 0.05 s).
    emu.create_operation("batches/slow", duration=1.4)
    emu.create_operation("batches/fast", duration=0.1)
    emu.create_operation("models/veo/operations/mid", duration=0.7)
    names = ["batches/slow", "batches/fast", "models/veo/operations/mid"]
    seen = await gemini.collect("wait_many", names, poll_interval=0.05, timeout=10)
    assert [op.name for op in seen] == ["batches/fast", "models/veo/operations/mid", "batches/slow"]
    assert all(op.done for op in seen)


async def test_wait_many_times_out(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/fast", duration=0.05)
    emu.create_operation("batches/never", duration=None)
    got: list[Operation] = []

    async def collect() -> None:
        iterator = gemini.ops.wait_many(
            ["batches/never", "batches/fast"], poll_interval=0.05, timeout=0.6
        )
        if gemini.is_async:
            async for op in iterator:
                got.append(op)
        else:
            got.extend(iterator)

    with pytest.raises(WaitTimeoutError):
        await collect()
    assert [op.name for op in got] == ["batches/fast"]


async def test_on_progress_exception_propagates(gemini: Api, emu: Emulator) -> None:
    emu.create_operation("batches/b1", duration=None)

    def boom(op: Operation) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        await gemini("wait", "batches/b1", poll_interval=0.05, on_progress=boom)


async def test_raw_client_shares_auth_retries_and_errors(gemini: Api, emu: Emulator) -> None:
    from gemini_ops_api.api.gemini import get_batch
    from gemini_ops_api.models import Operation as RawOperation

    emu.create_operation("batches/raw1", duration=None)
    emu.inject_fault(path="/batches/raw1", times=1, status=503)
    raw = gemini.ops.raw_client()

    async def raw_get(batch: str) -> object:
        if gemini.is_async:
            return await get_batch.asyncio(batch=batch, client=raw)
        return get_batch.sync(batch=batch, client=raw)

    parsed = await raw_get("raw1")
    assert isinstance(parsed, RawOperation)
    assert parsed.name == "batches/raw1"
    emu.inject_fault(path="/batches/raw1", times=1, status=499)
    with pytest.raises(RequestCancelledError):  # the generated code alone crashes on 499
        await raw_get("raw1")
    with pytest.raises(NotFoundError):
        await raw_get("nope")


async def test_api_key_never_leaks(
    emu: Emulator, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = "SECRET-KEY-5a9f"
    api = make(mode, api_key=key, base_url=emu.url, max_retries=1)
    caplog.set_level(logging.DEBUG)
    texts: list[str] = [repr(api.ops), str(api.ops.settings)]
    try:
        emu.inject_fault(path="/batches/b1", times=1, status=503)
        for call in [
            ("get", "batches/b1"),
            ("cancel", "batches/b1"),
            ("delete", "batches/b1"),
            ("list", "batches"),
        ]:
            try:
                await api(*call)
            except Exception as exc:  # every failure's text is checked below
                texts.extend([str(exc), repr(exc)])
    finally:
        await api.close()
    texts.extend(record.getMessage() for record in caplog.records)
    texts.extend(f"{r['path']}?{r['query']}" for r in emu.requests())
    assert any("batches" in t for t in texts)
    for text in texts:
        assert key not in text


async def test_instant_sleeps_skip_poll_intervals_and_retry_waits(
    gemini: Api, emu: Emulator
) -> None:
    from gemini_ops.testing import instant_sleeps

    emu.create_operation("batches/b1", duration=0.3)
    emu.inject_fault(path="/batches/b1", times=2, status=429, retry_delay="10s")
    started = time.monotonic()
    with instant_sleeps():
        done = await gemini("wait", "batches/b1", poll_interval=30.0, timeout=20)
    assert done.succeeded
    assert time.monotonic() - started < 5.0  # neither the 30 s interval nor the 10 s hint


async def test_one_client_shared_by_many_threads_or_tasks(gemini: Api, emu: Emulator) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    names = [f"batches/shared{i}" for i in range(40)]
    for name in names:
        emu.create_operation(name, duration=None)
    if gemini.is_async:
        ops = gemini.ops
        got = await asyncio.gather(*(ops.get(name) for name in names))  # type: ignore[misc]
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(gemini.ops.get, names))  # type: ignore[arg-type]
    assert [op.name for op in got] == names
    assert len(emu.requests()) == len(names)
