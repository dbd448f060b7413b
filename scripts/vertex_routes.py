#!/usr/bin/env python3
"""Derive the Vertex AI operation routes from Google's discovery documents.

    python scripts/vertex_routes.py              rewrite the committed table and docs page
    python scripts/vertex_routes.py --check      exit 1 with a unified diff when they are stale
    python scripts/vertex_routes.py --pin 2.203.0  bump the pinned wheel, then rewrite

The documents are ``aiplatform.v1.json`` and ``aiplatform.v1beta1.json`` as shipped in the
google-api-python-client wheel pinned below (``PIN``). The wheel is fetched from the package
index with ``pip download`` into ``.tools/discovery/`` (once per pin) and read as a zip: nothing
of it is imported. Output:

* ``gemini_ops/_discovery/vertex_operations.json``: parent pattern -> version -> method ->
  [HTTP method, flatPath], for every operations method below ``projects/*/locations/*``; pure
  data, read lazily by the facade and, independently, by the emulator.
* ``docs/vertex-routes.md``: the same table for people.

To derive another table (e.g. the methods of job resources), add a ``Selector`` to
``SELECTORS``: it picks methods out of the same walk of the documents and gets its own section
in the JSON file and the docs page.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PIN = "2.202.0"
PACKAGE = "google-api-python-client"
VERSIONS = ("v1", "v1beta1")
DOCUMENT = "googleapiclient/discovery_cache/documents/aiplatform.{version}.json"

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".tools" / "discovery"
JSON_OUT = ROOT / "gemini_ops" / "_discovery" / "vertex_operations.json"
DOCS_OUT = ROOT / "docs" / "vertex-routes.md"
SPEC = ROOT / "openapi" / "operations.yaml"
SPEC_BEGIN = "  # ---- BEGIN Vertex operations: written by scripts/vertex_routes.py, do not edit\n"
SPEC_END = "  # ---- END Vertex operations\n"

# A method of the walk: the resource path (("projects", "locations", "datasets", "operations")),
# the method's short name and its discovery description.
MethodRef = tuple[tuple[str, ...], str, dict[str, Any]]


# ---------------------------------------------------------------------- reading the documents


def wheel_path(pin: str) -> Path:
    """The pinned wheel, downloaded from the package index on first use."""
    target = CACHE / pin
    wheels = sorted(target.glob("google_api_python_client-*.whl"))
    if not wheels:
        target.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--only-binary", ":all:", "-d", str(target), f"{PACKAGE}=={pin}",
        ]  # fmt: skip
        subprocess.run(command, check=True)
        wheels = sorted(target.glob("google_api_python_client-*.whl"))
    if len(wheels) != 1 or f"-{pin}-" not in wheels[0].name:
        raise SystemExit(f"expected one {PACKAGE} {pin} wheel in {target}, found {wheels}")
    return wheels[0]


def load_documents(pin: str) -> dict[str, dict[str, Any]]:
    """Each version's discovery document, read from the pinned wheel."""
    with zipfile.ZipFile(wheel_path(pin)) as wheel:
        return {v: json.loads(wheel.read(DOCUMENT.format(version=v))) for v in VERSIONS}


def walk(resources: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[MethodRef]:
    """Every method of every resource, depth first, in document order."""
    for name, resource in resources.items():
        here = (*path, name)
        for method, description in resource.get("methods", {}).items():
            yield here, method, description
        yield from walk(resource.get("resources", {}), here)


# ---------------------------------------------------------------------- selecting routes


@dataclass(frozen=True)
class Selector:
    """One table: which methods of the walk it keeps, and under which key it files them."""

    section: str
    title: str
    keep: Callable[[MethodRef], str | None]  # the row key (a parent pattern), or None to skip
    methods: tuple[str, ...]


OPERATION_METHODS = ("get", "list", "cancel", "delete", "wait")


def _parent_of(description: dict[str, Any]) -> str:
    """The parent pattern, from the method's own ``name`` pattern (``[^/]+`` becomes ``*``).

    The resource path alone would not do: singletons such as ``ragEngineConfig`` have no id.
    """
    pattern = description["parameters"]["name"]["pattern"]
    body = pattern.removeprefix("^").removesuffix("$").replace("[^/]+", "*")
    return re.sub(r"/operations/\*$", "", body)


def operations_parent(ref: MethodRef) -> str | None:
    """The parent pattern of an operations method below a location (project-less forms skipped)."""
    path, method, description = ref
    if path[-1] != "operations" or path[:2] != ("projects", "locations"):
        return None
    if method not in OPERATION_METHODS:
        return None
    return _parent_of(description)


SELECTORS = (
    Selector(
        section="operations",
        title="Operations below projects/*/locations/*",
        keep=operations_parent,
        methods=OPERATION_METHODS,
    ),
)


def _check_shape(version: str, key: str, method: str, description: dict[str, Any]) -> str:
    """The method's flatPath, after checking that it says what the key says (else stop loudly)."""
    flat = description["flatPath"]
    name = description["parameters"]["name"]["pattern"]
    parent = key.replace("*", "[^/]+")
    wanted = f"^{parent}$" if method == "list" else f"^{parent}/operations/[^/]+$"
    if name != wanted:
        raise SystemExit(f"{version} {method} on {key}: name pattern {name!r}, expected {wanted!r}")
    placeholders = re.sub(r"\{[A-Za-z]+\}", "*", flat)
    suffix = {"list": "/operations", "cancel": "/operations/*:cancel", "wait": "/operations/*:wait"}
    expected = f"{version}/{key}{suffix.get(method, '/operations/*')}"
    if placeholders != expected:
        raise SystemExit(f"{version} {method} on {key}: flatPath {flat!r} is not {expected!r}")
    return str(flat)


def build_table(
    documents: dict[str, dict[str, Any]], selector: Selector
) -> tuple[dict[str, dict[str, dict[str, list[str]]]], list[str]]:
    """Key -> version -> method -> [HTTP method, flatPath], and the methods left out."""
    table: dict[str, dict[str, dict[str, list[str]]]] = {}
    left_out: set[str] = set()
    for version, document in documents.items():
        for ref in walk(document["resources"]):
            path, method, description = ref
            key = selector.keep(ref)
            if key is None:
                if path[-1] == "operations" and path[:2] == ("projects", "locations"):
                    left_out.add(f"{version} {_parent_of(description)} {method}")
                continue
            flat = _check_shape(version, key, method, description)
            row = table.setdefault(key, {}).setdefault(version, {})
            row[method] = [description["httpMethod"], flat]
    ordered = {
        key: {
            v: {m: table[key][v][m] for m in selector.methods if m in table[key][v]}
            for v in VERSIONS
            if v in table[key]
        }
        for key in sorted(table)
    }
    return ordered, sorted(left_out)


# ---------------------------------------------------------------------- rendering


def render_json(pin: str, documents: dict[str, dict[str, Any]], tables: dict[str, Any]) -> str:
    """The data file: one line per method, so that a diff shows exactly what moved."""
    lines = ["{"]
    source = {
        "package": f"{PACKAGE}=={pin}",
        "documents": {
            v: {"file": DOCUMENT.format(version=v), "revision": documents[v]["revision"]}
            for v in VERSIONS
        },
    }
    lines.append(f' "source": {json.dumps(source, sort_keys=True)},')
    for s_index, (section, (table, _)) in enumerate(tables.items()):
        lines.append(f" {json.dumps(section)}: {{")
        for k_index, (key, versions) in enumerate(table.items()):
            lines.append(f"  {json.dumps(key)}: {{")
            for v_index, (version, methods) in enumerate(versions.items()):
                lines.append(f"   {json.dumps(version)}: {{")
                items = list(methods.items())
                for m_index, (method, route) in enumerate(items):
                    comma = "," if m_index < len(items) - 1 else ""
                    lines.append(f"    {json.dumps(method)}: {json.dumps(route)}{comma}")
                lines.append("   }" + ("," if v_index < len(versions) - 1 else ""))
            lines.append("  }" + ("," if k_index < len(table) - 1 else ""))
        lines.append(" }" + ("," if s_index < len(tables) - 1 else ""))
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # the hand-laid-out file must still be JSON
    return text


def render_docs(pin: str, documents: dict[str, dict[str, Any]], tables: dict[str, Any]) -> str:
    """The docs page: counts, then one row per parent with its methods per version."""
    revisions = ", ".join(f"`aiplatform.{v}.json` {documents[v]['revision']}" for v in VERSIONS)
    out = [
        "# Vertex AI routes",
        "",
        "Generated by `python scripts/vertex_routes.py` from Google's discovery documents",
        f"({revisions})",
        f"in the `{PACKAGE}=={pin}` wheel; do not edit by hand. `bash scripts/check.sh` fails",
        "when this page or `gemini_ops/_discovery/vertex_operations.json` no longer matches the",
        "documents. To move to a newer wheel: `python scripts/vertex_routes.py --pin X.Y.Z`.",
        "",
        "A method missing from a row is not served for that parent in that version: the client",
        "raises `UnsupportedMethodError` before any request, and the emulator answers 404.",
        "Paths are the documents' `flatPath`s: `get` and `delete` use the operation name,",
        "`cancel` and `wait` add `:cancel` / `:wait` (POST), `list` lists `{parent}/operations`.",
    ]
    for section, (table, left_out) in tables.items():
        selector = next(s for s in SELECTORS if s.section == section)
        counts = ", ".join(
            f"{sum(v in row for row in table.values())} parents in {v}" for v in VERSIONS
        )
        out += ["", f"## {selector.title}", "", f"{counts} ({len(table)} in all).", ""]
        out.append("| parent | " + " | ".join(VERSIONS) + " |")
        out.append("|---|" + "---|" * len(VERSIONS))
        for key, versions in table.items():
            cells = [", ".join(versions[v]) if v in versions else "not served" for v in VERSIONS]
            out.append(f"| `{key}` | " + " | ".join(cells) + " |")
        if left_out:
            out += [
                "",
                "Left out (not one of " + ", ".join(selector.methods) + "; `listWait` is a list",
                "that the documents bind to `GET` on an operation's `:wait`):",
                "",
            ]
            out += [f"- `{entry}`" for entry in left_out]
    return "\n".join(out) + "\n"


# Per number of segments between the location and ``/operations``: the name of the spec's
# operations (getVertex{X}Operation, ...). A segment is its own path parameter, so a ``/`` is
# never percent-encoded; which collections may stand in each place is data, checked by the facade.
SHAPES = {
    0: "Vertex",
    1: "VertexSingleton",
    2: "VertexResource",
    4: "VertexResource2",
    6: "VertexResource3",
    8: "VertexResource4",
}


def shape_params(segments: int) -> list[str]:
    """Path parameters of the segments below a location: collection, resource, collection2..."""
    names = []
    for index in range(segments):
        level = index // 2 + 1
        suffix = "" if level == 1 else str(level)
        names.append(("collection" if index % 2 == 0 else "resource") + suffix)
    return names


COLLECTION_PATTERN = "^[a-z][A-Za-z0-9]*$"
SEGMENT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.~-]*$"
SERVED_NOTE = (
    "Served for the parents listed in docs/vertex-routes.md, with the methods listed there."
)


def _parameters(params: list[str], with_operation: bool) -> str:
    refs = ["project", "location"]
    text = "    parameters:\n"
    text += "".join(f'      - $ref: "#/components/parameters/{r}"\n' for r in refs)
    for name in params:
        pattern = COLLECTION_PATTERN if name.startswith("collection") else SEGMENT_PATTERN
        text += (
            f"      - {{name: {name}, in: path, required: true, "
            f"schema: {{type: string, pattern: {json.dumps(pattern)}}}}}\n"
        )
    if with_operation:
        text += '      - $ref: "#/components/parameters/operation"\n'
    return text


def _operation(verb: str, op_id: str, summary: str, response: str, extra: str = "") -> str:
    return (
        f"    {verb}:\n      operationId: {op_id}\n      tags: [vertex]\n"
        f'      summary: {summary}\n      description: "{SERVED_NOTE}"\n'
        f"      security: [{{oauth2: []}}]\n{extra}"
        f'      responses:\n        "200": {{$ref: "#/components/responses/{response}"}}\n'
        '        default: {$ref: "#/components/responses/Error"}\n'
    )


def render_spec(table: dict[str, dict[str, dict[str, list[str]]]]) -> str:
    """The Vertex operations paths of openapi/operations.yaml: one set per nesting shape."""
    served: dict[int, set[str]] = {}
    for key, versions in table.items():
        depth = len(key.split("/")) - 4
        if depth not in SHAPES:
            raise SystemExit(f"{key}: {depth} segments below a location; add a shape to SHAPES")
        served.setdefault(depth, set()).update(m for methods in versions.values() for m in methods)
    out = [SPEC_BEGIN]
    servers = VERTEX_SERVERS  # the first path defines the anchor, the others refer to it
    for depth, methods in sorted(served.items()):
        label = SHAPES[depth]
        params = shape_params(depth)
        between = "".join(f"/{{{name}}}" for name in params)
        base = f"/projects/{{project}}/locations/{{location}}{between}/operations"
        where = "a Vertex AI location" if depth == 0 else f"a Vertex AI resource ({label})"
        paths: list[tuple[str, bool, list[str]]] = []
        if methods & {"get", "delete"}:
            ops = []
            if "get" in methods:
                ops.append(
                    _operation(
                        "get", f"get{label}Operation", f"Get an operation of {where}.", "Operation"
                    )
                )
            if "delete" in methods:
                ops.append(
                    _operation(
                        "delete",
                        f"delete{label}Operation",
                        f"Delete an operation of {where} (does not cancel).",
                        "Empty",
                    )
                )
            paths.append((f"{base}/{{operation}}", True, ops))
        if "cancel" in methods:
            ops = [
                _operation(
                    "post", f"cancel{label}Operation", f"Cancel an operation of {where}.", "Empty"
                )
            ]
            paths.append((f"{base}/{{operation}}:cancel", True, ops))
        if "wait" in methods:
            extra = '      parameters:\n        - $ref: "#/components/parameters/waitTimeout"\n'
            ops = [
                _operation(
                    "post",
                    f"wait{label}Operation",
                    f"Wait for an operation of {where} (the answer may not be done).",
                    "Operation",
                    extra,
                )
            ]
            paths.append((f"{base}/{{operation}}:wait", True, ops))
        if "list" in methods:
            extra = "      parameters: *listParams\n"
            ops = [
                _operation(
                    "get",
                    f"list{label}Operations",
                    f"List the operations of {where}.",
                    "ListOperations",
                    extra,
                )
            ]
            paths.append((base, False, ops))
        for path, with_operation, operations in paths:
            out.append(f"  {path}:\n{servers}{_parameters(params, with_operation)}")
            out.extend(operations)
            servers = "    servers: *vertexServers\n"
    out.append(SPEC_END)
    return "".join(out)


VERTEX_SERVERS = (
    "    servers: &vertexServers\n"
    "      - url: https://{location}-aiplatform.googleapis.com/{version}\n"
    "        description: Vertex AI, regional endpoint (global uses"
    " https://aiplatform.googleapis.com, the multi-regions us and eu use"
    " https://aiplatform.{us|eu}.rep.googleapis.com)\n"
    "        variables:\n"
    "          location:\n"
    "            default: us-central1\n"
    "          version:\n"
    "            default: v1\n"
    "            enum: [v1, v1beta1]\n"
)


def spliced_spec(section: str) -> str:
    """openapi/operations.yaml with its Vertex operations section replaced by ``section``."""
    text = SPEC.read_text()
    start, end = text.find(SPEC_BEGIN), text.find(SPEC_END)
    if start < 0 or end < start:
        raise SystemExit(f"{SPEC}: the BEGIN/END Vertex operations markers are missing")
    return text[:start] + section + text[end + len(SPEC_END) :]


def render(pin: str) -> dict[Path, str]:
    """Every output file and its text, for ``pin``."""
    documents = load_documents(pin)
    tables = {s.section: build_table(documents, s) for s in SELECTORS}
    return {
        JSON_OUT: render_json(pin, documents, tables),
        DOCS_OUT: render_docs(pin, documents, tables),
        SPEC: spliced_spec(render_spec(tables["operations"][0])),
    }


# ---------------------------------------------------------------------- command line


def set_pin(pin: str) -> None:
    """Rewrite ``PIN`` in this file."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", pin):
        raise SystemExit(f"--pin wants a version like 2.203.0, got {pin!r}")
    me = Path(__file__)
    text = me.read_text()
    me.write_text(re.sub(r'^PIN = "[^"]*"$', f'PIN = "{pin}"', text, count=1, flags=re.M))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when stale")
    parser.add_argument("--pin", help=f"bump the pinned {PACKAGE} version, then rewrite")
    args = parser.parse_args(argv)
    pin = PIN
    if args.pin:
        set_pin(args.pin)
        pin = args.pin
    outputs = render(pin)
    if args.check:
        stale = False
        for path, text in outputs.items():
            current = path.read_text() if path.exists() else ""
            if current != text:
                stale = True
                rel = path.relative_to(ROOT)
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        f"{rel} (committed)",
                        f"{rel} (from the {PACKAGE} {pin} documents)",
                    )
                )
        if stale:
            print(
                f"vertex_routes: the committed tables differ from the {PACKAGE} {pin} discovery "
                "documents; run python scripts/vertex_routes.py",
                file=sys.stderr,
            )
            return 1
        print(f"vertex_routes: tables match the {PACKAGE} {pin} discovery documents")
        return 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"vertex_routes: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
