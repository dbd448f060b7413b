"""A realistic mix of operations and jobs for demos: `python -m gemini_ops.emulator --seed-demo`."""

from __future__ import annotations

from gemini_ops.emulator._state import EmulatorState

DEMO_PROJECT = "demo-project"
DEMO_LOCATION = "us-central1"


def seed_demo(state: EmulatorState) -> list[str]:
    """Create the demo operations and jobs in `state` and return their names.

    Veo and tuning operations still running, batches pending, running, done and failed, Vertex AI
    operations running, done and failed, and a Veo-on-Vertex operation; then jobs: a Vertex AI
    batch prediction job running, a tuning job succeeded, a pipeline job failed, and a Gemini
    tuned model being created.
    """
    vertex = f"projects/{DEMO_PROJECT}/locations/{DEMO_LOCATION}"
    specs: list[tuple[str, float | None, dict[str, object] | None]] = [
        ("models/veo-3.0-generate-001/operations/demo-video-1", 20.0, None),
        ("tunedModels/demo-sentiment/operations/demo-tuning-1", 90.0, None),
        ("batches/demo-batch-running", 60.0, None),
        ("batches/demo-batch-done", 0.0, None),
        ("batches/demo-batch-queued", None, None),
        (
            "batches/demo-batch-failed",
            0.0,
            {"code": 3, "message": "Invalid JSON in line 7 of the input file."},
        ),
        (f"{vertex}/endpoints/1234567890/operations/1111111111", 45.0, None),
        (f"{vertex}/operations/2222222222", 0.0, None),
        (
            f"{vertex}/datasets/3333/operations/4444444444",
            5.0,
            {"code": 9, "message": "The dataset is being deleted."},
        ),
        (
            f"{vertex}/publishers/google/models/veo-3.0-generate-001/operations/demo-video-2",
            30.0,
            None,
        ),
    ]
    jobs: list[tuple[str, float | None, dict[str, object] | None]] = [
        (f"{vertex}/batchPredictionJobs/5555555555", 60.0, None),
        (f"{vertex}/tuningJobs/6666666666", 0.0, None),
        (
            f"{vertex}/pipelineJobs/demo-pipeline-1",
            0.0,
            {"code": 9, "message": "The pipeline's output bucket does not exist."},
        ),
        ("tunedModels/demo-sentiment", 90.0, None),
    ]
    for name, duration, error in specs:
        state.create(name, duration=duration, error=error)
    for name, duration, error in jobs:
        state.jobs.create(name, duration=duration, error=error)
    return [name for name, _, _ in specs + jobs]
