from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.operation import Operation
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    location: str,
    operation: str,
    *,
    timeout: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["timeout"] = timeout

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/projects/{project}/locations/{location}/operations/{operation}:wait".format(
            project=quote(str(project), safe=""),
            location=quote(str(location), safe=""),
            operation=quote(str(operation), safe=""),
        ),
        "params": params,
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
    project: str,
    location: str,
    operation: str,
    *,
    client: AuthenticatedClient,
    timeout: str | Unset = UNSET,
) -> Response[ErrorResponse | Operation]:
    """Wait for an operation of a Vertex AI location (the answer may not be done).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        operation (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        operation=operation,
        timeout=timeout,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    location: str,
    operation: str,
    *,
    client: AuthenticatedClient,
    timeout: str | Unset = UNSET,
) -> ErrorResponse | Operation | None:
    """Wait for an operation of a Vertex AI location (the answer may not be done).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        operation (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Operation
    """

    return sync_detailed(
        project=project,
        location=location,
        operation=operation,
        client=client,
        timeout=timeout,
    ).parsed


async def asyncio_detailed(
    project: str,
    location: str,
    operation: str,
    *,
    client: AuthenticatedClient,
    timeout: str | Unset = UNSET,
) -> Response[ErrorResponse | Operation]:
    """Wait for an operation of a Vertex AI location (the answer may not be done).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        operation (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        operation=operation,
        timeout=timeout,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    location: str,
    operation: str,
    *,
    client: AuthenticatedClient,
    timeout: str | Unset = UNSET,
) -> ErrorResponse | Operation | None:
    """Wait for an operation of a Vertex AI location (the answer may not be done).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        operation (str):
        timeout (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Operation
    """

    return (
        await asyncio_detailed(
            project=project,
            location=location,
            operation=operation,
            client=client,
            timeout=timeout,
        )
    ).parsed
