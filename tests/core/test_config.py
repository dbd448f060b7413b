"""Settings from arguments and the environment, and option validation (no server)."""

from __future__ import annotations

import asyncio
import math
import threading
from typing import Any

import httpx
import pytest

from gemini_ops import AsyncOperations, CredentialsError, Operations
from gemini_ops._core.config import resolve_settings, vertex_host
from gemini_ops._core.validate import MAX_SECONDS, check_count, check_seconds


def settings(environ: dict[str, str], **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "api_key": None,
        "vertex_ai": None,
        "project": None,
        "location": None,
        "credentials": None,
        "base_url": None,
        "api_version": None,
        "timeout": 60.0,
        "max_retries": 3,
    }
    options.update(kwargs)
    return resolve_settings(environ=environ, **options)


def test_environment_like_google_genai() -> None:
    s = settings({"GOOGLE_API_KEY": "g", "GEMINI_API_KEY": "k"})
    assert s.api_key == "g"  # as google-genai: GOOGLE_API_KEY first, with a warning
    assert s.notes == ("Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY.",)
    assert settings({"GEMINI_API_KEY": "k"}).api_key == "k"
    assert settings({"GEMINI_API_KEY": "k"}).notes == ()
    assert s.default_backend == "gemini"
    s = settings(
        {
            "GOOGLE_GENAI_USE_VERTEXAI": "true",
            "GOOGLE_CLOUD_PROJECT": "p",
            "GOOGLE_CLOUD_LOCATION": "europe-west4",
        }
    )
    assert (s.vertex_ai, s.project, s.location) == (True, "p", "europe-west4")
    assert s.default_backend == "vertex_ai"
    s = settings({"GEMINI_OPS_BASE_URL": "http://127.0.0.1:9/"})
    assert s.base_url == "http://127.0.0.1:9"
    assert settings({"GEMINI_API_KEY": "env"}, api_key="arg").api_key == "arg"


def test_versions() -> None:
    s = settings({})
    assert (s.version("gemini"), s.version("vertex_ai")) == ("v1beta", "v1")
    s = settings({}, api_version="v1")
    assert (s.version("gemini"), s.version("vertex_ai")) == ("v1", "v1")
    s = settings({}, api_version="v1beta1")
    assert (s.version("gemini"), s.version("vertex_ai")) == ("v1beta", "v1beta1")


@pytest.mark.parametrize(
    ("location", "host"),
    [
        ("global", "https://aiplatform.googleapis.com"),
        ("us", "https://aiplatform.us.rep.googleapis.com"),
        ("eu", "https://aiplatform.eu.rep.googleapis.com"),
        ("us-central1", "https://us-central1-aiplatform.googleapis.com"),
    ],
)
def test_vertex_hosts(location: str, host: str) -> None:
    assert vertex_host(location) == host


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"api_key": ""}, "api_key"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "http://x/?key=1"}, "base_url"),
        ({"api_version": "../v1"}, "api_version"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], option: str) -> None:
    with pytest.raises(ValueError, match=option):
        Operations(**kwargs)


def test_settings_repr_hides_the_key() -> None:
    ops = Operations(api_key="very-secret-value")
    assert "very-secret-value" not in repr(ops)
    assert "very-secret-value" not in repr(ops.settings)
    ops.close()


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    with Operations() as ops, pytest.raises(CredentialsError, match="GEMINI_API_KEY"):
        ops.get("batches/b1")


def test_requests_go_to_the_right_hosts() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        # The answer names the operation asked for: the path after the version.
        return httpx.Response(200, json={"name": request.url.path.split("/", 2)[2]})

    with httpx.Client(transport=httpx.MockTransport(handler)) as mine:
        ops = Operations(api_key="k", http_client=mine)
        ops.get("batches/b1")
        ops.close()
        from google.oauth2.credentials import Credentials

        vertex = Operations(vertex_ai=True, credentials=Credentials(token="t"), http_client=mine)
        vertex.get("projects/p/locations/europe-west4/operations/o1")
        vertex.get("projects/p/locations/global/operations/o2")
        vertex.close()
        assert not mine.is_closed
    assert [str(r.url) for r in seen] == [
        "https://generativelanguage.googleapis.com/v1beta/batches/b1",
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/operations/o1",
        "https://aiplatform.googleapis.com/v1/projects/p/locations/global/operations/o2",
    ]
    assert seen[0].headers["x-goog-api-key"] == "k"
    assert "key=" not in str(seen[0].url)
    assert seen[1].headers["authorization"] == "Bearer t"


def test_async_closed_client_refuses_requests() -> None:
    async def scenario() -> None:
        ops = AsyncOperations(api_key="k", base_url="http://127.0.0.1:9")
        await ops.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            await ops.get("batches/b1")

    asyncio.run(scenario())


@pytest.mark.parametrize("key", ["AIza key", "AIza\nkey", "AIza\x00", "  "])
def test_a_bad_api_key_fails_when_the_client_is_built(key: str) -> None:
    # Before any request (nothing listens on port 9): the key is checked once, at construction.
    with pytest.raises(ValueError, match="api_key") as info:
        Operations(api_key=key, base_url="http://127.0.0.1:9")
    assert key.strip() == "" or key not in str(info.value)


def test_both_keys_set_warns_once_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "google-key")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key")
    with caplog.at_level("WARNING", logger="gemini_ops"):
        Operations().close()
    assert [r.getMessage() for r in caplog.records] == [
        "Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY."
    ]


def test_vertex_without_a_location_uses_global_as_google_genai() -> None:
    s = settings({"GOOGLE_GENAI_USE_VERTEXAI": "1", "GOOGLE_CLOUD_PROJECT": "p"})
    assert s.location == "global"
    assert settings({}, vertex_ai=True, project="p", location="us").location == "us"
    assert settings({}, project="p").location is None  # not on Vertex AI: nothing to default


@pytest.mark.parametrize(
    ("environ", "kwargs", "express"),
    [
        ({}, {"api_key": "k"}, True),
        ({"GOOGLE_API_KEY": "k"}, {}, True),
        # An explicit key wins over a project and location from the environment...
        ({"GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "us"}, {"api_key": "k"}, True),
        # ...explicit project/location win over a key from the environment...
        ({"GOOGLE_API_KEY": "k"}, {"project": "p", "location": "us"}, False),
        # ...and so do a project and location from the environment.
        ({"GOOGLE_API_KEY": "k", "GOOGLE_CLOUD_PROJECT": "p"}, {}, False),
        ({"GOOGLE_API_KEY": "k"}, {"credentials": object()}, False),
    ],
)
def test_vertex_express_mode_decided_as_google_genai(
    environ: dict[str, str], kwargs: dict[str, Any], express: bool
) -> None:
    s = settings(environ, vertex_ai=True, **kwargs)
    assert (s.vertex_api_key == "k") is express


def test_vertex_express_mode_sends_the_api_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"name": request.url.path.split("/", 2)[2]})

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as mine,
        Operations(vertex_ai=True, api_key="express-key", http_client=mine) as ops,
    ):
        ops.get("projects/p/locations/global/operations/o1")
    assert seen[0].headers["x-goog-api-key"] == "express-key"
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("given", "base_url", "version"),
    [
        ("http://127.0.0.1:8765/v1beta", "http://127.0.0.1:8765", "v1beta"),
        ("http://127.0.0.1:8765/v1/", "http://127.0.0.1:8765", "v1"),
        ("http://127.0.0.1:8765/proxy/v1beta1", "http://127.0.0.1:8765/proxy", "v1beta1"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765", None),
        ("http://v1beta", "http://v1beta", None),  # a host, not a version
    ],
)
def test_a_base_url_ending_in_a_version(given: str, base_url: str, version: str | None) -> None:
    s = settings({}, base_url=given)
    assert (s.base_url, s.api_version) == (base_url, version)


@pytest.mark.parametrize("location", ["evil.com/x", "a.b", "us-central1.attacker", "US-CENTRAL1"])
def test_vertex_host_refuses_a_location_google_does_not_name(location: str) -> None:
    with pytest.raises(ValueError, match="location must be a Vertex AI location"):
        vertex_host(location)
    with pytest.raises(ValueError, match="location must be a Vertex AI location"):
        settings({}, vertex_ai=True, location=location)
    with pytest.raises(ValueError, match="location must be a Vertex AI location"):
        settings({"GOOGLE_CLOUD_LOCATION": location})


@pytest.mark.parametrize(
    "value", [1e10, 1e300, math.inf, -math.inf, math.nan, 10**400, -(10**400), MAX_SECONDS * 2]
)
def test_seconds_the_clock_cannot_sleep(value: float) -> None:
    with pytest.raises(
        ValueError, match=f"poll_interval must be > 0 seconds, at most {MAX_SECONDS:.0f} s"
    ):
        check_seconds("poll_interval", value)


def test_the_longest_seconds() -> None:
    assert min(365 * 86400, threading.TIMEOUT_MAX) == MAX_SECONDS  # a year, on Linux and macOS
    assert check_seconds("timeout", MAX_SECONDS) == MAX_SECONDS
    assert check_seconds("timeout", 10**6) == 1e6
    assert check_seconds("timeout", None, allow_none=True) is None


def test_a_huge_integer_is_not_printed_whole() -> None:
    for check in (
        lambda: check_seconds("timeout", 10**5000),
        lambda: check_count("n", -(10**5000)),
    ):
        with pytest.raises(ValueError, match="an integer of 16610 bits"):
            check()
