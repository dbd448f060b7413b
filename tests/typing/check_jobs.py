"""Type-checked (not run): jobs have the status surface of an Operation, and a Job stays a Job."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, assert_type

from gemini_ops import AsyncOperations, Job, JobOutcome, Operation, Operations, Status


def sync_jobs(ops: Operations) -> None:
    # A name given as a string is typed as what every name gives: an Operation (a Job is one).
    polled = ops.get("projects/p/locations/us-central1/batchPredictionJobs/7")
    assert_type(polled, Operation)
    if isinstance(polled, Job):
        assert_type(polled.state, str | None)
        assert_type(polled.partial, bool)
        assert_type(polled.outcome, JobOutcome)
        # A Job passed back is typed as a Job.
        assert_type(ops.get(polled), Job)
        assert_type(ops.wait(polled, timeout=60.0), Job)
        assert_type(ops.wait_with_backoff(polled, max_delay=60.0), Job)
    status: tuple[bool, bool, bool, bool, bool] = (
        polled.done,
        polled.running,
        polled.succeeded,
        polled.failed,
        polled.cancelled,
    )
    assert_type(polled.progress, float | None)
    assert_type(polled.error, Status | None)
    assert_type(polled.result(), Mapping[str, Any] | None)
    assert_type(polled.to_dict(), dict[str, Any])
    jobs: Iterator[Operation] = ops.list_all("projects/p/locations/us-central1/tuningJobs")
    mixed: Iterator[Operation] = ops.wait_many(["tunedModels/m", "batches/b1"])
    del status, jobs, mixed


async def async_jobs(ops: AsyncOperations, job: Job) -> None:
    assert_type(await ops.get(job), Job)
    assert_type(await ops.wait(job), Job)
    assert_type(await ops.get("tunedModels/m"), Operation)
    every: AsyncIterator[Operation] = ops.list_all("tunedModels")
    async for item in every:
        assert item.name
