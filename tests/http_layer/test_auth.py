from __future__ import annotations

import asyncio
import datetime
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import httpx
import pytest

import gemini_ops._http.auth as auth_module
from gemini_ops._core.errors import (
    CredentialsError,
    PermissionDeniedError,
    TransportError,
    UnauthenticatedError,
)
from gemini_ops._http.auth import (
    CLOUD_PLATFORM_SCOPE,
    ApiKeyAuth,
    GoogleCredentialsAuth,
    HttpxAuthRequest,
    default_credentials,
)
from gemini_ops._http.clients import build_async_client, build_client
from gemini_ops._http.deadline import deadline_scope

BASE = "https://us-central1-aiplatform.googleapis.com/v1"
NAME = "projects/p/locations/us-central1/operations/123"
TOKEN_URL = "https://oauth2.test/token"
KEY = "AIzaSECRETKEY0123456789"


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class TokenService:
    """A token endpoint handing out tok-1, tok-2, ...; counts requests."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "invalid_grant"})
        return httpx.Response(200, json={"access_token": f"tok-{number}", "expires_in": 3600})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


class FakeCredentials(google.auth.credentials.Credentials):
    """Credentials whose refresh counts calls and fetches a token with the request it is given."""

    def __init__(self, *, quota_project: str | None = None, latency: float = 0.0) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._quota_project_id = quota_project
        self.refresh_calls = 0
        # Fixture latency: widens the window in which concurrent callers find the token missing.
        self.latency = latency

    def refresh(self, request: Any) -> None:
        self.refresh_calls += 1
        time.sleep(self.latency)
        response = request(
            url=TOKEN_URL,
            method="POST",
            body=b"grant_type=fake",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        if response.status != 200:
            raise google.auth.exceptions.RefreshError(  # type: ignore[no-untyped-call]
                f"token endpoint answered {response.status}"
            )
        payload = json.loads(response.data)
        self.token = payload["access_token"]
        self.expiry = utcnow() + datetime.timedelta(seconds=payload["expires_in"])


class Api:
    """The API side: records the Authorization header of each request; 401 for listed tokens."""

    def __init__(self, rejected: tuple[str, ...] = ()) -> None:
        self.rejected = rejected
        self.seen: list[httpx.Request] = []
        # Header values at the time of each call: a request sent again after a 401 is the same
        # object, with its headers updated.
        self.tokens: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("authorization", "")
        with self._lock:
            self.seen.append(request)
            self.tokens.append(authorization)
        token = authorization.removeprefix("Bearer ")
        if token in self.rejected:
            error = {"code": 401, "message": "bad token", "status": "UNAUTHENTICATED"}
            return httpx.Response(401, json={"error": error})
        return httpx.Response(200, json={"name": NAME, "done": True})


def run(mode: str, auth: httpx.Auth, api: Api, calls: int = 1) -> list[httpx.Response]:
    """Make `calls` concurrent GETs (threads, or asyncio tasks) through a built client."""
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(api)) as user:
            client = build_client(
                base_url=BASE, auth=auth, timeout=5, max_retries=0, http_client=user
            )
            with client:
                if calls == 1:
                    return [client.get(f"/{NAME}")]
                with ThreadPoolExecutor(max_workers=calls) as pool:
                    return list(pool.map(lambda _: client.get(f"/{NAME}"), range(calls)))

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(api)) as user:
            client = build_async_client(
                base_url=BASE, auth=auth, timeout=5, max_retries=0, http_client=user
            )
            async with client:
                return list(await asyncio.gather(*(client.get(f"/{NAME}") for _ in range(calls))))

    return asyncio.run(go())


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# API keys


def test_api_key_goes_in_the_header_only(mode: str) -> None:
    api = Api()
    auth = ApiKeyAuth(KEY)
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(api)) as user:
            client = build_client(
                base_url=BASE, auth=auth, timeout=5, max_retries=0, http_client=user
            )
            with client:
                client.get(f"/{NAME}", params={"key": KEY, "pageSize": 2})
    else:

        async def go() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(api)) as user:
                client = build_async_client(
                    base_url=BASE, auth=auth, timeout=5, max_retries=0, http_client=user
                )
                async with client:
                    await client.get(f"/{NAME}", params={"key": KEY, "pageSize": 2})

        asyncio.run(go())
    (request,) = api.seen
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in str(request.url)
    assert request.url.params.get("pageSize") == "2"


def test_api_key_repr_hides_the_key() -> None:
    auth = ApiKeyAuth(KEY)
    assert repr(auth) == "ApiKeyAuth(key=***)"
    assert KEY not in str(auth)
    assert KEY not in repr([auth])


@pytest.mark.parametrize("key", ["", "   ", "AIza key", "AIza\nkey", "AIza\x00"])
def test_api_key_validation(key: str) -> None:
    with pytest.raises(ValueError, match="api_key") as info:
        ApiKeyAuth(key)
    assert key.strip() == "" or key not in str(info.value)


def test_api_key_is_not_in_error_messages() -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        error = {
            "code": 403,
            "message": "Method doesn't allow unregistered callers.",
            "status": "PERMISSION_DENIED",
        }
        return httpx.Response(403, json={"error": error})

    with httpx.Client(transport=httpx.MockTransport(forbidden)) as user:
        client = build_client(
            base_url=BASE, auth=ApiKeyAuth(KEY), timeout=5, max_retries=0, http_client=user
        )
        with client, pytest.raises(PermissionDeniedError) as info:
            client.get(f"/{NAME}?key={KEY}")
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    assert KEY not in (info.value.url or "")
    assert KEY not in repr(vars(info.value))


# Google credentials


def test_bearer_token_is_applied(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials()
    api = Api()
    run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api)
    assert credentials.refresh_calls == 1
    assert len(tokens.requests) == 1
    assert tokens.requests[0].content == b"grant_type=fake"
    assert api.tokens == ["Bearer tok-1"]
    assert "x-goog-user-project" not in api.seen[0].headers


def test_quota_project_header(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials(quota_project="billing-project")
    api = Api()
    run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api)
    assert api.seen[0].headers["x-goog-user-project"] == "billing-project"


def test_valid_token_is_not_refreshed(mode: str) -> None:
    credentials = FakeCredentials()
    credentials.token = "given"
    credentials.expiry = utcnow() + datetime.timedelta(hours=1)
    api = Api()
    run(mode, GoogleCredentialsAuth(credentials, http_client=TokenService().client()), api, 3)
    assert credentials.refresh_calls == 0
    assert api.tokens == ["Bearer given"] * 3


def test_expired_token_is_refreshed(mode: str) -> None:
    credentials = FakeCredentials()
    credentials.token = "old"
    credentials.expiry = utcnow() - datetime.timedelta(seconds=1)
    api = Api()
    run(mode, GoogleCredentialsAuth(credentials, http_client=TokenService().client()), api)
    assert credentials.refresh_calls == 1
    assert api.tokens == ["Bearer tok-1"]


def test_one_refresh_for_twenty_concurrent_requests(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials(latency=0.05)
    api = Api()
    responses = run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api, 20)
    assert [r.status_code for r in responses] == [200] * 20
    assert credentials.refresh_calls == 1
    assert len(tokens.requests) == 1
    assert api.tokens == ["Bearer tok-1"] * 20


def test_401_forces_one_refresh_and_one_retry(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials()
    api = Api(rejected=("tok-1",))
    (response,) = run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api)
    assert response.status_code == 200
    assert credentials.refresh_calls == 2
    assert api.tokens == ["Bearer tok-1", "Bearer tok-2"]


def test_second_401_is_unauthenticated_error(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials()
    api = Api(rejected=("tok-1", "tok-2", "tok-3"))
    auth = GoogleCredentialsAuth(credentials, http_client=tokens.client())
    with pytest.raises(UnauthenticatedError, match="bad token"):
        run(mode, auth, api)
    assert credentials.refresh_calls == 2
    assert api.tokens == ["Bearer tok-1", "Bearer tok-2"]


def test_concurrent_401s_share_one_forced_refresh(mode: str) -> None:
    tokens = TokenService()
    credentials = FakeCredentials(latency=0.02)
    credentials.token = "revoked"
    credentials.expiry = utcnow() + datetime.timedelta(hours=1)
    api = Api(rejected=("revoked",))
    responses = run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api, 10)
    assert [r.status_code for r in responses] == [200] * 10
    assert credentials.refresh_calls == 1
    assert api.tokens.count("Bearer tok-1") == 10


def test_refresh_refused_is_credentials_error(mode: str) -> None:
    credentials = FakeCredentials()
    auth = GoogleCredentialsAuth(credentials, http_client=TokenService(status=400).client())
    with pytest.raises(CredentialsError, match="could not refresh") as info:
        run(mode, auth, Api())
    assert isinstance(info.value.__cause__, google.auth.exceptions.RefreshError)


def test_real_google_credentials_refresh_through_httpx(mode: str) -> None:
    tokens = TokenService()
    credentials = google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token="refresh-me",
        token_uri=TOKEN_URL,
        client_id="id",
        client_secret="secret",
        quota_project_id="quota",
    )
    api = Api()
    run(mode, GoogleCredentialsAuth(credentials, http_client=tokens.client()), api)
    (token_request,) = tokens.requests
    assert token_request.method == "POST"
    assert urllib.parse.parse_qs(token_request.content.decode())["refresh_token"] == ["refresh-me"]
    assert api.tokens == ["Bearer tok-1"]
    assert api.seen[0].headers["x-goog-user-project"] == "quota"


def test_real_google_credentials_refused(mode: str) -> None:
    credentials = google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
        token=None, refresh_token="r", token_uri=TOKEN_URL, client_id="i", client_secret="s"
    )
    auth = GoogleCredentialsAuth(credentials, http_client=TokenService(status=400).client())
    with pytest.raises(CredentialsError, match="invalid_grant"):
        run(mode, auth, Api())


def test_token_service_unreachable_is_transport_error(mode: str) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    credentials = FakeCredentials()
    client = httpx.Client(transport=httpx.MockTransport(down))
    with pytest.raises(TransportError, match="token service") as info:
        run(mode, GoogleCredentialsAuth(credentials, http_client=client), Api())
    assert isinstance(info.value.__cause__, google.auth.exceptions.TransportError)


def test_refresh_without_a_client_uses_a_short_lived_one(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = TokenService()
    created: list[httpx.Client] = []

    def make_client(timeout: float) -> httpx.Client:
        created.append(httpx.Client(transport=httpx.MockTransport(tokens), timeout=timeout))
        return created[-1]

    monkeypatch.setattr(auth_module, "_token_client", make_client)
    api = Api()
    credentials = FakeCredentials()
    with httpx.Client(transport=httpx.MockTransport(api)) as user:
        client = build_client(
            base_url=BASE,
            auth=GoogleCredentialsAuth(credentials),
            timeout=5,
            max_retries=0,
            http_client=user,
        )
        with client:
            client.get(f"/{NAME}")
    assert api.tokens == ["Bearer tok-1"]
    assert len(created) == 1
    assert created[0].is_closed


def test_credentials_auth_validation() -> None:
    with pytest.raises(TypeError, match="credentials"):
        GoogleCredentialsAuth("not credentials")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="refresh_timeout"):
        GoogleCredentialsAuth(FakeCredentials(), refresh_timeout=0)


def test_credentials_auth_repr_shows_no_token() -> None:
    credentials = FakeCredentials()
    credentials.token = "ya29.SECRET"
    auth = GoogleCredentialsAuth(credentials)
    assert repr(auth) == "GoogleCredentialsAuth(credentials=FakeCredentials)"
    assert auth.credentials is credentials


# The google-auth request adapter


def test_auth_request_adapter() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, headers={"X-A": "b"}, content=b"data")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        request = HttpxAuthRequest(client, default_timeout=9.0)
        response = request(
            url="https://oauth2.test/token", method="POST", body="a=b", headers={"X-H": "1"}
        )
        assert (response.status, response.data, response.headers["x-a"]) == (201, b"data", "b")
        request(url="https://metadata.test/token", timeout=3)
    assert seen[0].content == b"a=b"
    assert seen[0].headers["x-h"] == "1"
    assert seen[0].extensions["timeout"]["read"] == 9.0
    assert seen[1].method == "GET"
    assert seen[1].extensions["timeout"]["read"] == 3.0


def test_auth_request_adapter_respects_the_deadline() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with client, deadline_scope(time.monotonic() + 1.0):
        HttpxAuthRequest(client)(url="https://oauth2.test/token", timeout=120)
    assert 0 < seen[0].extensions["timeout"]["read"] <= 1.0


def test_auth_request_adapter_raises_google_transport_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    client = httpx.Client(transport=httpx.MockTransport(down))
    with (
        client,
        pytest.raises(google.auth.exceptions.TransportError, match="ConnectTimeout") as info,
    ):
        HttpxAuthRequest(client)(url="https://oauth2.test/token?access_token=SECRET")
    assert "SECRET" not in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)


# Application Default Credentials


def test_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    found = FakeCredentials()
    calls: list[Any] = []

    def fake_default(scopes: Any = None, **kwargs: Any) -> tuple[Any, str]:
        calls.append(scopes)
        return found, "my-project"

    monkeypatch.setattr(google.auth, "default", fake_default)
    assert default_credentials() == (found, "my-project")
    assert default_credentials(["s1"]) == (found, "my-project")
    assert calls == [[CLOUD_PLATFORM_SCOPE], ["s1"]]


def test_default_credentials_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json")
    with pytest.raises(CredentialsError, match="gcloud auth application-default login") as info:
        default_credentials()
    assert isinstance(info.value.__cause__, google.auth.exceptions.DefaultCredentialsError)


def test_import_does_not_import_google_auth() -> None:
    code = (
        "import sys, gemini_ops, gemini_ops._http.auth, gemini_ops._http.clients; "
        "loaded = sorted(m for m in sys.modules if m == 'google.auth' "
        "or m.startswith('google.auth.') or m == 'requests'); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
