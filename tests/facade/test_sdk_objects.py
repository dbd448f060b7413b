"""google-genai's own objects go straight into get, wait and wait_many; others: TypeError."""

from __future__ import annotations

import pytest
from dual import Api
from google import genai
from google.genai import types

from gemini_ops import Operation
from gemini_ops.testing import Emulator

pytestmark = pytest.mark.anyio

VIDEO = "models/veo-3.0-generate-001/operations/sdk-video"
BATCH = "batches/sdk-batch"


def sdk_client(emu: Emulator) -> genai.Client:
    return genai.Client(
        api_key=emu.api_key,
        http_options=types.HttpOptions(base_url=emu.url, api_version="v1beta"),
    )


async def test_google_genai_objects_are_accepted_as_operations(gemini: Api, emu: Emulator) -> None:
    emu.create_operation(VIDEO, duration=0.3)
    emu.create_operation(BATCH, duration=0.3)
    client = sdk_client(emu)
    video_op = client.operations.get(types.GenerateVideosOperation(name=VIDEO))
    batch_job = client.batches.get(name=BATCH)
    assert isinstance(video_op, types.GenerateVideosOperation)
    assert isinstance(batch_job, types.BatchJob)

    current = await gemini("get", video_op)
    assert current.name == VIDEO
    assert (await gemini("get", batch_job)).name == BATCH

    finished = await gemini("wait", video_op, poll_interval=0.05, timeout=10)
    assert finished.succeeded
    assert finished.videos()[0].uri

    done = await gemini.collect("wait_many", [batch_job, video_op], poll_interval=0.05, timeout=10)
    assert sorted(op.name for op in done) == [BATCH, VIDEO]
    assert all(isinstance(op, Operation) and op.done for op in done)


class Unnamed:
    name = None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (42, "got int"),
        (Unnamed(), "got a Unnamed whose name is None"),
        (types.BatchJob(), "got a BatchJob whose name is None"),
    ],
)
async def test_objects_without_a_string_name_raise_a_short_type_error(
    gemini: Api, emu: Emulator, value: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message) as caught:
        await gemini("get", value)
    assert len(str(caught.value)) < 120
    assert emu.requests() == []
