"""Reading Google's answers off the wire: error envelopes, retry hints, JSON bodies.

Turns an `httpx.Response` into the `ApiError` it stands for (``{"error": ...}``, the one-element
array form, the legacy ``errors`` list, OAuth's form, HTML from a proxy), reads the server's retry
hints (``RetryInfo.retryDelay`` and ``Retry-After``, clamped to `MAX_SERVER_HINT`), and decodes
successful JSON bodies, for the facade and for raw generated calls. Whatever the server echoes of
the request's credentials is masked in everything built here. Never raises anything but the
typed errors it documents.
"""

from __future__ import annotations

import email.utils
import http
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from gemini_ops._core.errors import ApiError, InvalidResponseError, error_for_status
from gemini_ops._core.routes import RawEndpoint, raw_endpoint
from gemini_ops._core.rpc import canonical_status, detail_type, parse_duration
from gemini_ops._http.redact import redact, redact_url, request_secrets, scrub_json

__all__ = [
    "MAX_SERVER_HINT",
    "check_raw_status",
    "error_from_response",
    "invalid_response",
    "parse_json_object",
    "parse_raw_json",
    "retry_delay_from_response",
]

_KNOWN_STATUSES = frozenset(status.value for status in http.HTTPStatus)
_EXCERPT_LENGTH = 200
# Only the start of a body is looked at for an excerpt: keeps the regexes below cheap.
_EXCERPT_SCAN = 8192
_HTML_SKIPPED = re.compile(r"(?is)<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)")
_HTML_TAG = re.compile(r"(?s)<[^>]*>")
_WHITESPACE = re.compile(r"\s+")
_RETRY_AFTER_SECONDS = re.compile(r"\d+(?:\.\d+)?")
MAX_SERVER_HINT = 300.0
"""The longest wait a server's retry hint can ask for, in seconds; longer hints are clamped.

Google's hints name the time to the next quota window (at most a minute for per-minute quotas)
or a short back-off; five minutes is five times the longest of those, and keeps a wait without a
deadline polling at least every five minutes whatever a broken or hostile server writes.
"""
# What Google's Gemini front end answers when a request carries no credentials at all (403).
_UNREGISTERED_CALLER = "Method doesn't allow unregistered callers"
_NO_KEY_HINT = (
    "no credentials were sent: set GEMINI_API_KEY (or GOOGLE_API_KEY), pass api_key=, "
    "or use Vertex AI credentials"
)
_BAD_KEY_HINT = (
    "the API key was refused: check the key in api_key= or GEMINI_API_KEY / GOOGLE_API_KEY "
    "(a Gemini API key from Google AI Studio)"
)


def invalid_response(response: httpx.Response, problem: str) -> InvalidResponseError:
    """Describe `response` (read already) as invalid because of `problem`."""
    method, url = _request_of(response)
    secrets = _secrets_of(response)
    content = _content_of(response)
    excerpt = _excerpt(content, _content_type(response), response, secrets) if content else ""
    message = f"HTTP {response.status_code}: {problem}"
    if excerpt:
        message += f": {excerpt}"
    if method and url:
        message += f" ({method} {url})"
    return InvalidResponseError(
        redact(message, secrets),
        http_status=response.status_code,
        excerpt=excerpt,
        method=method,
        url=url,
    )


def error_from_response(response: httpx.Response) -> ApiError:
    """Build the `ApiError` for an error answer; never raises, whatever the body holds.

    Reads ``{"error": {...}}``, the one-element array form ``[{"error": {...}}]``, the legacy
    ``errors`` list, and OAuth's ``{"error": "...", "error_description": "..."}``. A body that is
    empty, not JSON (an HTML page from a proxy) or JSON of another shape gives a message naming
    what arrived, with a short excerpt. The response should have been read; an unread streaming
    one is treated as empty. The credentials the request carried are masked wherever the server
    echoed them (see `gemini_ops._http.redact`).
    """
    http_status = response.status_code
    method, url = _request_of(response)
    secrets = _secrets_of(response)
    content = _content_of(response)
    content_type = _content_type(response)
    parsed, is_json = _loads(content, secrets)

    envelope = _find_envelope(parsed) if is_json else None
    status: str | None = None
    details: tuple[dict[str, Any], ...] = ()
    message: str | None = None
    if isinstance(envelope, Mapping):
        status = canonical_status(envelope.get("status"))
        details = _details(envelope.get("details"))
        message = _envelope_message(envelope)
    elif isinstance(envelope, str) and parsed is not None:
        # OAuth token endpoints: {"error": "invalid_grant", "error_description": "..."}.
        description = parsed.get("error_description") if isinstance(parsed, Mapping) else None
        message = f"{envelope}: {description}" if isinstance(description, str) else envelope

    if message is None:
        message = _describe_body(http_status, content, content_type, is_json, response, secrets)
    else:
        hint = _credentials_hint(http_status, message, details)
        if hint:
            message = f"{message} ({hint})"

    cls = error_for_status(http_status, status)
    return cls(
        redact(message, secrets),
        http_status=http_status,
        status=status or cls.canonical_status,
        details=details,
        retry_delay=_retry_delay(details, response),
        method=method,
        url=url,
    )


def retry_delay_from_response(response: httpx.Response) -> float | None:
    """Seconds the server asked to wait: the larger of ``RetryInfo.retryDelay`` and ``Retry-After``.

    At most `MAX_SERVER_HINT`; None when neither is present and valid (a negative, NaN or
    unparsable hint is not valid). Never raises.
    """
    parsed, is_json = _loads(_content_of(response), ())
    envelope = _find_envelope(parsed) if is_json else None
    details = _details(envelope.get("details")) if isinstance(envelope, Mapping) else ()
    return _retry_delay(details, response)


def parse_json_object(response: httpx.Response) -> dict[str, Any]:
    """Decode a successful answer's body as a JSON object, free of the request's credentials.

    Raises:
        InvalidResponseError: the body is empty, not JSON, or JSON but not an object.

    """
    content = _content_of(response)
    if not content.strip():
        raise invalid_response(response, "empty body where JSON was expected")
    parsed, is_json = _loads(content, _secrets_of(response))
    if not is_json:
        raise invalid_response(
            response, f"the body is not JSON ({_content_type(response) or 'no content type'})"
        )
    if not isinstance(parsed, dict):
        raise invalid_response(response, f"expected a JSON object, got {_json_kind(parsed)}")
    return parsed


def parse_raw_json(response: httpx.Response, **kwargs: Any) -> Any:
    """Decode a successful answer to a raw generated call; the generated model will fit it.

    The body must be JSON (at any depth the decoder can follow); it is returned free of the
    request's credentials. When the request was built by a generated endpoint (found from its
    method and path by `gemini_ops._core.routes.raw_endpoint`), the body must also be one that
    endpoint's generated model is built from without error: the model is built once here, and a
    missing required key or a value of the wrong type is reported instead of escaping from
    generated code as a KeyError, TypeError, ValueError or AttributeError. `kwargs` go to
    `json.loads`, as ``httpx.Response.json`` passes them.

    Raises:
        InvalidResponseError: the body is not JSON, is nested too deeply, or does not fit the
            endpoint's model.

    """
    # Errors are raised outside the except blocks: the decoder's error holds the whole body.
    content = _content_of(response)
    problem = None
    try:
        parsed = scrub_json(json.loads(content, **kwargs), _secrets_of(response), content)
    except RecursionError:
        problem = "the body is nested too deeply to decode"
    except (ValueError, UnicodeDecodeError) as error:
        problem = f"the body is not valid JSON ({error})"
    if problem is not None:
        raise invalid_response(response, problem)
    endpoint = _endpoint_of(response)
    model = None
    if endpoint is not None:
        model = endpoint.success if response.status_code == 200 else endpoint.other
    if model is None:
        return parsed
    if not isinstance(parsed, dict):
        problem = f"expected a JSON object for {model.__name__}, got {_json_kind(parsed)}"
    else:
        try:
            model.from_dict(parsed)
        except Exception as error:  # whatever generated code raises on a shape it did not expect
            detail = f"{type(error).__name__}: {error}"
            problem = f"the body does not fit the generated {model.__name__} model ({detail})"
    if problem is not None:
        raise invalid_response(response, problem)
    return parsed


def check_raw_status(response: httpx.Response) -> None:
    """Refuse a status the generated code cannot represent (it builds an `HTTPStatus` of each).

    Raises:
        InvalidResponseError: `response` has a status that `http.HTTPStatus` does not name, such
            as 299; generated code would raise a bare ValueError on it.

    """
    if response.status_code not in _KNOWN_STATUSES:
        raise invalid_response(response, "a status that HTTP does not define")


def _endpoint_of(response: httpx.Response) -> RawEndpoint | None:
    try:
        request = response.request
    except RuntimeError:
        return None
    return raw_endpoint(request.method, request.url.raw_path.decode("ascii", "replace"))


def _request_of(response: httpx.Response) -> tuple[str | None, str | None]:
    try:
        request = response.request
    except RuntimeError:
        return None, None
    return request.method, redact_url(request.url)


def _secrets_of(response: httpx.Response) -> tuple[str, ...]:
    try:
        return request_secrets(response.request)
    except RuntimeError:
        return ()


def _content_of(response: httpx.Response) -> bytes:
    try:
        return response.content
    except Exception:
        return b""


def _content_type(response: httpx.Response) -> str:
    value = str(response.headers.get("content-type", ""))
    return value.split(";", 1)[0].strip().lower()


def _loads(content: bytes, secrets: tuple[str, ...]) -> tuple[Any, bool]:
    if not content.strip():
        return None, False
    try:
        return scrub_json(json.loads(content), secrets, content), True
    except Exception:  # ValueError, UnicodeDecodeError, RecursionError on deep nesting, ...
        return None, False


def _find_envelope(parsed: Any) -> Any:
    if isinstance(parsed, list):
        # Some Vertex paths wrap the envelope in a one-element array.
        parsed = next((item for item in parsed if isinstance(item, Mapping)), None)
    if isinstance(parsed, Mapping):
        return parsed.get("error")
    return None


def _envelope_message(envelope: Mapping[str, Any]) -> str | None:
    message = envelope.get("message")
    if isinstance(message, str) and message:
        return message
    legacy = envelope.get("errors")
    if isinstance(legacy, list):
        for entry in legacy:
            if isinstance(entry, Mapping) and isinstance(entry.get("message"), str):
                return str(entry["message"])
    return None


def _credentials_hint(
    http_status: int, message: str, details: Iterable[Mapping[str, Any]]
) -> str | None:
    """What to fix when Google refused the request for a missing or invalid API key."""
    if any(
        detail_type(detail) == "ErrorInfo" and detail.get("reason") == "API_KEY_INVALID"
        for detail in details
    ):
        return _BAD_KEY_HINT
    if http_status == 403 and message.startswith(_UNREGISTERED_CALLER):
        return _NO_KEY_HINT
    return None


def _details(value: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(dict(item) for item in value if isinstance(item, Mapping))


def _retry_delay(details: Iterable[Mapping[str, Any]], response: httpx.Response) -> float | None:
    """The larger valid hint, clamped to `MAX_SERVER_HINT` (negative and NaN ones are ignored)."""
    delays: list[float] = []
    for detail in details:
        if detail_type(detail) == "RetryInfo":
            seconds = parse_duration(detail.get("retryDelay"))
            if seconds is not None and seconds >= 0:
                delays.append(seconds)
    after = _retry_after(response)
    if after is not None:
        delays.append(after)
    return min(max(delays), MAX_SERVER_HINT) if delays else None


def _retry_after(response: httpx.Response) -> float | None:
    try:
        value = response.headers.get("retry-after")
        if value is None:
            return None
        value = value.strip()
        if _RETRY_AFTER_SECONDS.fullmatch(value):
            return float(value)
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            return None
        now = time.time()
        date = response.headers.get("date")
        if date:
            # Measure against the server's clock when it says what time it is.
            try:
                server_now = email.utils.parsedate_to_datetime(date)
                if server_now.tzinfo is not None:
                    now = server_now.timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
        seconds = when.timestamp() - now
        return max(0.0, seconds) if math.isfinite(seconds) else None  # clamped by the caller
    except Exception:
        return None


def _describe_body(
    http_status: int,
    content: bytes,
    content_type: str,
    is_json: bool,
    response: httpx.Response,
    secrets: tuple[str, ...],
) -> str:
    kind = content_type or "no content type"
    if not content.strip():
        return f"HTTP {http_status} with an empty body"
    excerpt = _excerpt(content, content_type, response, secrets)
    if is_json:
        return f"HTTP {http_status} with an unexpected JSON body: {excerpt}"
    return f"HTTP {http_status} with a non-JSON ({kind}) body: {excerpt}"


def _excerpt(
    content: bytes, content_type: str, response: httpx.Response, secrets: tuple[str, ...]
) -> str:
    head = content[:_EXCERPT_SCAN]
    try:
        text = head.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        text = head.decode("utf-8", errors="replace")
    if "html" in content_type or text.lstrip()[:1] == "<":
        text = _HTML_TAG.sub(" ", _HTML_SKIPPED.sub(" ", text))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = redact(" ".join(text.split()), secrets)
    if len(text) > _EXCERPT_LENGTH:
        text = text[: _EXCERPT_LENGTH - 3].rstrip() + "..."
    return text


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
