"""Operation names the emulator knows, and the HTTP routes that reach them.

Written from the reference description of Google's wire surface, independently of the client's own
name handling: the two must agree only because both follow Google. Vertex AI routes are matched
against the ``flatPath`` templates of Google's discovery documents, as recorded (pure data) in
``gemini_ops/_discovery/vertex_operations.json`` (job resources: ``vertex_jobs.json``): each
parent serves exactly its methods, per version, and anything else is a 404.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

Surface = Literal["gemini", "vertex"]

GEMINI_VERSIONS = frozenset({"v1beta", "v1"})
VERTEX_VERSIONS = frozenset({"v1", "v1beta1"})

# One segment of a resource name: no slash, no colon, no dot-only segment, nothing URLs mangle.
_ID = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,254}")

_DISCOVERY = Path(__file__).resolve().parent.parent / "_discovery"
_PLACEHOLDER = re.compile(r"\{[A-Za-z0-9]+\}")

# A route template: the path's segments below the version, None where the flatPath has a variable.
Template = tuple[str | None, ...]
# (version, HTTP method, custom verb or None, segment count) -> [(template segments, action)]
RouteIndex = dict[tuple[str, str, str | None, int], list[tuple[Template, str]]]


@functools.cache
def discovery_section(file: str, section: str) -> Any:
    """A section of a table derived from the discovery documents (`gemini_ops/_discovery/`)."""
    return json.loads((_DISCOVERY / file).read_text(encoding="utf-8"))[section]


@functools.cache
def route_index(file: str, section: str) -> RouteIndex:
    """The routes of a section (parent pattern -> version -> method -> route), by shape."""
    index: RouteIndex = {}
    for versions in discovery_section(file, section).values():
        for version, methods in versions.items():
            for action, (http_method, flat_path) in methods.items():
                path, colon, verb = flat_path.removeprefix(f"{version}/").partition(":")
                template = tuple(
                    None if _PLACEHOLDER.fullmatch(part) else part for part in path.split("/")
                )
                key = (version, http_method, verb if colon else None, len(template))
                index.setdefault(key, []).append((template, action))
    return index


def find_route(
    index: RouteIndex, version: str, method: str, verb: str | None, segments: list[str]
) -> str | None:
    """The action of the first route of `index` that the request fits, or None."""
    for template, action in index.get((version, method, verb, len(segments)), []):
        if _fits(template, segments):
            return action
    return None


@functools.cache
def _operation_parents() -> tuple[Template, ...]:
    """Every parent pattern that serves operations (None marks an id segment)."""
    table = discovery_section("vertex_operations.json", "operations")
    return tuple(tuple(None if part == "*" else part for part in p.split("/")) for p in table)


def _fits(template: Template, segments: list[str]) -> bool:
    return len(template) == len(segments) and all(
        part is None or part == segment for part, segment in zip(template, segments, strict=True)
    )


class NameError_(ValueError):
    """A name that is not the full name of an operation in a family the emulator serves."""


@dataclass(frozen=True)
class NameInfo:
    """What a full operation name says about its operation.

    `family` selects the default metadata and response; `parent` is the collection whose list
    shows the operation (None where Google serves no list); `ids` holds the variable segments.
    """

    name: str
    family: str
    surface: Surface
    parent: str | None
    ids: tuple[str, ...]

    @property
    def leaf(self) -> str:
        """The last segment of the name (the operation or batch id)."""
        return self.ids[-1]


def _is_id(segment: str) -> bool:
    return _ID.fullmatch(segment) is not None


def parse_name(name: str) -> NameInfo:
    """Classify a full operation name, or raise NameError_ when no served family has that shape."""
    segments = name.split("/")
    if not all(_is_id(s) for s in segments):
        raise NameError_(f"Not a valid operation name: {name!r}")
    n = len(segments)
    head = segments[0]
    if head == "projects":
        return _parse_vertex(name, segments)
    if n == 2 and head == "batches":
        return NameInfo(name, "batch", "gemini", "batches", (segments[1],))
    if n >= 2 and head == "operations":  # Google serves `operations/**`: ids of any depth
        return NameInfo(name, "gemini_operation", "gemini", "operations", ("/".join(segments[1:]),))
    if n == 4 and segments[2] == "operations":
        parent = f"{head}/{segments[1]}"
        ids = (segments[1], segments[3])
        family = {
            "tunedModels": "tuning",
            "models": "veo",
            "corpora": "corpus",
            "generatedFiles": "generated_file",
            "fileSearchStores": "file_search_import",
        }.get(head)
        if family is not None:
            listed = head in {"tunedModels", "models"}
            return NameInfo(name, family, "gemini", parent if listed else None, ids)
    if n == 5 and head == "fileSearchStores" and segments[2:4] == ["upload", "operations"]:
        return NameInfo(name, "file_search_upload", "gemini", None, (segments[1], segments[4]))
    raise NameError_(f"Not the name of an operation the emulator serves: {name!r}")


def _parse_vertex(name: str, segments: list[str]) -> NameInfo:
    n = len(segments)
    if n < 6 or segments[2] != "locations":
        raise NameError_(f"Not a Vertex AI operation name: {name!r}")
    project, loc = segments[1], segments[3]
    rest = segments[4:]
    if (
        len(rest) == 6
        and rest[0] == "publishers"
        and rest[2] == "models"
        and rest[4] == "operations"
    ):
        return NameInfo(
            name, "vertex_publisher", "vertex", None, (project, loc, rest[1], rest[3], rest[5])
        )
    parent = segments[:-2]
    if segments[-2] == "operations" and any(_fits(p, parent) for p in _operation_parents()):
        ids = (project, loc, *rest[:-2], rest[-1])
        if len(rest) == 2:
            family = "vertex_location"
        elif len(rest) == 4 and rest[0] == "tuningJobs":
            family = "vertex_tuning"
        else:
            family = "vertex_resource"
        return NameInfo(name, family, "vertex", "/".join(parent), ids)
    raise NameError_(f"Not the name of a Vertex AI operation Google serves: {name!r}")


Action = Literal["get", "list", "cancel", "delete", "wait", "fetch"]


@dataclass(frozen=True)
class Route:
    """A request the emulator serves: what to do, on which name (or list parent), on which surface.

    `target` is the full operation name (or, for a list, the parent; for fetchPredictOperation, the
    publisher model) decoded from the path.
    """

    surface: Surface
    version: str
    action: Action
    target: str


def _decode(raw_segment: str) -> str:
    return unquote(raw_segment, errors="replace")


def split_path(raw_path: str) -> tuple[str, list[str], str | None] | None:
    """Split a raw request path into its version, decoded segments and custom verb, or None.

    The path is split on literal `/` before percent-decoding, as Google's front end does, so an
    encoded `%2F` never creates a segment boundary; a custom method is the text after the first
    literal `:` of the last segment. None: no version and segment, or an empty segment.
    """
    if not raw_path.startswith("/"):
        return None
    raw_segments = raw_path[1:].split("/")
    if len(raw_segments) < 2:
        return None
    version = raw_segments[0]
    raw_segments = raw_segments[1:]
    last, colon, verb = raw_segments[-1].partition(":")
    raw_segments[-1] = last
    segments = [_decode(s) for s in raw_segments]
    if any(s == "" for s in segments) or any("/" in s for s in segments):
        return None
    return version, segments, verb if colon else None


def match_route(method: str, raw_path: str) -> Route | None:
    """Map an HTTP method and raw request path (version included) to a Route, or None (a 404)."""
    split = split_path(raw_path)
    if split is None:
        return None
    version, segments, custom = split
    if segments[0] == "projects":
        if version not in VERTEX_VERSIONS:
            return None
        found = _match_vertex(method, version, segments, custom)
        surface: Surface = "vertex"
    else:
        if version not in GEMINI_VERSIONS:
            return None
        found = _match_gemini(method, version, segments, custom)
        surface = "gemini"
    if found is None:
        return None
    action, target = found
    return Route(surface, version, action, target)


def _match_gemini(
    method: str, version: str, s: list[str], verb: str | None
) -> tuple[Action, str] | None:
    n = len(s)
    joined = "/".join(s)
    if verb is None and method == "GET":
        if n == 1 and s[0] == "batches":
            return "list", "batches"
        if n == 1 and s[0] == "operations" and version == "v1":
            return "list", "operations"
        if n == 2 and s[0] == "batches":
            return "get", joined
        if n == 3 and s[0] in {"tunedModels", "models"} and s[2] == "operations":
            return "list", joined.removesuffix("/operations")
        if (
            n == 4
            and s[2] == "operations"
            and s[0]
            in {
                "tunedModels",
                "models",
                "corpora",
                "generatedFiles",
                "fileSearchStores",
            }
        ):
            return "get", joined
        if n == 5 and s[0] == "fileSearchStores" and s[2] == "upload" and s[3] == "operations":
            return "get", joined
        return None
    if verb is None and method == "DELETE":
        if n == 2 and s[0] == "batches":
            return "delete", joined
        if n >= 2 and s[0] == "operations" and version == "v1":
            return "delete", joined
        return None
    if verb == "cancel" and method == "POST":
        if n == 2 and s[0] == "batches":
            return "cancel", joined
        if n == 4 and s[0] == "tunedModels" and s[2] == "operations" and version == "v1":
            return "cancel", joined
    return None


def _match_vertex(
    method: str, version: str, s: list[str], verb: str | None
) -> tuple[Action, str] | None:
    if len(s) < 5 or s[2] != "locations":
        return None
    joined = "/".join(s)
    if (
        len(s) == 8
        and s[4] == "publishers"
        and s[6] == "models"
        and verb == "fetchPredictOperation"
        and method == "POST"
    ):
        return "fetch", joined
    action = find_route(
        route_index("vertex_operations.json", "operations"), version, method, verb, s
    )
    if action is None:
        return None
    if action == "list":
        return "list", joined.removesuffix("/operations")
    return _ACTIONS[action], joined


_ACTIONS: dict[str, Action] = {
    "get": "get",
    "cancel": "cancel",
    "delete": "delete",
    "wait": "wait",
}
