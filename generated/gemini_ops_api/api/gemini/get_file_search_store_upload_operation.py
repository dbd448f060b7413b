from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.operation import Operation
from ...types import Response


def _get_kwargs(
    file_search_store: str,
    operation: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/fileSearchStores/{file_search_store}/upload/operations/{operation}".format(
            file_search_store=quote(str(file_search_store), safe=""),
            operation=quote(str(operation), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | Operation:
    if response.status_code == 200:
        response_200 = Operation.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | Operation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    file_search_store: str,
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | Operation]:
    """Get a file search store upload operation.

     Served by v1beta and v1. Produced by media.uploadToFileSearchStore. No list, cancel or delete exist
    for it.

    Args:
        file_search_store (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        file_search_store=file_search_store,
        operation=operation,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    file_search_store: str,
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | Operation | None:
    """Get a file search store upload operation.

     Served by v1beta and v1. Produced by media.uploadToFileSearchStore. No list, cancel or delete exist
    for it.

    Args:
        file_search_store (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Operation
    """

    return sync_detailed(
        file_search_store=file_search_store,
        operation=operation,
        client=client,
    ).parsed


async def asyncio_detailed(
    file_search_store: str,
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | Operation]:
    """Get a file search store upload operation.

     Served by v1beta and v1. Produced by media.uploadToFileSearchStore. No list, cancel or delete exist
    for it.

    Args:
        file_search_store (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        file_search_store=file_search_store,
        operation=operation,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    file_search_store: str,
    operation: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | Operation | None:
    """Get a file search store upload operation.

     Served by v1beta and v1. Produced by media.uploadToFileSearchStore. No list, cancel or delete exist
    for it.

    Args:
        file_search_store (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Operation
    """

    return (
        await asyncio_detailed(
            file_search_store=file_search_store,
            operation=operation,
            client=client,
        )
    ).parsed
