"""OperationTrigger against the emulator, with real Airflow installed."""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import pytest
from airflow.sdk._shared.module_loading import import_string
from airflow.triggers.base import TriggerEvent

from gemini_ops import InvalidNameError, Operations
from gemini_ops.airflow import OperationTrigger
from gemini_ops.testing import Emulator

from .conftest import SECRETS

VERTEX_OP = "projects/p1/locations/us-central1/operations/op1"


def utc_in(seconds: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)


def run(trigger: OperationTrigger) -> dict[str, Any]:
    """Run the trigger to its end; it must yield exactly one event."""

    async def collect() -> list[TriggerEvent]:
        return [event async for event in trigger.run()]

    events = asyncio.run(collect())
    assert len(events) == 1
    payload: dict[str, Any] = events[0].payload
    assert set(payload) == {"status", "name", "operation", "message"}
    return payload


def rebuild(trigger: OperationTrigger) -> OperationTrigger:
    """What the triggerer does: JSON in the database, then the class from its path."""
    classpath, kwargs = json.loads(json.dumps(trigger.serialize()))
    rebuilt = import_string(classpath)(**kwargs)
    assert isinstance(rebuilt, OperationTrigger)
    return rebuilt


def test_success(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b1", duration=0.3)
    event = run(OperationTrigger("batches/b1", poll_interval=0.05))
    assert event["status"] == "success"
    assert event["name"] == "batches/b1"
    assert event["operation"]["done"] is True
    assert event["operation"]["response"]["@type"].endswith("GenerateContentBatchOutput")
    assert event["operation"]["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    gets = [r for r in emulator.requests() if r["path"] == "/v1beta/batches/b1"]
    assert len(gets) >= 2  # it polled while the batch ran


def test_failed(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b2", duration=0.1, error={"code": 13, "message": "boom"})
    event = run(OperationTrigger("batches/b2", poll_interval=0.05))
    assert event["status"] == "failed"
    assert event["operation"]["error"] == {"code": 13, "message": "boom"}
    assert "boom" in event["message"]


def test_cancelled(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b3")

    async def scenario() -> dict[str, Any]:
        task = asyncio.ensure_future(run_async(OperationTrigger("batches/b3", poll_interval=0.05)))
        await asyncio.sleep(0.2)
        assert not task.done()
        with Operations(api_key=emulator.api_key, base_url=emulator.url) as ops:
            await asyncio.to_thread(ops.cancel, "batches/b3")
        return await task

    event = asyncio.run(scenario())
    assert event["status"] == "failed"
    assert event["operation"]["error"]["code"] == 1
    assert event["operation"]["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    assert "cancelled" in event["message"]


async def run_async(trigger: OperationTrigger) -> dict[str, Any]:
    events = [event async for event in trigger.run()]
    assert len(events) == 1
    payload: dict[str, Any] = events[0].payload
    return payload


def test_polls_through_a_429_burst(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b4", duration=0.2)
    emulator.inject_fault(path="/batches/b4", status=429, retry_delay="0.05s", times=6)
    event = run(OperationTrigger("batches/b4", poll_interval=0.05))
    assert event["status"] == "success"
    statuses = [r["status"] for r in emulator.requests() if r["path"] == "/v1beta/batches/b4"]
    assert statuses.count(429) == 6
    assert statuses[-1] == 200


def test_deadline(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b5")  # runs until told otherwise
    event = run(OperationTrigger("batches/b5", poll_interval=0.05, deadline=utc_in(0.4)))
    assert event["status"] == "timeout"
    assert event["operation"]["name"] == "batches/b5"  # the last state seen
    assert "done" not in event["operation"]


def test_deadline_in_the_past_sends_nothing(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/b6")
    event = run(OperationTrigger("batches/b6", deadline=utc_in(-1)))
    assert event["status"] == "timeout"
    assert event["operation"] is None
    assert emulator.requests() == []


def test_a_retry_hint_past_the_deadline_ends_the_wait(
    emulator: Emulator, api_key_conn: str
) -> None:
    emulator.create_operation("batches/b7")
    emulator.inject_fault(path="/batches/b7", status=429, retry_delay="3600s")
    event = run(OperationTrigger("batches/b7", poll_interval=0.05, deadline=utc_in(30)))
    assert event["status"] == "timeout"
    # Server hints are clamped to 300 s (docs/configuration.md), still past the 30 s left.
    assert "asked to wait 300 s" in event["message"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("batches/missing", "NotFoundError"), ("batches/b8", "InvalidArgumentError")],
)
def test_permanent_errors_end_at_once(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, api_key_conn: str, name: str, message: str
) -> None:
    emulator.create_operation("batches/b8")
    if name == "batches/b8":  # a key the server refuses
        from .conftest import set_connection

        set_connection(monkeypatch, "gemini_ops_default", host=emulator.url, password="wrong-key")
    event = run(OperationTrigger(name, poll_interval=0.05))
    assert event["status"] == "error"
    assert event["operation"] is None
    assert message in event["message"]
    assert len(emulator.requests()) == 1


def test_unknown_connection_is_an_error_event(emulator: Emulator) -> None:
    event = run(OperationTrigger("batches/b1", conn_id="no_such_connection"))
    assert event["status"] == "error"
    assert "no_such_connection" in event["message"]


def test_bad_connection_extra_is_an_error_event(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import set_connection

    set_connection(monkeypatch, "bad", host=emulator.url, extra={"projcet": "p"})
    event = run(OperationTrigger("batches/b1", conn_id="bad"))
    assert event["status"] == "error"
    assert "'projcet'" in event["message"]


@pytest.mark.parametrize(
    "name",
    [
        "batches/j1",
        "models/veo-3.0-generate-001/operations/v1",
        "tunedModels/m1/operations/t1",
        "corpora/c1/operations/i1",
        "fileSearchStores/s1/upload/operations/u1",
    ],
)
def test_every_gemini_family(emulator: Emulator, api_key_conn: str, name: str) -> None:
    emulator.create_operation(name, duration=0.1)
    event = run(OperationTrigger(name, poll_interval=0.05))
    assert event["status"] == "success", event["message"]
    assert event["operation"]["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        VERTEX_OP,
        "projects/p1/locations/us-central1/datasets/d1/operations/o1",
        "projects/p1/locations/us-central1/tuningJobs/t1/operations/o1",
        "projects/p1/locations/us-central1/publishers/google/models/veo-3.0/operations/o1",
    ],
)
def test_every_vertex_family(emulator: Emulator, vertex_key_file_conn: str, name: str) -> None:
    emulator.create_operation(name, duration=0.1)
    event = run(OperationTrigger(name, conn_id=vertex_key_file_conn, poll_interval=0.05))
    assert event["status"] == "success", event["message"]
    assert event["operation"]["name"] == name


def test_serialize_round_trip(api_key_conn: str, emulator: Emulator) -> None:
    deadline = utc_in(60)
    trigger = OperationTrigger(
        "batches/r1", conn_id=api_key_conn, poll_interval=0.05, deadline=deadline
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "gemini_ops.airflow.OperationTrigger"
    assert kwargs == {
        "name": "batches/r1",
        "conn_id": api_key_conn,
        "poll_interval": 0.05,
        "deadline": deadline.isoformat(),
    }
    rebuilt = rebuild(trigger)
    assert rebuilt.serialize() == trigger.serialize()
    assert rebuilt.deadline == deadline  # absolute: rebuilding does not move it
    emulator.create_operation("batches/r1", duration=0.1)
    assert run(rebuilt)["status"] == "success"


@pytest.mark.parametrize("kind", ["api_key_conn", "vertex_key_file_conn", "vertex_adc_conn"])
def test_no_secret_in_the_serialized_form(
    request: pytest.FixtureRequest, emulator: Emulator, token_server: Any, kind: str
) -> None:
    conn_id = request.getfixturevalue(kind)
    name = "batches/s1" if kind == "api_key_conn" else VERTEX_OP
    emulator.create_operation(name, duration=0.1)
    trigger = OperationTrigger(name, conn_id=conn_id, poll_interval=0.05)
    event = run(trigger)  # the credentials really were used (and a token fetched for Vertex)
    assert event["status"] == "success", event["message"]
    serialized = json.dumps(trigger.serialize()[1])
    shown = serialized + json.dumps(event) + repr(trigger)
    for secret in SECRETS:
        assert secret not in shown
    if kind != "api_key_conn":
        assert any(r["auth_header"] for r in emulator.requests())


def test_two_instances_from_one_serialized_form(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/t1", duration=0.3)
    trigger = OperationTrigger("batches/t1", poll_interval=0.05, deadline=utc_in(30))

    async def both() -> list[dict[str, Any]]:
        return list(await asyncio.gather(run_async(rebuild(trigger)), run_async(rebuild(trigger))))

    first, second = asyncio.run(both())
    assert first["status"] == second["status"] == "success"
    assert first["operation"] == second["operation"]
    methods = {r["method"] for r in emulator.requests()}
    assert methods == {"GET"}  # only reads: no create, no cancel


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidNameError):
        OperationTrigger("batches/../x")
    with pytest.raises(TypeError, match="name"):
        OperationTrigger(42)  # type: ignore[arg-type]
    for poll_interval in (0, 1e10, float("nan"), True):
        with pytest.raises(ValueError, match="poll_interval must be"):
            OperationTrigger("batches/x", poll_interval=poll_interval)
    with pytest.raises(ValueError, match="deadline must be at most 365 days away"):
        OperationTrigger("batches/x", deadline=utc_in(400 * 86400))
    with pytest.raises(ValueError, match="timezone-aware"):
        OperationTrigger("batches/x", deadline=datetime.datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="ISO 8601"):
        OperationTrigger("batches/x", deadline="tomorrow")
    with pytest.raises(ValueError, match="conn_id"):
        OperationTrigger("batches/x", conn_id="")


def test_import_does_not_touch_the_database(tmp_path: Any) -> None:
    import subprocess
    import sys

    db = tmp_path / "airflow.db"
    env = {
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{db}",
        "PATH": "/usr/bin:/bin",
    }
    code = "import gemini_ops.airflow as m; print(m.OperationTrigger('batches/x').serialize()[0])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "gemini_ops.airflow.OperationTrigger"
    assert not db.exists()
