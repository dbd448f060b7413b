from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.tuned_model import TunedModel
from ...types import Response


def _get_kwargs(
    tuned_model: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tunedModels/{tuned_model}".format(
            tuned_model=quote(str(tuned_model), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | TunedModel:
    if response.status_code == 200:
        response_200 = TunedModel.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | TunedModel]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    tuned_model: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | TunedModel]:
    """Get a tuned model (a job with a `state`, not an operation).

     Served by v1beta. `state` is CREATING while tuning, then ACTIVE or FAILED.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TunedModel]
    """

    kwargs = _get_kwargs(
        tuned_model=tuned_model,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tuned_model: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | TunedModel | None:
    """Get a tuned model (a job with a `state`, not an operation).

     Served by v1beta. `state` is CREATING while tuning, then ACTIVE or FAILED.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TunedModel
    """

    return sync_detailed(
        tuned_model=tuned_model,
        client=client,
    ).parsed


async def asyncio_detailed(
    tuned_model: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | TunedModel]:
    """Get a tuned model (a job with a `state`, not an operation).

     Served by v1beta. `state` is CREATING while tuning, then ACTIVE or FAILED.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TunedModel]
    """

    kwargs = _get_kwargs(
        tuned_model=tuned_model,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tuned_model: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | TunedModel | None:
    """Get a tuned model (a job with a `state`, not an operation).

     Served by v1beta. `state` is CREATING while tuning, then ACTIVE or FAILED.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TunedModel
    """

    return (
        await asyncio_detailed(
            tuned_model=tuned_model,
            client=client,
        )
    ).parsed
