"""Fuzz targets for the two parsers that read untrusted text: operation names and error answers.

Hypothesis drives them with arbitrary text and bytes (and mutations of valid inputs). CI runs a
short campaign; a longer one runs with ``GEMINI_OPS_FUZZ_EXAMPLES``:

    GEMINI_OPS_FUZZ_EXAMPLES=20000 python -m pytest tests/reliability/test_fuzz.py
"""

from __future__ import annotations

import json
import math
import os

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemini_ops import (
    ApiError,
    Family,
    InvalidNameError,
    InvalidResponseError,
    ParentFamily,
    parse_name,
    parse_parent,
)
from gemini_ops._http.wire import error_from_response, parse_json_object, retry_delay_from_response

EXAMPLES = int(os.environ.get("GEMINI_OPS_FUZZ_EXAMPLES", "1000"))
# A hang fails the run; a longer campaign gets proportionally longer.
pytestmark = pytest.mark.timeout(max(60, EXAMPLES // 100))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

VALID_NAMES = [
    "tunedModels/m/operations/o",
    "models/veo-3.0-generate-001/operations/abc",
    "batches/b1",
    "corpora/c/operations/o",
    "generatedFiles/g/operations/o",
    "fileSearchStores/s/operations/o",
    "fileSearchStores/s/upload/operations/o",
    "operations/o",
    "projects/p/locations/us-central1/operations/o",
    "projects/p/locations/l/endpoints/e/operations/o",
    "projects/p/locations/l/tuningJobs/t/operations/o",
    "projects/p/locations/l/ragCorpora/c/ragFiles/f/operations/o",
    "projects/p/locations/l/publishers/google/models/veo/operations/o",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A valid input with random characters inserted, replaced or deleted."""
    text = list(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "replace", "delete"]))
        at = draw(st.integers(0, max(0, len(text) - 1)))
        char = draw(st.one_of(st.characters(), st.sampled_from(list("/.%?#:~ \x00-_"))))
        if kind == "insert":
            text.insert(at, char)
        elif kind == "replace" and text:
            text[at] = char
        elif text:
            del text[at]
    return "".join(text)


name_inputs = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("utf-8", "replace")),
    mutated(VALID_NAMES),
)


@FUZZ
@given(name=name_inputs)
def test_fuzz_name_parser(name: str) -> None:
    try:
        parsed = parse_name(name)
    except InvalidNameError as exc:
        str(exc)  # the message is built without error, whatever the input
        return
    assert parsed.name == name
    assert isinstance(parsed.family, Family)
    # What parsed is safe to put in a URL path as it is.
    assert all(c.isascii() and (c.isalnum() or c in "/_.~-") for c in name)
    assert all(segment not in {"", ".", ".."} for segment in name.split("/"))
    # And it matches its family's shape (or its discovery pattern) segment by segment.
    template = parsed.family.template.split("/")
    if parsed.pattern is not None:
        template = [*parsed.pattern.split("/"), "operations", "*"]
        assert len(template) == len(name.split("/"))
        for part, segment in zip(template, name.split("/"), strict=True):
            assert part in ("*", segment)
        return
    segments = name.split("/")
    if parsed.family is Family.OPERATION:  # Google binds `operations/**`: ids of any depth
        segments[1:] = ["/".join(segments[1:])]
    assert len(template) == len(segments)
    for part, segment in zip(template, segments, strict=True):
        if part.startswith("{"):
            assert parsed.params[part[1:-1]] == segment
        else:
            assert part == segment


@FUZZ
@given(
    parent=st.one_of(name_inputs, mutated(["batches", "tunedModels/m", "projects/p/locations/l"]))
)
def test_fuzz_parent_parser(parent: str) -> None:
    try:
        parsed = parse_parent(parent)
    except InvalidNameError:
        return
    assert isinstance(parsed.family, ParentFamily)
    assert parent == parsed.name or parent == f"{parsed.name}/operations"


ENVELOPE = {
    "error": {
        "code": 429,
        "message": "Resource has been exhausted",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"},
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT"},
        ],
    }
}
ENVELOPE_TEXTS = [
    json.dumps(ENVELOPE),
    json.dumps([ENVELOPE]),
    json.dumps({"error": "invalid_grant", "error_description": "Bad Request"}),
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
]
bodies = st.one_of(
    st.binary(max_size=600),
    mutated(ENVELOPE_TEXTS).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=UTF-8",
        "text/html",
        "",
        "text/plain; charset=latin-1",
        "application/json; charset=bogus",
    ]
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@FUZZ
@given(
    body=bodies,
    status=st.integers(min_value=100, max_value=999),
    content_type=content_types,
    retry_after=st.one_of(st.none(), header_values),
)
def test_fuzz_error_envelope_parser(
    body: bytes, status: int, content_type: str, retry_after: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    request = httpx.Request("GET", "https://example.test/v1beta/batches/b")
    response = httpx.Response(status, content=body, headers=headers, request=request)
    error = error_from_response(response)
    assert isinstance(error, ApiError)
    assert error.http_status == status
    assert isinstance(str(error), str)
    assert len(str(error)) < 2000
    for delay in (error.retry_delay, retry_delay_from_response(response)):
        assert delay is None or (math.isfinite(delay) and delay >= 0)
    try:
        parsed = parse_json_object(response)
    except InvalidResponseError:
        return
    assert isinstance(parsed, dict)
