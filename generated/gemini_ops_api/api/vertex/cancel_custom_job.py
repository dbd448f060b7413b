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
    custom_job: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/projects/{project}/locations/{location}/customJobs/{custom_job}:cancel".format(
            project=quote(str(project), safe=""),
            location=quote(str(location), safe=""),
            custom_job=quote(str(custom_job), safe=""),
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
    custom_job: str,
    *,
    client: AuthenticatedClient,
) -> Response[Empty | ErrorResponse]:
    """Cancel a Vertex AI customJob.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        custom_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        custom_job=custom_job,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    location: str,
    custom_job: str,
    *,
    client: AuthenticatedClient,
) -> Empty | ErrorResponse | None:
    """Cancel a Vertex AI customJob.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        custom_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Empty | ErrorResponse
    """

    return sync_detailed(
        project=project,
        location=location,
        custom_job=custom_job,
        client=client,
    ).parsed


async def asyncio_detailed(
    project: str,
    location: str,
    custom_job: str,
    *,
    client: AuthenticatedClient,
) -> Response[Empty | ErrorResponse]:
    """Cancel a Vertex AI customJob.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        custom_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Empty | ErrorResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        custom_job=custom_job,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    location: str,
    custom_job: str,
    *,
    client: AuthenticatedClient,
) -> Empty | ErrorResponse | None:
    """Cancel a Vertex AI customJob.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        custom_job (str):

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
            custom_job=custom_job,
            client=client,
        )
    ).parsed
