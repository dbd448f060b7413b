from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemini_ops import InvalidNameError, parse_name
from gemini_ops._core.names import (
    Family,
    ParentFamily,
    ParsedName,
    is_vertex_location,
    parse_parent,
    same_operation,
)

VALID = [
    (
        "tunedModels/sentiment-7k2/operations/op-91f3",
        Family.TUNED_MODEL,
        {"tunedModel": "sentiment-7k2", "operation": "op-91f3"},
    ),
    (
        "models/veo-3.0-generate-001/operations/9x1y2z3w",
        Family.MODEL,
        {"model": "veo-3.0-generate-001", "operation": "9x1y2z3w"},
    ),
    ("batches/123456789", Family.BATCH, {"batch": "123456789"}),
    ("corpora/c1/operations/o1", Family.CORPUS, {"corpus": "c1", "operation": "o1"}),
    (
        "generatedFiles/g1/operations/o1",
        Family.GENERATED_FILE,
        {"generatedFile": "g1", "operation": "o1"},
    ),
    (
        "fileSearchStores/s1/operations/o1",
        Family.FILE_SEARCH_STORE,
        {"fileSearchStore": "s1", "operation": "o1"},
    ),
    (
        "fileSearchStores/s1/upload/operations/o1",
        Family.FILE_SEARCH_STORE_UPLOAD,
        {"fileSearchStore": "s1", "operation": "o1"},
    ),
    ("operations/o1", Family.OPERATION, {"operation": "o1"}),
    (
        "projects/123456/locations/us-central1/operations/4455667788",
        Family.VERTEX_LOCATION,
        {"project": "123456", "location": "us-central1", "operation": "4455667788"},
    ),
    (
        "projects/p/locations/us-central1/endpoints/55/operations/66",
        Family.VERTEX_RESOURCE,
        {
            "project": "p",
            "location": "us-central1",
            "collection": "endpoints",
            "resource": "55",
            "operation": "66",
        },
    ),
    (
        "projects/p/locations/us-east4/ragCorpora/r/operations/o",
        Family.VERTEX_RESOURCE,
        {
            "project": "p",
            "location": "us-east4",
            "collection": "ragCorpora",
            "resource": "r",
            "operation": "o",
        },
    ),
    (
        "projects/p/locations/us-east4/tuningJobs/t/operations/o",
        Family.VERTEX_RESOURCE,
        {
            "project": "p",
            "location": "us-east4",
            "collection": "tuningJobs",
            "resource": "t",
            "operation": "o",
        },
    ),
    (
        "projects/p/locations/us-east4/ragCorpora/c/ragFiles/f/operations/o",
        Family.VERTEX_RESOURCE,
        {
            "project": "p",
            "location": "us-east4",
            "collection": "ragCorpora",
            "resource": "c",
            "collection2": "ragFiles",
            "resource2": "f",
            "operation": "o",
        },
    ),
    (
        "projects/p/locations/us-east4/ragEngineConfig/operations/o",
        Family.VERTEX_RESOURCE,
        {"project": "p", "location": "us-east4", "collection": "ragEngineConfig", "operation": "o"},
    ),
    (
        "projects/p/locations/us-east4/publishers/google/models/veo-3.0/operations/o",
        Family.VERTEX_PUBLISHER_MODEL,
        {
            "project": "p",
            "location": "us-east4",
            "publisher": "google",
            "model": "veo-3.0",
            "operation": "o",
        },
    ),
    ("tunedModels/sentiment-7k2", Family.TUNED_MODEL_JOB, {"tunedModel": "sentiment-7k2"}),
    *(
        (
            f"projects/p/locations/us-east4/{collection}/j1",
            family,
            {"project": "p", "location": "us-east4", collection[:-1]: "j1"},
        )
        for collection, family in (
            ("batchPredictionJobs", Family.VERTEX_BATCH_PREDICTION_JOB),
            ("tuningJobs", Family.VERTEX_TUNING_JOB),
            ("customJobs", Family.VERTEX_CUSTOM_JOB),
            ("hyperparameterTuningJobs", Family.VERTEX_HYPERPARAMETER_TUNING_JOB),
            ("pipelineJobs", Family.VERTEX_PIPELINE_JOB),
        )
    ),
]


@pytest.mark.parametrize(("name", "family", "params"), VALID)
def test_every_family_parses(name: str, family: Family, params: dict[str, str]) -> None:
    parsed = parse_name(name)
    assert parsed.family is family
    assert dict(parsed.params) == params
    assert parsed.name == name
    assert parsed.backend == family.backend


def test_every_family_is_covered() -> None:
    assert {family for _, family, _ in VALID} == set(Family)


INVALID = [
    ("", "empty"),
    ("models/x/../../secret", "'..'"),
    ("models/x/operations/..", "'..'"),
    ("batches/.", "'.'"),
    ("batches/a?b", "'?'"),
    ("batches/a#b", "'#'"),
    ("batches/a%2Fb", "'%'"),
    ("batches/a b", "whitespace"),
    ("batches/a\tb", "whitespace"),
    ("batches/a\x00b", "control"),
    ("batches/a\x7fb", "control"),
    ("https://evil.example/batches/1", "URL"),
    ("//evil.example/batches/1", "empty segment"),
    ("/batches/1", "empty segment"),
    ("batches/1/", "empty segment"),
    ("batches//1", "empty segment"),
    ("batches/1:cancel", "segment"),
    ("batches", "not the name of an operation"),
    ("models/x/operations", "not the name of an operation"),
    ("unknown/x", "not the name of an operation"),
    ("projects/p/locations/us-east4/operations", "not the operation of a Vertex AI parent"),
    (
        "projects/p/locations/us-east4/Endpoints/1/operations/2",
        "not the operation of a Vertex AI parent",
    ),
    (
        "projects/p/locations/us-east4/publishers/g/operations/2",
        "not the operation of a Vertex AI parent",
    ),
    (
        "projects/p/locations/us-east4/notServed/1/operations/2",
        "not the operation of a Vertex AI parent",
    ),
    ("batches/é", "segment"),
]


@pytest.mark.parametrize(("name", "reason"), INVALID)
def test_invalid_names_raise(name: str, reason: str) -> None:
    with pytest.raises(InvalidNameError) as excinfo:
        parse_name(name)
    message = str(excinfo.value)
    assert reason in message
    # The message names the accepted shapes.
    assert "batches/{batch}" in message
    assert isinstance(excinfo.value, ValueError)


def test_non_string_name_raises() -> None:
    with pytest.raises(InvalidNameError, match="expected a str"):
        parse_name(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("parent", "family", "canonical"),
    [
        ("batches", ParentFamily.BATCHES, "batches"),
        ("operations", ParentFamily.OPERATIONS, "operations"),
        ("tunedModels/m", ParentFamily.TUNED_MODEL, "tunedModels/m"),
        ("tunedModels/m/operations", ParentFamily.TUNED_MODEL, "tunedModels/m"),
        ("models/veo", ParentFamily.MODEL, "models/veo"),
        (
            "projects/p/locations/us-east4",
            ParentFamily.VERTEX_LOCATION,
            "projects/p/locations/us-east4",
        ),
        (
            "projects/p/locations/us-east4/operations",
            ParentFamily.VERTEX_LOCATION,
            "projects/p/locations/us-east4",
        ),
        (
            "projects/p/locations/us-east4/tuningJobs/t",
            ParentFamily.VERTEX_RESOURCE,
            "projects/p/locations/us-east4/tuningJobs/t",
        ),
        (
            "projects/p/locations/us-east4/reasoningEngines/r/sessions/s/operations",
            ParentFamily.VERTEX_RESOURCE,
            "projects/p/locations/us-east4/reasoningEngines/r/sessions/s",
        ),
        (
            "projects/p/locations/us-east4/endpoints/e",
            ParentFamily.VERTEX_RESOURCE,
            "projects/p/locations/us-east4/endpoints/e",
        ),
    ],
)
def test_parents(parent: str, family: ParentFamily, canonical: str) -> None:
    parsed = parse_parent(parent)
    assert parsed.family is family
    assert parsed.name == canonical


@pytest.mark.parametrize(
    "parent",
    [
        "",
        "corpora/c",
        "batches/../x",
        "projects/p",
        "projects/p/locations/us-east4/publishers/g",
        "projects/p/locations/us-east4/notACollection/x",
        "projects/p/locations/us-east4/ragCorpora/c/ragFiles",
    ],
)
def test_bad_parents(parent: str) -> None:
    with pytest.raises(InvalidNameError, match="tunedModels/"):
        parse_parent(parent)


segment_chars = st.characters(codec="utf-8")
segments = st.one_of(
    st.sampled_from(["..", ".", "", "operations", "batches", "x", "%2e%2e", "a/b", "?", "#"]),
    st.text(segment_chars, min_size=0, max_size=8),
)


@given(st.lists(segments, min_size=1, max_size=9).map("/".join))
def test_accepted_names_never_climb_out(name: str) -> None:
    """Any name that parses fills its family's template exactly, segment for segment."""
    try:
        parsed = parse_name(name)
    except InvalidNameError:
        return
    rebuilt = _rebuild(parsed)
    assert rebuilt == name
    for value in parsed.params.values():
        # A top-level operation's id spans segments (Google's `operations/**`): check each one.
        for piece in value.split("/") if parsed.family is Family.OPERATION else [value]:
            assert piece not in ("", ".", "..")
            assert not set(piece) & set("/?#%\\: ")
    # Nothing was smuggled into a parameter: the rebuilt name has the segments given.
    assert rebuilt.count("/") == name.count("/")


def test_a_top_level_operation_id_takes_every_segment() -> None:
    parsed = parse_name("operations/generate-1/part/3")
    assert parsed.family is Family.OPERATION
    assert dict(parsed.params) == {"operation": "generate-1/part/3"}


@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_raises_invalid_name(name: str) -> None:
    try:
        parsed = parse_name(name)
    except InvalidNameError:
        return
    assert _rebuild(parsed) == name


def _rebuild(parsed: ParsedName) -> str:
    """The name again from its parameters: the family template, or for Vertex AI names the
    discovery pattern filled in segment by segment."""
    if parsed.pattern is None:
        return parsed.family.template.format(**parsed.params)
    values = iter(v for k, v in parsed.params.items() if k != "operation")
    filled = [
        next(values) if part == "*" or index >= 4 else part
        for index, part in enumerate(parsed.pattern.split("/"))
    ]
    return "/".join([*filled, "operations", parsed.params["operation"]])


GOOGLE_LOCATIONS = [
    "global",
    "us",
    "eu",
    "us-central1",
    "us-east4",
    "europe-west4",
    "europe-west12",
    "asia-northeast1",
    "northamerica-northeast1",
    "australia-southeast1",
    "me-central2",
    "africa-south1",
    "us-" + "a" * 48 + "1",  # 52 characters: "{location}-aiplatform" is one 63-character label
]
NOT_LOCATIONS = [
    "",
    "l",
    "usa",
    "US-CENTRAL1",
    "Us-central1",
    "us-central",
    "uscentral1",
    "a.b",
    "us-central1.attacker",
    "evil.com/x",
    "us-central1:443",
    "global.evil",
    "-us-central1",
    "us--central1",
    "us-central1-",
    "us-central1234",
    "us-" + "a" * 49 + "1",  # 53 characters
    "us-" + "a" * 60 + "1",  # 64 characters
    None,
    3,
]


@pytest.mark.parametrize("location", GOOGLE_LOCATIONS)
def test_google_locations(location: str) -> None:
    assert is_vertex_location(location)
    assert (
        parse_name(f"projects/p/locations/{location}/operations/o").params["location"] == location
    )
    assert parse_parent(f"projects/p/locations/{location}").params["location"] == location


@pytest.mark.parametrize("location", NOT_LOCATIONS)
def test_not_locations(location: object) -> None:
    assert not is_vertex_location(location)


@pytest.mark.parametrize("location", ["a.b", "US-CENTRAL1", "us-central1.attacker", "l"])
def test_a_name_with_a_location_google_does_not_name(location: str) -> None:
    for name in (
        f"projects/p/locations/{location}/operations/o",
        f"projects/p/locations/{location}/endpoints/e/operations/o",
        f"projects/p/locations/{location}/publishers/google/models/veo/operations/o",
    ):
        with pytest.raises(
            InvalidNameError, match=f"location {location!r} is not a Vertex AI location"
        ):
            parse_name(name)
    with pytest.raises(InvalidNameError, match="is not a Vertex AI location: a region"):
        parse_parent(f"projects/p/locations/{location}/endpoints/e")


@pytest.mark.parametrize(
    ("requested", "answered", "same"),
    [
        ("batches/b1", "batches/b1", True),
        ("batches/b1", "batches/b2", False),
        ("batches/b1", "batches/B1", False),
        ("batches/b1", None, False),
        ("batches/b1", 3, False),
        ("batches/b1", "", False),
        ("batches/b1", "batches/b1/", False),
        ("batches/b1", "operations/b1", False),
        ("tunedModels/m/operations/o", "tunedModels/n/operations/o", False),
        (
            "models/veo-3.0-generate-preview/operations/o",
            "models/veo-3.0-generate-001/operations/o",
            True,
        ),
        ("models/veo/operations/o", "models/veo/operations/p", False),
        (
            "projects/p/locations/us-east4/operations/o",
            "projects/123/locations/us-east4/operations/o",
            True,
        ),
        (
            "projects/p/locations/us-east4/operations/o",
            "projects/p/locations/us-west1/operations/o",
            False,
        ),
        (
            "projects/p/locations/us-east4/operations/o",
            "projects/p/locations/us-east4/operations/q",
            False,
        ),
        (
            "projects/p/locations/us-east4/endpoints/e/operations/o",
            "projects/9/locations/us-east4/endpoints/e/operations/o",
            True,
        ),
        (
            "projects/p/locations/us-east4/endpoints/e/operations/o",
            "projects/p/locations/us-east4/endpoints/f/operations/o",
            False,
        ),
        (
            "projects/p/locations/us-east4/endpoints/e/operations/o",
            "projects/p/locations/us-east4/operations/o",
            False,
        ),
        (
            "projects/p/locations/us-east4/publishers/google/models/veo-3.0/operations/o",
            "projects/7/locations/us-east4/publishers/google/models/veo-3.0-001/operations/o",
            True,
        ),
        (
            "projects/p/locations/us-east4/publishers/google/models/veo/operations/o",
            "projects/p/locations/us-east4/publishers/other/models/veo/operations/o",
            False,
        ),
    ],
)
def test_same_operation(requested: str, answered: object, same: bool) -> None:
    assert same_operation(requested, answered) is same
