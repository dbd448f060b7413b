"""Job resources: Vertex AI's five job collections and the Gemini API's tuned models.

These are not `google.longrunning` operations but resources with a `state` that moves on a clock.
Vertex AI routes, list fields, list query parameters and state enums come from the discovery
documents, as recorded (pure data) in ``gemini_ops/_discovery/vertex_jobs.json``; the Gemini API's
`tunedModels` methods (get, list, delete; v1beta only) follow google-ai-generativelanguage's HTTP
rules. Payloads are proto3 JSON of Google's published messages (`BatchPredictionJob`,
`TuningJob`, `CustomJob`, `HyperparameterTuningJob`, `PipelineJob`, `TunedModel`): no field
those messages lack, int64 values as strings, default values left out.

A job created with `duration: d` is QUEUED for its first tenth, PENDING for the second, RUNNING
until `d`, then ends with its fate. A cancel makes it CANCELLING, then CANCELLED after its cancel
delay, unless its scheduled end comes first. Every read computes the state at that instant.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from gemini_ops.emulator._families import (
    TUNING_STEPS,
    tuned_model,
    tuning_snapshots,
)
from gemini_ops.emulator._names import (
    Surface,
    discovery_section,
    find_route,
    route_index,
    split_path,
)
from gemini_ops.emulator._paging import (
    decode_page_token,
    encode_page_token,
    page_size,
)
from gemini_ops.emulator._wire import (
    ApiError,
    JSONObject,
    bad_request,
    check_object,
    check_status,
    timestamp,
)

if TYPE_CHECKING:
    from gemini_ops.emulator._state import EmulatorState

__all__ = ["JobRecord", "JobRoute", "JobStore", "job_route_params", "match_job_route", "serve_job"]

_TABLE = "vertex_jobs.json"
_ID = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,254}")

# Share of a job's run spent QUEUED, then (up to the second mark) PENDING, before RUNNING.
_QUEUED_UNTIL = 0.1
_PENDING_UNTIL = 0.2
# The most of its work a job that fails or is cancelled shows done.
_UNFINISHED = 0.99
# A job that runs until told: its run counts as `elapsed / (elapsed + this)` of the way done.
_OPEN_ENDED_HALF_LIFE = 30.0

CANCELLED_JOB_ERROR: JSONObject = {"code": 1, "message": "Job cancelled by the user."}
DEFAULT_JOB_ERROR: JSONObject = {"code": 13, "message": "Internal error encountered."}

# Progress figures of the default payloads.
_BATCH_INSTANCES = 100
_BATCH_PARTIAL_FAILURES = 10
_HPT_TRIALS = 8
_HPT_PARALLEL = 2
_PIPELINE_TASKS = ("preprocess", "train", "evaluate")
_TUNING_EXAMPLES = 500

GEMINI_TUNED_MODELS = "tunedModels"
# google-ai-generativelanguage's ListTunedModelsRequest: "If unspecified, at most 10 tuned models
# will be returned. This method returns at most 1000 models per page".
_TUNED_MODELS_PAGE_SIZE = 10
_TUNED_MODEL_STATES = ("STATE_UNSPECIFIED", "CREATING", "ACTIVE", "FAILED")
_TUNED_MODEL_FILTERS = {"owner:me", "writers:me", "readers:me"}

# Fields a job's clock decides: `fields` given at creation may not override them.
_CLOCK_FIELDS = frozenset(
    {"name", "state", "error", "createTime", "startTime", "endTime", "updateTime"}
)

Phase = Literal[
    "queued", "pending", "running", "cancelling", "succeeded", "partial", "failed", "cancelled"
]
Fate = Literal["succeed", "fail"]


@dataclass(frozen=True)
class Collection:
    """A job collection: where it lives, which methods each version serves, how it lists."""

    name: str
    surface: Surface
    methods: dict[str, frozenset[str]]  # API version -> served methods
    list_field: str
    list_query: frozenset[str]
    states: tuple[str, ...]

    @property
    def pipeline(self) -> bool:
        """Whether the states are PipelineState values (PIPELINE_STATE_*)."""
        return self.name == "pipelineJobs"

    @property
    def partial_success(self) -> bool:
        """Whether the state enum has a partially-succeeded value."""
        return "JOB_STATE_PARTIALLY_SUCCEEDED" in self.states


@functools.cache
def collections() -> dict[str, Collection]:
    """Every job collection the emulator serves, by collection name."""
    routes = discovery_section(_TABLE, "jobs")
    resources = discovery_section(_TABLE, "resources")
    found: dict[str, Collection] = {}
    for pattern, versions in routes.items():
        name = pattern.split("/")[-1]
        described, *others = resources[pattern].values()
        if any(other != described for other in others):
            # One payload per collection serves every version: say so if the documents diverge.
            raise RuntimeError(f"{_TABLE}: {pattern} differs between versions; serve each one")
        found[name] = Collection(
            name=name,
            surface="vertex",
            methods={v: frozenset(methods) for v, methods in versions.items()},
            list_field=described["listField"],
            list_query=frozenset(described["listQuery"]),
            states=tuple(described["states"]),
        )
    found[GEMINI_TUNED_MODELS] = Collection(
        name=GEMINI_TUNED_MODELS,
        surface="gemini",
        methods={"v1beta": frozenset({"get", "list", "delete"})},
        list_field="tunedModels",
        list_query=frozenset({"filter", "pageSize", "pageToken"}),
        states=_TUNED_MODEL_STATES,
    )
    return found


# ---------------------------------------------------------------------------------- names


@dataclass(frozen=True)
class JobName:
    """A full job name, split: its collection, the list parent and the job id."""

    name: str
    collection: Collection
    parent: str  # what the list path names: `projects/p/locations/l/batchPredictionJobs`

    @property
    def leaf(self) -> str:
        """The job id."""
        return self.name.rsplit("/", 1)[-1]

    @property
    def project(self) -> str:
        """The project segment of a Vertex AI job ('' for a tuned model)."""
        parts = self.name.split("/")
        return parts[1] if parts[0] == "projects" else ""

    @property
    def location_name(self) -> str:
        """`projects/{p}/locations/{l}` of a Vertex AI job."""
        return "/".join(self.name.split("/")[:4])


def parse_job_name(name: Any) -> JobName:
    """Classify a full job name, or raise ApiError 400 when it names no served collection."""
    if not isinstance(name, str):
        raise bad_request("name", "name must be a full job name.")
    parts = name.split("/")
    if not all(_ID.fullmatch(p) for p in parts):
        raise bad_request("name", f"Not a valid job name: {name!r}")
    known = collections()
    if len(parts) == 2 and parts[0] == GEMINI_TUNED_MODELS:
        return JobName(name, known[GEMINI_TUNED_MODELS], GEMINI_TUNED_MODELS)
    if (
        len(parts) == 6
        and parts[0] == "projects"
        and parts[2] == "locations"
        and parts[4] in known
        and known[parts[4]].surface == "vertex"
    ):
        return JobName(name, known[parts[4]], "/".join(parts[:5]))
    collections_text = ", ".join(sorted(c for c in known if c != GEMINI_TUNED_MODELS))
    raise bad_request(
        "name",
        f"Not the name of a job the emulator serves: {name!r} (expected "
        f"projects/{{p}}/locations/{{l}}/{{{collections_text}}}/{{id}} or tunedModels/{{id}})",
    )


# ---------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class JobEnding:
    """How and when (monotonic seconds) a job ends."""

    at: float
    phase: Phase  # succeeded, partial, failed or cancelled
    error: JSONObject | None


@dataclass
class JobRecord:
    """One emulated job: its name, clock, scheduled fate, and what happened to it since."""

    job: JobName
    seq: int
    created: float
    created_wall: float
    duration: float | None
    fate: Phase  # how the run ends: succeeded, partial or failed
    fate_error: JSONObject | None
    cancel_delay: float
    fields: JSONObject | None
    forced: JobEnding | None = None
    cancel_requested: float | None = None

    @property
    def name(self) -> str:
        """The full job name, exactly as created."""
        return self.job.name

    def _at_fraction(self, fraction: float) -> float:
        """Monotonic time at which the job's run reaches `fraction`."""
        if self.duration is None:
            return self.created + _OPEN_ENDED_HALF_LIFE * fraction / (1 - fraction)
        return self.created + self.duration * fraction

    @property
    def pending_at(self) -> float:
        """When the job turns PENDING."""
        return self._at_fraction(_QUEUED_UNTIL)

    @property
    def running_at(self) -> float:
        """When the job turns RUNNING (and its `startTime`)."""
        return self._at_fraction(_PENDING_UNTIL)

    def ending(self, now: float) -> JobEnding | None:
        """The ending in effect at `now` (the earliest due one), or None while it runs."""
        candidates = []
        if self.duration is not None:
            end = self.created + self.duration
            candidates.append(JobEnding(end, self.fate, self.fate_error))
        if self.forced is not None:
            candidates.append(self.forced)
        if self.cancel_requested is not None:
            candidates.append(
                JobEnding(
                    self.cancel_requested + self.cancel_delay,
                    "cancelled",
                    copy.deepcopy(CANCELLED_JOB_ERROR),
                )
            )
        if not candidates:
            return None
        first = min(candidates, key=lambda e: e.at)
        return first if first.at <= now else None

    def is_done(self, now: float) -> bool:
        """Whether the job has ended at `now`."""
        return self.ending(now) is not None

    def phase(self, now: float) -> tuple[Phase, float]:
        """The job's phase at `now`, and the moment it is shown at (its end, once ended)."""
        end = self.ending(now)
        if end is not None:
            return end.phase, end.at
        if self.cancel_requested is not None and self.cancel_requested <= now:
            return "cancelling", now
        if now < self.pending_at:
            return "queued", now
        if now < self.running_at:
            return "pending", now
        return "running", now

    def fraction(self, at: float) -> float:
        """Share of the whole run (queue included) done at monotonic time `at`, in [0, 1]."""
        elapsed = max(0.0, at - self.created)
        if self.duration is None:
            return elapsed / (elapsed + _OPEN_ENDED_HALF_LIFE)
        if self.duration <= 0:
            return 1.0
        return min(1.0, elapsed / self.duration)

    def run_fraction(self, at: float) -> float:
        """Share of the RUNNING part done at monotonic time `at`, in [0, 1]."""
        elapsed = max(0.0, at - self.running_at)
        if self.duration is None:
            return elapsed / (elapsed + _OPEN_ENDED_HALF_LIFE)
        length = self.created + self.duration - self.running_at
        if length <= 0:
            return 1.0
        return min(1.0, elapsed / length)

    def wall(self, at: float) -> float:
        """Wall-clock time (epoch seconds) of monotonic time `at`."""
        return self.created_wall + (at - self.created)

    def render(self, now: float, *, listed: bool = False) -> JSONObject:
        """The job as Google shows it at `now` (`listed`: in a list answer).

        Every version that serves a collection has the same fields for what is shown here.
        """
        phase, shown_at = self.phase(now)
        view = _View(self, phase, shown_at, listed)
        body = _RENDERERS[self.job.collection.name](view)
        if self.fields is not None:
            body.update(copy.deepcopy(self.fields))
        return body


# ---------------------------------------------------------------------------------- payloads


@dataclass(frozen=True)
class _View:
    record: JobRecord
    phase: Phase
    at: float  # the moment shown: now, or the end
    listed: bool

    @property
    def ended(self) -> bool:
        return self.phase in {"succeeded", "partial", "failed", "cancelled"}

    @property
    def started(self) -> bool:
        """Whether the job has entered RUNNING (a job cancelled while QUEUED never does)."""
        return self.at >= self.record.running_at

    @property
    def progress(self) -> float:
        if self.phase in {"succeeded", "partial"}:
            return 1.0
        fraction = self.record.run_fraction(self.at) if self.started else 0.0
        # A job that failed or was cancelled left some of its work undone, even at its run's end.
        return min(fraction, _UNFINISHED) if self.ended else fraction

    def state(self) -> str:
        collection = self.record.job.collection
        name = {
            "queued": "QUEUED",
            "pending": "PENDING",
            "running": "RUNNING",
            "cancelling": "CANCELLING",
            "succeeded": "SUCCEEDED",
            "partial": "PARTIALLY_SUCCEEDED",
            "failed": "FAILED",
            "cancelled": "CANCELLED",
        }[self.phase]
        state = f"PIPELINE_STATE_{name}" if collection.pipeline else f"JOB_STATE_{name}"
        if state not in collection.states:  # pragma: no cover - refused at creation
            raise AssertionError(f"{collection.name} has no state {state}")
        return state

    def update_time(self, *, progressing: bool) -> float:
        """The last change shown: a state change, or (for jobs reporting progress) now."""
        record = self.record
        if self.ended or (progressing and self.phase == "running"):
            return self.at
        events = [record.created, record.pending_at, record.running_at]
        if record.cancel_requested is not None:
            events.append(record.cancel_requested)
        return max(e for e in events if e <= self.at)

    def envelope(self, *, progressing: bool = False) -> JSONObject:
        """`name`, `state`, the four times and `error` (which message fields take them varies)."""
        record = self.record
        body: JSONObject = {"name": record.name, "state": self.state()}
        body["createTime"] = timestamp(record.created_wall)
        if self.started:
            body["startTime"] = timestamp(record.wall(record.running_at))
        if self.ended:
            body["endTime"] = timestamp(record.wall(self.at))
        body["updateTime"] = timestamp(record.wall(self.update_time(progressing=progressing)))
        end = record.ending(self.at) if self.ended else None
        if end is not None and end.error is not None:
            body["error"] = copy.deepcopy(end.error)
        return body

    def current_slot(self, slots: int) -> int:
        """Which of `slots` equal parts of the run is under way (`slots`: all are done)."""
        done = self.progress * slots
        return min(int(done), slots - 1) if done < slots else slots


def _worker_pool() -> list[JSONObject]:
    return [
        {
            "machineSpec": {"machineType": "n1-standard-4"},
            "replicaCount": "1",
            "containerSpec": {
                "imageUri": "us-docker.pkg.dev/vertex-ai/training/tf-cpu.2-17:latest"
            },
        }
    ]


def _batch_prediction_job(view: _View) -> JSONObject:
    record = view.record
    job = record.job
    body = view.envelope(progressing=True)
    body["displayName"] = f"emulated-{job.leaf}"
    body["model"] = "publishers/google/models/gemini-2.5-flash"
    body["inputConfig"] = {
        "instancesFormat": "jsonl",
        "gcsSource": {"uris": [f"gs://{job.project}-batch/{job.leaf}/input.jsonl"]},
    }
    body["outputConfig"] = {
        "predictionsFormat": "jsonl",
        "gcsDestination": {"outputUriPrefix": f"gs://{job.project}-batch/{job.leaf}/"},
    }
    if view.started:
        body["outputInfo"] = {
            "gcsOutputDirectory": f"gs://{job.project}-batch/{job.leaf}/prediction-{job.leaf}"
        }
        processed = int(view.progress * _BATCH_INSTANCES)
        failed = _BATCH_PARTIAL_FAILURES if view.phase == "partial" else 0
        stats: JSONObject = {}
        for key, value in (
            ("successfulCount", processed - failed),
            ("failedCount", failed),
            ("incompleteCount", _BATCH_INSTANCES - processed if view.ended else 0),
        ):
            if value:
                stats[key] = str(value)
        if stats:
            body["completionStats"] = stats
        if failed:
            body["partialFailures"] = [
                {"code": 3, "message": f"{failed} instances could not be parsed as JSON."}
            ]
    return body


def _tuning_job(view: _View) -> JSONObject:
    record = view.record
    job = record.job
    body = view.envelope()
    body["baseModel"] = "gemini-2.5-flash"
    body["tunedModelDisplayName"] = f"emulated-{job.leaf}"
    body["supervisedTuningSpec"] = {
        "trainingDatasetUri": f"gs://{job.project}-tuning/{job.leaf}/train.jsonl",
        "hyperParameters": {"epochCount": "3"},
    }
    if view.started:
        body["experiment"] = (
            f"{job.location_name}/metadataStores/default/contexts/tuning-experiment-{job.leaf}"
        )
        body["tuningDataStats"] = {
            "supervisedTuningDataStats": {
                "tuningDatasetExampleCount": str(_TUNING_EXAMPLES),
                "tuningStepCount": str(TUNING_STEPS),
            }
        }
    if view.phase in {"succeeded", "partial"}:
        body["tunedModel"] = {
            "model": f"{job.location_name}/models/{job.leaf}@1",
            "endpoint": f"{job.location_name}/endpoints/{job.leaf}",
        }
    return body


def _custom_job(view: _View) -> JSONObject:
    body = view.envelope()
    body["displayName"] = f"emulated-{view.record.job.leaf}"
    body["jobSpec"] = {"workerPoolSpecs": _worker_pool()}
    return body


def _hyperparameter_tuning_job(view: _View) -> JSONObject:
    record = view.record
    body = view.envelope(progressing=True)
    body["displayName"] = f"emulated-{record.job.leaf}"
    body["studySpec"] = {
        "metrics": [{"metricId": "accuracy", "goal": "MAXIMIZE"}],
        "parameters": [
            {
                "parameterId": "learning_rate",
                "doubleValueSpec": {"minValue": 0.0001, "maxValue": 0.1},
                "scaleType": "UNIT_LOG_SCALE",
            }
        ],
    }
    body["maxTrialCount"] = _HPT_TRIALS
    body["parallelTrialCount"] = _HPT_PARALLEL
    body["trialJobSpec"] = {"workerPoolSpecs": _worker_pool()}
    if view.started:
        body["trials"] = _trials(view)
    return body


def _trials(view: _View) -> list[JSONObject]:
    # Trials run two at a time, in rounds that split the run evenly.
    record = view.record
    rounds = _HPT_TRIALS // _HPT_PARALLEL
    current = view.current_slot(rounds)
    trials = []
    for index in range(min(_HPT_TRIALS, (current + 1) * _HPT_PARALLEL)):
        round_ = index // _HPT_PARALLEL
        learning_rate = round(0.0001 * 10 ** (3 * index / (_HPT_TRIALS - 1)), 6)
        trial: JSONObject = {
            "id": str(index + 1),
            "parameters": [{"parameterId": "learning_rate", "value": learning_rate}],
            "startTime": timestamp(record.wall(_round_start(view, round_, rounds))),
        }
        if round_ < current:
            trial["state"] = "SUCCEEDED"
            trial["finalMeasurement"] = {
                "stepCount": "100",
                "metrics": [{"metricId": "accuracy", "value": round(0.7 + 0.03 * index, 4)}],
            }
            trial["endTime"] = timestamp(record.wall(_round_start(view, round_ + 1, rounds)))
        else:
            stopping = view.phase in {"cancelling", "cancelled", "failed"}
            trial["state"] = "STOPPING" if stopping else "ACTIVE"
        trials.append(trial)
    return trials


def _round_start(view: _View, round_: int, rounds: int) -> float:
    """Monotonic time at which the `round_`th of `rounds` equal parts of the run starts."""
    record = view.record
    if round_ == 0:
        return record.running_at
    if record.duration is None:
        # Invert run_fraction: elapsed = H * f / (1 - f).
        share = round_ / rounds
        return record.running_at + _OPEN_ENDED_HALF_LIFE * share / (1 - share)
    length = record.created + record.duration - record.running_at
    return record.running_at + length * round_ / rounds


def _pipeline_job(view: _View) -> JSONObject:
    record = view.record
    job = record.job
    body = view.envelope(progressing=True)
    body["displayName"] = f"emulated-{job.leaf}"
    body["pipelineSpec"] = {
        "pipelineInfo": {"name": "emulated-pipeline"},
        "schemaVersion": "2.1.0",
        "sdkVersion": "kfp-2.7.0",
    }
    body["runtimeConfig"] = {"gcsOutputDirectory": f"gs://{job.project}-pipeline-root/{job.leaf}"}
    if view.started and not view.listed:
        # "jobDetail: ... Not available in the list view."
        body["jobDetail"] = {"taskDetails": _tasks(view)}
    return body


def _tasks(view: _View) -> list[JSONObject]:
    # The tasks run one after the other, splitting the run evenly.
    record = view.record
    count = len(_PIPELINE_TASKS)
    current = view.current_slot(count)
    tasks = []
    for index, task_name in enumerate(_PIPELINE_TASKS[: current + 1]):
        start = record.wall(_round_start(view, index, count))
        task: JSONObject = {
            "taskId": str(1000 + index),
            "taskName": task_name,
            "createTime": timestamp(start),
            "startTime": timestamp(start),
        }
        if index < current:
            task["endTime"] = timestamp(record.wall(_round_start(view, index + 1, count)))
            task["state"] = "SUCCEEDED"
        else:
            task["state"] = {
                "cancelling": "CANCELLING",
                "cancelled": "CANCELLED",
                "failed": "FAILED",
            }.get(view.phase, "RUNNING")
            if view.ended:
                task["endTime"] = timestamp(record.wall(view.at))
        tasks.append(task)
    return tasks


def _gemini_tuned_model(view: _View) -> JSONObject:
    record = view.record
    state = {"succeeded": "ACTIVE", "failed": "FAILED"}.get(view.phase, "CREATING")
    # A tuned model has no queue: it trains from its creation to its end.
    steps = TUNING_STEPS if state == "ACTIVE" else int(record.fraction(view.at) * TUNING_STEPS)
    update = record.wall(view.at)
    return tuned_model(
        record.name,
        state,
        create_time=record.created_wall,
        update_time=update,
        complete_time=update if view.ended else None,
        snapshots=tuning_snapshots(steps, record.created_wall, update) if steps else None,
    )


_RENDERERS = {
    "batchPredictionJobs": _batch_prediction_job,
    "tuningJobs": _tuning_job,
    "customJobs": _custom_job,
    "hyperparameterTuningJobs": _hyperparameter_tuning_job,
    "pipelineJobs": _pipeline_job,
    GEMINI_TUNED_MODELS: _gemini_tuned_model,
}


# ---------------------------------------------------------------------------------- the store


def _check_duration(value: Any, field_name: str, *, nullable: bool) -> float | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        allowed = ", or null" if nullable else ""
        raise bad_request(field_name, f"{field_name} must be a number of seconds >= 0{allowed}.")
    return float(value)


def _check_fate(
    collection: Collection, fate: Any, error: Any, partial_success: Any
) -> tuple[Phase, JSONObject | None]:
    """The ending a job's fate asks for: its phase and error (ApiError 400 when inconsistent)."""
    if fate is None:
        fate = "fail" if error is not None else "succeed"
    if fate not in {"succeed", "fail"}:
        raise bad_request("fate", 'fate must be "succeed" or "fail".')
    if partial_success is not None and not isinstance(partial_success, bool):
        raise bad_request("partial_success", "partial_success must be true or false.")
    if fate == "succeed":
        if error is not None:
            raise bad_request("error", 'error goes with fate "fail", not "succeed".')
        if not partial_success:
            return "succeeded", None
        if not collection.partial_success:
            raise bad_request(
                "partial_success", f"{collection.name} have no partially-succeeded state."
            )
        return "partial", None
    if partial_success:
        raise bad_request("partial_success", 'partial_success goes with fate "succeed".')
    if collection.surface == "gemini":
        if error is not None:
            raise bad_request("error", "A tuned model reports no error: it only turns FAILED.")
        return "failed", None
    return "failed", DEFAULT_JOB_ERROR if error is None else check_status(error, "error")


def _check_fields(value: Any) -> JSONObject | None:
    fields = check_object(value, "fields")
    if fields is not None:
        clocked = sorted(set(fields) & _CLOCK_FIELDS)
        if clocked:
            raise bad_request(
                "fields", f"fields may not set {clocked[0]}: the job's clock decides it."
            )
    return fields


@dataclass
class JobStore:
    """The jobs of one emulator, on its clocks; thread-safe."""

    state: EmulatorState
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _jobs: dict[str, JobRecord] = field(default_factory=dict)
    _seq: int = 0
    _operations: int = 0

    def create(
        self,
        name: Any,
        *,
        duration: Any = None,
        fate: Any = None,
        error: Any = None,
        partial_success: Any = None,
        cancel_delay: Any = None,
        fields: Any = None,
    ) -> JobRecord:
        """Create a job that ends `duration` seconds from now (None: when told) with `fate`.

        Raises ApiError 400 for an invalid name or argument, 409 when the name exists.
        """
        job = parse_job_name(name)
        seconds = _check_duration(duration, "duration", nullable=True)
        phase, checked_error = _check_fate(job.collection, fate, error, partial_success)
        delay = _check_duration(
            self.state.cancel_delay if cancel_delay is None else cancel_delay,
            "cancel_delay",
            nullable=False,
        )
        checked_fields = _check_fields(fields)
        with self._lock:
            if job.name in self._jobs:
                raise ApiError(409, f"Job {job.name} already exists.", status="ALREADY_EXISTS")
            self._seq += 1
            record = JobRecord(
                job=job,
                seq=self._seq,
                created=self.state.clock(),
                created_wall=self.state.wall_clock(),
                duration=seconds,
                fate=phase,
                fate_error=checked_error,
                cancel_delay=0.0 if delay is None else delay,
                fields=checked_fields,
            )
            self._jobs[job.name] = record
        return record

    def get(self, name: str) -> JobRecord:
        """The job with this full name; ApiError 404 when there is none."""
        with self._lock:
            record = self._jobs.get(name)
        if record is None:
            raise ApiError(404, "Requested entity was not found.")
        return record

    def complete(
        self, name: Any, *, fate: Any = None, error: Any = None, partial_success: Any = None
    ) -> JobRecord:
        """End a job now with `fate` (all None: its scheduled fate).

        Raises ApiError 404 for an unknown name, 400 FAILED_PRECONDITION when it has ended.
        """
        if not isinstance(name, str):
            raise bad_request("name", "name must be a full job name.")
        with self._lock:
            record = self.get(name)
            if fate is None and error is None and partial_success is None:
                phase, checked_error = record.fate, record.fate_error
            else:
                phase, checked_error = _check_fate(
                    record.job.collection, fate, error, partial_success
                )
            now = self.state.clock()
            if record.is_done(now):
                raise ApiError(400, f"Job {name} has already ended.", status="FAILED_PRECONDITION")
            record.forced = JobEnding(now, phase, checked_error)
        return record

    def cancel(self, name: str) -> None:
        """Start cancelling a job: CANCELLING now, CANCELLED after its cancel delay.

        An ended or already cancelling job is left as it is. ApiError 404 for an unknown name.
        """
        with self._lock:
            record = self.get(name)
            now = self.state.clock()
            if record.cancel_requested is None and not record.is_done(now):
                record.cancel_requested = now

    def delete(self, name: str) -> JobRecord:
        """Forget a job and return it; a batch prediction job must have ended first.

        ApiError 404 for an unknown name, 400 FAILED_PRECONDITION for a batch prediction job
        that has not ended ("Can only be called on jobs that already finished").
        """
        with self._lock:
            record = self.get(name)
            now = self.state.clock()
            if record.job.collection.name == "batchPredictionJobs" and not record.is_done(now):
                state = _View(record, *record.phase(now), listed=False).state()
                raise ApiError(
                    400,
                    f"BatchPredictionJob {name} is in state {state}: only a job that has "
                    "finished can be deleted.",
                    status="FAILED_PRECONDITION",
                )
            del self._jobs[name]
            return record

    def operation_id(self) -> str:
        """A fresh numeric id for the operation a deletion answers with."""
        with self._lock:
            self._operations += 1
            return str(7_000_000_000_000 + self._operations)

    def jobs(self) -> list[JobRecord]:
        """Every job, oldest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda r: r.seq)

    def clear(self) -> None:
        """Forget every job."""
        with self._lock:
            self._jobs.clear()


# ---------------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class JobRoute:
    """A job request: what to do, on which job (or, for a list, the collection's path)."""

    surface: Surface
    version: str
    action: str  # get, list, cancel or delete
    target: str
    collection: Collection


def match_job_route(method: str, raw_path: str) -> JobRoute | None:
    """Map an HTTP method and raw path to a job route, or None (not a job method Google serves)."""
    split = split_path(raw_path)
    if split is None:
        return None
    version, segments, verb = split
    known = collections()
    if segments[0] == "projects":
        action = find_route(route_index(_TABLE, "jobs"), version, method, verb, segments)
        if action is None:
            return None
        name = segments[-1] if action == "list" else segments[-2]
        return JobRoute("vertex", version, action, "/".join(segments), known[name])
    tuned = known[GEMINI_TUNED_MODELS]
    if segments[0] != GEMINI_TUNED_MODELS or verb is not None or version not in tuned.methods:
        return None
    if len(segments) == 1 and method == "GET":
        return JobRoute("gemini", version, "list", GEMINI_TUNED_MODELS, tuned)
    if len(segments) == 2 and method in {"GET", "DELETE"}:
        action = "get" if method == "GET" else "delete"
        return JobRoute("gemini", version, action, "/".join(segments), tuned)
    return None


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def job_route_params(route: JobRoute) -> frozenset[str]:
    """The query parameters the route's method takes beyond the system ones."""
    if route.action != "list":
        return frozenset()
    query = route.collection.list_query
    return query | {_snake(q) for q in query}


def _param(params: dict[str, str], name: str) -> str:
    return params.get(name, params.get(_snake(name), ""))


# ---------------------------------------------------------------------------------- serving


def serve_job(
    state: EmulatorState, route: JobRoute, params: dict[str, str], *, repeat: bool = False
) -> JSONObject:
    """Carry out a job request and return the answer's body; ApiError for an error answer.

    `repeat`: a misbehaving front end, whose list hands back the page token it was given.
    """
    store = state.jobs
    now = state.clock()
    if route.action == "get":
        return store.get(route.target).render(now)
    if route.action == "list":
        return _list(state, route, params, repeat=repeat)
    if route.action == "cancel":
        store.cancel(route.target)
        return {}
    record = store.delete(route.target)
    if route.surface == "gemini":
        return {}
    # DELETE answers a google.longrunning.Operation of the location, as for other deletions.
    while True:
        name = f"{record.job.location_name}/operations/{store.operation_id()}"
        try:
            operation = state.create(name, duration=0)
        except ApiError as exc:
            if exc.http_status == 409:  # an operation created by hand has this name
                continue
            raise  # pragma: no cover - the name always has a served shape
        return operation.render(state.clock(), route.version)


_STATE_TERM = re.compile(r'\s*state\s*(!=|=)\s*(?:"([A-Z_]+)"|([A-Z_]+))\s*')
_ORDER_TERM = re.compile(r"\s*create_time(?:\s+(asc|desc))?\s*")


def _state_filter(collection: Collection, raw: str) -> list[list[tuple[bool, str]]]:
    """`raw` as AND-ed groups of OR-ed (equal?, state) terms (AIP-160: OR binds tighter)."""
    groups = []
    for group in raw.split(" AND "):
        terms = []
        for term in group.split(" OR "):
            match = _STATE_TERM.fullmatch(term)
            if match is None:
                raise bad_request(
                    "filter",
                    f'Unsupported filter "{raw}": the emulator filters on state only '
                    '(state="JOB_STATE_SUCCEEDED", state!="...", joined by AND and OR).',
                )
            value = match.group(2) or match.group(3)
            if value not in collection.states:
                raise bad_request("filter", f'Invalid filter "{raw}": unknown state {value}.')
            terms.append((match.group(1) == "=", value))
        groups.append(terms)
    return groups


def _keep(route: JobRoute, raw_filter: str) -> tuple[str, Callable[[JSONObject], bool] | None]:
    """The normalised filter, and the test a rendered job must pass (None: every job)."""
    text = raw_filter.strip()
    if not text:
        return "", None
    if route.surface == "gemini":
        # ListTunedModelsRequest.filter: full text search over the display name and description,
        # or owner:me, writers:me, readers:me (every emulated model is the caller's own), or
        # readers:everyone (none is shared with everyone).
        if text in _TUNED_MODEL_FILTERS:
            return text, None
        if text == "readers:everyone":
            return text, lambda job: False
        needle = text.lower()
        return text, lambda job: any(
            needle in str(job.get(key, "")).lower() for key in ("displayName", "description")
        )
    groups = _state_filter(route.collection, text)
    return text, lambda job: all(
        any((job["state"] == value) == equal for equal, value in terms) for terms in groups
    )


def _descending(route: JobRoute, params: dict[str, str]) -> bool:
    """Whether the list goes newest first: orderBy "create_time desc", or pipelineJobs' default."""
    if "orderBy" not in route.collection.list_query:
        return False
    raw = _param(params, "orderBy")
    if raw.strip() == "":
        # "if order_by is not specified, it will order by default order is create time in
        # descending order"
        return True
    match = _ORDER_TERM.fullmatch(raw)
    if match is None:
        raise bad_request(
            "order_by",
            f'Unsupported order_by "{raw}": the emulator orders by create_time '
            '("create_time", "create_time desc") only.',
        )
    return match.group(1) == "desc"


def _list(
    state: EmulatorState, route: JobRoute, params: dict[str, str], *, repeat: bool
) -> JSONObject:
    collection = route.collection
    default = _TUNED_MODELS_PAGE_SIZE if route.surface == "gemini" else None
    size = page_size(params) if default is None else page_size(params, default=default)
    filter_text, keep = _keep(route, _param(params, "filter"))
    descending = _descending(route, params)
    binding = f"{filter_text}|{'desc' if descending else 'asc'}"
    token = _param(params, "pageToken")
    after = decode_page_token(token, route.target, binding) if token else None
    now = state.clock()
    shown: list[JSONObject] = []
    last: int | None = None
    more = False
    records = state.jobs.jobs()
    if descending:
        records.reverse()
    for record in records:
        if record.job.parent != route.target:
            continue
        if after is not None and (record.seq >= after if descending else record.seq <= after):
            continue
        body = record.render(now, listed=True)
        if keep is not None and not keep(body):
            continue
        if len(shown) == size:
            more = True
            break
        shown.append(body)
        last = record.seq
    answer: JSONObject = {}
    if shown:
        answer[collection.list_field] = shown
    if more and last is not None:
        answer["nextPageToken"] = encode_page_token(route.target, binding, last)
    if repeat:
        # A misbehaving front end: hand back the token just used, or one for this first page.
        first = max((r.seq for r in records), default=0) + 1 if descending else 0
        answer["nextPageToken"] = token or encode_page_token(route.target, binding, first)
    return answer
