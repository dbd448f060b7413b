"""The emulator serves exactly the Vertex AI routes of Google's discovery documents.

Every (parent, method, version) of `gemini_ops/_discovery/vertex_operations.json` (tied to the
pinned documents by `scripts/vertex_routes.py --check`) over real loopback HTTP: a served method
answers 200 on an existing operation, an unserved one 404 NOT_FOUND with a google.rpc.Status body.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from gemini_ops.testing import Emulator

TABLE_FILE = (
    Path(__file__).resolve().parents[2] / "gemini_ops" / "_discovery" / "vertex_operations.json"
)
TABLE: dict[str, dict[str, dict[str, list[str]]]] = json.loads(TABLE_FILE.read_text())["operations"]
VERSIONS = ("v1", "v1beta1")
# Every shape a request can take: method -> (HTTP method, suffix after the operation name).
SHAPES = {
    "get": ("GET", ""),
    "cancel": ("POST", ":cancel"),
    "wait": ("POST", ":wait"),
    "delete": ("DELETE", ""),
}


def concrete(pattern: str) -> str:
    counter = iter(range(1, 100))
    return "/".join(f"id{next(counter)}" if part == "*" else part for part in pattern.split("/"))


def test_every_parent_serves_exactly_its_methods(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    checked = 0
    for pattern, versions in TABLE.items():
        parent = concrete(pattern)
        name = f"{parent}/operations/op1"
        emulator.create_operation(name, duration=None)
        for version in VERSIONS:
            served = versions.get(version, {})
            requests = [("list", "GET", f"/{version}/{parent}/operations")]
            requests += [
                (method, http, f"/{version}/{name}{suffix}")
                for method, (http, suffix) in SHAPES.items()
            ]
            for method, http, path in requests:
                if method == "delete" and method in served:
                    continue  # deleting would change what the next version sees; checked below
                params = {"timeout": "0s"} if method == "wait" else None
                answer = client.request(http, path, headers=vertex, params=params)
                checked += 1
                if method in served:
                    assert answer.status_code == 200, (path, answer.text)
                else:
                    assert answer.status_code == 404, (path, answer.text)
                    error = answer.json()["error"]
                    assert error["code"] == 404
                    assert error["status"] == "NOT_FOUND"
                    assert error["message"]
        for version in VERSIONS:
            if "delete" in versions.get(version, {}):
                answer = client.delete(f"/{version}/{name}", headers=vertex)
                assert answer.status_code == 200, (name, answer.text)
                assert client.get(f"/{version}/{name}", headers=vertex).status_code == 404
                break
    assert checked == len(TABLE) * len(VERSIONS) * 5 - sum(
        "delete" in row for versions in TABLE.values() for row in versions.values()
    )
