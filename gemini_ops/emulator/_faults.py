"""Faults: scripted misbehaviour of the front end, matched against requests in FIFO order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from gemini_ops.emulator._wire import (
    ApiError,
    JSONObject,
    bad_request,
    format_duration,
    parse_duration,
)

BodyKind = Literal["html", "empty", "garbage", "truncated"]
BODY_KINDS: tuple[BodyKind, ...] = ("html", "empty", "garbage", "truncated")

_KNOWN_KEYS = frozenset(
    {
        "method",
        "path",
        "times",
        "status",
        "message",
        "retry_delay",
        "retry_after",
        "delay",
        "body",
        "drop",
        "repeat_page_token",
    }
)


@dataclass
class Fault:
    """One queued fault: which requests it matches, how many more it applies to, and its effects.

    `path` is a regular expression searched in the raw request path (version included, query
    excluded); `method` is compared case-insensitively, None matches any method.
    """

    path: str = ""
    method: str | None = None
    times: int = 1
    status: int | None = None
    message: str | None = None
    retry_delay: str | None = None
    retry_after: str | None = None
    delay: float = 0.0
    body: BodyKind | None = None
    drop: bool = False
    repeat_page_token: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(self.path)

    def matches(self, method: str, raw_path: str) -> bool:
        """Whether this fault applies to a request with this method and raw path."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.pattern.search(raw_path) is not None

    def effective_status(self) -> int | None:
        """Return the status to answer: as given, 429 for a bare retry hint, 502 for html/empty."""
        if self.status is not None:
            return self.status
        if self.retry_delay is not None or self.retry_after is not None:
            return 429
        if self.body in {"html", "empty"}:
            return 502
        return None

    def to_json(self) -> JSONObject:
        """Return the fault as the control plane shows it."""
        out: JSONObject = {"path": self.path, "times": self.times}
        for key in ("method", "status", "message", "retry_delay", "retry_after", "body"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.delay:
            out["delay"] = self.delay
        if self.drop:
            out["drop"] = True
        if self.repeat_page_token:
            out["repeat_page_token"] = True
        return out


def _invalid(field_name: str, description: str) -> ApiError:
    return bad_request(field_name, description)


def fault_from_json(data: Any) -> Fault:
    """Validate a control-plane fault description; raise ApiError (400) when it is not valid."""
    if not isinstance(data, dict):
        raise _invalid("fault", "A fault must be a JSON object.")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise _invalid(unknown[0], f"Unknown fault field {unknown[0]!r}.")
    path = data.get("path", "")
    if not isinstance(path, str):
        raise _invalid("path", "path must be a regular expression string.")
    try:
        re.compile(path)
    except re.error as exc:
        raise _invalid("path", f"path is not a valid regular expression: {exc}") from None
    method = data.get("method")
    if method is not None and not (isinstance(method, str) and method.isalpha()):
        raise _invalid("method", "method must be an HTTP method name such as GET.")
    times = data.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise _invalid("times", "times must be an integer >= 1.")
    status = data.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599
    ):
        raise _invalid("status", "status must be an HTTP status code between 100 and 599.")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise _invalid("message", "message must be a string.")
    retry_delay = _retry_delay(data.get("retry_delay"))
    retry_after = data.get("retry_after")
    if retry_after is not None:
        if isinstance(retry_after, bool) or not isinstance(retry_after, str | int | float):
            raise _invalid("retry_after", "retry_after must be a string or a number of seconds.")
        retry_after = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
    delay = data.get("delay", 0.0)
    if delay is None:
        delay = 0.0
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise _invalid("delay", "delay must be a number of seconds >= 0.")
    body = data.get("body")
    if body is not None and body not in BODY_KINDS:
        raise _invalid("body", f"body must be one of {', '.join(BODY_KINDS)}.")
    drop = data.get("drop", False)
    repeat = data.get("repeat_page_token", False)
    if not isinstance(drop, bool) or not isinstance(repeat, bool):
        raise _invalid("drop", "drop and repeat_page_token must be booleans.")
    fault = Fault(
        path=path,
        method=method.upper() if method else None,
        times=times,
        status=status,
        message=message,
        retry_delay=retry_delay,
        retry_after=retry_after,
        delay=float(delay),
        body=body,
        drop=drop,
        repeat_page_token=repeat,
    )
    if not (fault.effective_status() or fault.body or fault.drop or fault.delay or repeat):
        raise _invalid("fault", "A fault needs at least one effect.")
    return fault


def _retry_delay(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _invalid("retry_delay", "retry_delay must be a Duration string such as '0.5s'.")
    if isinstance(value, int | float):
        if value < 0:
            raise _invalid("retry_delay", "retry_delay must not be negative.")
        return format_duration(float(value))
    if isinstance(value, str):
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise _invalid(
                "retry_delay", "retry_delay must be a Duration string such as '0.5s'."
            ) from None
        if seconds < 0:
            raise _invalid("retry_delay", "retry_delay must not be negative.")
        return value.strip()
    raise _invalid("retry_delay", "retry_delay must be a Duration string such as '0.5s'.")
