"""The global options (``Settings``) and the option types and checks the commands share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from gemini_ops import (
    parse_name,
)
from gemini_ops.cli.exit_codes import (
    EXIT_OK,
)

JSON_HELP = "Print one JSON document per operation (its wire form), one per line."


@dataclass(frozen=True)
class Settings:
    """The global options, turned into client arguments. Secrets stay out of the repr."""

    api_key: str | None = field(repr=False)
    access_token: str | None = field(repr=False)
    vertex: bool
    project: str | None
    location: str | None
    base_url: str | None
    api_version: str | None
    request_timeout: float
    max_retries: int
    verbose: bool

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``Operations`` / ``AsyncOperations``."""
        options: dict[str, Any] = {
            "api_key": self.api_key,
            # None, not False: GOOGLE_GENAI_USE_VERTEXAI still applies without --vertex.
            "vertex_ai": True if self.vertex else None,
            "project": self.project,
            "location": self.location,
            "base_url": self.base_url,
            "api_version": self.api_version,
            "timeout": self.request_timeout,
            "max_retries": self.max_retries,
        }
        if self.access_token:
            from google.oauth2.credentials import Credentials

            options["credentials"] = Credentials(token=self.access_token)  # type: ignore[no-untyped-call]
        return options

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be shown."""
        return tuple(s for s in (self.api_key, self.access_token) if s)


def check_names(names: Sequence[str]) -> list[str]:
    """Validate every name before any request; drop repeats, keeping the order."""
    unique = list(dict.fromkeys(names))
    for name in unique:
        parse_name(name)
    return unique


def exit_with(ctx: click.Context, codes: Iterable[int]) -> None:
    """Exit with the highest of ``codes`` (0 when there are none)."""
    ctx.exit(max(codes, default=EXIT_OK))


# ---------------------------------------------------------------------------------------------
# The command group


def settings_of(ctx: click.Context) -> Settings:
    """The global options of the current command's group."""
    settings = ctx.find_object(Settings)
    if settings is None:  # pragma: no cover - the group callback always sets it
        raise click.UsageError("global options missing")
    return settings


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--json`` flag of a command."""
    return click.option("--json", "as_json", is_flag=True, help=JSON_HELP)(function)


SECONDS = click.FloatRange(min=0, min_open=True)
