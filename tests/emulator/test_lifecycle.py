"""Lifecycle: running → done, error outcomes, cancel, delete, wait, unserved methods."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"
CANCELLED = {"code": 1, "message": "Operation cancelled by the user."}


def test_running_then_done_after_its_duration(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/b1", duration=0.5)
    first = client.get("/v1beta/batches/b1", headers=gemini).json()
    assert "done" not in first
    assert "response" not in first
    time.sleep(0.55)
    later = client.get("/v1beta/batches/b1", headers=gemini).json()
    assert later["done"] is True
    assert "response" in later
    assert "error" not in later


def test_an_operation_created_with_an_error_ends_with_it(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    name = f"{VERTEX}/operations/9"
    error = {"code": 9, "message": "Failed precondition.", "details": []}
    emulator.create_operation(name, duration=0.5, error=error)
    assert "error" not in client.get(f"/v1/{name}", headers=vertex).json()
    time.sleep(0.55)
    done = client.get(f"/v1/{name}", headers=vertex).json()
    assert done["done"] is True
    assert done["error"] == error
    assert "response" not in done


def test_complete_with_an_error_or_a_response(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/a", duration=None)
    emulator.create_operation("batches/b", duration=None)
    emulator.complete("batches/a", error={"code": 13, "message": "boom"})
    emulator.complete("batches/b", response={"responsesFile": "files/out"})
    a = client.get("/v1beta/batches/a", headers=gemini).json()
    b = client.get("/v1beta/batches/b", headers=gemini).json()
    assert a["error"] == {"code": 13, "message": "boom"}
    assert b["response"]["responsesFile"] == "files/out"
    assert b["response"]["@type"].endswith(".GenerateContentBatchOutput")
    with pytest.raises(ValueError, match="already done"):
        emulator.complete("batches/a")
    with pytest.raises(LookupError):
        emulator.complete("batches/nope")


@pytest.mark.parametrize(
    ("path", "headers_name"),
    [
        ("/v1beta/batches/{id}:cancel", "gemini"),
        ("/v1/tunedModels/t/operations/{id}:cancel", "gemini"),
        (f"/v1/{VERTEX}/operations/{{id}}:cancel", "vertex"),
        (f"/v1beta1/{VERTEX}/endpoints/5/operations/{{id}}:cancel", "vertex"),
        (f"/v1/{VERTEX}/tuningJobs/5/operations/{{id}}:cancel", "vertex"),
    ],
)
def test_cancel_ends_a_running_operation_with_cancelled(
    emulator: Emulator,
    client: httpx.Client,
    request: pytest.FixtureRequest,
    path: str,
    headers_name: str,
) -> None:
    headers = request.getfixturevalue(headers_name)
    url = path.format(id="op1")
    name = url.split("/", 2)[2].removesuffix(":cancel")
    emulator.create_operation(name, duration=None)
    response = client.post(url, headers=headers)
    assert response.status_code == 200
    assert response.json() == {}
    done = client.get(url.removesuffix(":cancel"), headers=headers).json()
    assert done["done"] is True
    assert done["error"] == CANCELLED
    # A cancelled operation is not deleted; cancelling it again is a no-op.
    assert client.post(url, headers=headers).json() == {}
    assert client.get(url.removesuffix(":cancel"), headers=headers).json()["error"] == CANCELLED


def test_cancelled_batch_state(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/c", duration=10)
    client.post("/v1beta/batches/c:cancel", headers=gemini)
    done = client.get("/v1beta/batches/c", headers=gemini).json()
    assert done["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    assert done["error"] == CANCELLED


def test_cancel_of_a_done_operation_changes_nothing(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/d", duration=0)
    before = client.get("/v1beta/batches/d", headers=gemini).json()
    assert client.post("/v1beta/batches/d:cancel", headers=gemini).json() == {}
    after = client.get("/v1beta/batches/d", headers=gemini).json()
    assert after["response"] == before["response"]
    assert "error" not in after


def test_cancel_delay() -> None:
    with (
        Emulator(cancel_delay=0.5) as emu,
        httpx.Client(base_url=emu.url, headers={"x-goog-api-key": emu.api_key}) as client,
    ):
        emu.create_operation("batches/slow", duration=None)
        client.post("/v1beta/batches/slow:cancel")
        assert "done" not in client.get("/v1beta/batches/slow").json()
        time.sleep(0.55)
        assert client.get("/v1beta/batches/slow").json()["error"]["code"] == 1


@pytest.mark.parametrize(
    ("url", "headers_name"),
    [
        ("/v1beta/batches/{id}", "gemini"),
        ("/v1/operations/{id}", "gemini"),
        (f"/v1/{VERTEX}/operations/{{id}}", "vertex"),
        (f"/v1beta1/{VERTEX}/ragCorpora/5/operations/{{id}}", "vertex"),
    ],
)
def test_delete_then_not_found(
    emulator: Emulator,
    client: httpx.Client,
    request: pytest.FixtureRequest,
    url: str,
    headers_name: str,
) -> None:
    headers = request.getfixturevalue(headers_name)
    target = url.format(id="gone")
    emulator.create_operation(target.split("/", 2)[2], duration=None)
    response = client.delete(target, headers=headers)
    assert response.status_code == 200
    assert response.json() == {}
    if not target.startswith("/v1/operations/"):  # top-level operations have no get
        missing = client.get(target, headers=headers)
        assert missing.status_code == 404
        assert missing.json() == {
            "error": {
                "code": 404,
                "message": "Requested entity was not found.",
                "status": "NOT_FOUND",
            }
        }
    again = client.delete(target, headers=headers)
    assert again.status_code == 404


def test_get_of_an_unknown_operation_is_404(client: httpx.Client, gemini: dict[str, str]) -> None:
    response = client.get("/v1beta/models/m/operations/none", headers=gemini)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("method", "url", "headers_name"),
    [
        # Gemini: cancel of tuning operations is v1 only; no top-level operations in v1beta.
        ("POST", "/v1beta/tunedModels/t/operations/o:cancel", "gemini"),
        ("GET", "/v1beta/operations", "gemini"),
        ("DELETE", "/v1beta/operations/o", "gemini"),
        ("GET", "/v1/operations/o", "gemini"),
        # Families without cancel, delete or list.
        ("DELETE", "/v1beta/models/m/operations/o", "gemini"),
        ("POST", "/v1beta/models/m/operations/o:cancel", "gemini"),
        ("DELETE", "/v1beta/tunedModels/t/operations/o", "gemini"),
        ("GET", "/v1beta/corpora/c/operations", "gemini"),
        ("POST", "/v1beta/batches/b:wait", "gemini"),
        ("PATCH", "/v1beta/batches/b", "gemini"),
        # Versions: Gemini has no v1beta1, Vertex has no v1beta.
        ("GET", "/v1beta1/batches/b", "gemini"),
        ("GET", f"/v1beta/{VERTEX}/operations/o", "vertex"),
        # Vertex: v1beta1 tuning jobs have no list, solvers no cancel; publisher models no GET.
        ("GET", f"/v1beta1/{VERTEX}/tuningJobs/t/operations", "vertex"),
        ("POST", f"/v1beta1/{VERTEX}/solvers/s/operations/o:cancel", "vertex"),
        ("GET", f"/v1/{VERTEX}/publishers/google/models/veo/operations/o", "vertex"),
        # Encoded slashes are not segment separators.
        ("GET", "/v1beta/batches%2Fb", "gemini"),
        ("GET", "/v1beta/models%2Fm/operations/o", "gemini"),
        ("GET", "/nothing", "gemini"),
    ],
)
def test_unserved_methods_answer_404(
    emulator: Emulator,
    client: httpx.Client,
    request: pytest.FixtureRequest,
    method: str,
    url: str,
    headers_name: str,
) -> None:
    response = client.request(method, url, headers=request.getfixturevalue(headers_name))
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


def test_encoded_slash_reaches_no_operation(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("models/m/operations/o", duration=None)
    raw = httpx.URL(f"{emulator.url}/v1beta/models/m/operations/o")
    assert client.get(raw, headers=gemini).status_code == 200
    encoded = client.get("/v1beta/models/m%2Foperations%2Fo", headers=gemini)
    assert encoded.status_code == 404
    assert emulator.requests()[-1]["path"] == "/v1beta/models/m%2Foperations%2Fo"


def test_wait_returns_when_done(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    name = f"{VERTEX}/endpoints/5/operations/6"
    emulator.create_operation(name, duration=0.3)
    started = time.monotonic()
    response = client.post(f"/v1/{name}:wait", params={"timeout": "5s"}, headers=vertex)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["done"] is True
    assert 0.25 < elapsed < 1.5


def test_wait_returns_not_done_after_its_timeout(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    name = f"{VERTEX}/operations/7"
    emulator.create_operation(name, duration=None)
    started = time.monotonic()
    response = client.post(f"/v1/{name}:wait", params={"timeout": "0.3s"}, headers=vertex)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "done" not in response.json()
    assert 0.25 < elapsed < 1.5


def test_wait_wakes_on_cancel_and_does_not_block_others(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    name = f"{VERTEX}/operations/8"
    emulator.create_operation(name, duration=None)
    results: list[httpx.Response] = []

    def wait() -> None:
        with httpx.Client(base_url=emulator.url, headers=vertex, timeout=10) as other:
            results.append(other.post(f"/v1/{name}:wait", params={"timeout": "10s"}))

    thread = threading.Thread(target=wait)
    started = time.monotonic()
    thread.start()
    time.sleep(0.1)
    assert client.post(f"/v1/{name}:cancel", headers=vertex).status_code == 200
    thread.join(5)
    assert time.monotonic() - started < 2
    assert results[0].json()["error"]["code"] == 1


@pytest.mark.parametrize("timeout", ["abc", "5", "-1s", "1m"])
def test_wait_rejects_bad_timeouts(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str], timeout: str
) -> None:
    name = f"{VERTEX}/operations/1"
    emulator.create_operation(name, duration=None)
    response = client.post(f"/v1/{name}:wait", params={"timeout": timeout}, headers=vertex)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"][0]["field"] == "timeout"


def test_wait_of_an_unknown_operation_is_404(client: httpx.Client, vertex: dict[str, str]) -> None:
    response = client.post(f"/v1/{VERTEX}/operations/none:wait", headers=vertex)
    assert response.status_code == 404


def test_stop_ends_pending_waits_promptly() -> None:
    emu = Emulator().start()
    name = f"{VERTEX}/operations/w"
    emu.create_operation(name, duration=None)
    results: list[httpx.Response] = []

    def wait() -> None:
        with httpx.Client(
            base_url=emu.url, headers={"Authorization": f"Bearer {emu.vertex_token}"}
        ) as other:
            results.append(other.post(f"/v1/{name}:wait", params={"timeout": "30s"}))

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.5)  # long enough for the :wait to reach the server on a loaded machine
    started = time.monotonic()
    emu.stop()
    thread.join(5)
    assert time.monotonic() - started < 2
    assert results
    assert results[0].status_code == 200
