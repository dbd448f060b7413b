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
* ``gemini_ops/_discovery/vertex_jobs.json``: job collection pattern -> version -> method ->
  [HTTP method, flatPath] for the job resources below ``projects/*/locations/*`` (batch
  prediction, tuning, custom, hyperparameter tuning and pipeline jobs), and per collection and
  version what a list answers in (its list field and query parameters) and the values of the
  job's ``state``; the same kind of pure data, read by the facade and the emulator.
* ``docs/vertex-routes.md``: the same tables for people.
* the Vertex operations part of ``openapi/operations.yaml``.

To derive another table, add a ``Selector`` to ``SELECTORS``: it picks methods out of the same
walk of the documents and gets its own section in its JSON file and the docs page.
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
JOBS_OUT = ROOT / "gemini_ops" / "_discovery" / "vertex_jobs.json"
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
    """One table: which methods of the walk it keeps, and under which key it files them.

    ``keep`` gives the row key of every method of the resources the table is about (a parent
    pattern), or None for methods of other resources; of those, the ones outside ``methods``
    are listed as left out. ``check`` gives the method's flatPath after checking that the
    document's name pattern and path say what the key says (else it stops loudly).
    """

    section: str
    title: str
    keep: Callable[[MethodRef], str | None]
    methods: tuple[str, ...]
    check: Callable[[str, str, str, dict[str, Any]], str]
    output: Path
    intro: tuple[str, ...]
    left_out_note: str = ""


OPERATION_METHODS = ("get", "list", "cancel", "delete", "wait")
JOB_METHODS = ("get", "list", "cancel", "delete")
JOB_COLLECTIONS = (
    "batchPredictionJobs",
    "tuningJobs",
    "customJobs",
    "hyperparameterTuningJobs",
    "pipelineJobs",
)


def _parent_of(description: dict[str, Any]) -> str:
    """The parent pattern, from the method's own ``name`` pattern (``[^/]+`` becomes ``*``).

    The resource path alone would not do: singletons such as ``ragEngineConfig`` have no id.
    """
    pattern = description["parameters"]["name"]["pattern"]
    body = pattern.removeprefix("^").removesuffix("$").replace("[^/]+", "*")
    return re.sub(r"/operations/\*$", "", body)


def operations_parent(ref: MethodRef) -> str | None:
    """The parent pattern of an operations method below a location (project-less forms skipped)."""
    path, _, description = ref
    if path[-1] != "operations" or path[:2] != ("projects", "locations"):
        return None
    return _parent_of(description)


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


def jobs_collection(ref: MethodRef) -> str | None:
    """The collection pattern (``projects/*/locations/*/tuningJobs``) of a job method."""
    path, _, _ = ref
    if len(path) != 3 or path[:2] != ("projects", "locations") or path[2] not in JOB_COLLECTIONS:
        return None
    return f"projects/*/locations/*/{path[2]}"


def _check_job_shape(version: str, key: str, method: str, description: dict[str, Any]) -> str:
    """A job method's flatPath, after checking its parameter pattern and path against the key."""
    flat = description["flatPath"]
    parent, _, collection = key.rpartition("/")
    if method == "list":
        param, wanted = "parent", "^" + parent.replace("*", "[^/]+") + "$"
        expected_path = f"{version}/{{+parent}}/{collection}"
    else:
        param, wanted = "name", "^" + key.replace("*", "[^/]+") + "/[^/]+$"
        expected_path = f"{version}/{{+name}}" + (":cancel" if method == "cancel" else "")
    pattern = description["parameters"][param]["pattern"]
    if pattern != wanted or description["path"] != expected_path:
        raise SystemExit(
            f"{version} {method} on {key}: {param} pattern {pattern!r} and path "
            f"{description['path']!r}, expected {wanted!r} and {expected_path!r}"
        )
    placeholders = re.sub(r"\{[A-Za-z]+\}", "*", flat)
    suffix = {"list": "", "cancel": "/*:cancel"}
    expected = f"{version}/{key}{suffix.get(method, '/*')}"
    if placeholders != expected:
        raise SystemExit(f"{version} {method} on {key}: flatPath {flat!r} is not {expected!r}")
    return str(flat)


OPERATIONS_INTRO = (
    "A method missing from a row is not served for that parent in that version: the client",
    "raises `UnsupportedMethodError` before any request, and the emulator answers 404.",
    "Paths are the documents' `flatPath`s: `get` and `delete` use the operation name,",
    "`cancel` and `wait` add `:cancel` / `:wait` (POST), `list` lists `{parent}/operations`.",
)
JOBS_INTRO = (
    "Job resources are not `google.longrunning` operations: they have a `state`, are polled",
    "with `get` (there is no `:wait`) and are listed from `{parent}/{collection}`. A method",
    "missing from a row is not served for that collection in that version: the client raises",
    "`UnsupportedMethodError` before any request, and the emulator answers 404. Paths are the",
    "documents' `flatPath`s: `get` and `delete` use the job name, `cancel` adds `:cancel`",
    "(POST), `list` lists the collection. The data, with each list's field and query",
    "parameters and each job's `state` values, is `gemini_ops/_discovery/vertex_jobs.json`.",
)

SELECTORS = (
    Selector(
        section="operations",
        title="Operations below projects/*/locations/*",
        keep=operations_parent,
        methods=OPERATION_METHODS,
        check=_check_shape,
        output=JSON_OUT,
        intro=OPERATIONS_INTRO,
        left_out_note="; `listWait` is a list that the documents bind to `GET` on an operation's"
        " `:wait`",
    ),
    Selector(
        section="jobs",
        title="Jobs below projects/*/locations/*",
        keep=jobs_collection,
        methods=JOB_METHODS,
        check=_check_job_shape,
        output=JOBS_OUT,
        intro=JOBS_INTRO,
    ),
)


def build_table(
    documents: dict[str, dict[str, Any]], selector: Selector
) -> tuple[dict[str, dict[str, dict[str, list[str]]]], list[str]]:
    """Key -> version -> method -> [HTTP method, flatPath], and the methods left out."""
    table: dict[str, dict[str, dict[str, list[str]]]] = {}
    left_out: set[str] = set()
    for version, document in documents.items():
        for ref in walk(document["resources"]):
            _, method, description = ref
            key = selector.keep(ref)
            if key is None:
                continue
            if method not in selector.methods:
                left_out.add(f"{version} {key} {method}")
                continue
            flat = selector.check(version, key, method, description)
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


def _schema(document: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    return dict(document["schemas"][ref["$ref"]])


def _job_methods(document: dict[str, Any], key: str) -> dict[str, Any]:
    collection = key.rpartition("/")[2]
    locations = document["resources"]["projects"]["resources"]["locations"]
    return dict(locations["resources"][collection]["methods"])


def job_details(
    documents: dict[str, dict[str, Any]], table: dict[str, dict[str, dict[str, list[str]]]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per job collection and version: what its list answers in and the job's states.

    ``listField`` is the list response's array of jobs (checked to hold the schema ``get``
    answers with, next to a ``nextPageToken``), ``listQuery`` the list's query parameters,
    ``states`` the job schema's ``state`` enum, ``completionStats`` whether the job reports
    one (``successfulCount``/``failedCount``/``incompleteCount``), ``error`` whether it has
    a ``google.rpc.Status`` ``error``, and ``answers`` the schema that ``cancel`` and
    ``delete`` answer with (``GoogleProtobufEmpty``, ``GoogleLongrunningOperation``).
    """
    details: dict[str, dict[str, dict[str, Any]]] = {}
    for key, versions in table.items():
        for version in versions:
            document = documents[version]
            methods = _job_methods(document, key)
            job_ref = methods["get"]["response"]
            job = _schema(document, job_ref)["properties"]
            answer = _schema(document, methods["list"]["response"])["properties"]
            fields = [
                field
                for field, spec in answer.items()
                if spec.get("type") == "array" and spec.get("items") == job_ref
            ]
            if len(fields) != 1 or answer.get("nextPageToken", {}).get("type") != "string":
                raise SystemExit(f"{version} list on {key}: no single job array and page token")
            query = sorted(
                name
                for name, spec in methods["list"]["parameters"].items()
                if spec["location"] == "query"
            )
            stats = job.get("completionStats", {}).get("$ref", "")
            error = job.get("error", {}).get("$ref")
            details.setdefault(key, {})[version] = {
                "listField": fields[0],
                "listQuery": query,
                "states": list(job["state"]["enum"]),
                "completionStats": stats.endswith("CompletionStats"),
                "error": error == "GoogleRpcStatus",
                "answers": {
                    method: methods[method]["response"]["$ref"]
                    for method in ("cancel", "delete")
                    if method in versions[version]
                },
            }
    return details


# ---------------------------------------------------------------------- rendering


def _layout(key: str, value: Any, depth: int, indent: int) -> list[str]:
    """``"key": value`` as lines: nested objects open a line per key down to ``depth``."""
    pad = " " * indent
    if depth == 0 or not isinstance(value, dict):
        return [f"{pad}{json.dumps(key)}: {json.dumps(value, sort_keys=True)}"]
    lines = [f"{pad}{json.dumps(key)}: {{"]
    items = list(value.items())
    for index, (inner, item) in enumerate(items):
        block = _layout(inner, item, depth - 1, indent + 1)
        if index < len(items) - 1:
            block[-1] += ","
        lines += block
    return [*lines, pad + "}"]


def render_json(
    pin: str, documents: dict[str, dict[str, Any]], sections: dict[str, tuple[Any, int]]
) -> str:
    """A data file: one line per method (or per version's details), so diffs show what moved.

    ``sections`` maps each top-level key to its table and the depth down to which it is laid
    out one key per line.
    """
    source = {
        "package": f"{PACKAGE}=={pin}",
        "documents": {
            v: {"file": DOCUMENT.format(version=v), "revision": documents[v]["revision"]}
            for v in VERSIONS
        },
    }
    entries: list[tuple[str, Any, int]] = [("source", source, 0)]
    entries += [(name, table, depth) for name, (table, depth) in sections.items()]
    lines = ["{"]
    for index, (name, table, depth) in enumerate(entries):
        block = _layout(name, table, depth, 1)
        if index < len(entries) - 1:
            block[-1] += ","
        lines += block
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # the hand-laid-out file must still be JSON
    return text


def _details_rows(details: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """The jobs' list fields, list query parameters and states, one row per collection."""
    out = [
        "",
        "What each collection's list answers in, its query parameters, and the values of the",
        "job's `state` (the same in every version that serves the collection unless shown):",
        "",
        "| collection | list field | list query | `state` values | `completionStats` |",
        "|---|---|---|---|---|",
    ]
    for key, versions in details.items():
        cells = []
        for field in ("listField", "listQuery", "states", "completionStats"):
            values = {v: d[field] for v, d in versions.items()}
            shown = {v: _cell(value) for v, value in values.items()}
            if len(set(shown.values())) == 1:
                cells.append(next(iter(shown.values())))
            else:
                cells.append("; ".join(f"{v}: {text}" for v, text in shown.items()))
        out.append(f"| `{key.rpartition('/')[2]}` | " + " | ".join(cells) + " |")
    return out


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        states = [str(v) for v in value]
        prefix = states[0].removesuffix("UNSPECIFIED") if states else ""
        if prefix.endswith("_") and all(s.startswith(prefix) for s in states):
            return f"`{prefix}*`: " + ", ".join(s.removeprefix(prefix) for s in states)
        return ", ".join(f"`{v}`" for v in states)
    return f"`{value}`"


def render_docs(
    pin: str,
    documents: dict[str, dict[str, Any]],
    tables: dict[str, Any],
    details: dict[str, dict[str, dict[str, Any]]],
) -> str:
    """The docs page: per table, counts, then one row per key with its methods per version."""
    revisions = ", ".join(f"`aiplatform.{v}.json` {documents[v]['revision']}" for v in VERSIONS)
    files = " or ".join(f"`{s.output.relative_to(ROOT)}`" for s in SELECTORS)
    out = [
        "# Vertex AI routes",
        "",
        "Generated by `python scripts/vertex_routes.py` from Google's discovery documents",
        f"({revisions})",
        f"in the `{PACKAGE}=={pin}` wheel; do not edit by hand. `bash scripts/check.sh` fails",
        f"when this page, {files}",
        "no longer matches the documents. To move to a newer wheel:",
        "`python scripts/vertex_routes.py --pin X.Y.Z`.",
    ]
    for section, (table, left_out) in tables.items():
        selector = next(s for s in SELECTORS if s.section == section)
        counts = ", ".join(
            f"{sum(v in row for row in table.values())} {section_noun(section)} in {v}"
            for v in VERSIONS
        )
        out += ["", f"## {selector.title}", "", *selector.intro, ""]
        out += [f"{counts} ({len(table)} in all).", ""]
        out.append(f"| {section_noun(section)[:-1]} | " + " | ".join(VERSIONS) + " |")
        out.append("|---|" + "---|" * len(VERSIONS))
        for key, versions in table.items():
            cells = [", ".join(versions[v]) if v in versions else "not served" for v in VERSIONS]
            out.append(f"| `{key}` | " + " | ".join(cells) + " |")
        if section == "jobs":
            out += _details_rows(details)
        if left_out:
            methods = ", ".join(selector.methods)
            out += ["", f"Left out (not one of {methods}{selector.left_out_note}):", ""]
            out += [f"- `{entry}`" for entry in left_out]
    return "\n".join(out) + "\n"


def section_noun(section: str) -> str:
    """What a table's rows are keyed by, in the plural."""
    return "collections" if section == "jobs" else "parents"


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
    details = job_details(documents, tables["jobs"][0])
    operations = {"operations": (tables["operations"][0], 4)}
    jobs = {"jobs": (tables["jobs"][0], 4), "resources": (details, 3)}
    return {
        JSON_OUT: render_json(pin, documents, operations),
        JOBS_OUT: render_json(pin, documents, jobs),
        DOCS_OUT: render_docs(pin, documents, tables, details),
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
