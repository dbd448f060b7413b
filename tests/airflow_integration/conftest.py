"""Fixtures for the Airflow tests, run in .venv-airflow (see scripts/check.sh).

Airflow's home, configuration and SQLite database live in a temporary directory made before
Airflow is first imported; connections come from ``AIRFLOW_CONN_*`` variables pointing at the
emulator. Nothing leaves loopback.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="gemini-ops-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).parent / "dags")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_HOME / 'airflow.db'}"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"

from gemini_ops.testing import Emulator  # noqa: E402

API_KEY_SECRET = "airflow-test-api-key-3d9f"
VERTEX_TOKEN_SECRET = "airflow-test-vertex-token-7c1e"
PRIVATE_KEY_ID = "airflow-test-private-key-id-55a0"
SECRETS = (API_KEY_SECRET, VERTEX_TOKEN_SECRET, PRIVATE_KEY_ID, "PRIVATE KEY")


def pytest_configure(config: pytest.Config) -> None:
    """Airflow's in-process API server imports starlette's test client, which warns on import."""
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    """The session's emulator takes credentials nothing else uses (to search for leaks)."""
    return {"api_key": API_KEY_SECRET, "vertex_token": VERTEX_TOKEN_SECRET}


class _TokenHandler(BaseHTTPRequestHandler):
    """An OAuth token endpoint: any grant gets the emulator's bearer token."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps(
            {"access_token": VERTEX_TOKEN_SECRET, "expires_in": 3600, "token_type": "Bearer"}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.grants += 1  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def token_server() -> Iterator[ThreadingHTTPServer]:
    """A loopback OAuth token endpoint for the Vertex AI credentials files."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenHandler)
    server.grants = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    """A fresh RSA key for the test service account (signs its token requests)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def key_file(tmp_path: Path, token_server: ThreadingHTTPServer, private_key_pem: str) -> Path:
    """A service account key file whose token endpoint is `token_server`."""
    port = token_server.server_address[1]
    path = tmp_path / "credentials.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "p1",
                "private_key_id": PRIVATE_KEY_ID,
                "private_key": private_key_pem,
                "client_email": "airflow-test@p1.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": f"http://127.0.0.1:{port}/token",
            }
        )
    )
    return path


def set_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: Any) -> None:
    """Define an Airflow connection of type gemini_ops through its environment variable."""
    extra = fields.pop("extra", None)
    conn: dict[str, Any] = {"conn_type": "gemini_ops", **fields}
    if extra is not None:
        conn["extra"] = extra
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))


@pytest.fixture
def api_key_conn(monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> str:
    """The default connection: the emulator's API key, its URL as host."""
    set_connection(monkeypatch, "gemini_ops_default", host=emulator.url, password=emulator.api_key)
    return "gemini_ops_default"


@pytest.fixture
def vertex_key_file_conn(
    monkeypatch: pytest.MonkeyPatch,
    emulator: Emulator,
    key_file: Path,
) -> str:
    """A Vertex AI connection with a credentials file."""
    set_connection(
        monkeypatch,
        "gemini_vertex_file",
        host=emulator.url,
        extra={
            "vertex_ai": True,
            "project": "p1",
            "location": "us-central1",
            "key_path": str(key_file),
        },
    )
    return "gemini_vertex_file"


@pytest.fixture
def vertex_adc_conn(
    monkeypatch: pytest.MonkeyPatch,
    emulator: Emulator,
    key_file: Path,
) -> str:
    """A Vertex AI connection with Application Default Credentials (from the environment)."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    set_connection(
        monkeypatch,
        "gemini_vertex_adc",
        host=emulator.url,
        extra={"vertex_ai": True, "project": "p1", "location": "us-central1"},
    )
    return "gemini_vertex_adc"
