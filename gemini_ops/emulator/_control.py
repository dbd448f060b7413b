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

__all__ = ["control", "json_body"]

_CREATE_FIELDS = frozenset({"name", "duration", "error", "response", "metadata", "webhook_config"})
_COMPLETE_FIELDS = frozenset({"name", "error", "response"})

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
