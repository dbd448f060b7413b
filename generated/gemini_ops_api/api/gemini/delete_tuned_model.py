from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.empty import Empty
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    tuned_model: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/tunedModels/{tuned_model}".format(
            tuned_model=quote(str(tuned_model), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Empty | ErrorResponse:
    if response.status_code == 200:
        response_200 = Empty.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Empty | ErrorResponse]:
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
) -> Response[Empty | ErrorResponse]:
    """Delete a tuned model.

     Served by v1beta. Answers `{}`; the name then answers 404. There is no cancel: a tuning is cancelled
    through its operation.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
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
) -> Empty | ErrorResponse | None:
    """Delete a tuned model.

     Served by v1beta. Answers `{}`; the name then answers 404. There is no cancel: a tuning is cancelled
    through its operation.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return sync_detailed(
        tuned_model=tuned_model,
        client=client,
    ).parsed


async def asyncio_detailed(
    tuned_model: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Empty | ErrorResponse]:
    """Delete a tuned model.

     Served by v1beta. Answers `{}`; the name then answers 404. There is no cancel: a tuning is cancelled
    through its operation.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
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
) -> Empty | ErrorResponse | None:
    """Delete a tuned model.

     Served by v1beta. Answers `{}`; the name then answers 404. There is no cancel: a tuning is cancelled
    through its operation.

    Args:
        tuned_model (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return (
        await asyncio_detailed(
            tuned_model=tuned_model,
            client=client,
        )
    ).parsed
