"""Client settings from arguments and the environment, the way google-genai reads them.

Environment variables (an argument always wins); the rules are tabled in docs/configuration.md:

- ``GOOGLE_API_KEY``, then ``GEMINI_API_KEY``: the API key (both set: GOOGLE_API_KEY, and a
  warning).
- ``GOOGLE_GENAI_USE_VERTEXAI`` (``true``/``1``/``yes``): use Vertex AI by default.
- ``GOOGLE_CLOUD_PROJECT``, ``GOOGLE_CLOUD_LOCATION``: the Vertex AI project and location
  (location ``global`` when Vertex AI is on and none is given).
- Vertex AI express mode: Vertex AI on with an API key and no credentials sends the key.
- ``GEMINI_OPS_BASE_URL``: send every request to this host instead of Google's (the emulator).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import attrs

from gemini_ops._core.names import LOCATION_RULE, Backend, is_vertex_location
from gemini_ops._core.validate import check_api_key, check_count, check_seconds

_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d*)?")
GEMINI_HOST = "https://generativelanguage.googleapis.com"
DEFAULT_VERSIONS: Mapping[Backend, str] = {"gemini": "v1beta", "vertex_ai": "v1"}
KNOWN_VERSIONS: Mapping[Backend, tuple[str, ...]] = {
    "gemini": ("v1beta", "v1"),
    "vertex_ai": ("v1", "v1beta1"),
}
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 3


def check_location(location: object) -> str:
    """``location`` if Google names it for Vertex AI (`is_vertex_location`); else ValueError."""
    if not isinstance(location, str) or not is_vertex_location(location):
        raise ValueError(
            f"location must be a Vertex AI location, got {location!r:.80}: {LOCATION_RULE}"
        )
    return location


def vertex_host(location: str) -> str:
    """The Vertex AI host serving ``location`` (global, the us/eu multi-regions, or a region).

    Raises ValueError for a location Google does not name (`is_vertex_location`), so that no
    location can pick another host.
    """
    check_location(location)
    if location == "global":
        return "https://aiplatform.googleapis.com"
    if location in ("us", "eu"):
        return f"https://aiplatform.{location}.rep.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def check_backend(auth: object) -> Backend:
    """Validate an ``auth=`` choice; raises ValueError naming the option."""
    if auth == "gemini":
        return "gemini"
    if auth == "vertex_ai":
        return "vertex_ai"
    raise ValueError(f"auth must be 'gemini' or 'vertex_ai', got {auth!r}")


@attrs.frozen
class Settings:
    """Resolved client settings. Secrets never appear in the ``repr``."""

    api_key: str | None = attrs.field(repr=lambda v: "None" if v is None else "'***'")
    vertex_ai: bool
    project: str | None
    location: str | None
    credentials: Any = attrs.field(repr=lambda v: "None" if v is None else type(v).__name__)
    base_url: str | None
    api_version: str | None
    timeout: float | None
    max_retries: int
    #: The API key of Vertex AI express mode, used instead of Google credentials on Vertex AI.
    vertex_api_key: str | None = attrs.field(
        default=None, repr=lambda v: "None" if v is None else "'***'"
    )
    #: Warnings about the configuration (the client logs them), as google-genai gives them.
    notes: tuple[str, ...] = ()

    @property
    def default_backend(self) -> Backend:
        """The backend used when neither the name nor ``auth=`` decides."""
        return "vertex_ai" if self.vertex_ai else "gemini"

    def version(self, backend: Backend) -> str:
        """The API version for ``backend``: ``api_version`` if given, else its default."""
        if self.api_version and self.api_version in KNOWN_VERSIONS[backend]:
            return self.api_version
        if self.api_version and not any(self.api_version in v for v in KNOWN_VERSIONS.values()):
            # An unknown version (a future one) is passed through as given.
            return self.api_version
        return DEFAULT_VERSIONS[backend]

    def root(self, backend: Backend, location: str | None = None) -> str:
        """Scheme and host (no version) for ``backend``; Vertex by the location in use."""
        if self.base_url:
            return self.base_url
        if backend == "gemini":
            return GEMINI_HOST
        return vertex_host(location or self.location or "global")


def resolve_settings(
    *,
    api_key: str | None,
    vertex_ai: bool | None,
    project: str | None,
    location: str | None,
    credentials: Any,
    base_url: str | None,
    api_version: str | None,
    timeout: float | None,
    max_retries: int,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Combine arguments with the environment; raises ValueError naming a bad option."""
    env = os.environ if environ is None else environ
    notes: list[str] = []
    explicit_key, explicit_place = api_key is not None, bool(project or location)
    if api_key is None:
        google_key, gemini_key = env.get("GOOGLE_API_KEY"), env.get("GEMINI_API_KEY")
        if google_key and gemini_key:
            notes.append("Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY.")
        api_key = google_key or gemini_key or None
    if api_key is not None:
        api_key = check_api_key(api_key)  # once, when the client is built
    if vertex_ai is None:
        vertex_ai = _truthy(env.get("GOOGLE_GENAI_USE_VERTEXAI"))
    env_place = bool(env.get("GOOGLE_CLOUD_PROJECT") or env.get("GOOGLE_CLOUD_LOCATION"))
    project = project or env.get("GOOGLE_CLOUD_PROJECT") or None
    location = location or env.get("GOOGLE_CLOUD_LOCATION") or None
    # Vertex AI express mode (an API key instead of Google credentials), decided as google-genai
    # does: explicit credentials, project or location win over a key from the environment, and
    # an explicit key wins over a project and location from the environment.
    express = bool(
        vertex_ai
        and api_key
        and credentials is None
        and not explicit_place
        and (explicit_key or not env_place)
    )
    if express and explicit_key:
        project = location = None
    if vertex_ai and location is None and not express:
        location = "global"  # google-genai's default location for Vertex AI
    if location is not None:
        check_location(location)
    base_url = base_url or env.get("GEMINI_OPS_BASE_URL") or None
    if base_url is not None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        if "?" in base_url or "#" in base_url:
            raise ValueError("base_url must not contain a query or a fragment")
        base_url = base_url.rstrip("/")
        # A base URL ending in a version (as printed for raw clients) names the version too.
        head, _, last = base_url.rpartition("/")
        if _VERSION.fullmatch(last) and "//" in head:
            base_url = head
            api_version = api_version or last
    if api_version is not None and (not isinstance(api_version, str) or not api_version.isalnum()):
        raise ValueError(f"api_version must look like 'v1beta', got {api_version!r}")
    seconds = check_seconds("timeout", timeout, allow_none=True)
    retries = check_count("max_retries", max_retries)
    return Settings(
        api_key=api_key,
        vertex_ai=bool(vertex_ai),
        project=project,
        location=location,
        credentials=credentials,
        base_url=base_url,
        api_version=api_version,
        timeout=seconds,
        max_retries=retries,
        vertex_api_key=api_key if express else None,
        notes=tuple(notes),
    )
