from __future__ import annotations

import asyncio
import copy
import email.utils
import json
import pickle
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gemini_ops._core.errors as errors_module
from gemini_ops._core.errors import (
    AbortedError,
    AlreadyExistsError,
    ApiError,
    CredentialsError,
    DataLossError,
    DeadlineExceededError,
    FailedPreconditionError,
    GeminiOpsError,
    InternalServerError,
    InvalidArgumentError,
    InvalidNameError,
    InvalidResponseError,
    NotFoundError,
    OperationFailedError,
    OperationNotDoneError,
    OutOfRangeError,
    PermissionDeniedError,
    RateLimitError,
    RequestCancelledError,
    ServiceUnavailableError,
    TransportError,
    UnauthenticatedError,
    UnimplementedError,
    UnknownApiError,
    WaitTimeoutError,
    error_for_status,
)
from gemini_ops._core.rpc import parse_duration
from gemini_ops._http.redact import redact_url
from gemini_ops._http.wire import (
    MAX_SERVER_HINT,
    error_from_response,
    invalid_response,
    parse_json_object,
    retry_delay_from_response,
)

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "payloads"
URL = "https://host/v1beta/batches/x"

# (canonical status, rpc code, HTTP status from the reference table, class)
CANONICAL = [
    ("CANCELLED", 1, 499, RequestCancelledError),
    ("UNKNOWN", 2, 500, UnknownApiError),
    ("INVALID_ARGUMENT", 3, 400, InvalidArgumentError),
    ("DEADLINE_EXCEEDED", 4, 504, DeadlineExceededError),
    ("NOT_FOUND", 5, 404, NotFoundError),
    ("ALREADY_EXISTS", 6, 409, AlreadyExistsError),
    ("PERMISSION_DENIED", 7, 403, PermissionDeniedError),
    ("RESOURCE_EXHAUSTED", 8, 429, RateLimitError),
    ("FAILED_PRECONDITION", 9, 400, FailedPreconditionError),
    ("ABORTED", 10, 409, AbortedError),
    ("OUT_OF_RANGE", 11, 400, OutOfRangeError),
    ("UNIMPLEMENTED", 12, 501, UnimplementedError),
    ("INTERNAL", 13, 500, InternalServerError),
    ("UNAVAILABLE", 14, 503, ServiceUnavailableError),
    ("DATA_LOSS", 15, 500, DataLossError),
    ("UNAUTHENTICATED", 16, 401, UnauthenticatedError),
]


def response(
    status: int,
    body: bytes | str | None = None,
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    url: str = URL,
    method: str = "GET",
) -> httpx.Response:
    request = httpx.Request(method, url)
    if json_body is not None:
        return httpx.Response(status, json=json_body, headers=headers, request=request)
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, content=content, headers=headers, request=request)


def envelope(status: str | None, message: str = "boom", **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": 400, "message": message, **extra}
    if status is not None:
        error["status"] = status
    return {"error": error}


# Status mapping


@pytest.mark.parametrize(("status", "code", "http_status", "cls"), CANONICAL)
def test_every_canonical_status_maps_to_its_class(
    status: str, code: int, http_status: int, cls: type[ApiError]
) -> None:
    assert error_for_status(http_status, status) is cls
    error = error_from_response(response(http_status, json_body=envelope(status)))
    assert type(error) is cls
    assert error.status == status
    assert error.code == code
    assert error.http_status == http_status
    assert cls.canonical_status == status


@pytest.mark.parametrize(
    ("http_status", "cls", "status"),
    [
        (400, InvalidArgumentError, "INVALID_ARGUMENT"),
        (401, UnauthenticatedError, "UNAUTHENTICATED"),
        (403, PermissionDeniedError, "PERMISSION_DENIED"),
        (404, NotFoundError, "NOT_FOUND"),
        (408, DeadlineExceededError, "DEADLINE_EXCEEDED"),
        (409, AbortedError, "ABORTED"),
        (416, OutOfRangeError, "OUT_OF_RANGE"),
        (429, RateLimitError, "RESOURCE_EXHAUSTED"),
        (499, RequestCancelledError, "CANCELLED"),
        (500, InternalServerError, "INTERNAL"),
        (501, UnimplementedError, "UNIMPLEMENTED"),
        (502, ServiceUnavailableError, "UNAVAILABLE"),
        (503, ServiceUnavailableError, "UNAVAILABLE"),
        (504, DeadlineExceededError, "DEADLINE_EXCEEDED"),
        (418, UnknownApiError, "UNKNOWN"),
        (451, UnknownApiError, "UNKNOWN"),
        (599, UnknownApiError, "UNKNOWN"),
        (999, UnknownApiError, "UNKNOWN"),
    ],
)
def test_http_status_alone_gives_the_class(
    http_status: int, cls: type[ApiError], status: str
) -> None:
    assert error_for_status(http_status, None) is cls
    error = error_from_response(response(http_status, b""))
    assert type(error) is cls
    assert error.status == status
    assert error.http_status == http_status
    assert 1 <= error.code <= 16


def test_499_never_goes_through_http_status() -> None:
    error = error_from_response(response(499, b"Client Closed Request"))
    assert isinstance(error, RequestCancelledError)
    assert str(error).startswith("499 CANCELLED: ")


def test_request_cancelled_is_not_asyncio_cancellation() -> None:
    assert not issubclass(RequestCancelledError, asyncio.CancelledError)
    assert issubclass(RequestCancelledError, Exception)


@pytest.mark.parametrize(
    ("http_status", "body_status", "cls", "status"),
    [
        (400, "FAILED_PRECONDITION", FailedPreconditionError, "FAILED_PRECONDITION"),
        (500, "DATA_LOSS", DataLossError, "DATA_LOSS"),
        (409, "ALREADY_EXISTS", AlreadyExistsError, "ALREADY_EXISTS"),
        (404, "UNAVAILABLE", ServiceUnavailableError, "UNAVAILABLE"),  # the body wins
        (400, "not_found", NotFoundError, "NOT_FOUND"),  # case is not significant
        (404, "OK", NotFoundError, "NOT_FOUND"),  # OK is not an error status
        (500, "BOGUS", InternalServerError, "INTERNAL"),
        (503, 14, ServiceUnavailableError, "UNAVAILABLE"),  # not a string
    ],
)
def test_body_status_wins_when_canonical(
    http_status: int, body_status: Any, cls: type[ApiError], status: str
) -> None:
    error = error_from_response(response(http_status, json_body=envelope(body_status)))
    assert type(error) is cls
    assert error.status == status
    assert error.http_status == http_status


# Payload files and the envelope


@pytest.mark.parametrize("path", sorted(PAYLOADS.glob("error-*.json")), ids=lambda p: p.name)
def test_reference_payloads(path: Path) -> None:
    body = json.loads(path.read_text())
    http_status = body["error"]["code"]
    error = error_from_response(response(http_status, path.read_bytes()))
    assert type(error) is error_for_status(http_status, body["error"]["status"])
    assert error.status == body["error"]["status"]
    assert error.message == body["error"]["message"]
    assert list(error.details) == body["error"].get("details", [])
    assert error.http_status == http_status


def test_reference_payload_files_exist() -> None:
    assert len(list(PAYLOADS.glob("error-*.json"))) >= 3


def test_retry_info_gives_retry_delay() -> None:
    error = error_from_response(response(429, (PAYLOADS / "error-429-retryinfo.json").read_bytes()))
    assert isinstance(error, RateLimitError)
    assert error.retry_delay == 17.0
    assert error.reason == "RATE_LIMIT_EXCEEDED"


def test_404_payload_str() -> None:
    error = error_from_response(response(404, (PAYLOADS / "error-404.json").read_bytes()))
    assert str(error) == f"404 NOT_FOUND: Requested entity was not found. (GET {URL})"
    assert error.retry_delay is None
    assert error.details == ()
    assert error.reason is None


def test_bad_request_details_are_kept() -> None:
    error = error_from_response(
        response(400, (PAYLOADS / "error-400-badrequest.json").read_bytes())
    )
    assert isinstance(error, InvalidArgumentError)
    (detail,) = error.details
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert detail["fieldViolations"][0]["field"] == "page_size"


def test_array_form() -> None:
    body = [{"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}]
    error = error_from_response(response(404, json_body=body))
    assert isinstance(error, NotFoundError)
    assert error.message == "gone"


def test_legacy_errors_list_is_tolerated() -> None:
    body = {
        "error": {
            "code": 403,
            "errors": [{"message": "Forbidden", "domain": "global", "reason": "forbidden"}],
            "status": "PERMISSION_DENIED",
        }
    }
    error = error_from_response(response(403, json_body=body))
    assert isinstance(error, PermissionDeniedError)
    assert error.message == "Forbidden"


def test_oauth_error_shape() -> None:
    body = {"error": "invalid_grant", "error_description": "Token has been revoked."}
    error = error_from_response(response(400, json_body=body))
    assert isinstance(error, InvalidArgumentError)
    assert error.message == "invalid_grant: Token has been revoked."


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"@type": "x.Y", "a": 1}, ({"@type": "x.Y", "a": 1},)),  # one object, not a list
        ("nope", ()),
        (None, ()),
        (42, ()),
        ([1, "a", None, {"@type": "t"}, [1]], ({"@type": "t"},)),
    ],
)
def test_odd_details(details: Any, expected: tuple[dict[str, Any], ...]) -> None:
    error = error_from_response(
        response(400, json_body=envelope("INVALID_ARGUMENT", details=details))
    )
    assert error.details == expected


def test_missing_message_describes_the_body() -> None:
    error = error_from_response(response(500, json_body={"error": {"code": 500}}))
    assert isinstance(error, InternalServerError)
    assert "unexpected JSON body" in error.message


def test_message_with_newlines_gives_one_line() -> None:
    error = error_from_response(response(400, json_body=envelope("INVALID_ARGUMENT", "a\n  b\tc")))
    assert error.message == "a\n  b\tc"
    assert "\n" not in str(error)
    assert str(error).startswith("400 INVALID_ARGUMENT: a b c (GET ")


# Retry delays


def retry_info(delay: str) -> dict[str, Any]:
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}


def test_retry_after_seconds() -> None:
    error = error_from_response(response(503, b"", headers={"Retry-After": "3"}))
    assert error.retry_delay == 3.0


def test_retry_after_http_date_measured_against_server_date() -> None:
    headers = {
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
        "Retry-After": "Wed, 21 Oct 2015 07:28:42 GMT",
    }
    error = error_from_response(response(503, b"", headers=headers))
    assert error.retry_delay == 42.0


def test_retry_after_http_date_without_server_date() -> None:
    import time

    when = email.utils.formatdate(time.time() + 60, usegmt=True)
    error = error_from_response(response(429, b"", headers={"Retry-After": when}))
    assert error.retry_delay is not None
    assert 55.0 <= error.retry_delay <= 61.0


def test_retry_after_in_the_past_is_zero() -> None:
    headers = {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    assert error_from_response(response(503, b"", headers=headers)).retry_delay == 0.0


@pytest.mark.parametrize("value", ["soon", "-3", "", "1e400", "Thu, 99 Foo"])
def test_bad_retry_after_is_ignored(value: str) -> None:
    assert (
        error_from_response(response(503, b"", headers={"Retry-After": value})).retry_delay is None
    )


@pytest.mark.parametrize("value", ["301", "9" * 5000, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_long_retry_after_is_clamped(value: str) -> None:
    error = error_from_response(response(503, b"", headers={"Retry-After": value}))
    assert error.retry_delay == MAX_SERVER_HINT == 300.0


def test_larger_of_retry_info_and_retry_after() -> None:
    body = envelope("RESOURCE_EXHAUSTED", details=[retry_info("17s")])
    error = error_from_response(response(429, json_body=body, headers={"Retry-After": "30"}))
    assert error.retry_delay == 30.0
    error = error_from_response(response(429, json_body=body, headers={"Retry-After": "3"}))
    assert error.retry_delay == 17.0


@pytest.mark.parametrize("delay", ["-5s", "soon", "17", 17])
def test_invalid_retry_info_is_ignored(delay: Any) -> None:
    body = envelope("RESOURCE_EXHAUSTED", details=[retry_info(delay)])
    assert error_from_response(response(429, json_body=body)).retry_delay is None


def test_retry_delay_from_response_matches() -> None:
    body = envelope("UNAVAILABLE", details=[retry_info("2.5s")])
    assert retry_delay_from_response(response(503, json_body=body)) == 2.5
    assert retry_delay_from_response(response(503, b"<html>")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17s", 17.0),
        ("0.5s", 0.5),
        ("1.000340012s", 1.000340012),
        ("0s", 0.0),
        ("3.5s", 3.5),
        ("45.837906927s", 45.837906927),
        ("-1.5s", -1.5),
        (" 2s ", 2.0),
        ("17", None),
        ("1.s", None),
        (".5s", None),
        ("1.0000000001s", None),
        ("1e3s", None),
        ("nans", None),
        ("", None),
        (17, None),
        (None, None),
        ({"seconds": 1}, None),
    ],
)
def test_parse_duration(value: object, expected: float | None) -> None:
    result = parse_duration(value)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected, abs=1e-12)


# Bodies that are not the envelope

GOOGLE_502 = (
    """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error 502 (Server Error)!!1</title>
  <style>
    *{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}html{background:#fff}
  </style>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>502.</b> <ins>That's an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.
  <p>Please try again in 30 seconds.  <ins>That's all we know.</ins>
"""
    + "<p>padding " * 200
)


def test_html_502() -> None:
    resp = response(502, GOOGLE_502, headers={"Content-Type": "text/html; charset=UTF-8"})
    error = error_from_response(resp)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == "UNAVAILABLE"
    assert error.message.startswith("HTTP 502 with a non-JSON (text/html) body: Error 502")
    assert "That's an error." in error.message
    assert "<" not in error.message
    assert "margin" not in error.message
    assert "  " not in error.message
    assert len(error.message) < 300


@pytest.mark.parametrize("status", [502, 503, 504])
def test_empty_bodies(status: int) -> None:
    error = error_from_response(response(status, b""))
    assert error.message == f"HTTP {status} with an empty body"
    assert type(error) is error_for_status(status, None)


def test_garbage_body() -> None:
    error = error_from_response(response(500, b"\x00\xff\xfe garbage \x1b[31m"))
    assert isinstance(error, InternalServerError)
    assert error.message.startswith("HTTP 500 with a non-JSON (no content type) body:")
    assert "\x00" not in error.message
    assert "\x1b" not in error.message


def test_truncated_json() -> None:
    resp = response(
        503,
        b'{"error": {"code": 503, "status": "UNAV',
        headers={"content-type": "application/json"},
    )
    error = error_from_response(resp)
    assert isinstance(error, ServiceUnavailableError)
    assert error.message.startswith("HTTP 503 with a non-JSON (application/json) body: {")


@pytest.mark.parametrize("body", [b"42", b'"text"', b"null", b"[]", b'{"foo": 1}', b"[1, 2]"])
def test_unexpected_json(body: bytes) -> None:
    error = error_from_response(response(404, body))
    assert isinstance(error, NotFoundError)
    assert "unexpected JSON body" in error.message


def test_deeply_nested_json() -> None:
    error = error_from_response(response(500, b"[" * 100_000 + b"]" * 100_000))
    assert isinstance(error, InternalServerError)


def test_unknown_charset() -> None:
    resp = response(500, b"oops", headers={"content-type": "text/plain; charset=klingon"})
    assert error_from_response(resp).message.endswith("oops")


def test_response_without_request() -> None:
    error = error_from_response(httpx.Response(404, json=envelope("NOT_FOUND", "gone")))
    assert error.method is None
    assert error.url is None
    assert str(error) == "404 NOT_FOUND: gone"


def test_unread_streaming_response_does_not_crash() -> None:
    resp = httpx.Response(503, stream=httpx.ByteStream(b"busy"))
    error = error_from_response(resp)
    assert isinstance(error, ServiceUnavailableError)


# Secrets


def test_key_is_stripped_from_the_url() -> None:
    resp = response(
        403,
        json_body=envelope("PERMISSION_DENIED", "API key not valid."),
        url="https://u:pw@host/v1beta/batches/x?key=SECRET&pageSize=2&access_token=TOKEN",
    )
    error = error_from_response(resp)
    for text in (str(error), repr(error), error.url or ""):
        assert "SECRET" not in text
        assert "TOKEN" not in text
        assert "pw" not in text
    assert error.url == "https://host/v1beta/batches/x?pageSize=2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/p?key=abc", "https://h/p"),
        ("https://h/p?a=1&KEY=abc&b=2", "https://h/p?a=1&b=2"),
        ("https://h/p?monkey=1", "https://h/p?monkey=1"),
        ("https://h/p", "https://h/p"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(httpx.URL(url)) == expected


def test_key_in_body_text_is_masked() -> None:
    body = b"<html>proxy error for https://h/v1beta/batches?key=SECRET123</html>"
    error = error_from_response(response(502, body, headers={"content-type": "text/html"}))
    assert "SECRET123" not in error.message
    assert "key=***" in error.message


# Never crashes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)
error_fields = st.fixed_dictionaries(
    {},
    optional={
        "code": json_values,
        "message": json_values,
        "status": st.sampled_from([s for s, *_ in CANONICAL]) | json_values,
        "details": st.lists(
            st.fixed_dictionaries(
                {"@type": st.sampled_from(["type.googleapis.com/google.rpc.RetryInfo", "x"])},
                optional={"retryDelay": st.text() | json_values},
            )
            | json_values,
            max_size=3,
        )
        | json_values,
        "errors": json_values,
    },
)
statuses = st.integers(min_value=0, max_value=1000)
content_types = st.sampled_from(["", "application/json", "text/html", "text/plain; charset=x"])


def check_error(error: ApiError, status: int) -> None:
    assert isinstance(error, ApiError)
    assert error.http_status == status
    assert isinstance(str(error), str)
    assert "\n" not in str(error)
    assert isinstance(error.message, str)
    assert 1 <= error.code <= 16
    assert all(isinstance(d, dict) for d in error.details)
    assert error.retry_delay is None or error.retry_delay >= 0
    assert isinstance(error, error_for_status(status, error.status))


@settings(max_examples=300)
@given(body=st.binary(max_size=512), status=statuses, content_type=content_types)
def test_arbitrary_bytes_never_crash(body: bytes, status: int, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    check_error(error_from_response(response(status, body, headers=headers)), status)


@settings(max_examples=300)
@given(value=json_values, status=statuses)
def test_arbitrary_json_never_crashes(value: Any, status: int) -> None:
    body = json.dumps(value).encode()
    check_error(error_from_response(response(status, body)), status)


@settings(max_examples=300)
@given(
    fields=error_fields,
    status=statuses,
    wrap=st.booleans(),
    retry_after=st.none() | st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
)
def test_arbitrary_envelopes_never_crash(
    fields: dict[str, Any], status: int, wrap: bool, retry_after: str | None
) -> None:
    body: Any = {"error": fields}
    if wrap:
        body = [body]
    headers = {}
    if retry_after is not None:
        try:
            httpx.Headers({"Retry-After": retry_after})
        except Exception:
            retry_after = None
        else:
            headers["Retry-After"] = retry_after
    try:
        encoded = json.dumps(body).encode()
    except ValueError:
        return
    check_error(error_from_response(response(status, encoded, headers=headers)), status)


# The other exceptions


class FakeStatus:
    code = 1
    status = "CANCELLED"
    message = "Operation cancelled by the user."


class FakeOperation:
    name = "batches/abc"


def test_operation_failed_error() -> None:
    op, status = FakeOperation(), FakeStatus()
    error = OperationFailedError(op, status)
    assert error.operation is op
    assert error.error is status
    assert str(error) == "operation batches/abc failed: CANCELLED Operation cancelled by the user."


def test_operation_failed_error_with_bare_objects() -> None:
    error = OperationFailedError(object(), object())
    assert str(error) == "operation ? failed: ?"


def test_operation_not_done_error() -> None:
    op = FakeOperation()
    error = OperationNotDoneError(op)
    assert error.operation is op
    assert "batches/abc" in str(error)


def test_wait_timeout_error() -> None:
    op = FakeOperation()
    error = WaitTimeoutError("timed out after 2.0 s", op)
    assert isinstance(error, TimeoutError)
    assert isinstance(error, GeminiOpsError)
    assert error.operation is op
    assert WaitTimeoutError("x", None).operation is None
    with pytest.raises(TimeoutError):
        raise error


def test_invalid_name_error() -> None:
    error = InvalidNameError(
        "a/../b", "'..' segments are not allowed", ["batches/{batch}", "x/{y}"]
    )
    assert isinstance(error, ValueError)
    assert error.name == "a/../b"
    assert error.reason == "'..' segments are not allowed"
    assert error.accepted == ("batches/{batch}", "x/{y}")
    assert "'..' segments are not allowed" in str(error)
    assert "batches/{batch}, x/{y}" in str(error)
    assert len(str(InvalidNameError("a" * 10_000, "too long", []))) < 400


def test_invalid_response_error() -> None:
    resp = response(200, b"<html>maintenance</html>", headers={"content-type": "text/html"})
    error = invalid_response(resp, "expected a JSON object")
    assert error.http_status == 200
    assert error.excerpt == "maintenance"
    assert str(error) == f"HTTP 200: expected a JSON object: maintenance (GET {URL})"


def test_parse_json_object() -> None:
    assert parse_json_object(response(200, json_body={"name": "x"})) == {"name": "x"}
    for body, words in [
        (b"", "empty body"),
        (b"  ", "empty body"),
        (b"<html>", "not JSON"),
        (b'{"name": ', "not JSON"),
        (b"[1]", "got an array"),
        (b"null", "got null"),
        (b"3", "got a number"),
    ]:
        with pytest.raises(InvalidResponseError, match=words) as info:
            parse_json_object(response(200, body))
        assert info.value.http_status == 200


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("gone", http_status=404, details=[{"@type": "t"}], retry_delay=1.0),
        ApiError("x", http_status=418),
        TransportError("down", method="GET", url=URL),
        InvalidResponseError("bad", http_status=200, excerpt="e"),
        WaitTimeoutError("late", None),
        InvalidNameError("n", "r", ["a"]),
        CredentialsError("no credentials"),
        OperationNotDoneError("op"),
        OperationFailedError("op", "err"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_exceptions_pickle_and_copy(error: GeminiOpsError) -> None:
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert type(clone) is type(error)
        assert str(clone) == str(error)
        assert clone.__dict__ == error.__dict__


def test_api_error_defaults_from_class() -> None:
    error = RateLimitError("slow down", http_status=429)
    assert (error.status, error.code) == ("RESOURCE_EXHAUSTED", 8)
    assert ApiError("x", http_status=404).status == "NOT_FOUND"
    assert ApiError("x", http_status=418).status == "UNKNOWN"


def test_tree_in_docstring_names_every_exception() -> None:
    doc = errors_module.__doc__ or ""
    classes = [
        obj
        for obj in vars(errors_module).values()
        if isinstance(obj, type) and issubclass(obj, GeminiOpsError)
    ]
    assert len(classes) >= 25
    for cls in classes:
        assert cls.__name__ in doc, cls
    for name in errors_module.__all__:
        assert hasattr(errors_module, name)
    assert errors_module.__all__ == sorted(errors_module.__all__)


# Credentials: the message says what to fix


def test_missing_key_403_from_the_emulator_says_to_set_the_key() -> None:
    from gemini_ops.testing import Emulator

    with Emulator() as emu, httpx.Client(base_url=emu.url) as client:
        answer = client.get("/v1beta/batches/b1")
    error = error_from_response(answer)
    assert isinstance(error, PermissionDeniedError)
    assert "PERMISSION_DENIED: Method doesn't allow unregistered callers" in str(error)
    assert "set GEMINI_API_KEY" in str(error)


def test_bad_key_hint_needs_the_api_key_invalid_reason() -> None:
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
    bad = error_from_response(
        response(400, json_body=envelope("INVALID_ARGUMENT", "API key not valid.", details=[info]))
    )
    assert isinstance(bad, InvalidArgumentError)
    assert "check the key" in str(bad)
    other = error_from_response(response(400, json_body=envelope("INVALID_ARGUMENT", "bad")))
    assert "check the key" not in str(other)
    # Another 403 gets no hint about keys.
    denied = error_from_response(response(403, json_body=envelope("PERMISSION_DENIED", "no")))
    assert "GEMINI_API_KEY" not in str(denied)


def test_vertex_429_in_an_array_with_legacy_errors_and_no_xgafv() -> None:
    body = [
        {
            "error": {
                "code": 429,
                "message": "Quota exceeded for aiplatform.googleapis.com/generate_content.",
                "errors": [
                    {
                        "message": "Quota exceeded.",
                        "domain": "global",
                        "reason": "rateLimitExceeded",
                    }
                ],
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}
                ],
            }
        }
    ]
    url = "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/operations/o"
    error = error_from_response(response(429, json_body=body, url=url))
    assert isinstance(error, RateLimitError)
    assert "RESOURCE_EXHAUSTED: Quota exceeded for aiplatform" in str(error)
    assert error.status == "RESOURCE_EXHAUSTED"
    assert error.retry_delay == 7.0
