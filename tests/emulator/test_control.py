"""The HTTP control plane under /_emulator/, and the requests log."""

from __future__ import annotations

import time

import httpx
import pytest

from gemini_ops.testing import Emulator


def test_create_answers_the_operation(client: httpx.Client, gemini: dict[str, str]) -> None:
    created = client.post("/_emulator/operations", json={"name": "batches/c1", "duration": 0.2})
    assert created.status_code == 200
    assert created.json()["name"] == "batches/c1"
    assert "done" not in created.json()
    time.sleep(0.25)
    assert client.get("/v1beta/batches/c1", headers=gemini).json()["done"] is True


def test_create_with_error_response_metadata(client: httpx.Client) -> None:
    error = {"code": 13, "message": "boom"}
    failed = client.post(
        "/_emulator/operations", json={"name": "batches/f", "duration": 0, "error": error}
    ).json()
    assert failed["error"] == error
    custom = client.post(
        "/_emulator/operations",
        json={
            "name": "operations/o",
            "duration": 0,
            "response": {"@type": "type.googleapis.com/x.Y", "a": "1"},
            "metadata": {"@type": "type.googleapis.com/x.M", "step": 3},
        },
    ).json()
    assert custom["response"] == {"@type": "type.googleapis.com/x.Y", "a": "1"}
    assert custom["metadata"] == {"@type": "type.googleapis.com/x.M", "step": 3}


@pytest.mark.parametrize(
    "body",
    [
        {"duration": 1},
        {"name": "nope/x"},
        {"name": "batches/a/b"},
        {"name": "batches/.."},
        {"name": "projects/p/locations/l/publishers/g/operations/o"},
        {"name": "batches/a", "duration": -1},
        {"name": "batches/a", "duration": "1"},
        {"name": "batches/a", "error": {"code": 0}},
        {"name": "batches/a", "error": {"code": 2}, "response": {}},
        {"name": "batches/a", "response": []},
        {"name": "batches/a", "colour": "red"},
        [],
    ],
)
def test_create_rejects_bad_requests(client: httpx.Client, body: object) -> None:
    response = client.post("/_emulator/operations", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_create_rejects_an_existing_name_and_broken_json(client: httpx.Client) -> None:
    assert client.post("/_emulator/operations", json={"name": "batches/a"}).status_code == 200
    again = client.post("/_emulator/operations", json={"name": "batches/a"})
    assert again.status_code == 409
    assert again.json()["error"]["status"] == "ALREADY_EXISTS"
    broken = client.post(
        "/_emulator/operations", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400


def test_list_all_operations(client: httpx.Client) -> None:
    client.post("/_emulator/operations", json={"name": "batches/a"})
    client.post("/_emulator/operations", json={"name": "projects/p/locations/l/operations/o"})
    listed = client.get("/_emulator/operations").json()["operations"]
    assert [op["name"] for op in listed] == ["batches/a", "projects/p/locations/l/operations/o"]


def test_complete(client: httpx.Client, gemini: dict[str, str]) -> None:
    client.post("/_emulator/operations", json={"name": "batches/a"})
    client.post("/_emulator/operations", json={"name": "batches/b"})
    done = client.post("/_emulator/operations:complete", json={"name": "batches/a"}).json()
    assert done["done"] is True
    assert "response" in done
    error = {"code": 4, "message": "late"}
    failed = client.post(
        "/_emulator/operations:complete", json={"name": "batches/b", "error": error}
    ).json()
    assert failed["error"] == error
    assert client.get("/v1beta/batches/b", headers=gemini).json()["error"] == error
    again = client.post("/_emulator/operations:complete", json={"name": "batches/b"})
    assert again.status_code == 400
    assert again.json()["error"]["status"] == "FAILED_PRECONDITION"
    missing = client.post("/_emulator/operations:complete", json={"name": "batches/z"})
    assert missing.status_code == 404


def test_faults_over_http(client: httpx.Client, gemini: dict[str, str]) -> None:
    client.post("/_emulator/operations", json={"name": "batches/a"})
    queued = client.post(
        "/_emulator/faults",
        json={"method": "get", "path": "/v1beta/batches/a", "status": 429, "retry_delay": 0.5},
    )
    assert queued.status_code == 200
    assert queued.json()["retry_delay"] == "0.5s"
    assert client.get("/_emulator/faults").json()["faults"][0]["method"] == "GET"
    response = client.get("/v1beta/batches/a", headers=gemini)
    assert response.status_code == 429
    assert response.json()["error"]["details"][-1]["retryDelay"] == "0.5s"
    client.post("/_emulator/faults", json={"path": "batches", "status": 500, "times": 3})
    assert client.delete("/_emulator/faults").json() == {}
    assert client.get("/_emulator/faults").json() == {"faults": []}
    bad = client.post("/_emulator/faults", json={"status": 500, "colour": "red"})
    assert bad.status_code == 400


def test_control_plane_is_not_subject_to_faults_or_logged(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.inject_fault(path="", status=500)
    assert client.get("/_emulator/requests").status_code == 200
    assert client.get("/_emulator/requests").json() == {"requests": []}


def test_reset(emulator: Emulator, client: httpx.Client, gemini: dict[str, str]) -> None:
    client.post("/_emulator/operations", json={"name": "batches/a"})
    client.post("/_emulator/faults", json={"path": "x", "status": 500})
    client.get("/v1beta/batches/a", headers=gemini)
    assert client.post("/_emulator/reset", json={}).json() == {}
    assert emulator.state.operations() == []
    assert emulator.state.faults() == []
    assert emulator.requests() == []


def test_unknown_control_path(client: httpx.Client) -> None:
    assert client.get("/_emulator/nothing").status_code == 404
    assert client.put("/_emulator/operations").status_code == 404


def test_requests_log_hides_secrets(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    client.get("/v1beta/batches", params={"key": emulator.api_key, "pageSize": 5})
    client.get("/v1beta/batches?pageSize=1&key=abc%20def&filter=done%3Dtrue")
    client.get(
        "/v1/projects/p/locations/l/operations", params={"access_token": emulator.vertex_token}
    )
    client.get("/v1beta/batches", headers=gemini)
    client.get("/v1beta/batches")
    log = client.get("/_emulator/requests").json()["requests"]
    assert log == [
        {
            "method": "GET",
            "path": "/v1beta/batches",
            "query": "key=REDACTED&pageSize=5",
            "status": 200,
            "auth_header": False,
        },
        {
            "method": "GET",
            "path": "/v1beta/batches",
            "query": "pageSize=1&key=REDACTED&filter=done%3Dtrue",
            "status": 400,
            "auth_header": False,
        },
        {
            "method": "GET",
            "path": "/v1/projects/p/locations/l/operations",
            "query": "access_token=REDACTED",
            "status": 200,
            "auth_header": False,
        },
        {
            "method": "GET",
            "path": "/v1beta/batches",
            "query": "",
            "status": 200,
            "auth_header": True,
        },
        {
            "method": "GET",
            "path": "/v1beta/batches",
            "query": "",
            "status": 403,
            "auth_header": False,
        },
    ]
    text = str(log) + str(emulator.requests())
    assert emulator.api_key not in text
    assert emulator.vertex_token not in text
    assert "abc" not in text


def test_compact_output(emulator: Emulator, client: httpx.Client, gemini: dict[str, str]) -> None:
    emulator.create_operation("batches/a", duration=None)
    pretty = client.get("/v1beta/batches/a", headers=gemini).text
    compact = client.get("/v1beta/batches/a", params={"prettyPrint": "false"}, headers=gemini).text
    assert "\n  " in pretty
    assert "\n" not in compact
