"""Errors as the command line shows them: one line on stderr, details with ``-v``, exit codes."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import traceback
from collections.abc import Iterator, Sequence

import click

from gemini_ops import (
    ApiError,
    CredentialsError,
    GeminiOpsError,
    InvalidNameError,
    InvalidResponseError,
    OperationFailedError,
    PaginationError,
    TransportError,
    UnsupportedMethodError,
    WaitTimeoutError,
)
from gemini_ops._http.redact import redact
from gemini_ops.cli.exit_codes import (
    EXIT_API_ERROR,
    EXIT_CANNOT_CONNECT,
    EXIT_INTERRUPTED,
    EXIT_OPERATION_FAILED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
)
from gemini_ops.cli.options import (
    Settings,
)
from gemini_ops.cli.terminal import shown

WHITESPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) into single spaces."""
    return WHITESPACE.sub(" ", text).strip()


def exit_code_for(exc: BaseException) -> int:
    """The exit code documented for an exception (1 for anything unexpected)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, WaitTimeoutError):
        return EXIT_TIMEOUT
    if isinstance(exc, TransportError):
        return EXIT_CANNOT_CONNECT
    # Before ApiError: a failed operation is also the ApiError class of its error code.
    if isinstance(exc, OperationFailedError):
        return EXIT_OPERATION_FAILED
    if isinstance(exc, ApiError | InvalidResponseError | PaginationError | CredentialsError):
        return EXIT_API_ERROR
    # InvalidNameError and UnsupportedMethodError are ValueErrors too.
    if isinstance(exc, click.UsageError | ValueError):
        return EXIT_USAGE
    if isinstance(exc, GeminiOpsError):
        return EXIT_API_ERROR
    return EXIT_OPERATION_FAILED


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, without the request details."""
    if isinstance(exc, InvalidNameError):
        return f"invalid name {exc.name!r}: {exc.reason}"
    if isinstance(exc, ApiError) and not isinstance(exc, OperationFailedError):
        return f"{exc.status} (HTTP {exc.http_status}): {exc.message}"
    if isinstance(exc, TransportError):
        return f"cannot connect: {exc}"
    if isinstance(exc, GeminiOpsError | ValueError):
        return str(exc) or type(exc).__name__
    return f"unexpected {type(exc).__name__}: {exc}"


def details(exc: BaseException) -> list[str]:
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
        lines.append(f"caused by: {type(cause).__name__}: {one_line(str(cause))}")
        cause = cause.__cause__ or cause.__context__
    if not isinstance(exc, GeminiOpsError | ValueError | click.UsageError):
        for chunk in traceback.format_exception(exc):
            lines.extend(chunk.rstrip("\n").split("\n"))
    return lines


def report(exc: BaseException, settings: Settings | None, subject: str | None = None) -> int:
    """Print an error as one line on stderr (details with -v); return its exit code."""
    text = describe(exc)
    # These name the operation themselves.
    if subject and not isinstance(
        exc, InvalidNameError | UnsupportedMethodError | WaitTimeoutError
    ):
        text = f"{subject}: {text}"
    # Secrets masked and control characters made visible: messages come from the server.
    click.echo(shown(f"Error: {one_line(text)}"), err=True)
    if settings is not None and settings.verbose:
        for line in details(exc):
            click.echo(shown(f"  {line.rstrip()}"), err=True)
    return exit_code_for(exc)


class _SecretFilter(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        return True


class _EchoHandler(logging.Handler):
    """Log records to the current stderr, looked up at each record (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(shown(self.format(record)), err=True)


@contextlib.contextmanager
def verbose_logging(secrets: Sequence[str]) -> Iterator[None]:
    """Log the library's and httpx's records to stderr, secrets redacted (``-v``)."""
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
