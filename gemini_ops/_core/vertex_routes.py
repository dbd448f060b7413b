"""The Vertex AI operation and job routes Google's discovery documents give, read from data.

``gemini_ops/_discovery/vertex_operations.json`` is written by ``scripts/vertex_routes.py`` from
``aiplatform.v1.json`` and ``aiplatform.v1beta1.json`` (and checked against them in CI): for every
parent pattern below ``projects/*/locations/*``, each API version's operations methods with
their HTTP method and path. ``gemini_ops/_discovery/vertex_jobs.json`` gives the same for the
job collections, with each list's field and query parameters and each job's ``state`` values.
Both are read on first use, so importing gemini_ops costs nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import attrs

_DATA = Path(__file__).resolve().parent.parent / "_discovery" / "vertex_operations.json"

#: A served method: (HTTP method, the document's flatPath, e.g. ``v1/projects/{projectsId}/...``).
Served = tuple[str, str]


@functools.cache
def _table() -> Mapping[str, Mapping[str, Mapping[str, Served]]]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))["operations"]
    return MappingProxyType(
        {
            parent: MappingProxyType(
                {
                    version: MappingProxyType(
                        {method: (route[0], route[1]) for method, route in methods.items()}
                    )
                    for version, methods in versions.items()
                }
            )
            for parent, versions in data.items()
        }
    )


def parent_patterns() -> tuple[str, ...]:
    """Every parent pattern that serves operations in some version, sorted."""
    return tuple(_table())


def pattern_of(segments: Sequence[str]) -> str | None:
    """The pattern (``projects/*/locations/*/ragCorpora/*``) of a parent given by its segments.

    None when no version serves operations under it. Ids sit at odd positions in every pattern
    of the documents (collections and singletons such as ``ragEngineConfig`` at even ones).
    """
    key = "/".join("*" if index % 2 else segment for index, segment in enumerate(segments))
    return key if key in _table() else None


def served(pattern: str) -> Mapping[str, Mapping[str, Served]]:
    """Version -> method -> (HTTP method, flatPath) for a pattern from ``pattern_of``."""
    return _table()[pattern]


# ---------------------------------------------------------------------- jobs

_JOBS = Path(__file__).resolve().parent.parent / "_discovery" / "vertex_jobs.json"


@attrs.frozen
class JobCollection:
    """A Vertex AI job collection as the documents give it, in one API version.

    ``methods``: method -> (HTTP method, flatPath); ``list_field``: the list answer's array
    of jobs; ``list_query``: the list's query parameters; ``states``: the job's ``state``
    values; ``completion_stats``: whether the job reports ``completionStats``.
    """

    methods: Mapping[str, Served]
    list_field: str
    list_query: tuple[str, ...]
    states: tuple[str, ...]
    completion_stats: bool


@functools.cache
def _jobs() -> Mapping[str, Mapping[str, JobCollection]]:
    data = json.loads(_JOBS.read_text(encoding="utf-8"))
    return MappingProxyType(
        {
            key: MappingProxyType(
                {
                    version: JobCollection(
                        methods=MappingProxyType({m: (r[0], r[1]) for m, r in methods.items()}),
                        list_field=data["resources"][key][version]["listField"],
                        list_query=tuple(data["resources"][key][version]["listQuery"]),
                        states=tuple(data["resources"][key][version]["states"]),
                        completion_stats=data["resources"][key][version]["completionStats"],
                    )
                    for version, methods in versions.items()
                }
            )
            for key, versions in data["jobs"].items()
        }
    )


def job_collections() -> tuple[str, ...]:
    """Every job collection pattern (``projects/*/locations/*/tuningJobs``), sorted."""
    return tuple(_jobs())


def job_collection(pattern: str) -> Mapping[str, JobCollection]:
    """Version -> what the documents give for the job collection ``pattern``."""
    return _jobs()[pattern]
