from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.operation import Operation
from ...types import Response


def _get_kwargs(
    project: str,
    location: str,
    hyperparameter_tuning_job: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/projects/{project}/locations/{location}/hyperparameterTuningJobs/{hyperparameter_tuning_job}".format(
            project=quote(str(project), safe=""),
            location=quote(str(location), safe=""),
            hyperparameter_tuning_job=quote(str(hyperparameter_tuning_job), safe=""),
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
    project: str,
    location: str,
    hyperparameter_tuning_job: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | Operation]:
    """Delete a Vertex AI hyperparameterTuningJob (answers the operation deleting it).

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        hyperparameter_tuning_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        hyperparameter_tuning_job=hyperparameter_tuning_job,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    location: str,
    hyperparameter_tuning_job: str,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | Operation | None:
    """Delete a Vertex AI hyperparameterTuningJob (answers the operation deleting it).

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        hyperparameter_tuning_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Operation
    """

    return sync_detailed(
        project=project,
        location=location,
        hyperparameter_tuning_job=hyperparameter_tuning_job,
        client=client,
    ).parsed


async def asyncio_detailed(
    project: str,
    location: str,
    hyperparameter_tuning_job: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | Operation]:
    """Delete a Vertex AI hyperparameterTuningJob (answers the operation deleting it).

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        hyperparameter_tuning_job (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Operation]
    """

    kwargs = _get_kwargs(
        project=project,
        location=location,
        hyperparameter_tuning_job=hyperparameter_tuning_job,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    location: str,
    hyperparameter_tuning_job: str,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | Operation | None:
    """Delete a Vertex AI hyperparameterTuningJob (answers the operation deleting it).

     Served with the methods and versions listed in docs/vertex-routes.md.

    Args:
        project (str):
        location (str):
        hyperparameter_tuning_job (str):

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
            hyperparameter_tuning_job=hyperparameter_tuning_job,
            client=client,
        )
    ).parsed
