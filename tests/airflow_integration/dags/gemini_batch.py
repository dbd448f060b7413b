"""The DAG of test_dag.py: start a batch, wait for it with the deferrable sensor, read it.

The first task stands in for ``google.genai.Client().batches.create(...)``: it creates the batch
on the emulator's control plane (``GEMINI_OPS_EMULATOR_URL``) and returns its name.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import httpx
from airflow.sdk import DAG, task

from gemini_ops.airflow import OperationSensor

with DAG(
    "gemini_ops_batch",
    schedule=None,
    start_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
) as dag:

    @task
    def start_batch() -> str:
        created = httpx.post(
            f"{os.environ['GEMINI_OPS_EMULATOR_URL']}/_emulator/operations",
            json={"name": "batches/dag-run-1"},  # runs until the test completes it
        ).raise_for_status()
        name: str = created.json()["name"]
        return name

    @task
    def read_result(operation: dict[str, Any]) -> str:
        responses_file: str = operation["response"]["responsesFile"]
        return responses_file

    wait = OperationSensor(
        task_id="wait",
        name="{{ ti.xcom_pull(task_ids='start_batch') }}",
        poll_interval=0.1,
        timeout=60,
    )
    start_batch() >> wait
    read_result(wait.output)
