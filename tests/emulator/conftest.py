from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

# `emulator` is the fixture of the shipped plugin (loaded in tests/conftest.py).
from gemini_ops.testing import Emulator

VERTEX = "projects/p1/locations/us-central1"


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=10) as c:
        yield c


@pytest.fixture
def gemini(emulator: Emulator) -> dict[str, str]:
    return {"x-goog-api-key": emulator.api_key}


@pytest.fixture
def vertex(emulator: Emulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.vertex_token}"}
