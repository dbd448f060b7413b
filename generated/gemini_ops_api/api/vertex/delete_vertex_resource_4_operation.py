from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.empty import Empty
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    project: str,
    location: str,
    collection: str,
    resource: str,
    collection2: str,
    resource2: str,
    collection3: str,
    resource3: str,
    collection4: str,
    resource4: str,
    operation: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/projects/{project}/locations/{location}/{collection}/{resource}/{collection2}/{resource2}/{collection3}/{resource3}/{collection4}/{resource4}/operations/{operation}".format(
            project=quote(str(project), safe=""),
            location=quote(str(location), safe=""),
            collection=quote(str(collection), safe=""),
            resource=quote(str(resource), safe=""),
            collection2=quote(str(collection2), safe=""),
            resource2=quote(str(resource2), safe=""),
            collection3=quote(str(collection3), safe=""),
            resource3=quote(str(resource3), safe=""),
            collection4=quote(str(collection4), safe=""),
            resource4=quote(str(resource4), safe=""),
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
    project: str,
    location: str,
    collection: str,
    resource: str,
    collection2: str,
    resource2: str,
    collection3: str,
    resource3: str,
    collection4: str,
    resource4: str,
    operation: str,
    *,
    client: AuthenticatedClient,
) -> Response[Empty | ErrorResponse]:
    """Delete an operation of a Vertex AI resource (VertexResource4) (does not cancel).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        collection (str):
        resource (str):
        collection2 (str):
        resource2 (str):
        collection3 (str):
        resource3 (str):
        collection4 (str):
        resource4 (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        collection=collection,
        resource=resource,
        collection2=collection2,
        resource2=resource2,
        collection3=collection3,
        resource3=resource3,
        collection4=collection4,
        resource4=resource4,
        operation=operation,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    location: str,
    collection: str,
    resource: str,
    collection2: str,
    resource2: str,
    collection3: str,
    resource3: str,
    collection4: str,
    resource4: str,
    operation: str,
    *,
    client: AuthenticatedClient,
) -> Empty | ErrorResponse | None:
    """Delete an operation of a Vertex AI resource (VertexResource4) (does not cancel).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        collection (str):
        resource (str):
        collection2 (str):
        resource2 (str):
        collection3 (str):
        resource3 (str):
        collection4 (str):
        resource4 (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return sync_detailed(
        project=project,
        location=location,
        collection=collection,
        resource=resource,
        collection2=collection2,
        resource2=resource2,
        collection3=collection3,
        resource3=resource3,
        collection4=collection4,
        resource4=resource4,
        operation=operation,
        client=client,
    ).parsed


async def asyncio_detailed(
    project: str,
    location: str,
    collection: str,
    resource: str,
    collection2: str,
    resource2: str,
    collection3: str,
    resource3: str,
    collection4: str,
    resource4: str,
    operation: str,
    *,
    client: AuthenticatedClient,
) -> Response[Empty | ErrorResponse]:
    """Delete an operation of a Vertex AI resource (VertexResource4) (does not cancel).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        collection (str):
        resource (str):
        collection2 (str):
        resource2 (str):
        collection3 (str):
        resource3 (str):
        collection4 (str):
        resource4 (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        collection=collection,
        resource=resource,
        collection2=collection2,
        resource2=resource2,
        collection3=collection3,
        resource3=resource3,
        collection4=collection4,
        resource4=resource4,
        operation=operation,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    location: str,
    collection: str,
    resource: str,
    collection2: str,
    resource2: str,
    collection3: str,
    resource3: str,
    collection4: str,
    resource4: str,
    operation: str,
    *,
    client: AuthenticatedClient,
) -> Empty | ErrorResponse | None:
    """Delete an operation of a Vertex AI resource (VertexResource4) (does not cancel).

     Served for the parents listed in docs/vertex-routes.md, with the methods listed there.

    Args:
        project (str):
        location (str):
        collection (str):
        resource (str):
        collection2 (str):
        resource2 (str):
        collection3 (str):
        resource3 (str):
        collection4 (str):
        resource4 (str):
        operation (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return (
        await asyncio_detailed(
            project=project,
            location=location,
            collection=collection,
            resource=resource,
            collection2=collection2,
            resource2=resource2,
            collection3=collection3,
            resource3=resource3,
            collection4=collection4,
            resource4=resource4,
            operation=operation,
            client=client,
        )
    ).parsed
