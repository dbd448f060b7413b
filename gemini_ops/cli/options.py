"""The global options (``Settings``) and the option types and checks the commands share."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import click
from click.core import ParameterSource

from gemini_ops import (
    parse_name,
)
from gemini_ops._core.validate import check_seconds
from gemini_ops.cli.exit_codes import (
    EXIT_OK,
)
from gemini_ops.cli.terminal import shell_join

_KEY_VARIABLES = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GEMINI_OPS_ACCESS_TOKEN")
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
        r"""Values that must never be shown, also as an error may quote them.

        A token read from a CRLF file ends in ``\r``: a message may show it stripped, or
        escaped (``'ya29...\\r'``); each form is masked.
        """
        # A key from the environment is read by the library, but must not be shown either.
        found = (self.api_key, self.access_token, *(os.environ.get(v) for v in _KEY_VARIABLES))
        forms = (
            form
            for value in found
            if value
            for form in (value, repr(value)[1:-1], value.strip())
            if form
        )
        return tuple(dict.fromkeys(forms))


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


def json_option(function: Callable[..., Any], help: str = JSON_HELP) -> Callable[..., Any]:
    """The ``--json`` flag of a command."""
    return click.option("--json", "as_json", is_flag=True, help=help)(function)


class Duration(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.5 only
    """A positive duration: ``30`` (seconds), ``2.5``, ``500ms``, ``90s``, ``10m``, ``1h30m``."""

    name = "duration"
    _UNITS: ClassVar[dict[str, float]] = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    _PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h|d)")

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """Seconds as a float; a bare number is seconds."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = float(value)
        else:
            text = str(value).strip().lower()
            try:
                seconds = float(text)
            except ValueError:
                parts = self._PART.findall(text)
                if not parts or "".join(n + u for n, u in parts) != text:
                    self.fail(
                        f"{value!r} is not a duration (e.g. 30, 2.5, 500ms, 90s, 10m, 1h30m)",
                        param,
                        ctx,
                    )
                seconds = sum(float(n) * self._UNITS[u] for n, u in parts)
        try:
            # The library's own rule for seconds (positive, finite, sleepable).
            check_seconds(param.name if param and param.name else "seconds", seconds)
        except ValueError as exc:
            self.fail(f"{value!r} is not a positive duration: {exc}", param, ctx)
        return seconds


SECONDS = Duration()

# Global options whose values must never be printed, with the variable that can carry them.
_SECRET_OPTIONS = {"api_key": "--api-key", "access_token": "--access-token"}


def next_page_command(ctx: click.Context, page_token: str) -> str:
    """The command that lists the next page: this one, with its options, shell-quoted.

    Every word is quoted by `shell_join` (the page token is the server's: pasting the command
    must run only this command, and show on the terminal what it runs). Secrets given on the
    command line are left out (never printed), with a note to add them.
    """
    words = ["gemini-ops"]
    secrets: list[str] = []
    for context in (ctx.find_root(), ctx):
        for param in context.command.params:
            name = param.name or ""
            value = context.params.get(name)
            if name == "page_token" or value is None or value is False or value == ():
                continue
            if isinstance(param, click.Option):
                if context.get_parameter_source(name) != ParameterSource.COMMANDLINE:
                    continue
                if name in _SECRET_OPTIONS:
                    secrets.append(_SECRET_OPTIONS[name])
                    continue
                words.append(param.opts[-1])
                if not param.is_flag:
                    words.append(f"{value:g}" if isinstance(value, float) else str(value))
            else:
                words.append(str(value))
        if context is not ctx:
            words.append(ctx.info_name or "list")
    words += ["--page-token", page_token]
    command = shell_join(words)
    if secrets:
        command += f"  (add your {' and '.join(secrets)};"
    else:
        command += "  ("
    return command + " or --all for every page)"
