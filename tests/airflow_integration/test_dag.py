"""One real DAG run (``dag.test()`` on SQLite): a task pushes a name, the sensor waits deferred."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from airflow.triggers.base import TriggerEvent

from gemini_ops.airflow import OperationTrigger
from gemini_ops.testing import Emulator

BATCH = "batches/dag-run-1"

DAG_FILE = Path(__file__).parent / "dags" / "gemini_batch.py"


def finish_after_two_polls(emulator: Emulator) -> None:
    """End the batch once the sensor's look and a trigger poll have seen it running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        polls = [r for r in emulator.requests() if r["path"] == f"/v1beta/{BATCH}"]
        if len(polls) >= 2:
            emulator.complete(BATCH)
            return
        time.sleep(0.05)


@pytest.fixture(scope="module")
def airflow_db() -> None:
    """Create Airflow's metadata database (SQLite, in the temporary AIRFLOW_HOME)."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True
    )


def test_dag_run_with_a_deferred_sensor(
    airflow_db: None,
    emulator: Emulator,
    api_key_conn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GEMINI_OPS_EMULATOR_URL", emulator.url)
    runs: list[dict[str, Any]] = []
    original_run = OperationTrigger.run

    async def recording_run(self: OperationTrigger) -> AsyncIterator[TriggerEvent]:
        async for event in original_run(self):
            runs.append(event.payload)
            yield event

    monkeypatch.setattr(OperationTrigger, "run", recording_run)
    finisher = threading.Thread(target=finish_after_two_polls, args=(emulator,), daemon=True)
    finisher.start()
    spec = importlib.util.spec_from_file_location("gemini_batch", DAG_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    run = module.dag.test()

    assert run.state == "success"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"start_batch": "success", "wait": "success", "read_result": "success"}
    finisher.join(5)
    # The sensor deferred: the trigger ran (in line, as dag.test() runs triggers) and fired once.
    assert [event["status"] for event in runs] == ["success"]
    wait = run.get_task_instance("wait")
    operation = wait.xcom_pull(task_ids="wait")
    assert operation["name"] == BATCH
    assert operation["done"] is True
    responses_file = run.get_task_instance("read_result").xcom_pull(task_ids="read_result")
    assert responses_file == operation["response"]["responsesFile"]
