"""The control plane under `/_emulator/`: create and end operations and jobs, faults, reset, log."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from gemini_ops.emulator._state import EmulatorState
from gemini_ops.emulator._wire import (
    ApiError,
    JSONObject,
    bad_request,
    error_response,
    json_response,
)

__all__ = ["control", "json_body", "refusal"]

_CREATE_FIELDS = frozenset({"name", "duration", "error", "response", "metadata", "webhook_config"})
_COMPLETE_FIELDS = frozenset({"name", "error", "response"})

# Who may talk to the emulator ------------------------------------------------------------------

# Host names that always mean this machine; the address the connection came in on is the other.
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _host_name(host: str) -> str:
    """The host name in a ``Host`` header: ``[::1]:8765`` gives ``::1``, ``Local.:80`` ``local``."""
    host = host.strip().lower()
    if host.startswith("["):
        name = host[1:].partition("]")[0]
    else:
        name = host.rpartition(":")[0] if host.count(":") == 1 else host
    return name.removesuffix(".")


def refusal(request: Request, *, control_plane: bool) -> Response | None:
    """The answer to a request the emulator must not serve, or None to serve it.

    A server on loopback is reachable from every web page the machine's browser opens. Refused:
    a ``Host`` that names another machine (403; a DNS-rebinding page sends its own name), an
    ``Origin`` other than the ``Host`` itself (403; a page of another site, or of another local
    port), and on the control plane a POST whose ``Content-Type`` is not JSON (415; the
    ``text/plain`` and form posts a page may send cross-site without asking). The port of
    ``Host`` is not checked, so that forwarded ports (``docker run -p``, ``ssh -L``) still work.
    """
    host = request.headers.get("host", "")
    server = request.scope.get("server") or ("", None)
    allowed = _LOOPBACK_NAMES | {str(server[0]).lower()}
    if _host_name(host) not in allowed:
        return error_response(
            ApiError(403, f"Host {host!r} is not this emulator (use 127.0.0.1 or localhost).")
        )
    origin = request.headers.get("origin")
    if origin is not None and origin.lower() not in {f"http://{host}", f"https://{host}"}:
        return error_response(
            ApiError(403, f"Requests from the page at {origin!r} are not served.")
        )
    if control_plane and request.method == "POST":
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            return error_response(
                ApiError(
                    415,
                    "The control plane takes JSON: send Content-Type: application/json.",
                    status="INVALID_ARGUMENT",
                )
            )
    return None


# The control plane ---------------------------------------------------------------------------


async def control(state: EmulatorState, request: Request, raw_path: str) -> Response:
    """Answer a request to the `/_emulator/` control plane."""
    method = request.method
    path = raw_path.removeprefix("/_emulator")
    try:
        if path == "/jobs" or path.startswith("/jobs:"):
            return await _jobs(state, request, method, path, raw_path)
        if path == "/operations" and method == "POST":
            data = await json_body(request, _CREATE_FIELDS)
            if "name" not in data:
                raise bad_request("name", "name is required.")
            record = state.create(
                data["name"],
                duration=data.get("duration"),
                error=data.get("error"),
                response=data.get("response"),
                metadata=data.get("metadata"),
                webhook_config=data.get("webhook_config"),
            )
            return json_response(record.render(state.clock(), None))
        if path == "/operations" and method == "GET":
            now = state.clock()
            return json_response({"operations": [r.render(now, None) for r in state.operations()]})
        if path == "/operations:complete" and method == "POST":
            data = await json_body(request, _COMPLETE_FIELDS)
            record = state.complete(
                data.get("name"), error=data.get("error"), response=data.get("response")
            )
            return json_response(record.render(state.clock(), None))
        if path == "/faults" and method == "POST":
            fault = state.add_fault(await json_body(request, None))
            return json_response(fault.to_json())
        if path == "/faults" and method == "GET":
            return json_response({"faults": [f.to_json() for f in state.faults()]})
        if path == "/faults" and method == "DELETE":
            state.clear_faults()
            return json_response({})
        if path == "/reset" and method == "POST":
            state.reset()
            return json_response({})
        if path == "/requests" and method == "GET":
            return json_response({"requests": state.requests()})
        raise ApiError(404, f"The requested URL {raw_path} was not found on this server.")
    except ApiError as error:
        return error_response(error)


_JOB_FIELDS = frozenset(
    {"name", "duration", "fate", "error", "partial_success", "cancel_delay", "fields"}
)
_JOB_COMPLETE_FIELDS = frozenset({"name", "fate", "error", "partial_success"})


async def _jobs(
    state: EmulatorState, request: Request, method: str, path: str, raw_path: str
) -> Response:
    """`/_emulator/jobs`: create (POST), list (GET) and end (`:complete`) job resources."""
    if path == "/jobs" and method == "POST":
        data = await json_body(request, _JOB_FIELDS)
        if "name" not in data:
            raise bad_request("name", "name is required.")
        record = state.jobs.create(
            data["name"],
            duration=data.get("duration"),
            fate=data.get("fate"),
            error=data.get("error"),
            partial_success=data.get("partial_success"),
            cancel_delay=data.get("cancel_delay"),
            fields=data.get("fields"),
        )
        return json_response(record.render(state.clock()))
    if path == "/jobs" and method == "GET":
        now = state.clock()
        return json_response({"jobs": [r.render(now) for r in state.jobs.jobs()]})
    if path == "/jobs:complete" and method == "POST":
        data = await json_body(request, _JOB_COMPLETE_FIELDS)
        record = state.jobs.complete(
            data.get("name"),
            fate=data.get("fate"),
            error=data.get("error"),
            partial_success=data.get("partial_success"),
        )
        return json_response(record.render(state.clock()))
    raise ApiError(404, f"The requested URL {raw_path} was not found on this server.")


async def json_body(request: Request, fields: frozenset[str] | None) -> JSONObject:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except ValueError:
        raise ApiError(400, "Invalid JSON payload received.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    if fields is not None:
        unknown = sorted(set(data) - fields)
        if unknown:
            raise bad_request(unknown[0], f"Unknown field {unknown[0]!r}.")
    return data
