from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_hyperparameter_tuning_jobs_response import ListHyperparameterTuningJobsResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    location: str,
    *,
    filter_: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    read_mask: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["filter"] = filter_

    params["pageSize"] = page_size

    params["pageToken"] = page_token

    params["readMask"] = read_mask

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/projects/{project}/locations/{location}/hyperparameterTuningJobs".format(
            project=quote(str(project), safe=""),
            location=quote(str(location), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ListHyperparameterTuningJobsResponse:
    if response.status_code == 200:
        response_200 = ListHyperparameterTuningJobsResponse.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ListHyperparameterTuningJobsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    location: str,
    *,
    client: AuthenticatedClient,
    filter_: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    read_mask: str | Unset = UNSET,
) -> Response[ErrorResponse | ListHyperparameterTuningJobsResponse]:
    """List the hyperparameterTuningJobs.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        filter_ (str | Unset):
        page_size (int | Unset):
        page_token (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListHyperparameterTuningJobsResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        filter_=filter_,
        page_size=page_size,
        page_token=page_token,
        read_mask=read_mask,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    location: str,
    *,
    client: AuthenticatedClient,
    filter_: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    read_mask: str | Unset = UNSET,
) -> ErrorResponse | ListHyperparameterTuningJobsResponse | None:
    """List the hyperparameterTuningJobs.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        filter_ (str | Unset):
        page_size (int | Unset):
        page_token (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListHyperparameterTuningJobsResponse
    """

    return sync_detailed(
        project=project,
        location=location,
        client=client,
        filter_=filter_,
        page_size=page_size,
        page_token=page_token,
        read_mask=read_mask,
    ).parsed


async def asyncio_detailed(
    project: str,
    location: str,
    *,
    client: AuthenticatedClient,
    filter_: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    read_mask: str | Unset = UNSET,
) -> Response[ErrorResponse | ListHyperparameterTuningJobsResponse]:
    """List the hyperparameterTuningJobs.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        filter_ (str | Unset):
        page_size (int | Unset):
        page_token (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListHyperparameterTuningJobsResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        filter_=filter_,
        page_size=page_size,
        page_token=page_token,
        read_mask=read_mask,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    location: str,
    *,
    client: AuthenticatedClient,
    filter_: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    read_mask: str | Unset = UNSET,
) -> ErrorResponse | ListHyperparameterTuningJobsResponse | None:
    """List the hyperparameterTuningJobs.

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        filter_ (str | Unset):
        page_size (int | Unset):
        page_token (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListHyperparameterTuningJobsResponse
    """

    return (
        await asyncio_detailed(
            project=project,
            location=location,
            client=client,
            filter_=filter_,
            page_size=page_size,
            page_token=page_token,
            read_mask=read_mask,
        )
    ).parsed
