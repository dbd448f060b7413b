"""The peer SDKs, when installed (the ``bench`` dependency group): google-genai."""

from __future__ import annotations

from typing import Any

from benchmarks._harness import API_KEY


def genai_missing() -> str:
    return "google-genai is not installed: peer rows skipped (install the bench group)"


def genai_available() -> bool:
    try:
        import google.genai  # noqa: F401
    except ImportError:
        return False
    return True


def genai_client(url: str) -> Any:
    """A google-genai client pointed at the emulator, or None when google-genai is missing."""
    if not genai_available():
        return None
    from google import genai
    from google.genai import types

    return genai.Client(
        api_key=API_KEY, http_options=types.HttpOptions(base_url=url, api_version="v1beta")
    )


def genai_version() -> str | None:
    if not genai_available():
        return None
    import google.genai

    return str(google.genai.__version__)
