"""Web pages cannot drive the emulator: foreign Host, foreign Origin, non-JSON control posts.

A server on loopback is reachable from every page the machine's browser opens: a page of another
site can post ``text/plain`` or a form without asking (no CORS preflight), and a DNS-rebinding
page reaches it under its own host name.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from gemini_ops.testing import Emulator

EVIL = "evil.example"
CREATE = {"name": "batches/csrf"}


def _done(emulator: Emulator, name: str) -> bool:
    return emulator.state.get(name).is_done(emulator.state.clock())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_emulator/operations"),
        ("GET", "/_emulator/requests"),
        ("POST", "/_emulator/operations"),
        ("POST", "/_emulator/reset"),
        ("DELETE", "/_emulator/faults"),
        ("POST", "/_emulator/webhooks:settings"),
        ("GET", "/v1beta/batches/a"),
        ("POST", "/v1beta/batches/a:cancel"),
    ],
)
@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:8765", "127.0.0.1.evil.example", "[::2]:80"])
def test_a_foreign_host_is_refused(
    client: httpx.Client, emulator: Emulator, method: str, path: str, host: str
) -> None:
    emulator.create_operation("batches/a")
    answer = client.request(
        method,
        path,
        json={} if method == "POST" else None,
        headers={"Host": host, "x-goog-api-key": emulator.api_key},
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["status"] == "PERMISSION_DENIED"
    assert not _done(emulator, "batches/a")
    assert emulator.state.requests() == []


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "LOCALHOST.", "[::1]", "localhost:1", "127.0.0.1:{port}"],
)
def test_loopback_names_on_any_port_are_served(
    client: httpx.Client, emulator: Emulator, host: str
) -> None:
    # Any port: forwarded ones (docker run -p, ssh -L) reach the emulator under another port.
    headers = {"Host": host.format(port=emulator.port), "Content-Type": "application/json"}
    assert client.post("/_emulator/operations", json=CREATE, headers=headers).status_code == 200
    assert client.get("/_emulator/operations", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "origin", [f"http://{EVIL}", "null", "http://127.0.0.1:1", "http://localhost:{port}"]
)
def test_a_page_of_another_origin_is_refused(
    client: httpx.Client, emulator: Emulator, origin: str
) -> None:
    # http://localhost:PORT is another origin than http://127.0.0.1:PORT (the Host sent here).
    headers = {"Origin": origin.format(port=emulator.port)}
    created = client.post("/_emulator/operations", json=CREATE, headers=headers)
    assert created.status_code == 403
    emulator.create_operation("batches/a")
    cancel = client.post(
        "/v1beta/batches/a:cancel", params={"key": emulator.api_key}, headers=headers
    )
    assert cancel.status_code == 403
    assert [o.name for o in emulator.state.operations()] == ["batches/a"]
    assert not _done(emulator, "batches/a")


def test_a_page_of_the_same_origin_is_served(client: httpx.Client, emulator: Emulator) -> None:
    headers = {"Origin": emulator.url}
    assert client.post("/_emulator/operations", json=CREATE, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
    ],
)
@pytest.mark.parametrize(
    "path", ["/_emulator/operations", "/_emulator/reset", "/_emulator/webhooks:settings"]
)
def test_control_posts_that_are_not_json_are_refused(
    client: httpx.Client, emulator: Emulator, content_type: str | None, path: str
) -> None:
    emulator.create_operation("batches/keep")
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = client.post(path, content=b'{"name": "batches/csrf"}', headers=headers)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["error"]["message"]
    assert [o.name for o in emulator.state.operations()] == ["batches/keep"]


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON; charset=utf-8"])
def test_json_control_posts_are_served(client: httpx.Client, content_type: str) -> None:
    answer = client.post(
        "/_emulator/operations",
        content=b'{"name": "batches/ok"}',
        headers={"Content-Type": content_type},
    )
    assert answer.status_code == 200


def test_the_api_surface_takes_posts_without_a_body_type(
    client: httpx.Client, emulator: Emulator
) -> None:
    # Google's clients post :cancel with or without a body; the content type is not checked.
    emulator.create_operation("batches/a")
    assert client.post("/v1beta/batches/a:cancel", headers={"x-goog-api-key": emulator.api_key})
    assert _done(emulator, "batches/a")


@pytest.fixture
def ipv6_emulator() -> Iterator[Emulator]:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback")
    with Emulator(host="::1") as emu:
        yield emu


def test_an_emulator_on_ipv6_loopback_serves_its_own_address(ipv6_emulator: Emulator) -> None:
    with httpx.Client(base_url=ipv6_emulator.url) as client:
        assert client.post("/_emulator/operations", json=CREATE).status_code == 200
        assert client.get("/_emulator/operations", headers={"Host": EVIL}).status_code == 403
