"""The ``gemini-ops`` command line: get, list, wait for, cancel and delete long-running operations.

Built on the public API only (``Operations`` and ``AsyncOperations``); ``gemini-ops demo`` runs the
whole library against the built-in emulator. Requires the ``cli`` extra (click, rich); the
``emulator`` and ``demo`` commands also need the ``emulator`` extra.

Exit codes: 0 success; 1 an operation finished with an error; 2 usage error or invalid name;
3 a wait timed out; 4 API error; 5 cannot connect; 130 interrupted. With several names, the
command goes on after a failure and exits with the highest code met.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import math
import os
import re
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from gemini_ops import (
    ApiError,
    AsyncOperations,
    CredentialsError,
    GeminiOpsError,
    InvalidNameError,
    InvalidResponseError,
    Notifications,
    Operation,
    OperationFailedError,
    Operations,
    PaginationError,
    TransportError,
    UnsupportedMethodError,
    WaitTimeoutError,
    __version__,
    parse_name,
)
from gemini_ops._cli_webhooks import receiving, webhook_options, webhooks_command

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CANNOT_CONNECT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OPERATION_FAILED",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "cli",
    "exit_code_for",
    "main",
]

EXIT_OK = 0
EXIT_OPERATION_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_API_ERROR = 4
EXIT_CANNOT_CONNECT = 5
EXIT_INTERRUPTED = 130

_EPILOG = """\b
Exit codes:
  0    success
  1    an operation finished with an error (wait; cancelled included)
  2    usage error or invalid operation name
  3    a wait timed out (--timeout)
  4    API error: not found, permission denied, bad credentials, bad answer...
  5    cannot connect to the server
  130  interrupted (Ctrl-C)
With several names, every name is tried and the highest code is returned.

\b
Examples:
  gemini-ops demo
  gemini-ops list batches
  gemini-ops wait models/veo-3.0-generate-001/operations/abc123
  gemini-ops --base-url http://127.0.0.1:8765 --api-key emulator-api-key list batches --json
"""

_HELP = """Get, list, wait for, cancel and delete Google long-running operations.

Works with the Gemini API (an API key) and Vertex AI (Google credentials). Names are full
operation names:

\b
  models/veo-3.0-generate-001/operations/abc123
  tunedModels/my-model/operations/op1
  batches/xyz
  projects/P/locations/L/operations/123

Try `gemini-ops demo`: it runs everything against a local emulator, no account needed.
"""
_JSON_HELP = "Print one JSON document per operation (its wire form), one per line."
# Keeps the text a terminal shows short: the two ends of a name are what tell names apart.
_LABEL_WIDTH = 52
_WHITESPACE = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------------
# Settings and errors


@dataclass(frozen=True)
class _Settings:
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


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def exit_code_for(exc: BaseException) -> int:
    """The exit code documented for an exception (1 for anything unexpected)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, WaitTimeoutError):
        return EXIT_TIMEOUT
    if isinstance(exc, TransportError):
        return EXIT_CANNOT_CONNECT
    if isinstance(exc, ApiError | InvalidResponseError | PaginationError | CredentialsError):
        return EXIT_API_ERROR
    if isinstance(exc, OperationFailedError):
        return EXIT_OPERATION_FAILED
    # InvalidNameError and UnsupportedMethodError are ValueErrors too.
    if isinstance(exc, click.UsageError | ValueError):
        return EXIT_USAGE
    if isinstance(exc, GeminiOpsError):
        return EXIT_API_ERROR
    return EXIT_OPERATION_FAILED


def _describe(exc: BaseException) -> str:
    """One line saying what went wrong, without the request details."""
    if isinstance(exc, InvalidNameError):
        return f"invalid name {exc.name!r}: {exc.reason}"
    if isinstance(exc, ApiError):
        return f"{exc.status} (HTTP {exc.http_status}): {exc.message}"
    if isinstance(exc, TransportError):
        return f"cannot connect: {exc}"
    if isinstance(exc, GeminiOpsError | ValueError):
        return str(exc) or type(exc).__name__
    return f"unexpected {type(exc).__name__}: {exc}"


def _details(exc: BaseException) -> list[str]:
    """The lines ``-v`` adds under an error."""
    lines = [f"exception: {type(exc).__module__}.{type(exc).__name__}"]
    if isinstance(exc, InvalidNameError):
        lines.append("accepted shapes: " + ", ".join(exc.accepted))
    if isinstance(exc, ApiError):
        if exc.method and exc.url:
            lines.append(f"request: {exc.method} {exc.url}")
        if exc.reason:
            lines.append(f"reason: {exc.reason}")
        if exc.retry_delay is not None:
            lines.append(f"retry delay: {exc.retry_delay:g} s")
        lines.extend(f"detail: {json.dumps(d, sort_keys=True)}" for d in exc.details)
    elif isinstance(exc, TransportError | InvalidResponseError):
        method, url = getattr(exc, "method", None), getattr(exc, "url", None)
        if method and url:
            lines.append(f"request: {method} {url}")
        excerpt = getattr(exc, "excerpt", None)
        if excerpt:
            lines.append(f"body: {excerpt}")
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        lines.append(f"caused by: {type(cause).__name__}: {_one_line(str(cause))}")
        cause = cause.__cause__ or cause.__context__
    if not isinstance(exc, GeminiOpsError | ValueError | click.UsageError):
        lines.extend(traceback.format_exception(exc))
    return lines


def _report(exc: BaseException, settings: _Settings | None, subject: str | None = None) -> int:
    """Print an error as one line on stderr (details with -v); return its exit code."""
    secrets = settings.secrets if settings is not None else ()
    text = _describe(exc)
    # These name the operation themselves.
    if subject and not isinstance(
        exc, InvalidNameError | UnsupportedMethodError | WaitTimeoutError
    ):
        text = f"{subject}: {text}"
    click.echo(_redact(f"Error: {_one_line(text)}", secrets), err=True)
    if settings is not None and settings.verbose:
        for line in _details(exc):
            click.echo(_redact(f"  {line.rstrip()}", secrets), err=True)
    return exit_code_for(exc)


class _Group(click.Group):
    """A group that turns every error of its commands into one line and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The everyday commands first, not alphabetical.
        order = ("get", "list", "wait", "cancel", "delete", "emulator", "demo")
        return sorted(self.commands, key=lambda c: order.index(c) if c in order else len(order))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`gemini-ops list --all | head`): nothing left to say.
            _silence_stdout()
            ctx.exit(EXIT_OK)
        except Exception as exc:
            ctx.exit(_report(exc, ctx.find_object(_Settings)))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


class _SecretFilter(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact(record.getMessage(), self._secrets)
        record.args = None
        return True


class _EchoHandler(logging.Handler):
    """Log records to the current stderr, looked up at each record (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@contextlib.contextmanager
def _verbose_logging(secrets: Sequence[str]) -> Iterator[None]:
    handler = _EchoHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_SecretFilter(secrets))
    loggers = [
        (logging.getLogger("gemini_ops"), logging.DEBUG),
        (logging.getLogger("httpx"), logging.INFO),
    ]
    saved = [(log, log.level) for log, _ in loggers]
    for log, level in loggers:
        log.addHandler(handler)
        log.setLevel(level)
    try:
        yield
    finally:
        for log, level in saved:
            log.removeHandler(handler)
            log.setLevel(level)


# ---------------------------------------------------------------------------------------------
# Output


def _console(*, stderr: bool = False) -> Console:
    # Built per command: click's test runner replaces sys.stdout/sys.stderr for each run.
    return Console(stderr=stderr, highlight=False)


def _line(console: Console, text: str | Text) -> None:
    """Print one line, never wrapped (names are long and must stay greppable)."""
    console.print(text, soft_wrap=True, highlight=False, markup=False)


def _emit_json(data: Mapping[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _print_table(
    console: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[Text]],
    *,
    title: str | None = None,
) -> None:
    """A rich table on a terminal; plain aligned columns otherwise (for grep, awk, CI logs)."""
    if console.is_terminal:
        table = Table(title=title, title_justify="left", header_style="bold")
        last = len(headers) - 1
        for i, header in enumerate(headers):
            # Names stay whole (they get copied); the last column wraps if the width runs out.
            table.add_column(header, overflow="fold", no_wrap=i != last)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    if title:
        _line(console, title)
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell.plain)) for w, cell in zip(widths, row, strict=True)]
    for cells in [[Text(h) for h in headers], *rows]:
        text = "  ".join(c.plain.ljust(w) for c, w in zip(cells, widths, strict=True))
        _line(console, text.rstrip())


_STATE_STYLES = {
    "succeeded": "green",
    "failed": "red",
    "cancelled": "magenta",
    "timed out": "yellow",
    "interrupted": "yellow",
    "error": "red",
}


def _state(op: Operation) -> str:
    """``running``, ``succeeded``, ``failed`` or ``cancelled``."""
    if not op.done:
        return "running"
    if op.cancelled:
        return "cancelled"
    return "failed" if op.failed else "succeeded"


def _detail_state(op: Operation) -> str | None:
    """The resource's own state from the metadata (``BATCH_STATE_RUNNING``...), if any."""
    value = (op.metadata or {}).get("state")
    return value if isinstance(value, str) and value else None


def _live_state(op: Operation) -> str:
    """A short state word, the resource's own one while running (``pending``, ``running``)."""
    if op.done:
        return _state(op)
    detail = _detail_state(op)
    if detail is None:
        return "running"
    return detail.rsplit("_STATE_", 1)[-1].lower().replace("_", " ")


def _progress(op: Operation) -> float | None:
    """Percent complete; for an operation that failed, how far it got (None when unknown)."""
    if op.error is None:
        return op.progress
    # Operation.progress says 100 for any finished operation; the metadata says where it stopped.
    return Operation.from_dict({"name": op.name, "metadata": op.metadata}).progress


def _percent(op: Operation) -> str:
    progress = _progress(op)
    if progress is None:
        return ""
    return f"{math.floor(progress)}%" if progress < 100 else "100%"


def _type_of(op: Operation) -> str:
    return op.metadata_type or op.response_type or ""


def _created(op: Operation) -> datetime | None:
    """``createTime`` from the metadata (or Vertex AI's ``genericMetadata``)."""
    metadata = op.metadata or {}
    generic = metadata.get("genericMetadata")
    for source in (metadata, generic if isinstance(generic, Mapping) else {}):
        value = source.get("createTime")
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                parsed = datetime.fromisoformat(value)
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _human_seconds(seconds: float) -> str:
    """``850ms``, ``4.2s``, ``3m05s``, ``2h10m``, ``3d4h``."""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d{whole % 86400 // 3600}h"


def _age(op: Operation, now: datetime | None = None) -> str:
    created = _created(op)
    if created is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - created).total_seconds()
    if seconds < 60:
        return f"{max(0, int(seconds))}s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return ""  # pragma: no cover - the loop always returns


def _first_string(value: object, keys: Sequence[str]) -> str | None:
    """The first string under one of ``keys`` in nested JSON, keys tried in order."""
    for key in keys:
        found = _find_key(value, key)
        if found is not None:
            return found
    return None


def _find_key(value: object, key: str) -> str | None:
    if isinstance(value, Mapping):
        found = value.get(key)
        if isinstance(found, str) and found:
            return found
        children: Iterable[object] = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        result = _find_key(child, key)
        if result is not None:
            return result
    return None


def _result_summary(op: Operation) -> str:
    """What a finished operation produced, or why it failed, in a few words."""
    if op.error is not None:
        message = f": {_one_line(op.error.message)}" if op.error.message else ""
        return f"{op.error.status} ({op.error.code}){message}"
    if not op.done:
        return ""
    found = _first_string(op.response, ("uri", "gcsUri", "responsesFile", "documentName", "name"))
    if found:
        return found
    if op.response_type in (None, "Empty"):
        return "(empty response)"
    return op.response_type or ""


def _status_text(state: str) -> Text:
    return Text(state, style=_STATE_STYLES.get(state, "yellow"))


def _operation_row(op: Operation, now: datetime) -> list[Text]:
    return [
        Text(op.name),
        _status_text(_state(op)),
        Text(_percent(op)),
        Text(_type_of(op)),
        Text(_age(op, now)),
    ]


def _print_operation(console: Console, op: Operation) -> None:
    """The human view of one operation: a few labelled lines."""
    rows: list[tuple[str, Text]] = []
    state = _state(op)
    detail = _detail_state(op)
    state_text = _status_text(state)
    if detail:
        state_text.append(f" ({detail})", style="dim")
    rows.append(("state", state_text))
    if _progress(op) is not None:
        rows.append(("progress", Text(_percent(op))))
    if op.metadata_type:
        rows.append(("metadata", Text(op.metadata_type)))
    created = _created(op)
    if created is not None:
        stamp = created.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append(("created", Text(f"{stamp} ({_age(op)} ago)")))
    if op.error is not None:
        rows.append(("error", Text(_result_summary(op), style="red")))
    elif op.done:
        rows.append(("response", Text(op.response_type or "")))
        result = _result_summary(op)
        if result and result != op.response_type:
            rows.append(("result", Text(result)))
    _line(console, Text(op.name, style="bold"))
    for label, value in rows:
        _line(console, Text.assemble(f"  {label:<9} ", value))


def _check_names(names: Sequence[str]) -> list[str]:
    """Validate every name before any request; drop repeats, keeping the order."""
    unique = list(dict.fromkeys(names))
    for name in unique:
        parse_name(name)
    return unique


def _exit(ctx: click.Context, codes: Iterable[int]) -> None:
    ctx.exit(max(codes, default=EXIT_OK))


# ---------------------------------------------------------------------------------------------
# The command group


def _settings_of(ctx: click.Context) -> _Settings:
    settings = ctx.find_object(_Settings)
    if settings is None:  # pragma: no cover - the group callback always sets it
        raise click.UsageError("global options missing")
    return settings


def _json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)(function)


_SECONDS = click.FloatRange(min=0, min_open=True)


@click.group(
    cls=_Group,
    help=_HELP,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--api-key",
    envvar="GEMINI_API_KEY",
    metavar="KEY",
    help="Gemini API key [env: GEMINI_API_KEY, then GOOGLE_API_KEY]. Never printed.",
)
@click.option(
    "--vertex",
    is_flag=True,
    help="Use Vertex AI by default (for lists without a parent) [env: GOOGLE_GENAI_USE_VERTEXAI].",
)
@click.option("--project", metavar="P", help="Vertex AI project [env: GOOGLE_CLOUD_PROJECT].")
@click.option("--location", metavar="L", help="Vertex AI location [env: GOOGLE_CLOUD_LOCATION].")
@click.option(
    "--access-token",
    envvar="GEMINI_OPS_ACCESS_TOKEN",
    metavar="TOKEN",
    help="OAuth access token for Vertex AI, e.g. from `gcloud auth print-access-token` "
    "[env: GEMINI_OPS_ACCESS_TOKEN; default: Application Default Credentials]. Never printed.",
)
@click.option(
    "--base-url",
    envvar="GEMINI_OPS_BASE_URL",
    metavar="URL",
    help="Send every request to this host, e.g. the emulator [env: GEMINI_OPS_BASE_URL].",
)
@click.option("--api-version", metavar="V", help="API version (default: v1beta, v1 on Vertex AI).")
@click.option(
    "--request-timeout",
    type=_SECONDS,
    default=60.0,
    show_default=True,
    metavar="S",
    help="Timeout of each HTTP request, in seconds.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    metavar="N",
    help="Retries of a request on 429, 5xx and connection errors.",
)
@click.option("-v", "--verbose", is_flag=True, help="Error details and HTTP request logs.")
@click.version_option(__version__, "-V", "--version", prog_name="gemini-ops")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    vertex: bool,
    project: str | None,
    location: str | None,
    access_token: str | None,
    base_url: str | None,
    api_version: str | None,
    request_timeout: float,
    max_retries: int,
    verbose: bool,
) -> None:
    """Read the global options; the commands get them as the context's object."""
    settings = _Settings(
        api_key=api_key or None,
        access_token=access_token or None,
        vertex=vertex,
        project=project,
        location=location,
        base_url=base_url or None,
        api_version=api_version,
        request_timeout=request_timeout,
        max_retries=max_retries,
        verbose=verbose,
    )
    ctx.obj = settings
    if verbose:
        ctx.with_resource(_verbose_logging(settings.secrets))


# ---------------------------------------------------------------------------------------------
# get, list, cancel, delete


@cli.command("get", short_help="Show operations.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_json_option
@click.pass_context
def get_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Show the current state of one or more operations."""
    settings = _settings_of(ctx)
    unique = _check_names(names)
    console = _console()
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for index, name in enumerate(unique):
            try:
                op = ops.get(name)
            except (GeminiOpsError, ValueError) as exc:
                codes.append(_report(exc, settings, name))
                continue
            if as_json:
                _emit_json(op.to_dict())
            else:
                if index:
                    _line(console, "")
                _print_operation(console, op)
    _exit(ctx, codes)


@cli.command("list", short_help="List the operations under a parent.")
@click.argument("parent", required=False)
@click.option("--filter", "filter_", metavar="F", help="Server-side filter, e.g. done=true.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Operations per page.")
@click.option("--page-token", metavar="T", help="Continue from the token a previous list printed.")
@click.option("--all", "all_pages", is_flag=True, help="Follow every page (list_all).")
@_json_option
@click.pass_context
def list_command(
    ctx: click.Context,
    parent: str | None,
    filter_: str | None,
    page_size: int | None,
    page_token: str | None,
    all_pages: bool,
    as_json: bool,
) -> None:
    """List the operations under PARENT (batches, tunedModels/M, models/M, projects/P/locations/L).

    Without PARENT: the Vertex AI location configured (--vertex with --project and --location),
    or the top-level operations of the Gemini API (--api-version v1).
    """
    settings = _settings_of(ctx)
    if all_pages and page_token:
        raise click.UsageError("--all starts from the first page; leave out --page-token")
    console = _console()
    next_token: str | None = None
    with Operations(**settings.client_options()) as ops:
        if all_pages:
            found: Iterable[Operation] = ops.list_all(parent, page_size=page_size, filter=filter_)
        else:
            page = ops.list(parent, page_size=page_size, page_token=page_token, filter=filter_)
            found, next_token = page.operations, page.next_page_token
        if as_json:
            for op in found:
                _emit_json(op.to_dict())
        else:
            now = datetime.now(UTC)
            rows = [_operation_row(op, now) for op in found]
            if rows:
                _print_table(console, ("NAME", "STATE", "PROGRESS", "TYPE", "AGE"), rows)
            else:
                click.echo(f"No operations under {parent or 'the default parent'}.", err=True)
    if next_token:
        command = f"gemini-ops list {parent or ''}".rstrip()
        click.echo(
            f"More operations: {command} --page-token {next_token}  (or --all for every page)",
            err=True,
        )


@cli.command("cancel", short_help="Ask to cancel operations.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_json_option
@click.pass_context
def cancel_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Ask the server to cancel operations (best effort: they end later as cancelled).

    With --json, prints each operation as it is right after the request.
    """
    settings = _settings_of(ctx)
    unique = _check_names(names)
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for name in unique:
            try:
                ops.cancel(name)
                if as_json:
                    _emit_json(ops.get(name).to_dict())
                else:
                    click.echo(f"Cancellation requested: {name}")
            except (GeminiOpsError, ValueError) as exc:
                codes.append(_report(exc, settings, name))
    _exit(ctx, codes)


@cli.command("delete", short_help="Delete operation records.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_json_option
@click.pass_context
def delete_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Delete operation records (this does not cancel them); their names then answer 404.

    With --json, prints {"name": NAME, "deleted": true} for each one deleted.
    """
    settings = _settings_of(ctx)
    unique = _check_names(names)
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for name in unique:
            try:
                ops.delete(name)
            except (GeminiOpsError, ValueError) as exc:
                codes.append(_report(exc, settings, name))
                continue
            if as_json:
                _emit_json({"name": name, "deleted": True})
            else:
                click.echo(f"Deleted: {name}")
    _exit(ctx, codes)


# ---------------------------------------------------------------------------------------------
# wait: views of waits in progress


@dataclass
class WaitOutcome:
    """How one wait ended: the operation (or the last one seen), the error, the exit code."""

    name: str
    operation: Operation | None
    error: BaseException | None
    code: int
    elapsed: float

    @property
    def state(self) -> str:
        """``succeeded``, ``failed``, ``cancelled``, ``timed out``, ``interrupted`` or ``error``."""
        if isinstance(self.error, WaitTimeoutError):
            return "timed out"
        if isinstance(self.error, KeyboardInterrupt):
            return "interrupted"
        if self.error is not None or self.operation is None:
            return "error"
        return _state(self.operation)

    @property
    def summary(self) -> str:
        """The result or the error, in a few words."""
        if isinstance(self.error, WaitTimeoutError):
            last = self.operation
            seen = "never answered" if last is None else f"last seen {_live_state(last)}"
            if last is not None and _progress(last) is not None:
                seen += f" at {_percent(last)}"
            return seen
        if isinstance(self.error, KeyboardInterrupt):
            return ""
        if self.error is not None:
            return _one_line(_describe(self.error))
        return "" if self.operation is None else _result_summary(self.operation)


def _short(name: str, width: int = _LABEL_WIDTH) -> str:
    if len(name) <= width:
        return name
    head = (width - 1) // 3
    return f"{name[:head]}…{name[-(width - 1 - head) :]}"


class WaitView:
    """Shows waits in progress. This base shows nothing but notes (on its console)."""

    def __init__(self, console: Console, names: Sequence[str]) -> None:
        self.console = console
        self.names = list(names)
        self.started = time.monotonic()

    def __enter__(self) -> WaitView:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def update(self, op: Operation, next_poll_in: float | None) -> None:
        """Called after every poll; ``next_poll_in`` is the expected delay to the next one."""

    def finish(self, outcome: WaitOutcome) -> None:
        """Called once per name when its wait ends."""

    def note(self, text: str) -> None:
        """A message that belongs with the display (``cancel requested``...)."""
        _line(self.console, Text(text, style="dim"))

    def close(self) -> None:
        """Stop displaying."""


class _PlainView(WaitView):
    """One line per change of state or whole percent, for logs and pipes."""

    def __init__(self, console: Console, names: Sequence[str]) -> None:
        super().__init__(console, names)
        self._last: dict[str, tuple[str, int | None]] = {}

    def _stamp(self) -> str:
        return f"{time.monotonic() - self.started:6.1f}s"

    def update(self, op: Operation, next_poll_in: float | None) -> None:
        if op.done:
            return  # finish() prints the final line
        progress = _progress(op)
        key = (_live_state(op), None if progress is None else math.floor(progress))
        if self._last.get(op.name) == key:
            return
        self._last[op.name] = key
        percent = f"  {_percent(op)}" if progress is not None else ""
        _line(self.console, f"{self._stamp()}  {op.name}  {key[0]}{percent}")

    def finish(self, outcome: WaitOutcome) -> None:
        summary = outcome.summary
        percent = "  100%" if outcome.state == "succeeded" else ""
        text = f"{self._stamp()}  {outcome.name}  {outcome.state}{percent}"
        _line(self.console, f"{text}  {summary}" if summary else text)

    def note(self, text: str) -> None:
        _line(self.console, f"{self._stamp()}  {text}")


class _LabelColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(task.fields["label"], overflow="ellipsis", no_wrap=True)


class _BarColumn(BarColumn):
    """A bar coloured by outcome; it pulses while the percentage is unknown."""

    def render(self, task: Task) -> ProgressBar:
        state = task.fields["state"]
        style = _STATE_STYLES.get(state, "cyan")
        return ProgressBar(
            total=task.total,
            completed=task.completed,
            width=self.bar_width,
            pulse=task.total is None and state not in _STATE_STYLES,
            animation_time=task.get_time(),
            complete_style=style,
            finished_style=style,
        )


class _PercentColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.fields['percent']:>4}")


class _StateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        state = task.fields["state"]
        return Text(f"{state:<10}", style=_STATE_STYLES.get(state, "yellow"))


class _ElapsedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        ended = task.fields["ended"]
        elapsed = (ended if ended is not None else time.monotonic()) - task.fields["began"]
        return Text(f"{_human_seconds(elapsed):>7}", style="progress.elapsed")


class _NextPollColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        if task.fields["ended"] is not None:
            return Text(task.fields["summary"], style="dim", overflow="ellipsis", no_wrap=True)
        next_at = task.fields["next_at"]
        left = None if next_at is None else next_at - time.monotonic()
        if left is None or left <= 0:
            return Text("polling…", style="dim")
        return Text(f"next poll in {math.ceil(left)}s", style="dim")


class _LiveView(WaitView):
    """A rich progress bar per operation, redrawn in place."""

    def __init__(self, console: Console, names: Sequence[str]) -> None:
        super().__init__(console, names)
        self._progress = Progress(
            _LabelColumn(),
            _BarColumn(bar_width=24),
            _PercentColumn(),
            _StateColumn(),
            _ElapsedColumn(),
            _NextPollColumn(),
            console=console,
            refresh_per_second=8,
        )
        self._tasks: dict[str, TaskID] = {}
        for name in self.names:
            self._tasks[name] = self._progress.add_task(
                name,
                total=None,
                label=_short(name),
                state="waiting",
                percent="",
                began=self.started,
                ended=None,
                next_at=None,
                summary="",
            )
        self._progress.start()

    def update(self, op: Operation, next_poll_in: float | None) -> None:
        task = self._tasks.get(op.name)
        if task is None:
            return
        progress = _progress(op)
        self._progress.update(
            task,
            total=None if progress is None else 100.0,
            completed=progress or 0.0,
            state=_live_state(op),
            percent=_percent(op),
            next_at=None if next_poll_in is None else time.monotonic() + next_poll_in,
        )

    def finish(self, outcome: WaitOutcome) -> None:
        task = self._tasks.get(outcome.name)
        if task is None:
            return
        fields: dict[str, Any] = {}
        last = outcome.operation
        if last is not None:
            # Without an operation (an error, Ctrl-C), the bar stays where it was.
            progress = 100.0 if outcome.state == "succeeded" else _progress(last)
            fields.update(total=100.0, completed=progress or 0.0, percent=_percent(last))
        self._progress.update(
            task,
            state=outcome.state,
            ended=time.monotonic(),
            summary=outcome.summary,
            **fields,
        )

    def note(self, text: str) -> None:
        self._progress.console.print(Text(text, style="dim"), soft_wrap=True)

    def close(self) -> None:
        self._progress.stop()


def _make_view(console: Console, names: Sequence[str], *, quiet: bool) -> WaitView:
    """Live bars on an interactive terminal, lines elsewhere, nothing if ``quiet``."""
    if console.is_terminal and console.is_interactive:
        return _LiveView(console, names)
    if quiet:
        return WaitView(console, names)
    return _PlainView(console, names)


# ---------------------------------------------------------------------------------------------
# wait: the waiting


@dataclass(frozen=True)
class _PollOptions:
    timeout: float | None
    poll_interval: float
    backoff: bool
    initial_delay: float
    max_delay: float
    multiplier: float
    notifications: Notifications | None = None

    def delay_after(self, polls: int) -> float:
        """The nominal delay after ``polls`` polls (with backoff's jitter, at most this)."""
        if not self.backoff:
            return self.poll_interval
        if polls > 200:
            return self.max_delay
        return min(self.initial_delay * self.multiplier**polls, self.max_delay)


def _outcome_code(op: Operation) -> int:
    return EXIT_OPERATION_FAILED if op.failed else EXIT_OK


async def _wait_one(
    ops: AsyncOperations, name: str, options: _PollOptions, view: WaitView
) -> WaitOutcome:
    started = view.started  # elapsed times count from the start of the command's wait
    polls = 0

    def on_progress(op: Operation) -> None:
        nonlocal polls
        delay = options.delay_after(polls)
        polls += 1
        view.update(op, None if op.done else delay)

    try:
        if options.backoff:
            op = await ops.wait_with_backoff(
                name,
                initial_delay=options.initial_delay,
                max_delay=options.max_delay,
                multiplier=options.multiplier,
                timeout=options.timeout,
                on_progress=on_progress,
                notifications=options.notifications,
            )
        else:
            op = await ops.wait(
                name,
                poll_interval=options.poll_interval,
                timeout=options.timeout,
                on_progress=on_progress,
                notifications=options.notifications,
            )
    except WaitTimeoutError as exc:
        last = exc.operation if isinstance(exc.operation, Operation) else None
        outcome = WaitOutcome(name, last, exc, EXIT_TIMEOUT, time.monotonic() - started)
    except Exception as exc:
        outcome = WaitOutcome(name, None, exc, exit_code_for(exc), time.monotonic() - started)
    else:
        outcome = WaitOutcome(name, op, None, _outcome_code(op), time.monotonic() - started)
    view.finish(outcome)
    return outcome


@dataclass
class _WaitResult:
    outcomes: list[WaitOutcome]
    pending: list[str]
    interrupted: bool = False
    cancelled: list[str] = field(default_factory=list)


async def _wait_all(
    settings: _Settings,
    names: Sequence[str],
    options: _PollOptions,
    view: WaitView,
    emit: Callable[[WaitOutcome], None],
    cancel_on_interrupt: bool,
) -> _WaitResult:
    """Wait for every name concurrently; on Ctrl-C stop (and cancel) instead of raising."""
    result = _WaitResult(outcomes=[], pending=[])
    async with AsyncOperations(**settings.client_options()) as ops:
        tasks = [asyncio.create_task(_wait_one(ops, name, options, view)) for name in names]
        try:
            for next_done in asyncio.as_completed(tasks):
                outcome = await next_done
                result.outcomes.append(outcome)
                emit(outcome)
        except asyncio.CancelledError:
            # asyncio.run cancels this task on the first Ctrl-C: stop cleanly instead.
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            result.interrupted = True
            for task in tasks:
                task.cancel()
            ended = await asyncio.gather(*tasks, return_exceptions=True)
            # Waits that ended just before Ctrl-C count, even if not yet collected above.
            recorded = {o.name for o in result.outcomes}
            for late in ended:
                if isinstance(late, WaitOutcome) and late.name not in recorded:
                    result.outcomes.append(late)
                    emit(late)
            finished = {o.name for o in result.outcomes}
            result.pending = [n for n in names if n not in finished]
            for name in result.pending:
                view.finish(WaitOutcome(name, None, KeyboardInterrupt(), EXIT_INTERRUPTED, 0.0))
            if cancel_on_interrupt and result.pending:
                result.cancelled = await _cancel_pending(ops, result.pending, view, settings)
    return result


async def _cancel_pending(
    ops: AsyncOperations, names: Sequence[str], view: WaitView, settings: _Settings
) -> list[str]:
    async def cancel(name: str) -> str | None:
        try:
            await ops.cancel(name)
        except (GeminiOpsError, ValueError) as exc:
            view.note(_redact(f"could not cancel {name}: {_describe(exc)}", settings.secrets))
            return None
        view.note(f"cancellation requested: {name}")
        return name

    try:
        async with asyncio.timeout(15):
            done = await asyncio.gather(*(cancel(n) for n in names))
    except TimeoutError:
        view.note("gave up cancelling after 15 s")
        return []
    return [n for n in done if n is not None]


@cli.command("wait", short_help="Wait for operations, with live progress.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("--timeout", type=_SECONDS, metavar="S", help="Give up after S seconds (exit 3).")
@click.option(
    "--poll-interval", type=_SECONDS, metavar="S", help="Seconds between polls [default: 5]."
)
@click.option("--backoff", is_flag=True, help="Poll with exponential backoff instead.")
@click.option(
    "--initial-delay", type=_SECONDS, metavar="S", help="With --backoff: first delay [1]."
)
@click.option("--max-delay", type=_SECONDS, metavar="S", help="With --backoff: longest delay [30].")
@click.option(
    "--multiplier",
    type=click.FloatRange(min=1),
    metavar="X",
    help="With --backoff: delay growth factor [2].",
)
@click.option(
    "--cancel-on-interrupt", is_flag=True, help="On Ctrl-C, also cancel the unfinished ones."
)
@webhook_options
@_json_option
@click.pass_context
def wait_command(
    ctx: click.Context,
    names: tuple[str, ...],
    timeout: float | None,
    poll_interval: float | None,
    backoff: bool,
    initial_delay: float | None,
    max_delay: float | None,
    multiplier: float | None,
    cancel_on_interrupt: bool,
    webhook_listen: str | None,
    webhook_secret_env: str | None,
    as_json: bool,
) -> None:
    """Wait until operations are done, with live progress; several names wait concurrently.

    Exits 0 when all succeeded, 1 when one finished with an error (cancelled included), 3 on
    --timeout, 4 on an API error. With --json, prints each operation as it finishes (the last
    one seen for a timeout). Ctrl-C stops waiting (exit 130). With --webhook-listen, webhook
    deliveries verified with the secret in --webhook-secret-env poll their operation at once.
    """
    settings = _settings_of(ctx)
    if backoff and poll_interval is not None:
        raise click.UsageError("--poll-interval and --backoff exclude each other")
    if not backoff:
        given = [
            opt
            for opt, value in (
                ("--initial-delay", initial_delay),
                ("--max-delay", max_delay),
                ("--multiplier", multiplier),
            )
            if value is not None
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)} only apply with --backoff")
    options = _PollOptions(
        timeout=timeout,
        poll_interval=5.0 if poll_interval is None else poll_interval,
        backoff=backoff,
        initial_delay=1.0 if initial_delay is None else initial_delay,
        max_delay=30.0 if max_delay is None else max_delay,
        multiplier=2.0 if multiplier is None else multiplier,
    )
    if options.backoff and options.max_delay < options.initial_delay:
        raise click.UsageError("--max-delay must be >= --initial-delay")
    unique = _check_names(names)

    # Progress goes to stdout, unless stdout carries JSON: then to stderr, on a terminal only.
    console = _console(stderr=as_json)
    view = _make_view(console, unique, quiet=as_json)

    def emit(outcome: WaitOutcome) -> None:
        if as_json and outcome.operation is not None:
            _emit_json(outcome.operation.to_dict())

    with view, receiving(webhook_listen, webhook_secret_env) as notifications:
        options = dataclasses.replace(options, notifications=notifications)
        result = asyncio.run(_wait_all(settings, unique, options, view, emit, cancel_on_interrupt))
    if isinstance(view, _LiveView):
        _print_outcomes(console, result.outcomes)
    codes = [o.code for o in result.outcomes]
    for outcome in result.outcomes:
        if outcome.error is not None:
            _report(outcome.error, settings, outcome.name)
    if result.interrupted:
        waiting = len(result.pending)
        text = f"Interrupted: stopped waiting for {waiting} operation{'s' * (waiting != 1)}"
        if cancel_on_interrupt:
            text += f"; cancellation requested for {len(result.cancelled)}"
        click.echo(text + ".", err=True)
        codes.append(EXIT_INTERRUPTED)
    _exit(ctx, codes)


def _print_outcomes(console: Console, outcomes: Sequence[WaitOutcome]) -> None:
    marks = {"succeeded": "✓", "failed": "✗", "cancelled": "⊘", "timed out": "⏱", "error": "!"}
    for outcome in outcomes:
        if outcome.state == "interrupted":
            continue
        state = outcome.state
        line = Text.assemble(
            (f"{marks.get(state, '?')} ", _STATE_STYLES.get(state, "")),
            (outcome.name, "bold"),
            f"  {state} after {_human_seconds(outcome.elapsed)}",
        )
        if outcome.summary:
            line.append(f"  {outcome.summary}", style="dim")
        _line(console, line)


# ---------------------------------------------------------------------------------------------
# emulator and demo


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@cli.command("emulator", short_help="Run the local emulator until Ctrl-C.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0: any free one).",
)
@click.option(
    "--api-key",
    "emulator_key",
    metavar="K",
    help="The API key the emulator accepts [default: emulator-api-key].",
)
@click.option(
    "--vertex-token",
    metavar="T",
    help="The bearer token it accepts for Vertex AI [default: emulator-vertex-token].",
)
@click.option("--seed-demo", is_flag=True, help="Start with a mix of demo operations.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the URL and credentials as one JSON line on stdout (the log goes to stderr).",
)
def emulator_command(
    host: str,
    port: int,
    emulator_key: str | None,
    vertex_token: str | None,
    seed_demo: bool,
    as_json: bool,
) -> None:
    """Run the local emulator of the operations API until Ctrl-C.

    Point the other commands at it with --base-url http://127.0.0.1:8765 and its API key.
    """
    try:
        from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN
        from gemini_ops.emulator.__main__ import main as run_emulator
    except ImportError as exc:
        raise click.UsageError(
            f"the emulator needs the emulator extra: pip install 'gemini-ops[emulator]' ({exc})"
        ) from None
    key = emulator_key or DEFAULT_API_KEY
    token = vertex_token or DEFAULT_VERTEX_TOKEN
    try:
        if as_json and port == 0:
            port = _free_port(host)
        argv = ["--host", host, "--port", str(port), "--api-key", key, "--vertex-token", token]
        if seed_demo:
            argv.append("--seed-demo")
        if not as_json:
            run_emulator(argv)
            return
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}"
        _emit_json({"url": url, "api_key": key, "vertex_token": token})
        sys.stdout.flush()
        with contextlib.redirect_stdout(sys.stderr):
            run_emulator(argv)
    except OSError as exc:
        raise click.UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@cli.command("demo", short_help="Run the demo on the built-in emulator.")
@_json_option
@click.pass_context
def demo_command(ctx: click.Context, as_json: bool) -> None:
    """Run the library against its built-in emulator: no account, no network, about 10 s.

    Starts the emulator on a free loopback port, starts a mix of operations (a Veo video, a
    tuning job, batches, one that fails, one to cancel, one on Vertex AI), then lists them,
    waits for all of them with live progress, cancels one, deletes the finished ones and prints
    the equivalent Python. With --json, the story goes to stderr and the final operations to
    stdout.
    """
    try:
        from gemini_ops._demo import run_demo
    except ImportError as exc:
        raise click.UsageError(
            f"the demo needs the emulator extra: pip install 'gemini-ops[emulator]' ({exc})"
        ) from None
    ctx.exit(run_demo(_console(stderr=as_json), as_json=as_json))


cli.add_command(webhooks_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``gemini-ops`` command line (the console script's entry point)."""
    cli.main(args=None if argv is None else list(argv), prog_name="gemini-ops")


if __name__ == "__main__":
    main()
