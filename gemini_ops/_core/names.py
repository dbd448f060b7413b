"""Operation and job names: parse, validate and classify them by resource family.

A name is split on ``/`` into segments; every segment is checked before the name is matched
against the families of Google's API, so that nothing a caller passes can leave the path of its
family once it is put into a URL: no empty segments, no ``.`` or ``..``, no ``?``, ``#``, ``%``,
``:``, whitespace or control characters, and no URLs.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from gemini_ops._core import vertex_routes
from gemini_ops._core.errors import InvalidNameError

Backend = Literal["gemini", "vertex_ai"]

# One segment of a name: letters, digits and the unreserved punctuation ids use in practice
# (``veo-3.0-generate-001``, ``us-central1``, ``op_91f3``, ``abc~1``).
_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")
_MAX_NAME_LENGTH = 2048
# A Google Cloud region: lowercase words joined by '-', ending in a number (``us-central1``,
# ``europe-west4``, ``northamerica-northeast1``).
_REGION = re.compile(r"[a-z]+(?:-[a-z]+)+[0-9]{1,3}")
#: The Vertex AI locations that are not regions: ``global`` and the multi-regions ``us``, ``eu``.
VERTEX_MULTI_LOCATIONS = ("global", "us", "eu")
# A region becomes the first label of its host, ``{region}-aiplatform``: at most 63 characters.
_MAX_REGION_LENGTH = 63 - len("-aiplatform")
LOCATION_RULE = (
    "a region such as 'us-central1' or 'europe-west4' (lowercase), or 'global', 'us', 'eu'"
)


class _Shaped:
    """The two parts of a family's value: its backend and the template of its names."""

    value: tuple[Backend, str]

    @property
    def backend(self) -> Backend:
        """The API that serves this family: ``"gemini"`` or ``"vertex_ai"``."""
        return self.value[0]

    @property
    def template(self) -> str:
        """The shape of the names of this family, e.g. ``batches/{batch}``."""
        return self.value[1]


class Family(_Shaped, enum.Enum):
    """A resource family: one shape of operation or job name and its backend.

    The job families (``is_job``) name resources that are not ``google.longrunning``
    operations but carry a ``state``: the five Vertex AI job collections and Gemini API tuned
    models (see docs/jobs.md). ``VERTEX_TUNING_JOB`` named the operations of a tuning job up
    to 0.1.0; those now parse as ``VERTEX_RESOURCE``, and the member names the tuning job.
    """

    TUNED_MODEL = ("gemini", "tunedModels/{tunedModel}/operations/{operation}")
    MODEL = ("gemini", "models/{model}/operations/{operation}")
    BATCH = ("gemini", "batches/{batch}")
    CORPUS = ("gemini", "corpora/{corpus}/operations/{operation}")
    GENERATED_FILE = ("gemini", "generatedFiles/{generatedFile}/operations/{operation}")
    FILE_SEARCH_STORE = ("gemini", "fileSearchStores/{fileSearchStore}/operations/{operation}")
    FILE_SEARCH_STORE_UPLOAD = (
        "gemini",
        "fileSearchStores/{fileSearchStore}/upload/operations/{operation}",
    )
    # Google binds ``{name=operations/**}``: the id of a top-level operation may span segments.
    OPERATION = ("gemini", "operations/{operation}")
    VERTEX_LOCATION = (
        "vertex_ai",
        "projects/{project}/locations/{location}/operations/{operation}",
    )
    VERTEX_PUBLISHER_MODEL = (
        "vertex_ai",
        "projects/{project}/locations/{location}/publishers/{publisher}/models/{model}"
        "/operations/{operation}",
    )
    VERTEX_RESOURCE = (
        "vertex_ai",
        "projects/{project}/locations/{location}/{collection}/{resource}/.../operations/{operation}",
    )
    TUNED_MODEL_JOB = ("gemini", "tunedModels/{tunedModel}")
    VERTEX_BATCH_PREDICTION_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/batchPredictionJobs/{batchPredictionJob}",
    )
    VERTEX_TUNING_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/tuningJobs/{tuningJob}",
    )
    VERTEX_CUSTOM_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/customJobs/{customJob}",
    )
    VERTEX_HYPERPARAMETER_TUNING_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/hyperparameterTuningJobs"
        "/{hyperparameterTuningJob}",
    )
    VERTEX_PIPELINE_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/pipelineJobs/{pipelineJob}",
    )

    @property
    def is_job(self) -> bool:
        """True for a job resource (a ``state``, polled with get), not an operation."""
        return self in _JOB_FAMILIES


class ParentFamily(_Shaped, enum.Enum):
    """A collection that can be listed: the parent of a family's operations, or of jobs.

    The job collections (``is_job``) list jobs rather than operations: ``TUNED_MODELS`` and
    the ``VERTEX_*_JOB`` members, each named after the family of what it lists.
    ``VERTEX_TUNING_JOB`` was the parent of a tuning job's operations up to 0.1.0; those
    parents now parse as ``VERTEX_RESOURCE``, and the member lists tuning jobs.
    """

    TUNED_MODEL = ("gemini", "tunedModels/{tunedModel}")
    MODEL = ("gemini", "models/{model}")
    BATCHES = ("gemini", "batches")
    OPERATIONS = ("gemini", "operations")
    VERTEX_LOCATION = ("vertex_ai", "projects/{project}/locations/{location}")
    VERTEX_RESOURCE = (
        "vertex_ai",
        "projects/{project}/locations/{location}/{collection}/{resource}/...",
    )
    TUNED_MODELS = ("gemini", "tunedModels")
    VERTEX_BATCH_PREDICTION_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/batchPredictionJobs",
    )
    VERTEX_TUNING_JOB = ("vertex_ai", "projects/{project}/locations/{location}/tuningJobs")
    VERTEX_CUSTOM_JOB = ("vertex_ai", "projects/{project}/locations/{location}/customJobs")
    VERTEX_HYPERPARAMETER_TUNING_JOB = (
        "vertex_ai",
        "projects/{project}/locations/{location}/hyperparameterTuningJobs",
    )
    VERTEX_PIPELINE_JOB = ("vertex_ai", "projects/{project}/locations/{location}/pipelineJobs")

    @property
    def is_job(self) -> bool:
        """True for a collection of jobs (listed under its own field), not of operations."""
        return self in _JOB_PARENTS

    @property
    def job_family(self) -> Family | None:
        """The family of the jobs this collection lists, or None for operations."""
        return _JOB_PARENTS.get(self)


# The job families and the collections listing them. The Vertex AI collections are those of
# ``gemini_ops/_discovery/vertex_jobs.json`` (a test keeps the two equal).
_JOB_PARENTS: Mapping[ParentFamily, Family] = MappingProxyType(
    {
        ParentFamily.TUNED_MODELS: Family.TUNED_MODEL_JOB,
        ParentFamily.VERTEX_BATCH_PREDICTION_JOB: Family.VERTEX_BATCH_PREDICTION_JOB,
        ParentFamily.VERTEX_TUNING_JOB: Family.VERTEX_TUNING_JOB,
        ParentFamily.VERTEX_CUSTOM_JOB: Family.VERTEX_CUSTOM_JOB,
        ParentFamily.VERTEX_HYPERPARAMETER_TUNING_JOB: Family.VERTEX_HYPERPARAMETER_TUNING_JOB,
        ParentFamily.VERTEX_PIPELINE_JOB: Family.VERTEX_PIPELINE_JOB,
    }
)
_JOB_FAMILIES = frozenset(_JOB_PARENTS.values())


# Vertex AI names are matched against the parents of Google's discovery documents (any depth,
# ``vertex_routes``), not against the display templates above.
_VERTEX_NAMES = (Family.VERTEX_LOCATION, Family.VERTEX_RESOURCE)
_VERTEX_PARENTS = (ParentFamily.VERTEX_LOCATION, ParentFamily.VERTEX_RESOURCE)
_VERTEX_HINT = "a Vertex AI parent that serves operations (see docs/vertex-routes.md)"


def _freeze(params: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(params))


@attrs.frozen
class ParsedName:
    """A validated operation name: its family and the value of each path parameter."""

    name: str
    family: Family
    params: Mapping[str, str] = attrs.field(converter=_freeze)
    #: For Vertex AI names, the parent's pattern in Google's discovery documents.
    pattern: str | None = None

    @property
    def backend(self) -> Backend:
        """``"gemini"`` or ``"vertex_ai"``."""
        return self.family.backend


@attrs.frozen
class ParsedParent:
    """A validated list parent: its collection family and the value of each path parameter."""

    name: str
    family: ParentFamily
    params: Mapping[str, str] = attrs.field(converter=_freeze)
    #: For Vertex AI parents, the pattern in Google's discovery documents.
    pattern: str | None = None

    @property
    def backend(self) -> Backend:
        """``"gemini"`` or ``"vertex_ai"``."""
        return self.family.backend


ACCEPTED_NAMES: tuple[str, ...] = tuple(f.template for f in Family)
ACCEPTED_PARENTS: tuple[str, ...] = tuple(f.template for f in ParentFamily)


def _segments(name: object, accepted: tuple[str, ...]) -> list[str]:
    """Split ``name`` into checked segments or raise InvalidNameError saying what is wrong."""
    if not isinstance(name, str):
        raise InvalidNameError(repr(name), f"expected a str, got {type(name).__name__}", accepted)
    if not name:
        raise InvalidNameError(name, "the name is empty", accepted)
    if len(name) > _MAX_NAME_LENGTH:
        raise InvalidNameError(name, f"longer than {_MAX_NAME_LENGTH} characters", accepted)
    if "://" in name or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", name):
        raise InvalidNameError(name, "a URL is not a name; pass the name only", accepted)
    for char in name:
        if char in "?#%":
            raise InvalidNameError(name, f"{char!r} is not allowed in a name", accepted)
        if char.isspace() or not char.isprintable():
            raise InvalidNameError(
                name, "whitespace and control characters are not allowed", accepted
            )
    segments = name.split("/")
    for segment in segments:
        if not segment:
            raise InvalidNameError(
                name, "empty segment (leading, trailing or double '/')", accepted
            )
        if segment in (".", ".."):
            raise InvalidNameError(name, f"{segment!r} segments are not allowed", accepted)
        if not _SEGMENT.fullmatch(segment):
            raise InvalidNameError(
                name,
                f"segment {segment!r} has characters outside letters, digits and '-_.~'",
                accepted,
            )
    return segments


def _match(template: str, segments: list[str], *, rest: bool = False) -> dict[str, str] | None:
    """The path parameters of ``segments`` in ``template``, or None when they do not fit.

    With ``rest`` (Google's ``**`` binding), the last parameter takes one or more segments.
    """
    parts = template.split("/")
    if rest and len(segments) > len(parts):
        segments = [*segments[: len(parts) - 1], "/".join(segments[len(parts) - 1 :])]
    if len(parts) != len(segments):
        return None
    params: dict[str, str] = {}
    for part, segment in zip(parts, segments, strict=True):
        if part.startswith("{"):
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def is_vertex_location(location: object) -> bool:
    """True for a location Google names for Vertex AI (`LOCATION_RULE`), which picks its host.

    Anything else (``evil.com/x``, ``a.b``, ``us-central1.attacker``, ``US-CENTRAL1``, a region
    too long for a host name) could make ``{location}-aiplatform.googleapis.com`` another host.
    """
    if not isinstance(location, str):
        return False
    if location in VERTEX_MULTI_LOCATIONS:
        return True
    return len(location) <= _MAX_REGION_LENGTH and _REGION.fullmatch(location) is not None


def _check_location(name: str, params: Mapping[str, str], accepted: tuple[str, ...]) -> None:
    location = params.get("location")
    if location is not None and not is_vertex_location(location):
        reason = f"location {location!r} is not a Vertex AI location: {LOCATION_RULE}"
        raise InvalidNameError(name, reason, accepted)


def vertex_params(segments: list[str]) -> dict[str, str]:
    """The path parameters of a Vertex parent's segments, named as the spec names them.

    ``project``, ``location``, then ``collection``, ``resource``, ``collection2``,
    ``resource2``... for the segments below the location.
    """
    params = {"project": segments[1], "location": segments[3]}
    for index, segment in enumerate(segments[4:]):
        level = index // 2 + 1
        suffix = "" if level == 1 else str(level)
        params[("collection" if index % 2 == 0 else "resource") + suffix] = segment
    return params


def _vertex_parent(segments: list[str]) -> str | None:
    """The discovery pattern of a Vertex parent, or None when Google serves no operations there."""
    if len(segments) < 4 or segments[0] != "projects" or segments[2] != "locations":
        return None
    return vertex_routes.pattern_of(segments)


def parse_name(name: str) -> ParsedName:
    """Parse an operation or job name into its resource family and path parameters.

    ``parse_name("models/veo-3.0/operations/abc")`` gives the ``Family.MODEL`` family with
    ``{"model": "veo-3.0", "operation": "abc"}``; a job name such as
    ``projects/p/locations/l/tuningJobs/7`` gives a family whose ``is_job`` is true. Raises
    InvalidNameError (a ValueError) for anything that is not the name of an operation or job
    of Google's Gemini API or Vertex AI, naming the accepted shapes. Results are cached:
    polling parses the same names again and again.
    """
    if not isinstance(name, str):
        _segments(name, ACCEPTED_NAMES)  # raises, naming the type
    return _parse_name_cached(name)


@functools.lru_cache(maxsize=4096)
def _parse_name_cached(name: str) -> ParsedName:
    segments = _segments(name, ACCEPTED_NAMES)
    for family in Family:
        if family in _VERTEX_NAMES:
            continue
        params = _match(family.template, segments, rest=family is Family.OPERATION)
        if params is not None:
            _check_location(name, params, ACCEPTED_NAMES)
            return ParsedName(name=name, family=family, params=params)
    if len(segments) >= 6 and segments[-2] == "operations":
        pattern = _vertex_parent(segments[:-2])
        if pattern is not None:
            params = vertex_params(segments[:-2])
            _check_location(name, params, ACCEPTED_NAMES)
            params["operation"] = segments[-1]
            family = Family.VERTEX_LOCATION if len(segments) == 6 else Family.VERTEX_RESOURCE
            return ParsedName(name=name, family=family, params=params, pattern=pattern)
    if segments[0] == "projects":
        raise InvalidNameError(
            name, f"not the operation of {_VERTEX_HINT}, nor a Vertex AI job", ACCEPTED_NAMES
        )
    raise InvalidNameError(name, "not the name of an operation or job", ACCEPTED_NAMES)


#: Path parameters that Google may spell another way in the name it answers with: a Vertex AI
#: project by its number where the request named its id, a model by the version an alias stands
#: for. Every other parameter (the operation's own id included) must be the same.
_RESPELLED = frozenset({"project", "model"})


def same_operation(requested: str, answered: object) -> bool:
    """True when ``answered``, the name in a server's answer, names the operation ``requested``.

    Both must be names of the same family whose path parameters are equal, except a Vertex AI
    project (id or number) and a model (alias or version); see `parse_name`. An answered name
    that is not a valid name never matches.
    """
    if answered == requested:
        return True
    if not isinstance(answered, str):
        return False
    try:
        mine, theirs = parse_name(requested), parse_name(answered)
    except InvalidNameError:
        return False

    def fixed(parsed: ParsedName) -> dict[str, str]:
        return {k: v for k, v in parsed.params.items() if k not in _RESPELLED}

    return mine.family is theirs.family and fixed(mine) == fixed(theirs)


def parse_parent(parent: str) -> ParsedParent:
    """Parse the parent of a list of operations (``batches``, ``tunedModels/m``, ...) or jobs.

    A trailing ``/operations`` is accepted and ignored (``tunedModels/m/operations`` lists the
    same collection as ``tunedModels/m``). Job collections (``tunedModels``,
    ``projects/p/locations/l/batchPredictionJobs``, ...) give a family whose ``is_job`` is
    true. Raises InvalidNameError for anything else.
    """
    segments = _segments(parent, ACCEPTED_PARENTS)
    candidates = [segments]
    if len(segments) > 1 and segments[-1] == "operations":
        candidates.append(segments[:-1])
    for candidate in candidates:
        for family in ParentFamily:
            # A trailing ``/operations`` belongs to an operations parent, never to jobs.
            if family in _VERTEX_PARENTS or (family.is_job and candidate is not segments):
                continue
            params = _match(family.template, candidate)
            if params is not None:
                return ParsedParent(name="/".join(candidate), family=family, params=params)
        pattern = _vertex_parent(candidate)
        if pattern is not None:
            params = vertex_params(candidate)
            _check_location(parent, params, ACCEPTED_PARENTS)
            family = (
                ParentFamily.VERTEX_LOCATION
                if len(candidate) == 4
                else ParentFamily.VERTEX_RESOURCE
            )
            return ParsedParent(
                name="/".join(candidate),
                family=family,
                params=params,
                pattern=pattern,
            )
    if segments[0] == "projects":
        raise InvalidNameError(
            parent, f"not a Vertex AI job collection, nor {_VERTEX_HINT}", ACCEPTED_PARENTS
        )
    raise InvalidNameError(parent, "not a collection of operations or jobs", ACCEPTED_PARENTS)
