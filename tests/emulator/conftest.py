from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

# The fixtures users get from `pytest_plugins = ["gemini_ops.testing"]`.
from gemini_ops.testing import Emulator, _gemini_ops_emulator_server, emulator  # noqa: F401

VERTEX = "projects/p1/locations/us-central1"


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:  # noqa: F811
    with httpx.Client(base_url=emulator.url, timeout=10) as c:
        yield c


@pytest.fixture
def gemini(emulator: Emulator) -> dict[str, str]:  # noqa: F811
    return {"x-goog-api-key": emulator.api_key}


@pytest.fixture
def vertex(emulator: Emulator) -> dict[str, str]:  # noqa: F811
    return {"Authorization": f"Bearer {emulator.vertex_token}"}
