"""Authentication of requests: an API key header (Gemini API) or Google credentials (Vertex AI).

Both are `httpx.Auth` objects, applied by the clients of `gemini_ops._http.transport` once per
request, below the error mapping and above the retries.

google-auth is imported only when Google credentials are used, never by ``import gemini_ops``.
Credentials are refreshed through httpx (`HttpxAuthRequest`), so ``requests`` is not needed.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx

from gemini_ops._core import timing
from gemini_ops._core.errors import CredentialsError, TransportError
from gemini_ops._core.validate import check_api_key, check_secret
from gemini_ops._http.deadline import time_left
from gemini_ops._http.redact import redact_url

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from google.auth.credentials import Credentials

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "MAX_TOKEN_ANSWER_BYTES",
    "ApiKeyAuth",
    "GoogleCredentialsAuth",
    "HttpxAuthRequest",
    "default_credentials",
]

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
"""The OAuth scope Vertex AI requests need."""

_API_KEY_HEADER = "x-goog-api-key"


class ApiKeyAuth(httpx.Auth):
    """Send an API key in the ``x-goog-api-key`` header, and never in the URL.

    Any ``key`` query parameter is removed from the request, so the key cannot end up in URLs,
    logs or error messages. ``repr()`` does not show the key.

    Raises:
        ValueError: `api_key` is empty or contains whitespace or control characters.

    """

    def __init__(self, api_key: str) -> None:
        self._key = check_api_key(api_key)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Put the key in its header; strip any ``key`` query parameter."""
        if any(name.lower() == "key" for name in request.url.params):
            kept = [(k, v) for k, v in request.url.params.multi_items() if k.lower() != "key"]
            request.url = request.url.copy_with(params=kept)
        request.headers[_API_KEY_HEADER] = self._key
        yield request

    def __repr__(self) -> str:
        return "ApiKeyAuth(key=***)"


#: The largest token-service answer read (a token answer is a few KiB of JSON).
MAX_TOKEN_ANSWER_BYTES = 1024 * 1024


class _HttpxAuthResponse:
    """The ``google.auth.transport.Response`` shape: ``status``, ``headers``, ``data``."""

    def __init__(self, response: httpx.Response, data: bytes) -> None:
        self.status = response.status_code
        self.headers: Mapping[str, str] = response.headers
        self.data = data


class HttpxAuthRequest:
    """A ``google.auth.transport.Request`` over an `httpx.Client`, for credential refreshes.

    google-auth calls it as ``request(url=, method=, body=, headers=, timeout=)``. `timeout`
    (seconds, default `default_timeout`) is clipped to the time left under `deadline_scope`, and
    bounds the whole answer: it is read piece by piece, no longer than that, and no more than
    `MAX_TOKEN_ANSWER_BYTES` decoded. httpx failures, and answers past either bound, are raised
    as ``google.auth.exceptions.TransportError``, as google-auth expects. The client must be a
    plain one: a client from `build_client` raises on error answers that google-auth needs to
    read.
    """

    def __init__(self, client: httpx.Client, *, default_timeout: float = 60.0) -> None:
        self._client = client
        self._default_timeout = default_timeout

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _HttpxAuthResponse:
        """Send one request for google-auth and return its answer."""
        import google.auth.exceptions

        seconds = self._default_timeout if timeout is None else float(timeout)
        left = time_left()
        if left is not None:
            seconds = min(seconds, left)
        ends = timing.monotonic() + seconds
        where = f"{method} {redact_url(url)}"
        try:
            with self._client.stream(
                method, url, content=body, headers=headers, timeout=seconds
            ) as response:
                data = _bounded_body(response, ends, where)
        except httpx.HTTPError as error:
            message = f"{where} failed: {type(error).__name__}: {error}"
            raise google.auth.exceptions.TransportError(message) from error  # type: ignore[no-untyped-call]
        return _HttpxAuthResponse(response, data)


def _bounded_body(response: httpx.Response, ends: float, where: str) -> bytes:
    import google.auth.exceptions

    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_TOKEN_ANSWER_BYTES:
            problem = f"an answer larger than {MAX_TOKEN_ANSWER_BYTES} bytes"
            raise google.auth.exceptions.TransportError(f"{where}: {problem}")  # type: ignore[no-untyped-call]
        if timing.monotonic() > ends:
            problem = "the answer was still arriving when the time ran out"
            raise google.auth.exceptions.TransportError(f"{where}: {problem}")  # type: ignore[no-untyped-call]
        chunks.append(chunk)
    return b"".join(chunks)


_NO_TOKEN = object()


def _token_client(timeout: float) -> httpx.Client:
    # The client for one refresh when none is given; it honours the environment's proxies.
    return httpx.Client(timeout=timeout)


class GoogleCredentialsAuth(httpx.Auth):
    """Authorize requests with google-auth credentials (OAuth bearer token).

    Applies ``Authorization: Bearer <token>`` and, when the credentials carry a quota project,
    ``x-goog-user-project``. Refreshes the token when it is missing or about to expire, through
    `http_client` (a plain `httpx.Client`; by default a short-lived one per refresh). After a 401
    the token is refreshed once more and the request sent again, once; a second 401 is returned.

    One refresh serves every concurrent request: refreshes run under one lock, and each waiter
    checks the token again once it holds it. The async flow runs the (blocking) refresh in a
    worker thread under the same lock, so sync and async callers share one refresh too.

    Refresh failures raise `CredentialsError` (google-auth's refusal, e.g. revoked credentials)
    or `TransportError` (the token service could not be reached); google-auth's error is the cause.
    A token is checked like an API key before it is sent (`check_secret`: the whitespace around
    it is dropped, whitespace or control characters inside it raise `CredentialsError`, without
    showing the token).

    Raises:
        TypeError: `credentials` is not a ``google.auth.credentials.Credentials``.

    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        http_client: httpx.Client | None = None,
        refresh_timeout: float = 60.0,
    ) -> None:
        from google.auth.credentials import Credentials

        if not isinstance(credentials, Credentials):
            raise TypeError(
                "credentials must be google.auth.credentials.Credentials, "
                f"got {type(credentials).__name__}"
            )
        if not (math.isfinite(refresh_timeout) and refresh_timeout > 0):
            raise ValueError("refresh_timeout must be > 0")
        self._credentials = credentials
        self._http_client = http_client
        self._refresh_timeout = refresh_timeout
        self._lock = threading.Lock()

    @property
    def credentials(self) -> Credentials:
        """The wrapped credentials."""
        return self._credentials

    def __repr__(self) -> str:
        return f"GoogleCredentialsAuth(credentials={type(self._credentials).__name__})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Authorize `request`; after a 401, refresh and send it once more."""
        self._ensure_valid()
        token = self._apply(request)
        response = yield request
        if response.status_code == 401:
            self._ensure_valid(stale_token=token)
            self._apply(request)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Authorize `request` without blocking the event loop; same behaviour as the sync flow."""
        if not self._credentials.valid:
            await anyio.to_thread.run_sync(self._ensure_valid)
        token = self._apply(request)
        response = yield request
        if response.status_code == 401:
            await anyio.to_thread.run_sync(functools.partial(self._ensure_valid, stale_token=token))
            self._apply(request)
            yield request

    def _apply(self, request: httpx.Request) -> object:
        token = self._credentials.token
        try:
            usable = check_secret("the access token of the credentials", token)
        except ValueError as error:
            raise CredentialsError(str(error)) from None
        headers: dict[str, str] = {}
        self._credentials.apply(headers, token=usable)  # type: ignore[no-untyped-call]
        request.headers.update(headers)
        return token

    def _ensure_valid(self, stale_token: object = _NO_TOKEN) -> None:
        # Without `stale_token`: refresh if the token is missing or expiring. With it (after a
        # 401): refresh unless another caller has replaced that token since.
        forced = stale_token is not _NO_TOKEN
        if not forced and self._credentials.valid:
            return
        with self._lock:
            if forced:
                if self._credentials.token != stale_token and self._credentials.valid:
                    return
            elif self._credentials.valid:
                return
            self._refresh()

    def _refresh(self) -> None:
        import google.auth.exceptions

        client = self._http_client
        owned = client is None
        if client is None:
            client = _token_client(self._refresh_timeout)
        try:
            request = HttpxAuthRequest(client, default_timeout=self._refresh_timeout)
            self._credentials.refresh(request)  # type: ignore[no-untyped-call]
        except google.auth.exceptions.TransportError as error:
            raise TransportError(f"could not reach the Google token service: {error}") from error
        except google.auth.exceptions.GoogleAuthError as error:
            raise CredentialsError(f"could not refresh the Google credentials: {error}") from error
        finally:
            if owned:
                client.close()


def default_credentials(
    scopes: Sequence[str] | None = None,
) -> tuple[Credentials, str | None]:
    """Find Application Default Credentials (google-auth) and their project, if any.

    `scopes` defaults to the cloud-platform scope Vertex AI needs.

    Raises:
        CredentialsError: none were found; the message says how to provide them.

    """
    import google.auth
    import google.auth.exceptions

    try:
        credentials, project = google.auth.default(scopes=list(scopes or [CLOUD_PLATFORM_SCOPE]))
    except google.auth.exceptions.DefaultCredentialsError as error:
        raise CredentialsError(
            "no Google Cloud credentials found for Vertex AI: run "
            "`gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS to a "
            "service account key file, or pass credentials explicitly"
        ) from error
    return credentials, project
