"""``get``, ``list``, ``cancel``, ``delete``, ``emulator`` and ``demo``."""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import socket
import sys
from collections.abc import Iterable

import click

from gemini_ops import (
    GeminiOpsError,
    Operation,
    Operations,
)
from gemini_ops.cli.errors import report
from gemini_ops.cli.exit_codes import EXIT_USAGE
from gemini_ops.cli.options import (
    check_names,
    exit_with,
    json_option,
    next_page_command,
    settings_of,
)
from gemini_ops.cli.render import (
    OperationTable,
    emit_json,
    make_console,
    print_line,
    print_operation,
)


@click.command("get", short_help="Show operations.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@json_option
@click.pass_context
def get_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Show the current state of one or more operations."""
    settings = settings_of(ctx)
    unique = check_names(names)
    console = make_console()
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for index, name in enumerate(unique):
            try:
                op = ops.get(name)
            except (GeminiOpsError, ValueError) as exc:
                codes.append(report(exc, settings, name))
                continue
            if as_json:
                emit_json(op.to_dict())
            else:
                if index:
                    print_line(console, "")
                print_operation(console, op)
    exit_with(ctx, codes)


@click.command("list", short_help="List the operations under a parent.")
@click.argument("parent", required=False)
@click.option("--filter", "filter_", metavar="F", help="Server-side filter, e.g. done=true.")
@click.option("--page-size", type=click.IntRange(min=1), metavar="N", help="Operations per page.")
@click.option("--page-token", metavar="T", help="Continue from the token a previous list printed.")
@click.option("--all", "all_pages", is_flag=True, help="Follow every page, printing as they come.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="Print at most N operations, following pages as needed.",
)
@click.option("--wide", is_flag=True, help="Add the TYPE column.")
@json_option
@click.pass_context
def list_command(
    ctx: click.Context,
    parent: str | None,
    filter_: str | None,
    page_size: int | None,
    page_token: str | None,
    all_pages: bool,
    limit: int | None,
    wide: bool,
    as_json: bool,
) -> None:
    """List the operations under PARENT (batches, tunedModels/M, models/M, projects/P/locations/L).

    Without PARENT: the Vertex AI location configured (--vertex with --project and --location),
    or the top-level operations of the Gemini API (--api-version v1). Names are printed whole,
    in the last column.
    """
    settings = settings_of(ctx)
    if (all_pages or limit) and page_token:
        raise click.UsageError(
            "--all and --limit start from the first page; leave out --page-token"
        )
    console = make_console()
    next_token: str | None = None
    with Operations(**settings.client_options()) as ops:
        found: Iterable[Operation]
        if all_pages or limit:
            found = ops.list_all(parent, page_size=page_size, filter=filter_)
            if limit:
                found = itertools.islice(found, limit)
        else:
            page = ops.list(parent, page_size=page_size, page_token=page_token, filter=filter_)
            found, next_token = page.operations, page.next_page_token
        table = OperationTable(console, wide=wide)
        printed = 0
        for op in found:
            if as_json:
                emit_json(op.to_dict())
            else:
                table.add(op)
            printed += 1
        if not printed:
            click.echo(f"No operations under {parent or 'the default parent'}.", err=True)
    if next_token:
        command = next_page_command(ctx, next_token)
        click.echo(f"More operations: {command}", err=True)


@click.command("cancel", short_help="Ask to cancel operations.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@json_option
@click.pass_context
def cancel_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Ask the server to cancel operations (best effort: they end later as cancelled).

    With --json, prints each operation as it is right after the request.
    """
    settings = settings_of(ctx)
    unique = check_names(names)
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for name in unique:
            try:
                ops.cancel(name)
                if as_json:
                    emit_json(ops.get(name).to_dict())
                else:
                    click.echo(f"Cancellation requested: {name}")
            except (GeminiOpsError, ValueError) as exc:
                codes.append(report(exc, settings, name))
    exit_with(ctx, codes)


@click.command("delete", short_help="Delete operation records.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@functools.partial(json_option, help='Print {"name": NAME, "deleted": true} per name deleted.')
@click.pass_context
def delete_command(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Delete operation records (this does not cancel them); their names then answer 404.

    With --json, prints {"name": NAME, "deleted": true} for each one deleted.
    """
    settings = settings_of(ctx)
    unique = check_names(names)
    codes: list[int] = []
    with Operations(**settings.client_options()) as ops:
        for name in unique:
            try:
                ops.delete(name)
            except (GeminiOpsError, ValueError) as exc:
                codes.append(report(exc, settings, name))
                continue
            if as_json:
                emit_json({"name": name, "deleted": True})
            else:
                click.echo(f"Deleted: {name}")
    exit_with(ctx, codes)


# ---------------------------------------------------------------------------------------------
# wait: views of waits in progress


class _MissingExtra(click.ClickException):
    """An optional dependency is not installed: one line saying which extra to install."""

    exit_code = EXIT_USAGE


def _require_emulator_extra() -> None:
    try:
        import gemini_ops.emulator  # noqa: F401 - it says which extra is missing
    except ModuleNotFoundError as exc:
        raise _MissingExtra(str(exc)) from None


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@click.command("emulator", short_help="Run the local emulator until Ctrl-C.")
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
@click.option(
    "--cancel-delay",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="S",
    help="Seconds a cancel takes to land [0].",
)
@click.option("--log-level", default="info", show_default=True, help="Log level of the server.")
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
    cancel_delay: float,
    log_level: str,
    seed_demo: bool,
    as_json: bool,
) -> None:
    """Run the local emulator of the operations API until Ctrl-C.

    Point the other commands at it with --base-url http://127.0.0.1:8765 and its API key.
    """
    _require_emulator_extra()
    from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN
    from gemini_ops.emulator.__main__ import main as run_emulator

    key = emulator_key or DEFAULT_API_KEY
    token = vertex_token or DEFAULT_VERTEX_TOKEN
    try:
        if as_json and port == 0:
            port = _free_port(host)
        argv = ["--host", host, "--port", str(port), "--api-key", key, "--vertex-token", token]
        argv += ["--cancel-delay", f"{cancel_delay:g}", "--log-level", log_level]
        if seed_demo:
            argv.append("--seed-demo")
        if not as_json:
            run_emulator(argv)
            return
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}"
        # The emulator's own credentials, printed on purpose: not server text, nothing to mask.
        click.echo(json.dumps({"url": url, "api_key": key, "vertex_token": token}))
        sys.stdout.flush()
        with contextlib.redirect_stdout(sys.stderr):
            run_emulator(argv)
    except OSError as exc:
        raise click.UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@click.command("demo", short_help="Run the demo on the built-in emulator.")
@json_option
@click.pass_context
def demo_command(ctx: click.Context, as_json: bool) -> None:
    """Run the library against its built-in emulator: no account, no network, about 10 s.

    Starts the emulator on a free loopback port, starts a mix of operations (a Veo video, a
    tuning job, batches, one that fails, one to cancel, one on Vertex AI), then lists them,
    waits for all of them with live progress, cancels one, deletes the finished ones and prints
    the equivalent Python. With --json, the story goes to stderr and the final operations to
    stdout.
    """
    _require_emulator_extra()
    from gemini_ops.cli.demo import run_demo

    ctx.exit(run_demo(make_console(stderr=as_json), as_json=as_json))
