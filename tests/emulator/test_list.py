"""Lists: parents, pagination with opaque tokens, page sizes, filters, and bad values."""

from __future__ import annotations

import httpx
import pytest

from gemini_ops.emulator import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"


def names(body: dict) -> list[str]:
    return [op["name"] for op in body.get("operations", [])]


def walk(client: httpx.Client, url: str, headers: dict[str, str], **params: object) -> list[str]:
    seen: list[str] = []
    token = ""
    for _ in range(100):
        query = dict(params, **({"pageToken": token} if token else {}))
        response = client.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += names(body)
        token = body.get("nextPageToken", "")
        if not token:
            return seen
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(
    ("url", "children", "strangers", "headers_name"),
    [
        ("/v1beta/batches", ["batches/{i}"], ["models/m/operations/{i}"], "gemini"),
        (
            "/v1/tunedModels/t/operations",
            ["tunedModels/t/operations/{i}"],
            ["tunedModels/u/operations/{i}"],
            "gemini",
        ),
        (
            "/v1beta/models/veo/operations",
            ["models/veo/operations/{i}"],
            ["models/other/operations/{i}"],
            "gemini",
        ),
        ("/v1/operations", ["operations/{i}"], ["batches/{i}"], "gemini"),
        (
            f"/v1/{VERTEX}/operations",
            [f"{VERTEX}/operations/{{i}}"],
            [
                f"{VERTEX}/endpoints/1/operations/{{i}}",
                "projects/p2/locations/us-central1/operations/{i}",
            ],
            "vertex",
        ),
        (
            f"/v1beta1/{VERTEX}/endpoints/1/operations",
            [f"{VERTEX}/endpoints/1/operations/{{i}}"],
            [f"{VERTEX}/endpoints/2/operations/{{i}}", f"{VERTEX}/operations/{{i}}"],
            "vertex",
        ),
        (
            f"/v1/{VERTEX}/tuningJobs/9/operations",
            [f"{VERTEX}/tuningJobs/9/operations/{{i}}"],
            [f"{VERTEX}/tuningJobs/8/operations/{{i}}"],
            "vertex",
        ),
    ],
)
def test_each_list_pages_through_its_own_operations_in_creation_order(
    emulator: Emulator,
    client: httpx.Client,
    request: pytest.FixtureRequest,
    url: str,
    children: list[str],
    strangers: list[str],
    headers_name: str,
) -> None:
    headers = request.getfixturevalue(headers_name)
    expected = []
    for i in range(7):
        for pattern in strangers:
            emulator.create_operation(pattern.format(i=f"s{i}"), duration=None)
        name = children[0].format(i=f"op{i}")
        emulator.create_operation(name, duration=0 if i % 2 else None)
        expected.append(name)
    assert walk(client, url, headers, pageSize=3) == expected
    assert walk(client, url, headers) == expected
    first = client.get(url, params={"pageSize": 3}, headers=headers).json()
    assert len(first["operations"]) == 3
    assert first["nextPageToken"]


def test_last_page_has_no_token_and_an_empty_list_is_an_empty_object(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    assert client.get("/v1beta/batches", headers=gemini).json() == {}
    emulator.create_operation("batches/one", duration=None)
    emulator.create_operation("batches/two", duration=None)
    body = client.get("/v1beta/batches", params={"pageSize": 2}, headers=gemini).json()
    assert names(body) == ["batches/one", "batches/two"]
    assert "nextPageToken" not in body


def test_filters(emulator: Emulator, client: httpx.Client, gemini: dict[str, str]) -> None:
    for i in range(6):
        emulator.create_operation(f"batches/b{i}", duration=0 if i % 2 else None)
    done = ["batches/b1", "batches/b3", "batches/b5"]
    running = ["batches/b0", "batches/b2", "batches/b4"]
    assert walk(client, "/v1beta/batches", gemini, filter="done=true", pageSize=1) == done
    assert walk(client, "/v1beta/batches", gemini, filter="done = false", pageSize=2) == running
    assert walk(client, "/v1beta/batches", gemini, filter="") == running[:1] + done[:1] + [
        "batches/b2",
        "batches/b3",
        "batches/b4",
        "batches/b5",
    ]


def test_operations_deleted_between_pages_do_not_break_the_walk(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    for i in range(5):
        emulator.create_operation(f"batches/b{i}", duration=None)
    first = client.get("/v1beta/batches", params={"pageSize": 2}, headers=gemini).json()
    client.delete("/v1beta/batches/b1", headers=gemini)
    client.delete("/v1beta/batches/b2", headers=gemini)
    rest = client.get(
        "/v1beta/batches",
        params={"pageSize": 2, "pageToken": first["nextPageToken"]},
        headers=gemini,
    ).json()
    assert names(rest) == ["batches/b3", "batches/b4"]


def test_page_size_default_and_maximum(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    for i in range(MAX_PAGE_SIZE + 5):
        emulator.state.create(f"batches/b{i:04d}", duration=None)
    default = client.get("/v1beta/batches", headers=gemini).json()
    assert len(default["operations"]) == DEFAULT_PAGE_SIZE
    zero = client.get("/v1beta/batches", params={"pageSize": 0}, headers=gemini).json()
    assert len(zero["operations"]) == DEFAULT_PAGE_SIZE
    clamped = client.get(
        "/v1beta/batches", params={"pageSize": 2**31 - 1, "prettyPrint": "false"}, headers=gemini
    ).json()
    assert len(clamped["operations"]) == MAX_PAGE_SIZE
    assert clamped["nextPageToken"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": "abc"}, "page_size"),
        ({"pageSize": "-1"}, "page_size"),
        ({"pageSize": "1.5"}, "page_size"),
        ({"pageSize": "2147483648"}, "page_size"),
        ({"pageToken": "not-a-token"}, "page_token"),
        ({"filter": "state=ACTIVE"}, "filter"),
        ({"filter": "done=maybe"}, "filter"),
        ({"returnPartialSuccess": "perhaps"}, "return_partial_success"),
    ],
)
def test_bad_list_arguments_answer_400_with_a_field_violation(
    client: httpx.Client, gemini: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = client.get("/v1beta/batches", params=params, headers=gemini)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400
    assert error["status"] == "INVALID_ARGUMENT"
    detail = error["details"][0]
    assert detail["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert detail["fieldViolations"][0]["field"] == field


def test_page_size_error_text_is_googles(client: httpx.Client, gemini: dict[str, str]) -> None:
    error = client.get("/v1beta/batches", params={"pageSize": "abc"}, headers=gemini).json()[
        "error"
    ]
    assert error["message"] == "Invalid value at 'page_size' (TYPE_INT32), \"abc\""


def test_a_token_only_works_for_its_own_list_and_filter(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    for i in range(3):
        emulator.create_operation(f"batches/b{i}", duration=None)
        emulator.create_operation(f"models/m/operations/o{i}", duration=None)
    token = client.get("/v1beta/batches", params={"pageSize": 1}, headers=gemini).json()[
        "nextPageToken"
    ]
    other_list = client.get(
        "/v1beta/models/m/operations", params={"pageToken": token}, headers=gemini
    )
    assert other_list.status_code == 400
    other_filter = client.get(
        "/v1beta/batches", params={"pageToken": token, "filter": "done=false"}, headers=gemini
    )
    assert other_filter.status_code == 400


def test_return_partial_success_is_accepted(
    emulator: Emulator, client: httpx.Client, vertex: dict[str, str]
) -> None:
    emulator.create_operation(f"{VERTEX}/operations/1", duration=None)
    response = client.get(
        f"/v1/{VERTEX}/operations", params={"returnPartialSuccess": "true"}, headers=vertex
    )
    assert response.status_code == 200
    assert names(response.json()) == [f"{VERTEX}/operations/1"]
    assert "unreachable" not in response.json()


def test_snake_case_and_unknown_query_parameters(
    emulator: Emulator, client: httpx.Client, gemini: dict[str, str]
) -> None:
    for i in range(3):
        emulator.create_operation(f"batches/b{i}", duration=None)
    snake = client.get("/v1beta/batches", params={"page_size": 1}, headers=gemini).json()
    assert len(snake["operations"]) == 1
    unknown = client.get("/v1beta/batches", params={"pagesize": 1}, headers=gemini)
    assert unknown.status_code == 400
    assert 'Unknown name "pagesize"' in unknown.json()["error"]["message"]
    on_get = client.get("/v1beta/batches/b0", params={"pageSize": 1}, headers=gemini)
    assert on_get.status_code == 400
