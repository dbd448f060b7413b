from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.empty import Empty
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    operation: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/operations/{operation}".format(
            operation=quote(str(operation), safe=""),
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
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Empty | ErrorResponse]:
    """Delete a top-level operation.

     Served by v1 only, as `DELETE /v1/{name=operations/**}`: the name may have several segments below
    `operations/`, sent with their slashes. There is no get for top-level operations.

    Args:
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        operation=operation,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Empty | ErrorResponse | None:
    """Delete a top-level operation.

     Served by v1 only, as `DELETE /v1/{name=operations/**}`: the name may have several segments below
    `operations/`, sent with their slashes. There is no get for top-level operations.

    Args:
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return sync_detailed(
        operation=operation,
        client=client,
    ).parsed


async def asyncio_detailed(
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Empty | ErrorResponse]:
    """Delete a top-level operation.

     Served by v1 only, as `DELETE /v1/{name=operations/**}`: the name may have several segments below
    `operations/`, sent with their slashes. There is no get for top-level operations.

    Args:
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        operation=operation,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Empty | ErrorResponse | None:
    """Delete a top-level operation.

     Served by v1 only, as `DELETE /v1/{name=operations/**}`: the name may have several segments below
    `operations/`, sent with their slashes. There is no get for top-level operations.

    Args:
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return (
        await asyncio_detailed(
            operation=operation,
            client=client,
        )
    ).parsed
