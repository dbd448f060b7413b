"""Contract test: every endpoint of openapi/operations.yaml, driven by schemathesis.

The spec's servers are Google's; each case is sent to the emulator instead, Gemini operations under
both `/v1beta` and `/v1`, Vertex AI operations under both `/v1` and `/v1beta1`. Responses must match
the spec's schemas and declared statuses, and never be a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from gemini_ops.testing import Emulator

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "operations.yaml"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_path(SPEC)
gemini = schema.include(tag="gemini")
vertex = schema.include(tag="vertex")

# A few operations with ids that generated cases can hit: single-character ids are common draws.
SEEDED = [
    "batches/a",
    "batches/0",
    "tunedModels/a/operations/a",
    "models/a/operations/a",
    "corpora/a/operations/a",
    "generatedFiles/a/operations/a",
    "fileSearchStores/a/operations/a",
    "fileSearchStores/a/upload/operations/a",
    "operations/a",
    "projects/a/locations/a/operations/a",
    "projects/a/locations/a/endpoints/a/operations/a",
    "projects/a/locations/a/ragEngineConfig/operations/a",
    "projects/a/locations/a/ragCorpora/a/ragFiles/a/operations/a",
    "projects/a/locations/a/tensorboards/a/experiments/a/runs/a/operations/a",
    "projects/a/locations/a/tensorboards/a/experiments/a/runs/a/timeSeries/a/operations/a",
    "projects/a/locations/a/tuningJobs/a/operations/a",
    "projects/a/locations/a/publishers/a/models/a/operations/a",
]

HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as running:
        for index, name in enumerate(SEEDED):
            running.create_operation(name, duration=None if index % 2 else 0)
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def _check_gemini(case: schemathesis.Case, emu: Emulator, session: requests.Session) -> None:
    headers = {"x-goog-api-key": emu.api_key}
    for version in ("v1beta", "v1"):
        case.call_and_validate(
            base_url=f"{emu.url}/{version}", session=session, headers=headers, checks=CHECKS
        )


def _check_vertex(case: schemathesis.Case, emu: Emulator, session: requests.Session) -> None:
    headers = {"Authorization": f"Bearer {emu.vertex_token}"}
    for version in ("v1", "v1beta1"):
        case.call_and_validate(
            base_url=f"{emu.url}/{version}", session=session, headers=headers, checks=CHECKS
        )


@gemini.parametrize()
@HYPOTHESIS
def test_gemini_contract(case: schemathesis.Case, emu: Emulator, session: requests.Session) -> None:
    _check_gemini(case, emu, session)


@vertex.parametrize()
@HYPOTHESIS
def test_vertex_contract(case: schemathesis.Case, emu: Emulator, session: requests.Session) -> None:
    _check_vertex(case, emu, session)
