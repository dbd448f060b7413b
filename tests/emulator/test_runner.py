"""The runner (`python -m gemini_ops.emulator`), the bare ASGI app, and the pytest plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import gemini_ops
from gemini_ops.emulator import create_app
from gemini_ops.testing import Emulator

# The directory holding the gemini_ops package under test, for child processes.
PACKAGE_ROOT = str(Path(gemini_ops.__file__).resolve().parent.parent)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def runner() -> Iterator[tuple[str, list[str]]]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gemini_ops.emulator", "--port", "0", "--api-key", "k"),
            *("--seed-demo", "--log-level", "warning"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=child_env(),
    )
    assert process.stdout is not None
    try:
        banner = [process.stdout.readline()]
        while not banner[-1].lstrip().startswith("control plane:"):
            banner.append(process.stdout.readline())
            assert len(banner) < 20, banner
        url = banner[0].split(" on ", 1)[1].strip()
        seeded = []
        while len(seeded) < 14:
            seeded.append(process.stdout.readline().split("seeded: ", 1)[1].strip())
        yield url, seeded
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def test_runner_serves_on_loopback_with_the_given_key(runner: tuple[str, list[str]]) -> None:
    url, seeded = runner
    assert url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=url) as client:
        deadline = time.monotonic() + 10
        while True:
            try:
                response = client.get("/v1beta/batches", headers={"x-goog-api-key": "k"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert response.status_code == 200
        batches = [op["name"] for op in response.json()["operations"]]
        assert batches == [name for name in seeded if name.startswith("batches/")]
        assert any("error" in op for op in response.json()["operations"])
        anonymous = client.get("/v1beta/batches")
        assert anonymous.status_code == 403
        assert anonymous.json()["error"]["status"] == "PERMISSION_DENIED"
        veo = client.post(
            "/v1/projects/demo-project/locations/us-central1/publishers/google/models/"
            "veo-3.0-generate-001:fetchPredictOperation",
            headers={"Authorization": "Bearer emulator-vertex-token"},
            json={"operationName": seeded[9]},
        )
        assert veo.status_code == 200
        jobs = client.get(
            "/v1/projects/demo-project/locations/us-central1/batchPredictionJobs",
            headers={"Authorization": "Bearer emulator-vertex-token"},
        )
        assert [job["name"] for job in jobs.json()["batchPredictionJobs"]] == [seeded[10]]
        tuned = client.get(f"/v1beta/{seeded[-1]}", headers={"x-goog-api-key": "k"})
        assert tuned.json()["state"] == "CREATING"


def test_runner_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gemini_ops.emulator", "--help"],
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
    )
    assert "--seed-demo" in result.stdout


@pytest.mark.anyio
async def test_the_bare_app_under_asgi_transport() -> None:
    app = create_app(api_key="k")
    app.state.create("batches/a", duration=None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        response = await client.get("/v1beta/batches/a", headers={"x-goog-api-key": "k"})
        assert response.status_code == 200
        assert response.json()["name"] == "batches/a"
        assert response.json()["metadata"]["state"] == "BATCH_STATE_PENDING"
        app.state.add_fault({"path": "batches", "drop": True})
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/v1beta/batches/a", headers={"x-goog-api-key": "k"})


def test_emulator_starts_and_stops_fast() -> None:
    started = time.monotonic()
    emu = Emulator().start()
    assert time.monotonic() - started < 1
    assert emu.url == f"http://127.0.0.1:{emu.port}"
    with httpx.Client(base_url=emu.url) as client:
        assert client.get("/v1beta/batches").status_code == 403
        stopping = time.monotonic()
        emu.stop()
        assert time.monotonic() - stopping < 1
    with pytest.raises(RuntimeError):
        _ = emu.url
    # It can start again, on a new port.
    with emu, httpx.Client(base_url=emu.url) as client:
        assert client.get("/v1beta/batches").status_code == 403


def test_pytest_plugin(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["gemini_ops.testing"]\n')
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import httpx

            def test_one(emulator):
                emulator.create_operation("batches/mine", duration=0)
                with httpx.Client(base_url=emulator.url) as client:
                    response = client.get(
                        "/v1beta/batches/mine", headers={"x-goog-api-key": emulator.api_key}
                    )
                assert response.json()["done"] is True

            def test_two_starts_clean(emulator):
                assert emulator.requests() == []
                assert emulator.state.operations() == []
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
