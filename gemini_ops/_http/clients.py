"""The clients every request goes through: typed errors around retries, auth and the network.

From the outside in, a request sent by a client from `build_client` / `build_async_client`
passes through:

1. the client's ``send()``, which turns an error answer (status >= 400) into an `ApiError`
   subclass, a redirect (3xx, never followed) into `InvalidResponseError`, and an httpx
   exception into `TransportError` (`WaitTimeoutError` once a wait's deadline passed). It runs
   *after* httpx's auth flow, so an auth (e.g. a google-auth refresh after a 401) still sees the
   raw answer; and before any caller parses the answer, so raw generated endpoint calls raise
   the same typed errors (the generated code would otherwise crash on a 499).
2. the auth (`ApiKeyAuth`, `GoogleCredentialsAuth`), applied once per request.
3. `RetryTransport` / `AsyncRetryTransport` (see `gemini_ops._http.retry`), under the deadline
   of `deadline_scope` (see `gemini_ops._http.deadline`): the request timeout bounds each
   attempt as a whole, headers and body, and the call with its retries.
4. `LimitTransport` / `AsyncLimitTransport` (see `gemini_ops._http.limits`), which decodes each
   answer as it streams and stops it past ``max_response_bytes``.
5. the network: an `httpx.HTTPTransport` whose sockets never wait past the deadline
   (`DeadlineBackend`), or the caller's own `httpx.Client`, never allowed to follow a redirect
   (its answers are relayed as they stream, never read whole first).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpcore
import httpx

from gemini_ops._core.errors import GeminiOpsError, TransportError, WaitTimeoutError
from gemini_ops._core.validate import check_count, check_seconds
from gemini_ops._http.deadline import (
    DEADLINE_SLACK,
    DeadlineBackend,
    DeadlineReachedError,
    current_deadline,
    time_left,
    time_until,
)
from gemini_ops._http.limits import DEFAULT_MAX_RESPONSE_BYTES, AsyncLimitTransport, LimitTransport
from gemini_ops._http.redact import redact, redact_chain, redact_url, request_secrets
from gemini_ops._http.retry import AsyncRetryTransport, RetryPolicy, RetryTransport
from gemini_ops._http.wire import (
    check_raw_status,
    error_from_response,
    invalid_response,
    parse_raw_json,
)

__all__ = [
    "POOL_SIZE",
    "borrow_async_client",
    "borrow_client",
    "build_async_client",
    "build_client",
    "detach",
]

#: Connections per client; idle ones are kept too, so that many concurrent polls reuse them.
POOL_SIZE = 100
_LIMITS = httpx.Limits(
    max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE, keepalive_expiry=30.0
)


# The longest Location shown in the error of a redirect.
_MAX_LOCATION = 200


def _mapped_exception(request: httpx.Request, error: httpx.RequestError) -> GeminiOpsError:
    method, url = request.method, redact_url(request.url)
    left = time_left()  # of a wait around the call, if any
    if isinstance(error, httpx.TimeoutException) and left is not None and left <= DEADLINE_SLACK:
        return WaitTimeoutError(f"deadline reached: {method} {request.url.path}: {error}", None)
    secrets = request_secrets(request)
    redact_chain(error, secrets)  # httpx quotes what the server sent, e.g. a bad header line
    detail = redact(str(error), secrets) if str(error) else "no details"
    if isinstance(error, httpx.TimeoutException):
        kind = "" if isinstance(error, DeadlineReachedError) else f"{type(error).__name__}: "
        message = f"{method} {url} timed out: {kind}{detail}"
    else:
        message = f"{method} {url} failed: {type(error).__name__}: {detail}"
    return TransportError(message, method=method, url=url)


def _redirect_error(response: httpx.Response) -> GeminiOpsError:
    """A redirect (3xx) as an error: gemini-ops never follows one, credentials on board."""
    location = response.headers.get("location", "")
    shown = redact_url(location[:_MAX_LOCATION]) if location else "nowhere"
    problem = f"unexpected redirect ({response.status_code}) to {shown}; redirects are not followed"
    return invalid_response(response, problem)


def _bounded_by_deadline(transport: httpx.BaseTransport) -> httpx.BaseTransport:
    """Give the sync pool httpx built a network backend whose sockets honour the deadline.

    httpx has no option for httpcore's network backend, the only place where each read of a
    sync request can be clipped to the time left (what makes the deadline hard against a server
    that drips its answer); it is set here, on the pool the transport holds, before any
    connection exists. Async transports need none: a cancel scope bounds their exchange.
    """
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool):
        pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport


class _CheckedResponse(httpx.Response):
    """A successful answer whose ``json()`` raises InvalidResponseError on a bad body.

    The generated endpoints decode answers with ``response.json()`` and build their models from
    it; a garbage, truncated, too deeply nested or ill-shaped body would otherwise escape from
    them as a bare JSONDecodeError, RecursionError, KeyError or TypeError (see `parse_raw_json`).
    """

    def json(self, **kwargs: Any) -> Any:
        """Decode the body as JSON that the endpoint's model fits; InvalidResponseError if not."""
        return parse_raw_json(self, **kwargs)


class _Client(httpx.Client):
    """An httpx.Client whose requests retry, and whose failures raise gemini-ops errors."""

    def __init__(self, *, retry_policy: RetryPolicy, max_response_bytes: int, **kwargs: Any):
        self._retry_policy = retry_policy
        self._max_response_bytes = max_response_bytes
        super().__init__(**kwargs)

    # httpx builds the default transport, a given one, and one per proxy from the environment
    # through these two private methods; wrapping what they return gives every route the same
    # retries, deadline and limit on what is read. The public way, `transport=` and `mounts=`,
    # makes httpx drop the environment's proxies (it reads them only for a client without
    # `transport=`), and building that proxy table here would copy httpx's rules (NO_PROXY and
    # the rest). Sending through an inner httpx.Client instead, as for a caller's `http_client`,
    # costs about 0.13 ms of client CPU per get, 10 % (docs/reliability.md has the measurement).
    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return self._layered(super()._init_transport(*args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return self._layered(super()._init_proxy_transport(*args, **kwargs))

    def _layered(self, route: httpx.BaseTransport) -> httpx.BaseTransport:
        """Retries over the limit on what is read, over sockets that honour the deadline."""
        limited = LimitTransport(_bounded_by_deadline(route), self._max_response_bytes)
        return RetryTransport(limited, policy=self._retry_policy)

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send `request`; raise an `ApiError` for status >= 400, `TransportError` on failure.

        A redirect is never followed: it raises `InvalidResponseError`. Raises
        `WaitTimeoutError` (with no operation) when the deadline of `deadline_scope` passes
        before the request could complete.
        """
        try:
            response = super().send(request, **{**kwargs, "follow_redirects": False})
        except httpx.RequestError as error:
            raise _mapped_exception(request, error) from error
        if 300 <= response.status_code < 400:
            response.close()
            raise _redirect_error(response)
        if response.status_code >= 400:
            try:
                response.read()
            except httpx.HTTPError:
                pass  # The status alone still says what happened.
            finally:
                response.close()
            raise error_from_response(response)
        response.__class__ = _CheckedResponse
        return response


class _AsyncClient(httpx.AsyncClient):
    """The async twin of `_Client`."""

    def __init__(self, *, retry_policy: RetryPolicy, max_response_bytes: int, **kwargs: Any):
        self._retry_policy = retry_policy
        self._max_response_bytes = max_response_bytes
        super().__init__(**kwargs)

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        return self._layered(super()._init_transport(*args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        return self._layered(super()._init_proxy_transport(*args, **kwargs))

    def _layered(self, route: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """Retries over the limit on what is read (a cancel scope bounds the exchange)."""
        limited = AsyncLimitTransport(route, self._max_response_bytes)
        return AsyncRetryTransport(limited, policy=self._retry_policy)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send `request`; raise an `ApiError` for status >= 400, `TransportError` on failure.

        A redirect is never followed: it raises `InvalidResponseError`. Raises
        `WaitTimeoutError` (with no operation) when the deadline of `deadline_scope` passes
        before the request could complete.
        """
        try:
            response = await super().send(request, **{**kwargs, "follow_redirects": False})
        except httpx.RequestError as error:
            raise _mapped_exception(request, error) from error
        if 300 <= response.status_code < 400:
            await response.aclose()
            raise _redirect_error(response)
        if response.status_code >= 400:
            try:
                await response.aread()
            except httpx.HTTPError:
                pass  # The status alone still says what happened.
            finally:
                await response.aclose()
            raise error_from_response(response)
        response.__class__ = _CheckedResponse
        return response


_DROPPED_WHEN_DECODED = ("content-encoding", "content-length", "transfer-encoding")


def _forward_headers(client_headers: httpx.Headers, request: httpx.Request) -> None:
    # A client's own headers are merged in build_request(), which send() skips: add the ones
    # the request does not set.
    for name, value in client_headers.multi_items():
        if name not in request.headers:
            request.headers[name] = value


def _fresh_response(
    response: httpx.Response,
    request: httpx.Request,
    stream: httpx.SyncByteStream | httpx.AsyncByteStream | None,
) -> httpx.Response:
    headers = httpx.Headers(response.headers)
    if stream is None:  # A hook of the caller's client read the body already: it is decoded.
        stream = httpx.ByteStream(response.content)
        for name in _DROPPED_WHEN_DECODED:
            headers.pop(name, None)
    extensions: dict[str, Any] = {
        key: response.extensions[key]
        for key in ("http_version", "reason_phrase")
        if key in response.extensions
    }
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=stream,
        extensions=extensions,
        request=request,
    )


def detach(response: httpx.Response) -> httpx.Response:
    """A copy of an answer already read, free of the reference cycle httpx builds around it.

    The original then goes at the next garbage collection instead of being promoted to an
    older generation while its (possibly large) body is decoded.
    """
    copy = _fresh_response(response, response.request, None)
    copy.read()
    return copy


class _Relay(httpx.SyncByteStream):
    """The raw body of a caller's client's answer, passed on as it arrives (never buffered).

    The caller's sockets are not bounded by the deadline (see `_bounded_by_deadline`), so the
    deadline of the attempt that sent the request is checked after each piece.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._deadline = current_deadline()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._response.iter_raw():
            yield chunk
            if time_until(self._deadline) == 0.0:
                raise DeadlineReachedError("the deadline passed while the answer was arriving")

    def close(self) -> None:
        self._response.close()


class _AsyncRelay(httpx.AsyncByteStream):
    """The async twin of `_Relay`."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._response.aiter_raw()

    async def aclose(self) -> None:
        await self._response.aclose()


class _ClientTransport(httpx.BaseTransport):
    """Send through a caller's `httpx.Client`; never closes or changes it."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _forward_headers(self._client.headers, request)
        response = self._client.send(request, stream=True, follow_redirects=False)
        if response.is_stream_consumed:
            response.close()
            return _fresh_response(response, request, None)
        return _fresh_response(response, request, _Relay(response))


class _AsyncClientTransport(httpx.AsyncBaseTransport):
    """Send through a caller's `httpx.AsyncClient`; never closes or changes it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _forward_headers(self._client.headers, request)
        response = await self._client.send(request, stream=True, follow_redirects=False)
        if response.is_stream_consumed:
            await response.aclose()
            return _fresh_response(response, request, None)
        return _fresh_response(response, request, _AsyncRelay(response))


class _BorrowingClient(httpx.Client):
    """A client of its own over another's connections (see `borrow_client`)."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send through the lender; a successful answer's ``json()`` raises typed errors."""
        try:
            response = super().send(request, **kwargs)
        except httpx.RequestError as error:  # raised while the lender's answer was read
            raise _mapped_exception(request, error) from error
        check_raw_status(response)
        response.__class__ = _CheckedResponse
        return response


class _AsyncBorrowingClient(httpx.AsyncClient):
    """The async twin of `_BorrowingClient`."""

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send through the lender; a successful answer's ``json()`` raises typed errors."""
        try:
            response = await super().send(request, **kwargs)
        except httpx.RequestError as error:  # raised while the lender's answer was read
            raise _mapped_exception(request, error) from error
        check_raw_status(response)
        response.__class__ = _CheckedResponse
        return response


def borrow_client(lender: httpx.Client) -> httpx.Client:
    """A new `httpx.Client` that sends every request through `lender`, which it never changes.

    Requests get the lender's base URL, headers, timeout, auth, retries and typed errors. Closing
    the new client, or changing its headers, cookies or timeout, leaves `lender` as it was: raw
    generated clients get one of these, never the facade's own client.
    """
    return _BorrowingClient(
        base_url=lender.base_url,
        headers=lender.headers,
        timeout=lender.timeout,
        transport=_ClientTransport(lender),
        trust_env=False,
    )


def borrow_async_client(lender: httpx.AsyncClient) -> httpx.AsyncClient:
    """The async twin of `borrow_client`."""
    return _AsyncBorrowingClient(
        base_url=lender.base_url,
        headers=lender.headers,
        timeout=lender.timeout,
        transport=_AsyncClientTransport(lender),
        trust_env=False,
    )


def _default_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    from gemini_ops import __version__  # Late: the package imports this module.

    return {"User-Agent": f"gemini-ops/{__version__}", **(headers or {})}


def _client_options(
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None,
    max_response_bytes: int,
) -> dict[str, Any]:
    """The options both builders give their client (checked by `gemini_ops._core.validate`)."""
    seconds = check_seconds("timeout", timeout, allow_none=True)
    return {
        "retry_policy": RetryPolicy(max_retries=max_retries),
        "max_response_bytes": check_count("max_response_bytes", max_response_bytes, minimum=1),
        "base_url": base_url,
        "auth": auth,
        "timeout": httpx.Timeout(seconds),
        "headers": _default_headers(headers),
        "follow_redirects": False,
    }


def build_client(
    *,
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None = None,
    http_client: httpx.Client | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> httpx.Client:
    """Build the `httpx.Client` that Operations and raw generated calls share.

    Requests get `auth`, retries (`max_retries`, see `RetryTransport`), the deadline of
    `deadline_scope`, `timeout` seconds for each attempt as a whole and
    ``timeout * (max_retries + 1)`` for a call with its retries (None: no limit), a
    ``User-Agent: gemini-ops/<version>`` header plus `headers`, and typed errors: `ApiError`
    subclasses for status >= 400, `InvalidResponseError` for a redirect (never followed),
    `TransportError` for failures, `WaitTimeoutError` when the deadline passes. An answer whose
    decoded body exceeds `max_response_bytes` raises `InvalidResponseError` once that much has
    been read (see `gemini_ops._http.limits`).

    Without `http_client`, requests go over HTTP/1.1 with a pool of up to 100 connections,
    honouring proxy and certificate settings from the environment. With `http_client`, each
    request is sent with ``http_client.send()``, so its transport, proxies, certificates, event
    hooks and auth apply, and its headers are added where the request sets none; the request's
    timeout is this builder's, and it never follows a redirect. A sync `http_client` bounds each
    read by the time left when the attempt began, not the exchange: the deadline is checked
    between the reads of its body only (an async one is bounded like the default).
    `http_client` is never changed and never closed here: closing the returned client leaves it
    open.

    Raises:
        ValueError: `max_retries` not an integer >= 0, `max_response_bytes` not an integer
            >= 1, or `timeout` not > 0 seconds and not None (see `gemini_ops._core.validate`).
        TypeError: `http_client` is not an `httpx.Client`.

    """
    if http_client is not None and not isinstance(http_client, httpx.Client):
        raise TypeError(f"http_client must be an httpx.Client, got {type(http_client).__name__}")
    options = _client_options(base_url, auth, timeout, max_retries, headers, max_response_bytes)
    if http_client is None:
        return _Client(**options, limits=_LIMITS, http1=True, http2=False)
    return _Client(**options, transport=_ClientTransport(http_client), trust_env=False)


def build_async_client(
    *,
    base_url: str,
    auth: httpx.Auth | None,
    timeout: float | None,
    max_retries: int,
    headers: Mapping[str, str] | None = None,
    http_client: httpx.AsyncClient | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> httpx.AsyncClient:
    """Build the `httpx.AsyncClient` that AsyncOperations and raw calls share.

    The async twin of `build_client`, with the same options, defaults and errors;
    `http_client` must be an `httpx.AsyncClient`.
    """
    if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
        raise TypeError(
            f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
        )
    options = _client_options(base_url, auth, timeout, max_retries, headers, max_response_bytes)
    if http_client is None:
        return _AsyncClient(**options, limits=_LIMITS, http1=True, http2=False)
    return _AsyncClient(**options, transport=_AsyncClientTransport(http_client), trust_env=False)
