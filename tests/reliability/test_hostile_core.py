"""A hostile server against the core's promises: numbers, pagination, names, shapes, locations.

Every answer is written byte for byte by `hostile.HostileServer` (never the emulator), and every
case goes through the public API, sync and async, and through the installed ``gemini-ops``
where the command line shows what the server sent:

- numbers: progress fields of 400 digits, ``1e400``, ``NaN``, ``Infinity``, negative, strings;
  ``createTime`` in year 0001, 9999, 10000, with 400 fractional digits, or garbage; caller
  durations (``poll_interval=1e10``, ``timeout=1e300``, ``inf``, ``nan``, 400-digit integers);
- pagination: fresh tokens on empty pages forever, a 64 KiB token, a caller's 64 KiB token;
- names: an answer about another operation (get, wait, Vertex ``:wait``, cancel, delete), with
  no name, or with the spellings Google may change (a project's number, a model's version);
- shapes: ``"error": {}`` on a done operation, ``"done": false`` with a ``response``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from dual import Api, make
from google.oauth2.credentials import Credentials

from gemini_ops import (
    InvalidNameError,
    InvalidResponseError,
    OperationFailedError,
    PaginationError,
    UnknownApiError,
    WaitTimeoutError,
    WrongOperationError,
)
from gemini_ops._core.pagination import MAX_EMPTY_PAGES, MAX_PAGE_TOKEN_LENGTH
from gemini_ops._core.validate import MAX_SECONDS

from .hostile import Conn, HostileServer, Request, json_response

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

KEY = "AIzaSyHOSTILE-core-key-5d1e"
TOKEN = "ya29.HOSTILE-core-token-8c2a"
VERTEX_OP = "projects/p1/locations/us-central1/operations/o1"
BIG = "1" + "0" * 400  # a 400-digit integer, as JSON text

Body = bytes | str | dict[str, Any]
Answer = Callable[[Request], Body]


def answering(*bodies: Body | Answer) -> Callable[[Request, Conn], Any]:
    """A script answering request n with ``bodies[n]`` (the last one repeated), as 200 JSON.

    A body is a dict, JSON text (to write numbers Python's json would not), or a function of
    the request.
    """
    count = 0

    async def script(request: Request, conn: Conn) -> None:
        nonlocal count
        body = bodies[min(count, len(bodies) - 1)]
        count += 1
        if callable(body):
            body = body(request)
        await conn.write(json_response(body))

    return script


@contextlib.asynccontextmanager
async def gemini(mode: str, *bodies: Body | Answer) -> AsyncIterator[tuple[Api, HostileServer]]:
    with HostileServer(answering(*bodies)) as server:
        api = make(mode, api_key=KEY, base_url=server.url, max_retries=0, timeout=5)
        try:
            yield api, server
        finally:
            await api.close()


@contextlib.asynccontextmanager
async def vertex(mode: str, *bodies: Body | Answer) -> AsyncIterator[tuple[Api, HostileServer]]:
    with HostileServer(answering(*bodies)) as server:
        api = make(
            mode,
            vertex_ai=True,
            project="p1",
            location="us-central1",
            credentials=Credentials(token=TOKEN),
            base_url=server.url,
            max_retries=0,
            timeout=5,
        )
        try:
            yield api, server
        finally:
            await api.close()


def cli(server: HostileServer, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``gemini-ops`` against ``server``."""
    script = Path(sys.executable).parent / "gemini-ops"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    return subprocess.run(
        [str(script), "--base-url", server.url, "--api-key", KEY, "--max-retries", "0", *args],
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )


def batch(metadata: str) -> str:
    """A running batches/b1 whose metadata is the JSON text ``metadata``."""
    return f'{{"name": "batches/b1", "metadata": {metadata}}}'


def finished_batch(request: Request) -> dict[str, Any]:
    return {"name": "batches/b1", "done": True, "response": {}}


# --------------------------------------------------------------------------------- numbers

GARBAGE_PROGRESS = [
    # (metadata JSON text, the progress it reads as)
    (f'{{"progressPercent": {BIG}}}', None),
    (f'{{"progressPercent": -{BIG}}}', None),
    ('{"progressPercent": 1e400}', None),
    ('{"progressPercent": NaN}', None),
    ('{"progressPercent": Infinity}', None),
    ('{"progressPercent": -Infinity}', None),
    ('{"progressPercent": "12abc"}', None),
    ('{"progressPercent": "NaN"}', None),
    ('{"progressPercent": true}', None),
    ('{"progressPercent": -5}', 0.0),
    ('{"progressPercent": 250.5}', 100.0),
    ('{"progressPercent": "42.5"}', 42.5),
    (f'{{"progressPercent": NaN, "completedPercent": {BIG}, "progress": 0.25}}', 25.0),
    (f'{{"progress": {BIG}}}', None),
    ('{"progress": 1e308}', 100.0),
    (f'{{"completedSteps": {BIG}, "totalSteps": 10}}', None),
    ('{"completedSteps": 1e308, "totalSteps": 1e-308}', 100.0),
    ('{"completedSteps": 3, "totalSteps": 0}', None),
    (f'{{"batchStats": {{"requestCount": "{BIG}", "successfulRequestCount": "1"}}}}', None),
    (
        '{"batchStats": {"requestCount": "10", "successfulRequestCount": 1e308,'
        ' "failedRequestCount": 1e308}}',
        100.0,
    ),
    ('{"batchStats": {"requestCount": "4", "successfulRequestCount": "1"}}', 25.0),
]


@pytest.mark.parametrize(("metadata", "progress"), GARBAGE_PROGRESS)
async def test_garbage_progress_reads_as_unknown_or_clamped(
    mode: str, metadata: str, progress: float | None
) -> None:
    async with gemini(mode, batch(metadata)) as (api, _):
        op = await api("get", "batches/b1")
    assert op.progress == progress
    assert "progress=" in repr(op)
    assert op.running


async def test_wait_logs_garbage_progress_at_debug(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[float | None] = []
    async with gemini(
        mode, batch(f'{{"progressPercent": {BIG}}}'), batch('{"progress": NaN}'), finished_batch
    ) as (api, server):
        with caplog.at_level(logging.DEBUG, logger="gemini_ops"):
            op = await api(
                "wait",
                "batches/b1",
                poll_interval=0.01,
                timeout=10,
                on_progress=lambda o: seen.append(o.progress),
            )
    assert op.done
    assert seen == [None, None, 100.0]
    assert len(server.requests) == 3
    assert "batches/b1: running, progress None" in caplog.text  # every record formatted


async def test_a_wait_that_times_out_on_garbage_progress_says_unknown(mode: str) -> None:
    async with gemini(mode, batch(f'{{"progressPercent": {BIG}}}')) as (api, _):
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError, match="progress unknown"):
            await api("wait", "batches/b1", poll_interval=0.05, timeout=0.3)
    assert time.monotonic() - started < 0.3 + 0.5


DURATIONS = [1e10, 1e300, float("inf"), float("-inf"), float("nan"), 10**400, -1.0, 0]


@pytest.mark.parametrize("value", DURATIONS, ids=repr)
async def test_durations_the_clock_cannot_sleep_raise_value_error(mode: str, value: Any) -> None:
    async with gemini(mode, finished_batch) as (api, server):
        with pytest.raises(ValueError, match="poll_interval must be"):
            await api("wait", "batches/b1", poll_interval=value)
        with pytest.raises(ValueError, match="timeout must be"):
            await api("wait", "batches/b1", timeout=value)
        with pytest.raises(ValueError, match="max_delay must be"):
            await api("wait_with_backoff", "batches/b1", max_delay=value)
        with pytest.raises(ValueError, match="poll_interval must be"):
            await api.collect("wait_many", ["batches/b1"], poll_interval=value)
        with pytest.raises(ValueError, match="timeout must be"):
            make(mode, api_key=KEY, base_url=server.url, timeout=value)
    assert server.requests == []  # refused before any request


async def test_a_year_is_the_longest_duration(mode: str) -> None:
    longest = MAX_SECONDS  # a year, or threading.TIMEOUT_MAX where that is less
    async with gemini(mode, finished_batch) as (api, _):
        assert (await api("wait", "batches/b1", poll_interval=longest, timeout=longest)).done
        with pytest.raises(ValueError, match=f"at most {longest:.0f} s"):
            await api("wait", "batches/b1", timeout=longest + 1)


EXTREME_TIMES = [
    # (createTime JSON value, the year of create_time, or None)
    ('"9999-12-31T23:59:59.999999999Z"', 9999),
    ('"0001-01-01T00:00:00Z"', 1),
    ('"10000-01-01T00:00:00Z"', None),
    ('"0001-01-01T00:00:00+01:00"', None),  # before year 1 in UTC
    ('"9999-12-31T23:59:59-01:00"', None),  # after year 9999 in UTC
    ('"2025-12-03T17:23:06.' + "1" * 400 + 'Z"', 2025),
    ('"2025-12-03T17:23:06Z' + "x" * 400 + '"', None),
    ('"garbage"', None),
    (BIG, None),
    ("1e400", None),
    ("NaN", None),
    ("null", None),
]


@pytest.mark.parametrize(("stamp", "year"), EXTREME_TIMES)
async def test_extreme_timestamps_read_as_a_datetime_or_none(
    mode: str, stamp: str, year: int | None
) -> None:
    gemini_op = batch(f'{{"createTime": {stamp}}}')
    vertex_op = (
        f'{{"name": "{VERTEX_OP}", "metadata": {{"genericMetadata": {{"createTime": {stamp}}}}}}}'
    )
    async with gemini(mode, gemini_op) as (api, _):
        op = await api("get", "batches/b1")
    async with vertex(mode, vertex_op) as (vapi, _):
        vop = await vapi("get", VERTEX_OP)
    for created in (op.create_time, vop.create_time):
        assert (None if created is None else created.year) == year
        assert created is None or created.utcoffset() is not None


@pytest.mark.timeout(120)
def test_the_cli_shows_hostile_numbers_and_timestamps() -> None:
    hostile = [
        f'{{"progressPercent": {BIG}, "createTime": "0001-01-01T00:00:00+01:00"}}',
        '{"progressPercent": NaN, "createTime": "9999-12-31T23:59:59-01:00"}',
        '{"progressPercent": Infinity, "createTime": "10000-01-01T00:00:00Z"}',
        '{"progressPercent": -1e400, "createTime": "2025-12-03T17:23:06.' + "9" * 400 + 'Z"}',
        '{"completedSteps": 1e308, "totalSteps": 1e-308, "createTime": "9999-12-31T23:59:59Z"}',
    ]
    for metadata in hostile:
        with HostileServer(answering(batch(metadata))) as server:
            got = cli(server, "get", "batches/b1")
        assert got.returncode == 0, (metadata, got.stderr)
        assert got.stdout.startswith("batches/b1\n"), got.stdout
        assert "unexpected" not in got.stderr
    # The last one has a progress (100 %) and a creation time.
    assert "100%" in got.stdout
    assert "9999-12-31 23:59:59 UTC" in got.stdout

    with HostileServer(
        answering(
            batch(f'{{"progressPercent": {BIG}}}'), batch('{"progress": NaN}'), finished_batch
        )
    ) as server:
        got = cli(server, "wait", "batches/b1", "--poll-interval", "0.05", "--timeout", "10")
    assert got.returncode == 0, got.stderr
    assert "succeeded" in got.stdout + got.stderr
    assert len(server.requests) == 3

    with HostileServer(answering(finished_batch)) as server:
        for option, value in [("--poll-interval", "1e10"), ("--timeout", "1e400")]:
            got = cli(server, "wait", "batches/b1", option, value)
            assert got.returncode == 2, got.stderr
            assert "is not a positive duration" in got.stderr
            assert "Traceback" not in got.stderr
        assert server.requests == []


# ------------------------------------------------------------------------------ pagination


async def test_fresh_tokens_on_empty_pages_forever_end_in_pagination_error(mode: str) -> None:
    counter = iter(range(10**9))

    def empty_page(request: Request) -> dict[str, Any]:
        return {"operations": [], "nextPageToken": f"fresh-{next(counter)}"}

    async with gemini(mode, empty_page) as (api, server):
        with pytest.raises(PaginationError, match="pages in a row without an operation"):
            await api.collect("list_all", "batches")
    assert len(server.requests) == MAX_EMPTY_PAGES


async def test_an_empty_page_now_and_then_is_followed(mode: str) -> None:
    pages = iter(range(10**9))

    def page(request: Request) -> dict[str, Any]:
        n = next(pages)
        if n == 3 * MAX_EMPTY_PAGES:
            return {"operations": [{"name": "batches/last"}]}
        # One operation every MAX_EMPTY_PAGES - 1 pages: never MAX_EMPTY_PAGES empty in a row.
        ops = [{"name": f"batches/b{n}"}] if n % (MAX_EMPTY_PAGES - 1) == 0 else []
        return {"operations": ops, "nextPageToken": f"t{n}"}

    async with gemini(mode, page) as (api, server):
        found = await api.collect("list_all", "batches")
    assert found[-1].name == "batches/last"
    assert len(server.requests) == 3 * MAX_EMPTY_PAGES + 1


async def test_a_64_kib_page_token_from_the_server_is_a_pagination_error(mode: str) -> None:
    huge = {"operations": [{"name": "batches/b1"}], "nextPageToken": "t" * 65536}
    async with gemini(mode, huge) as (api, server):
        with pytest.raises(PaginationError, match="65536 characters, more than 8192"):
            await api.collect("list_all", "batches")
    assert len(server.requests) == 1  # the token was never sent


async def test_a_page_token_of_invalid_unicode_is_a_pagination_error(mode: str) -> None:
    lone = '{"operations": [{"name": "batches/b1"}], "nextPageToken": "a\\ud800"}'
    async with gemini(mode, lone) as (api, server):
        with pytest.raises(PaginationError, match="lone surrogate"):
            await api.collect("list_all", "batches")
        with pytest.raises(ValueError, match="page_token must be at most 8192 characters"):
            await api("list", "batches", page_token="a\ud800")
    assert len(server.requests) == 1


async def test_a_page_token_at_the_limit_is_followed(mode: str) -> None:
    token = "t" * MAX_PAGE_TOKEN_LENGTH
    async with gemini(
        mode, {"operations": [{"name": "batches/b1"}], "nextPageToken": token}, {"operations": []}
    ) as (api, server):
        assert [op.name for op in await api.collect("list_all", "batches")] == ["batches/b1"]
    assert server.requests[1].query.endswith("pageToken=" + token)


async def test_a_callers_64_kib_page_token_is_a_value_error(mode: str) -> None:
    async with gemini(mode, {"operations": []}) as (api, server):
        with pytest.raises(ValueError, match="page_token must be at most 8192 characters"):
            await api("list", "batches", page_token="t" * 65536)
    assert server.requests == []


async def test_a_callers_filter_of_invalid_unicode_is_a_value_error(mode: str) -> None:
    bad = "done=\ud800"
    async with gemini(mode, {"operations": []}) as (api, server):
        with pytest.raises(ValueError, match="filter must be valid Unicode"):
            await api("list", "batches", filter=bad)
        with pytest.raises(ValueError, match="filter must be valid Unicode"):
            await api.collect("list_all", "batches", filter=bad)
    assert server.requests == []


# ---------------------------------------------------------------------------------- names


def named(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, **fields}


async def test_get_answered_with_another_operation_is_wrong_operation_error(mode: str) -> None:
    async with gemini(mode, named("batches/SOMEONE-ELSE", done=True, response={})) as (api, _):
        with pytest.raises(WrongOperationError) as caught:
            await api("get", "batches/b1")
    error = caught.value
    assert isinstance(error, InvalidResponseError)
    assert (error.requested, error.answered) == ("batches/b1", "batches/SOMEONE-ELSE")
    assert "'batches/b1'" in str(error)
    assert "'batches/SOMEONE-ELSE'" in str(error)


async def test_a_wait_stops_at_once_on_another_operation(mode: str) -> None:
    async with gemini(mode, named("batches/SOMEONE-ELSE")) as (api, server):
        with pytest.raises(WrongOperationError, match="SOMEONE-ELSE"):
            await api("wait", "batches/b1", poll_interval=0.01, timeout=5)
    assert len(server.requests) == 1  # not polled through like a garbage body


async def test_wait_many_reports_another_operation_as_that_operations_error(mode: str) -> None:
    def answer(request: Request) -> dict[str, Any]:
        if request.path.endswith("/b1"):
            return named("batches/SOMEONE-ELSE", done=True, response={})
        return named("batches/b2", done=True, response={})

    async with gemini(mode, answer) as (api, _):
        outcomes = await api.collect(
            "wait_many", ["batches/b1", "batches/b2"], poll_interval=0.01, return_exceptions=True
        )
    errors = [o for o in outcomes if isinstance(o, WrongOperationError)]
    assert [e.operation_name for e in errors] == ["batches/b1"]
    assert [o.name for o in outcomes if not isinstance(o, Exception)] == ["batches/b2"]


async def test_vertex_long_poll_answered_with_another_operation(mode: str) -> None:
    other = VERTEX_OP.replace("/o1", "/o2")
    async with vertex(mode, named(other, done=True, response={})) as (api, server):
        with pytest.raises(WrongOperationError, match="o2"):
            await api("wait", VERTEX_OP, poll_interval=0.5, timeout=5)
        with pytest.raises(WrongOperationError):
            await api("get", VERTEX_OP)
    assert server.requests[0].path.endswith(":wait")


async def test_vertex_veo_fetch_answered_with_another_operation(mode: str) -> None:
    veo = "projects/p1/locations/us-central1/publishers/google/models/veo-3.0/operations/o1"
    async with vertex(mode, named(veo.replace("/o1", "/o9"), done=True)) as (api, server):
        with pytest.raises(WrongOperationError):
            await api("get", veo)
    assert server.requests[0].path.endswith(":fetchPredictOperation")


@pytest.mark.parametrize("method", ["cancel", "delete"])
async def test_cancel_and_delete_answered_about_another_operation(mode: str, method: str) -> None:
    async with gemini(mode, named("batches/SOMEONE-ELSE"), {}, named("batches/b1")) as (api, _):
        with pytest.raises(WrongOperationError, match="SOMEONE-ELSE"):
            await api(method, "batches/b1")
        assert await api(method, "batches/b1") is None  # {}: as Google answers
        assert await api(method, "batches/b1") is None  # the operation itself


RESPELLED = [
    # (asked, answered): Google names the same operation another way
    (
        "projects/my-project/locations/us-central1/operations/o1",
        "projects/123456789/locations/us-central1/operations/o1",
    ),
    (
        "projects/my-project/locations/us-central1/endpoints/55/operations/66",
        "projects/123456789/locations/us-central1/endpoints/55/operations/66",
    ),
    (
        "models/veo-3.0-generate-preview/operations/abc",
        "models/veo-3.0-generate-001/operations/abc",
    ),
]
NOT_THE_SAME = [
    ("batches/b1", "batches/B1"),
    ("batches/b1", "tunedModels/b1/operations/b1"),
    ("models/veo/operations/abc", "models/veo/operations/abd"),
    (
        "projects/p/locations/us-central1/operations/o1",
        "projects/p/locations/europe-west4/operations/o1",
    ),
    (
        "projects/p/locations/us-central1/endpoints/55/operations/66",
        "projects/p/locations/us-central1/endpoints/56/operations/66",
    ),
    ("batches/b1", "../batches/b1"),
    ("batches/b1", "x" * 100_000),
]


@pytest.mark.parametrize(("asked", "answered"), RESPELLED)
async def test_the_spellings_google_changes_are_accepted(
    mode: str, asked: str, answered: str
) -> None:
    factory = vertex if asked.startswith("projects/") else gemini
    async with factory(mode, named(answered)) as (api, _):
        assert (await api("get", asked)).name == answered


@pytest.mark.parametrize(("asked", "answered"), NOT_THE_SAME)
async def test_other_operations_are_refused(mode: str, asked: str, answered: str) -> None:
    factory = vertex if asked.startswith("projects/") else gemini
    async with factory(mode, named(answered)) as (api, _):
        with pytest.raises(WrongOperationError) as caught:
            await api("get", asked)
    assert len(str(caught.value)) < 600  # a huge name is cut short in the message


async def test_an_answer_without_a_name_is_invalid_and_polled_through(mode: str) -> None:
    async with gemini(mode, {"done": True, "response": {}}) as (api, server):
        with pytest.raises(InvalidResponseError, match="missing or non-string 'name'") as caught:
            await api("get", "batches/b1")
        assert not isinstance(caught.value, WrongOperationError)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            await api("wait", "batches/b1", poll_interval=0.05, timeout=0.3)
    assert time.monotonic() - started < 0.3 + 0.5
    assert len(server.requests) > 2


@pytest.mark.timeout(120)
def test_the_cli_refuses_another_operation() -> None:
    with HostileServer(answering(named("batches/SOMEONE-ELSE", done=True))) as server:
        got = cli(server, "get", "batches/b1")
        waited = cli(server, "wait", "batches/b1", "--timeout", "5")
    assert got.stdout == ""  # nothing shown as batches/b1
    for run in (got, waited):
        assert run.returncode == 4, run.stderr
        assert "'batches/b1'" in run.stderr
        assert "'batches/SOMEONE-ELSE'" in run.stderr


# --------------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("error", [{}, {"code": 0}, {"code": 0, "message": "no code"}])
async def test_an_error_without_a_code_is_a_failure_unknown(
    mode: str, error: dict[str, Any]
) -> None:
    async with gemini(mode, named("batches/b1", done=True, error=error)) as (api, _):
        op = await api("get", "batches/b1")
        waited = await api("wait", "batches/b1", poll_interval=0.01, timeout=5)
    for got in (op, waited):
        assert got.failed
        assert not got.succeeded
        assert (got.error.code, got.error.status) == (2, "UNKNOWN")
        with pytest.raises(OperationFailedError) as caught:
            got.result()
        assert isinstance(caught.value, UnknownApiError)
        assert "OK" not in str(caught.value)


async def test_done_false_with_a_response_is_still_running(mode: str) -> None:
    contradictory = named("batches/b1", done=False, response={"@type": "x.Y"})
    failed_too = named("batches/b1", done=False, error={"code": 13})
    async with gemini(mode, contradictory, failed_too, finished_batch) as (api, server):
        op = await api("get", "batches/b1")
        assert (op.done, op.running, op.response, op.error) == (False, True, None, None)
        assert op.to_dict()["response"] == {"@type": "x.Y"}  # kept as received
        waited = await api("wait", "batches/b1", poll_interval=0.01, timeout=5)
    assert waited.succeeded
    assert len(server.requests) == 3


@pytest.mark.timeout(120)
def test_the_cli_shows_an_empty_error_as_failed_unknown() -> None:
    with HostileServer(answering(named("batches/b1", done=True, error={}))) as server:
        got = cli(server, "get", "batches/b1")
    assert got.returncode == 0, got.stderr
    assert "failed" in got.stdout
    assert "UNKNOWN (2)" in got.stdout
    assert "OK" not in got.stdout


# ------------------------------------------------------------------------------- locations

HOSTILE_LOCATIONS = [
    "evil.com/x",
    "a.b",
    "us-central1.attacker",
    "US-CENTRAL1",
    "us-central1:443",
    "us-central1@evil.com",
    "us-" + "a" * 60 + "1",  # 64 characters: its host's first label would pass 63
    "global.evil",
    "usa",
]


@pytest.mark.parametrize("location", HOSTILE_LOCATIONS)
async def test_a_hostile_location_picks_no_host(mode: str, location: str) -> None:
    with pytest.raises(ValueError, match="location must be a Vertex AI location"):
        make(mode, vertex_ai=True, project="p", location=location, credentials=Credentials("t"))
    async with vertex(mode, {}) as (api, server):
        with pytest.raises(InvalidNameError):
            await api("get", f"projects/p/locations/{location}/operations/o")
        with pytest.raises(InvalidNameError):
            await api("list", f"projects/p/locations/{location}")
    assert server.requests == []


async def test_a_location_that_is_a_valid_segment_is_refused_as_a_location(mode: str) -> None:
    async with vertex(mode, {}) as (api, server):
        with pytest.raises(InvalidNameError, match=r"location 'a\.b' is not a Vertex AI location"):
            await api("get", "projects/p/locations/a.b/operations/o")
    assert server.requests == []


def test_a_hostile_location_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "evil.com/x")
    with pytest.raises(ValueError, match="location must be a Vertex AI location"):
        make("sync", vertex_ai=True, project="p", credentials=Credentials("t"))


def test_the_cli_refuses_a_hostile_location() -> None:
    with HostileServer(answering({})) as server:
        got = cli(server, "--vertex", "--project", "p", "--location", "evil.com/x", "list")
    assert got.returncode == 2, got.stderr
    assert "location must be a Vertex AI location" in got.stderr
    assert server.requests == []
