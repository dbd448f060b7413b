"""OperationSensor with real Airflow: deferring, completing, polling in the worker."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred

from gemini_ops.airflow import OperationError, OperationSensor, OperationTrigger
from gemini_ops.testing import Emulator

from .test_trigger import run_async


def sensor(name: str, **kwargs: Any) -> OperationSensor:
    return OperationSensor(task_id="wait", name=name, poll_interval=0.05, **kwargs)


def test_defers_then_completes(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/d1", duration=0.4)
    task = sensor("batches/d1", timeout=60)
    with pytest.raises(TaskDeferred) as deferred:
        task.execute({})  # type: ignore[arg-type]
    assert deferred.value.method_name == "execute_complete"
    trigger = deferred.value.trigger
    assert isinstance(trigger, OperationTrigger)
    assert trigger.name == "batches/d1"
    assert trigger.deadline is not None
    event = asyncio.run(run_async(trigger))
    result = task.execute_complete({}, event)  # type: ignore[arg-type]
    assert result["name"] == "batches/d1"
    assert result["done"] is True
    assert "responsesFile" in result["response"]


def test_a_finished_operation_returns_at_once(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/d2", duration=0.01)
    emulator.complete("batches/d2")
    result = sensor("batches/d2").execute({})  # type: ignore[arg-type]
    assert result["done"] is True
    assert len(emulator.requests()) == 1


def test_a_failed_operation_raises_with_its_error(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/d3", duration=0.01, error={"code": 8, "message": "quota"})
    emulator.complete("batches/d3", error={"code": 8, "message": "quota"})
    with pytest.raises(OperationError, match="quota") as failed:
        sensor("batches/d3").execute({})  # type: ignore[arg-type]
    assert failed.value.status == "failed"
    assert failed.value.error == {"code": 8, "message": "quota"}
    assert failed.value.operation is not None


@pytest.mark.parametrize("status", ["failed", "timeout", "error"])
def test_execute_complete_raises_for_every_other_status(status: str) -> None:
    event = {"status": status, "name": "batches/x", "operation": None, "message": f"it {status}"}
    with pytest.raises(OperationError, match=f"it {status}") as raised:
        sensor("batches/x").execute_complete({}, event)  # type: ignore[arg-type]
    assert raised.value.status == status


def test_not_deferrable_polls_in_the_worker(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/d4", duration=0.3)
    emulator.inject_fault(path="/batches/d4", status=503, times=2)
    result = sensor("batches/d4", deferrable=False).execute({})  # type: ignore[arg-type]
    assert result["done"] is True
    statuses = [r["status"] for r in emulator.requests()]
    assert statuses.count(503) == 2


def test_not_deferrable_times_out(emulator: Emulator, api_key_conn: str) -> None:
    emulator.create_operation("batches/d5")
    task = sensor("batches/d5", deferrable=False, timeout=0.3)
    with pytest.raises(OperationError) as raised:
        task.execute({})  # type: ignore[arg-type]
    assert raised.value.status == "timeout"
    assert raised.value.operation is not None
    assert raised.value.operation["name"] == "batches/d5"


def test_not_deferrable_permanent_error(emulator: Emulator, api_key_conn: str) -> None:
    with pytest.raises(OperationError, match="NotFoundError") as raised:
        sensor("batches/nope", deferrable=False).execute({})  # type: ignore[arg-type]
    assert raised.value.status == "error"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        OperationSensor(task_id="w", name="batches/x", poll_interval=-1)
    with pytest.raises(ValueError, match="name"):
        OperationSensor(task_id="w", name="not a name").execute({})  # type: ignore[arg-type]


def test_the_connection_type_is_registered() -> None:
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    hooks = ProvidersManagerTaskRuntime().hooks
    assert "gemini_ops" in hooks
    info = hooks["gemini_ops"]
    assert info is not None
    assert info.hook_class_name == "gemini_ops.airflow.GeminiOpsHook"
    assert info.package_name == "gemini-ops"
