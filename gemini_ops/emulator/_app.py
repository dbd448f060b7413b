"""The ASGI application: Google's operations and job APIs; `/_emulator/` is the control plane."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from typing import NoReturn
from urllib.parse import parse_qsl, quote, unquote_plus

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gemini_ops.emulator._control import control, json_body, refusal
from gemini_ops.emulator._faults import Fault
from gemini_ops.emulator._jobs import job_route_params, match_job_route, serve_job
from gemini_ops.emulator._names import Route, Surface, match_route
from gemini_ops.emulator._paging import decode_page_token, encode_page_token, list_filter, page_size
from gemini_ops.emulator._state import EmulatorState
from gemini_ops.emulator._webhooks import JWKS_PATH, WebhookService
from gemini_ops.emulator._wire import (
    JSON_MEDIA_TYPE,
    TYPE_PREFIX,
    ApiError,
    JSONObject,
    bad_request,
    error_response,
    json_response,
    parse_duration,
)

logger = logging.getLogger("gemini_ops.emulator")


# Scope extension through which the emulator's uvicorn protocol lets the app close the connection.
DROP_EXTENSION = "gemini_ops.emulator.drop"

DEFAULT_WAIT_TIMEOUT = 30.0
MAX_WAIT_TIMEOUT = 60.0
# How often a blocked `:wait` (or an injected delay) looks at the state again.
POLL_INTERVAL = 0.02
# The longest a blocked `:wait` sleeps between looks when its operation's scheduled end is
# further away: it wakes at that end itself, and sooner only for ends made by hand, disconnects
# and shutdown. Hundreds of waits each looking every POLL_INTERVAL cost the server a core.
WAIT_LOOK_INTERVAL = 0.2


# Query parameters every Google API accepts (system parameters).
_SYSTEM_PARAMS = frozenset(
    {
        "key",
        "access_token",
        "alt",
        "$alt",
        "fields",
        "prettyPrint",
        "$.xgafv",
        "quotaUser",
        "callback",
        "upload_protocol",
        "uploadType",
    }
)
_LIST_PARAMS = frozenset(
    {
        "pageSize",
        "page_size",
        "pageToken",
        "page_token",
        "filter",
        "returnPartialSuccess",
        "return_partial_success",
    }
)
_SECRET_PARAMS = frozenset({"key", "access_token"})


def _route_params(route: Route) -> frozenset[str]:
    """The query parameters an operations method takes beyond the system ones."""
    if route.action == "list":
        return _LIST_PARAMS
    if route.action == "wait":
        return frozenset({"timeout"})
    return frozenset()


_MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_API_KEYS_UNSUPPORTED = (
    "API keys are not supported by this API. Expected OAuth2 access token or other "
    "authentication credentials that assert a principal. "
    "See https://cloud.google.com/docs/authentication"
)
_API_KEY_INVALID = "API key not valid. Please pass a valid API key."
_UNREGISTERED_CALLER = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)

_SERVICES = {"gemini": "generativelanguage.googleapis.com", "vertex": "aiplatform.googleapis.com"}

_HTML_PAGE = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error {status} (Server Error)!!1</title>
  <p><b>{status}.</b> <ins>That\u2019s an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.
  <p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>
"""


class ConnectionDropped(ConnectionError):
    """Raised by the app to drop a connection when its server offers no way to close it."""


def redact_query(query: str) -> str:
    """Return the query string as received, with the values of `key` and `access_token` hidden."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, eq, _ = part.partition("=")
        if eq and unquote_plus(name) in _SECRET_PARAMS:
            parts.append(f"{name}=REDACTED")
        else:
            parts.append(part)
    return "&".join(parts)


def _error_info(reason: str, surface: str) -> JSONObject:
    return {
        "@type": TYPE_PREFIX + "google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": _SERVICES[surface]},
    }


def _parse_bool(params: dict[str, str], names: tuple[str, str], field: str) -> bool | None:
    value = next((params[n] for n in names if n in params), None)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in {"true", "1"}:
        return True
    if lowered in {"false", "0"}:
        return False
    raise bad_request(field, f"Invalid value at '{field}' (TYPE_BOOL), \"{value}\"")


def _wait_timeout(params: dict[str, str]) -> float:
    raw = params.get("timeout", "")
    if raw == "":
        return DEFAULT_WAIT_TIMEOUT
    invalid = bad_request(
        "timeout",
        f"Invalid value at 'timeout' (type.googleapis.com/google.protobuf.Duration), \"{raw}\"",
    )
    try:
        seconds = parse_duration(raw)
    except ValueError:
        raise invalid from None
    if seconds < 0:
        raise invalid
    return min(seconds, MAX_WAIT_TIMEOUT)


class EmulatorApp:
    """The emulator as an ASGI 3 application (build one with `create_app`)."""

    def __init__(self, state: EmulatorState, *, api_key: str, vertex_token: str) -> None:
        self.state = state
        self.api_key = api_key
        self.vertex_token = vertex_token
        self.webhooks = WebhookService(state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw = scope.get("raw_path")
        raw_path = raw.decode("latin-1") if raw else quote(scope["path"])
        control_plane = raw_path == "/_emulator" or raw_path.startswith("/_emulator/")
        refused = refusal(Request(scope, receive), control_plane=control_plane)
        if refused is not None:
            logger.warning("%s %s refused -> %d", scope["method"], raw_path, refused.status_code)
            await refused(scope, receive, send)
            return
        if raw_path.startswith("/_emulator/webhooks"):
            response = await self._webhook_control(Request(scope, receive), raw_path)
            await response(scope, receive, send)
            return
        if control_plane:
            response = await control(self.state, Request(scope, receive), raw_path)
            await response(scope, receive, send)
            return
        if raw_path == JWKS_PATH and scope["method"] == "GET":
            await json_response(self.webhooks.jwks())(scope, receive, send)
            return
        if raw_path.split("/")[2:3] == ["webhooks"]:
            await self._webhook_api(scope, receive, send, raw_path)
            return
        await self._api(scope, receive, send, raw_path)

    async def _webhook_control(self, request: Request, raw_path: str) -> Response:
        try:
            if raw_path == "/_emulator/webhooks:settings" and request.method == "POST":
                self.webhooks.settings.update(await json_body(request, None))
                return json_response(vars(self.webhooks.settings))
            if raw_path == "/_emulator/webhooks/deliveries" and request.method == "GET":
                return json_response({"deliveries": self.webhooks.deliveries()})
            raise ApiError(404, f"The requested URL {raw_path} was not found on this server.")
        except ApiError as error:
            return error_response(error)

    async def _webhook_api(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        request = Request(scope, receive)
        query = scope.get("query_string", b"").decode("latin-1")
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            self._authenticate(request.headers, params, "gemini")
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else None
            except ValueError:
                raise ApiError(400, "Invalid JSON payload received.") from None
            response = json_response(self.webhooks.handle(request.method, raw_path, params, body))
        except ApiError as error:
            response = error_response(error)
        self.state.log_request(
            {
                "method": request.method,
                "path": raw_path,
                "query": redact_query(query),
                "status": response.status_code,
                "auth_header": "x-goog-api-key" in request.headers,
            }
        )
        await response(scope, receive, send)

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    # The API surface ---------------------------------------------------------------------------

    async def _api(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        method: str = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        headers = Headers(scope=scope)
        entry: JSONObject = {
            "method": method,
            "path": raw_path,
            "query": redact_query(query),
            "status": None,
            "auth_header": "x-goog-api-key" in headers or "authorization" in headers,
        }
        fault = self.state.take_fault(method, raw_path)
        if fault is not None and fault.delay:
            await self._sleep(fault.delay)
        if fault is not None and fault.drop:
            self.state.log_request(entry)
            logger.info("%s %s%s -> dropped", method, raw_path, "?" * bool(query) + entry["query"])
            await self._drop(scope, receive)
            return
        request = Request(scope, receive)
        params = dict(parse_qsl(query, keep_blank_values=True))
        pretty = params.get("prettyPrint", "true").lower() not in {"false", "0"}
        status = fault.effective_status() if fault is not None else None
        if fault is not None and status is not None:
            response = self._fault_response(fault, status, raw_path, pretty=pretty)
        else:
            response = await self._serve(request, method, raw_path, params, fault, pretty=pretty)
            if fault is not None and fault.body is not None:
                response = self._mangle(response, fault)
        entry["status"] = response.status_code
        self.state.log_request(entry)
        logger.info(
            "%s %s%s -> %d",
            method,
            raw_path,
            "?" * bool(query) + entry["query"],
            response.status_code,
        )
        await response(scope, receive, send)

    async def _sleep(self, seconds: float) -> None:
        # Sleep in short steps so that a server shutting down is not held up by a long delay.
        deadline = self.state.clock() + seconds
        while not self.state.closing:
            left = deadline - self.state.clock()
            if left <= 0:
                return
            await asyncio.sleep(min(left, POLL_INTERVAL * 5))

    @staticmethod
    async def _drop(scope: Scope, receive: Receive) -> None:
        close = scope.get("extensions", {}).get(DROP_EXTENSION)
        if close is None:
            _raise_dropped()
        close()
        # Returning before the server has seen the disconnect would make it send a 500.
        while (await receive())["type"] != "http.disconnect":
            pass

    def _fault_response(
        self, fault: Fault, status: int, raw_path: str, *, pretty: bool
    ) -> Response:
        surface = "vertex" if "/projects/" in raw_path else "gemini"
        details: list[JSONObject] = []
        if status == 429:
            details.append(_error_info("RATE_LIMIT_EXCEEDED", surface))
        if fault.retry_delay is not None:
            details.append(
                {"@type": TYPE_PREFIX + "google.rpc.RetryInfo", "retryDelay": fault.retry_delay}
            )
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
        error = ApiError(status, fault.message, details=details, headers=headers)
        response = error_response(error, pretty=pretty)
        if fault.body is not None:
            response = self._mangle(response, fault)
        return response

    @staticmethod
    def _mangle(response: Response, fault: Fault) -> Response:
        status = response.status_code
        headers = {k: v for k, v in response.headers.items() if k.lower() == "retry-after"}
        if fault.body == "html":
            page = _HTML_PAGE.format(status=status)
            return Response(page, status, headers, media_type="text/html; charset=UTF-8")
        if fault.body == "empty":
            return Response(b"", status, headers)
        if fault.body == "garbage":
            return Response(
                b"\x89\x00<<not json>>\xff\xfe", status, headers, media_type=JSON_MEDIA_TYPE
            )
        body = bytes(response.body)
        return Response(body[: len(body) // 2], status, headers, media_type=JSON_MEDIA_TYPE)

    async def _serve(
        self,
        request: Request,
        method: str,
        raw_path: str,
        params: dict[str, str],
        fault: Fault | None,
        *,
        pretty: bool,
    ) -> Response:
        route = match_route(method, raw_path)
        job_route = None if route is not None else match_job_route(method, raw_path)
        repeat = fault is not None and fault.repeat_page_token
        try:
            if job_route is not None:
                self._authenticate(request.headers, params, job_route.surface)
                self._check_params(params, job_route_params(job_route))
                body = serve_job(self.state, job_route, params, repeat=repeat)
            elif route is None:
                raise ApiError(404, f"The requested URL {raw_path} was not found on this server.")
            else:
                self._authenticate(request.headers, params, route.surface)
                self._check_params(params, _route_params(route))
                body = await self._dispatch(request, route, params, fault)
        except ApiError as error:
            return error_response(error, pretty=pretty)
        return json_response(body, pretty=pretty)

    def _authenticate(self, headers: Headers, params: dict[str, str], surface: Surface) -> None:
        key = headers.get("x-goog-api-key") or params.get("key") or ""
        bearer = params.get("access_token", "")
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            bearer = credentials.strip()
        if surface == "gemini" and key:
            if key != self.api_key:
                raise ApiError(
                    400,
                    _API_KEY_INVALID,
                    details=[
                        _error_info("API_KEY_INVALID", surface),
                        {
                            "@type": TYPE_PREFIX + "google.rpc.LocalizedMessage",
                            "locale": "en-US",
                            "message": _API_KEY_INVALID,
                        },
                    ],
                )
            return
        if bearer:
            if bearer != self.vertex_token:
                raise ApiError(
                    401,
                    _INVALID_CREDENTIALS,
                    details=[_error_info("ACCESS_TOKEN_TYPE_UNSUPPORTED", surface)],
                    headers={
                        "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                        'error="invalid_token"'
                    },
                )
            return
        if surface == "gemini":
            # Google's Gemini front end answers a call with no credentials at all with 403.
            raise ApiError(403, _UNREGISTERED_CALLER)
        message = _API_KEYS_UNSUPPORTED if key else _MISSING_CREDENTIALS
        raise ApiError(
            401,
            message,
            details=[_error_info("CREDENTIALS_MISSING", surface)],
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
        )

    @staticmethod
    def _check_params(params: dict[str, str], method_params: frozenset[str]) -> None:
        allowed = _SYSTEM_PARAMS | method_params
        for name in params:
            if name not in allowed:
                message = (
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                    f"parameter. Field '{name}' could not be found in request message."
                )
                raise ApiError(
                    400,
                    message,
                    details=[
                        {
                            "@type": TYPE_PREFIX + "google.rpc.BadRequest",
                            "fieldViolations": [{"description": message}],
                        }
                    ],
                )

    async def _dispatch(
        self, request: Request, route: Route, params: dict[str, str], fault: Fault | None
    ) -> JSONObject:
        state = self.state
        action = route.action
        if action == "get":
            return state.get(route.target).render(state.clock(), route.version)
        if action == "list":
            return self._list(route, params, repeat=fault is not None and fault.repeat_page_token)
        if action == "cancel":
            state.cancel(route.target)
            return {}
        if action == "delete":
            state.delete(route.target)
            return {}
        if action == "wait":
            return await self._wait(request, route, params)
        return await self._fetch(request, route)

    def _list(self, route: Route, params: dict[str, str], *, repeat: bool) -> JSONObject:
        size = page_size(params)
        filter_text, done = list_filter(params)
        _parse_bool(
            params, ("returnPartialSuccess", "return_partial_success"), "return_partial_success"
        )
        token = params.get("pageToken", params.get("page_token", ""))
        after = decode_page_token(token, route.target, filter_text) if token else 0
        now = self.state.clock()
        records, next_after = self.state.page(
            route.target, after=after, limit=size, done=done, now=now
        )
        body: JSONObject = {}
        if records:
            body["operations"] = [r.render(now, route.version) for r in records]
        if next_after is not None:
            body["nextPageToken"] = encode_page_token(route.target, filter_text, next_after)
        if repeat:
            # A misbehaving front end: hand back the token just used, or one for this first page.
            body["nextPageToken"] = token or encode_page_token(route.target, filter_text, 0)
        return body

    async def _wait(self, request: Request, route: Route, params: dict[str, str]) -> JSONObject:
        timeout = _wait_timeout(params)
        state = self.state
        deadline = state.clock() + timeout
        while True:
            record = state.get(route.target)
            now = state.clock()
            if record.is_done(now) or now >= deadline or state.closing:
                return record.render(now, route.version)
            if await request.is_disconnected():
                return record.render(now, route.version)
            scheduled = math.inf if record.duration is None else record.created + record.duration
            step = min(max(scheduled - now, POLL_INTERVAL), WAIT_LOOK_INTERVAL)
            await asyncio.sleep(min(step, deadline - now))

    async def _fetch(self, request: Request, route: Route) -> JSONObject:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ApiError(400, "Invalid JSON payload received.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        name = body.get("operationName")
        if not isinstance(name, str) or not name:
            raise bad_request("operation_name", "operation_name is required.")
        prefix = route.target + "/operations/"
        if not name.startswith(prefix) or "/" in name[len(prefix) :]:
            raise bad_request(
                "operation_name",
                f"Operation name {name} does not belong to the model {route.target}.",
            )
        return self.state.get(name).render(self.state.clock(), route.version)


def _raise_dropped() -> NoReturn:
    # Under httpx.ASGITransport there is no socket to close: raise what a client would see.
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a dependency of gemini-ops
        raise ConnectionDropped("Server disconnected without sending a response.") from None
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
