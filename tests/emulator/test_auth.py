"""Auth answers as Google gives them: Gemini API keys, Vertex AI bearer tokens."""

from __future__ import annotations

import httpx
import pytest

from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"
MISSING = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


def reasons(response: httpx.Response) -> list[str]:
    return [d["reason"] for d in response.json()["error"]["details"] if "reason" in d]


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_gemini_without_credentials_is_403_permission_denied(
    client: httpx.Client, version: str
) -> None:
    response = client.get(f"/{version}/batches")
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": 403,
            "message": "Method doesn't allow unregistered callers (callers without established "
            "identity). Please use API Key or other form of API consumer identity to call "
            "this API.",
            "status": "PERMISSION_DENIED",
        }
    }
    assert "www-authenticate" not in response.headers


def test_gemini_with_a_wrong_key_is_400_api_key_invalid(client: httpx.Client) -> None:
    response = client.get("/v1beta/batches", headers={"x-goog-api-key": "wrong"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert reasons(response) == ["API_KEY_INVALID"]
    assert error["details"][0]["metadata"] == {"service": "generativelanguage.googleapis.com"}


def test_gemini_accepts_the_key_in_the_query_and_a_bearer_token(
    emulator: Emulator, client: httpx.Client
) -> None:
    assert client.get("/v1beta/batches", params={"key": emulator.api_key}).status_code == 200
    bearer = {"Authorization": f"Bearer {emulator.vertex_token}"}
    assert client.get("/v1/batches", headers=bearer).status_code == 200
    wrong = client.get("/v1/batches", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_vertex_without_credentials_is_401(client: httpx.Client) -> None:
    response = client.get(f"/v1/{VERTEX}/operations")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == MISSING
    assert reasons(response) == ["CREDENTIALS_MISSING"]
    assert response.json()["error"]["details"][0]["metadata"]["service"] == (
        "aiplatform.googleapis.com"
    )


def test_vertex_with_a_wrong_token_is_401(client: httpx.Client) -> None:
    response = client.get(f"/v1/{VERTEX}/operations", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"].startswith("Request had invalid authentication credentials.")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_vertex_does_not_take_api_keys(emulator: Emulator, client: httpx.Client) -> None:
    response = client.get(f"/v1/{VERTEX}/operations", headers={"x-goog-api-key": emulator.api_key})
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("API keys are not supported")


def test_vertex_with_user_project_and_access_token_query(
    emulator: Emulator, client: httpx.Client
) -> None:
    headers = {
        "Authorization": f"Bearer {emulator.vertex_token}",
        "x-goog-user-project": "billing-project",
    }
    assert client.get(f"/v1/{VERTEX}/operations", headers=headers).status_code == 200
    query = {"access_token": emulator.vertex_token}
    assert client.get(f"/v1/{VERTEX}/operations", params=query).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1beta/batches/x"),
        ("POST", "/v1beta/batches/x:cancel"),
        ("DELETE", "/v1beta/batches/x"),
        ("POST", f"/v1/{VERTEX}/operations/x:wait"),
        ("POST", f"/v1/{VERTEX}/publishers/google/models/m:fetchPredictOperation"),
    ],
)
def test_auth_comes_before_existence(client: httpx.Client, method: str, path: str) -> None:
    expected = 401 if path.startswith("/v1/projects/") else 403
    assert client.request(method, path).status_code == expected


def test_custom_credentials() -> None:
    with (
        Emulator(api_key="k", vertex_token="t") as emu,
        httpx.Client(base_url=emu.url) as client,
    ):
        assert emu.api_key == "k"
        assert emu.vertex_token == "t"
        assert client.get("/v1beta/batches", headers={"x-goog-api-key": "k"}).status_code == 200
        vertex = client.get(f"/v1/{VERTEX}/operations", headers={"Authorization": "Bearer t"})
        assert vertex.status_code == 200
