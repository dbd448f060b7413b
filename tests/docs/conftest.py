"""What the documentation tests share: a user's environment pointed at an emulator.

The pages' code runs as written; only where it goes and with which credentials change, through
the variables a user sets: ``GEMINI_API_KEY`` and ``GEMINI_OPS_BASE_URL`` (gemini-ops sends every
request to that host), ``GEMINI_OPS_ACCESS_TOKEN`` for the command line's Vertex AI calls, and
``GOOGLE_APPLICATION_CREDENTIALS`` naming a service account key file whose token endpoint
(``token_uri``) is a local server handing out the emulator's bearer token (Application Default
Credentials; google-auth pins the endpoint of ``gcloud``'s user credentials to Google's). A dead
proxy for every other host makes anything that would still go to Google fail instead of leaving
loopback.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN

# Variables of the test run that would change what the documented code does.
DROPPED = (
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GEMINI_OPS_BASE_URL",
    "GEMINI_OPS_ACCESS_TOKEN",
    "FORCE_COLOR",
    "NO_COLOR",
    "COLUMNS",
)


class _TokenHandler(BaseHTTPRequestHandler):
    """An OAuth token endpoint: every refresh grant gets the emulator's bearer token."""

    token = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"access_token": self.token, "expires_in": 3600, "token_type": "Bearer"})
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def token_url() -> Iterator[str]:
    """A token endpoint on loopback that grants the default emulator token."""
    handler = type("Handler", (_TokenHandler,), {"token": DEFAULT_VERTEX_TOKEN})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    thread.join()
    server.server_close()


@functools.cache
def _private_key_pem() -> str:
    """A throwaway RSA key for the service account file (google-auth signs its grant with it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def user_environment(base_url: str, token_url: str, home: Path) -> dict[str, str]:
    """The environment of a user who followed the docs, pointed at the emulator at ``base_url``."""
    adc = home / "service-account.json"
    adc.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "my-project",
                "private_key_id": "docs-test-key",
                "private_key": _private_key_pem(),
                "client_email": "docs-test@my-project.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_url,
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return {
        **env,
        "HOME": str(home),
        "GEMINI_API_KEY": DEFAULT_API_KEY,
        "GEMINI_OPS_BASE_URL": base_url,
        "GEMINI_OPS_ACCESS_TOKEN": DEFAULT_VERTEX_TOKEN,
        "GOOGLE_APPLICATION_CREDENTIALS": str(adc),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }
