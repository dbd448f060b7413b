"""Operation names the emulator knows, and the HTTP routes that reach them.

Written from the reference description of Google's wire surface, independently of the client's own
name handling: the two must agree only because both follow Google.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

Surface = Literal["gemini", "vertex"]

GEMINI_VERSIONS = frozenset({"v1beta", "v1"})
VERTEX_VERSIONS = frozenset({"v1", "v1beta1"})

# One segment of a resource name: no slash, no colon, no dot-only segment, nothing URLs mangle.
_ID = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,254}")

# Collections under a Vertex location that cannot hold `{collection}/{id}/operations/{o}`.
_NOT_VERTEX_COLLECTIONS = frozenset({"operations", "publishers"})


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
    if n == 2 and head == "operations":
        return NameInfo(name, "gemini_operation", "gemini", "operations", (segments[1],))
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
    location = "/".join(segments[:4])
    project, loc = segments[1], segments[3]
    rest = segments[4:]
    if len(rest) == 2 and rest[0] == "operations":
        return NameInfo(name, "vertex_location", "vertex", location, (project, loc, rest[1]))
    if len(rest) == 4 and rest[2] == "operations" and rest[0] not in _NOT_VERTEX_COLLECTIONS:
        family = "vertex_tuning" if rest[0] == "tuningJobs" else "vertex_resource"
        parent = f"{location}/{rest[0]}/{rest[1]}"
        return NameInfo(name, family, "vertex", parent, (project, loc, rest[0], rest[1], rest[3]))
    if (
        len(rest) == 6
        and rest[0] == "publishers"
        and rest[2] == "models"
        and rest[4] == "operations"
    ):
        return NameInfo(
            name, "vertex_publisher", "vertex", None, (project, loc, rest[1], rest[3], rest[5])
        )
    raise NameError_(f"Not a Vertex AI operation name: {name!r}")


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


def match_route(method: str, raw_path: str) -> Route | None:
    """Map an HTTP method and raw request path (version included) to a Route, or None (a 404).

    The path is split on literal `/` before percent-decoding, as Google's front end does, so an
    encoded `%2F` never creates a segment boundary; a custom method is the text after the first
    literal `:` of the last segment.
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
    custom = verb if colon else None
    if any(s == "" for s in segments) or any("/" in s for s in segments):
        return None
    if segments[0] == "projects":
        if version not in VERTEX_VERSIONS:
            return None
        found = _match_vertex(method, segments, custom)
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
        if n == 2 and s[0] == "operations" and version == "v1":
            return "delete", joined
        return None
    if verb == "cancel" and method == "POST":
        if n == 2 and s[0] == "batches":
            return "cancel", joined
        if n == 4 and s[0] == "tunedModels" and s[2] == "operations" and version == "v1":
            return "cancel", joined
    return None


def _match_vertex(method: str, s: list[str], verb: str | None) -> tuple[Action, str] | None:
    if len(s) < 5 or s[2] != "locations":
        return None
    joined = "/".join(s)
    rest = s[4:]
    n = len(rest)
    if n == 1 and rest[0] == "operations":
        return ("list", "/".join(s[:4])) if verb is None and method == "GET" else None
    if n == 2 and rest[0] == "operations":
        return _vertex_op_action(method, verb, joined, wait=True, delete=True)
    if n == 3 and rest[2] == "operations" and rest[0] not in _NOT_VERTEX_COLLECTIONS:
        return ("list", "/".join(s[:6])) if verb is None and method == "GET" else None
    if n == 4 and rest[2] == "operations" and rest[0] not in _NOT_VERTEX_COLLECTIONS:
        served = rest[0] != "tuningJobs"
        return _vertex_op_action(method, verb, joined, wait=served, delete=served)
    if (
        n == 4
        and rest[0] == "publishers"
        and rest[2] == "models"
        and verb == "fetchPredictOperation"
        and method == "POST"
    ):
        return "fetch", joined
    return None


def _vertex_op_action(
    method: str, verb: str | None, name: str, *, wait: bool, delete: bool
) -> tuple[Action, str] | None:
    if verb is None and method == "GET":
        return "get", name
    if verb is None and method == "DELETE" and delete:
        return "delete", name
    if verb == "cancel" and method == "POST":
        return "cancel", name
    if verb == "wait" and method == "POST" and wait:
        return "wait", name
    return None
