"""Faults: statuses, retry hints, delays, broken bodies, dropped connections, token loops."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from gemini_ops.testing import Emulator


@pytest.fixture
def batch(emulator: Emulator) -> str:
    emulator.create_operation("batches/x", duration=None)
    return "/v1beta/batches/x"


def test_429_with_retry_info_for_exactly_the_next_two_requests(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="/v1beta/batches/x", status=429, retry_delay="0.2s", times=2)
    for _ in range(2):
        response = client.get(batch, headers=gemini)
        assert response.status_code == 429
        assert "retry-after" not in response.headers
        error = response.json()["error"]
        assert error["code"] == 429
        assert error["status"] == "RESOURCE_EXHAUSTED"
        assert {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.2s"} in error[
            "details"
        ]
        assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert client.get(batch, headers=gemini).status_code == 200
    assert [r["status"] for r in emulator.requests()] == [429, 429, 200]


@pytest.mark.parametrize(
    ("status", "canonical"),
    [(500, "INTERNAL"), (503, "UNAVAILABLE"), (504, "DEADLINE_EXCEEDED"), (499, "CANCELLED")],
)
def test_any_status_with_googles_envelope(
    emulator: Emulator,
    client: httpx.Client,
    gemini: dict[str, str],
    batch: str,
    status: int,
    canonical: str,
) -> None:
    emulator.inject_fault(path="batches", status=status, message="injected")
    response = client.get(batch, headers=gemini)
    assert response.status_code == status
    assert response.json() == {
        "error": {"code": status, "message": "injected", "status": canonical}
    }


def test_retry_after_header(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", status=503, retry_after="1")
    response = client.get(batch, headers=gemini)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    emulator.inject_fault(path="batches", retry_after=2)
    assert client.get(batch, headers=gemini).status_code == 429


def test_faults_match_method_and_path_in_fifo_order(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path=r"^/v1/batches", status=500)
    emulator.inject_fault(method="POST", path="batches", status=503)
    emulator.inject_fault(path="batches/x$", status=502)
    emulator.inject_fault(path="batches/x$", status=504)
    assert client.get(batch, headers=gemini).status_code == 502
    assert client.post(f"{batch}:cancel", headers=gemini).status_code == 503
    assert client.get(batch, headers=gemini).status_code == 504
    assert client.get(batch, headers=gemini).status_code == 200
    assert client.get("/v1/batches/x", headers=gemini).status_code == 500
    assert emulator.state.faults() == []


def test_clear_faults(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", status=500, times=5)
    emulator.clear_faults()
    assert client.get(batch, headers=gemini).status_code == 200


def test_faults_apply_before_auth(emulator: Emulator, client: httpx.Client, batch: str) -> None:
    emulator.inject_fault(path="batches", status=503)
    assert client.get(batch).status_code == 503
    assert client.get(batch).status_code == 403


def test_delay_does_not_block_other_requests(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches/x$", delay=1.0)
    finished: list[float] = []
    started = time.monotonic()

    def slow() -> None:
        with httpx.Client(base_url=emulator.url, headers=gemini) as other:
            assert other.get(batch).status_code == 200
        finished.append(time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.05)
    assert client.get("/v1beta/batches", headers=gemini).status_code == 200
    fast = time.monotonic() - started
    thread.join(5)
    assert fast < 0.8
    assert 0.95 < finished[0] < 3


def test_delay_then_status(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", delay=0.2, status=504)
    started = time.monotonic()
    assert client.get(batch, headers=gemini).status_code == 504
    assert time.monotonic() - started >= 0.2


def test_delay_past_the_client_timeout(
    emulator: Emulator, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", delay=1.0)
    with (
        httpx.Client(base_url=emulator.url, headers=gemini, timeout=0.2) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(batch)


def test_html_502(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", body="html")
    response = client.get(batch, headers=gemini)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    emulator.inject_fault(path="batches", body="html", status=503)
    assert "Error 503" in client.get(batch, headers=gemini).text


def test_empty_body(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", body="empty")
    response = client.get(batch, headers=gemini)
    assert response.status_code == 502
    assert response.content == b""
    emulator.inject_fault(path="batches", body="empty", status=200)
    ok_but_empty = client.get(batch, headers=gemini)
    assert ok_but_empty.status_code == 200
    assert ok_but_empty.content == b""


def test_garbage_json(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", body="garbage")
    response = client.get(batch, headers=gemini)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError):  # noqa: PT011 - any JSON decoding error
        json.loads(response.content)


def test_truncated_json(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    whole = client.get(batch, headers=gemini).content
    emulator.inject_fault(path="batches", body="truncated")
    response = client.get(batch, headers=gemini)
    assert response.status_code == 200
    assert 0 < len(response.content) < len(whole)
    assert whole.startswith(response.content[:20])
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    emulator.inject_fault(path="batches", body="truncated", status=500)
    broken = client.get(batch, headers=gemini)
    assert broken.status_code == 500
    assert broken.text.startswith("{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)


def test_drop_closes_the_connection_without_an_answer(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str], batch: str
) -> None:
    emulator.inject_fault(path="batches", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(batch, headers=gemini)
    assert client.get(batch, headers=gemini).status_code == 200
    assert [r["status"] for r in emulator.requests()] == [None, 200]


def test_drop_of_a_post_with_a_body(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    model = "projects/p/locations/l/publishers/google/models/veo"
    emulator.create_operation(f"{model}/operations/o", duration=None)
    emulator.inject_fault(path="fetchPredictOperation", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(
            f"/v1/{model}:fetchPredictOperation",
            headers=vertex,
            json={"operationName": f"{model}/operations/o"},
        )


def test_repeat_page_token_makes_a_naive_client_loop(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    for i in range(4):
        emulator.create_operation(f"batches/b{i}", duration=None)
    emulator.inject_fault(path="/batches$", repeat_page_token=True, times=3)
    first = client.get("/v1beta/batches", params={"pageSize": 2}, headers=gemini).json()
    token = first["nextPageToken"]
    second = client.get(
        "/v1beta/batches", params={"pageSize": 2, "pageToken": token}, headers=gemini
    ).json()
    assert second["nextPageToken"] == token
    assert [op["name"] for op in second["operations"]] == ["batches/b0", "batches/b1"]
    third = client.get(
        "/v1beta/batches", params={"pageSize": 2, "pageToken": token}, headers=gemini
    ).json()
    assert third["nextPageToken"] == token
    # Once the fault is used up the token leads on normally.
    fourth = client.get(
        "/v1beta/batches", params={"pageSize": 2, "pageToken": token}, headers=gemini
    ).json()
    assert [op["name"] for op in fourth["operations"]] == ["batches/b0", "batches/b1"]
    assert fourth["nextPageToken"] != token


def test_repeat_page_token_on_a_last_page(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    emulator.create_operation("batches/only", duration=None)
    emulator.inject_fault(path="/batches$", repeat_page_token=True, times=2)
    first = client.get("/v1beta/batches", headers=gemini).json()
    assert first["nextPageToken"]
    again = client.get(
        "/v1beta/batches", params={"pageToken": first["nextPageToken"]}, headers=gemini
    ).json()
    assert again["nextPageToken"] == first["nextPageToken"]


@pytest.mark.parametrize(
    "spec",
    [
        {"path": "("},
        {"status": 700},
        {"status": 429, "times": 0},
        {"body": "xml"},
        {"retry_delay": "soon"},
        {"delay": -1},
        {"path": "batches"},
    ],
)
def test_invalid_faults_are_rejected(emulator: Emulator, spec: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each spec is invalid in its own way
        emulator.inject_fault(**spec)
