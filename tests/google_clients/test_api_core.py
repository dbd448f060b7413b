"""google-api-core's REST operations client, strict protobuf parsing and all, against the emulator.

The client is Google's own (`operations_v1.AbstractOperationsClient` over
`OperationsRestTransport`, which parses every answer into `google.longrunning.Operation` and
fails on unknown fields), pointed at the emulator over loopback with a bearer token that only the
emulator accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.api_core import exceptions, operation
from google.api_core.operations_v1 import AbstractOperationsClient
from google.api_core.operations_v1.transports.rest import OperationsRestTransport
from google.cloud import aiplatform_v1, aiplatform_v1beta1
from google.oauth2.credentials import Credentials
from google.protobuf import empty_pb2

from gemini_ops.testing import Emulator

PARENT = "projects/p1/locations/us-central1"


@pytest.fixture(params=["v1", "v1beta1"])
def ops(emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[AbstractOperationsClient]:
    credentials = Credentials(token=emulator.vertex_token)
    # The scheme goes in `host`: this transport does not pass its `url_scheme` on.
    transport = OperationsRestTransport(
        host=emulator.url, credentials=credentials, path_prefix=request.param
    )
    yield AbstractOperationsClient(transport=transport)
    # The transport's own close() is not implemented; its requests session is.
    transport._session.close()


def test_get_list_cancel_delete(emulator: Emulator, ops: AbstractOperationsClient) -> None:
    running = f"{PARENT}/endpoints/e1/operations/1"
    done = f"{PARENT}/endpoints/e1/operations/2"
    emulator.create_operation(running, duration=None)
    emulator.create_operation(done, duration=0)

    got = ops.get_operation(running)
    assert got.name == running
    assert not got.done
    # The client resolved the metadata's @type through aiplatform's registered types.
    types = aiplatform_v1 if "aiplatform.v1." in got.metadata.type_url else aiplatform_v1beta1
    assert got.metadata.type_url.endswith(".DeployModelOperationMetadata")
    meta = types.DeployModelOperationMetadata.deserialize(got.metadata.value)
    assert meta.generic_metadata.create_time

    listed = list(ops.list_operations(f"{PARENT}/endpoints/e1", filter_="", page_size=1))
    assert [o.name for o in listed] == [running, done]  # two pages of one, oldest first

    ops.cancel_operation(running)
    cancelled = ops.get_operation(running)
    assert cancelled.done
    assert cancelled.error.code == 1

    ops.delete_operation(done)
    with pytest.raises(exceptions.NotFound):
        ops.get_operation(done)


def test_operation_future_result(emulator: Emulator, ops: AbstractOperationsClient) -> None:
    name = f"{PARENT}/ragCorpora/c1/operations/3"
    emulator.create_operation(name, duration=0.3)
    future = operation.from_gapic(
        ops.get_operation(name), ops, empty_pb2.Empty, metadata_type=empty_pb2.Empty
    )
    assert future.result(timeout=30) == empty_pb2.Empty()
    assert future.done()


def test_operation_future_failure(emulator: Emulator, ops: AbstractOperationsClient) -> None:
    name = f"{PARENT}/operations/4"
    emulator.create_operation(name, duration=0.1, error={"code": 13, "message": "boom"})
    future = operation.from_gapic(ops.get_operation(name), ops, empty_pb2.Empty)
    with pytest.raises(exceptions.InternalServerError, match="boom"):
        future.result(timeout=30)
