"""The ``gemini-ops`` command group: global options, error handling, the commands in order."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from gemini_ops import (
    __version__,
)
from gemini_ops.cli.commands import (
    cancel_command,
    delete_command,
    demo_command,
    emulator_command,
    get_command,
    list_command,
)
from gemini_ops.cli.errors import report, verbose_logging
from gemini_ops.cli.exit_codes import (
    EXIT_INTERRUPTED,
    EXIT_OK,
)
from gemini_ops.cli.options import (
    SECONDS,
    Settings,
)
from gemini_ops.cli.terminal import hide_secrets
from gemini_ops.cli.wait import wait_command
from gemini_ops.cli.webhooks import webhooks_command

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


class _Group(click.Group):
    """A group that turns every error of its commands into one line and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The everyday commands first, not alphabetical.
        order = ("get", "list", "wait", "cancel", "delete", "emulator", "demo")
        return sorted(self.commands, key=lambda c: order.index(c) if c in order else len(order))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse, with the group's options accepted after the command too (as kubectl does)."""
        return super().parse_args(ctx, self._global_options_first(args))

    def _global_options_first(self, args: Sequence[str]) -> list[str]:
        """Move the group's options that follow the command name in front of it.

        An option the command defines itself (``emulator --api-key``) stays the command's.
        """
        ours = _option_arity(self.params)
        index = 0
        while index < len(args) and args[index].startswith("-") and args[index] != "--":
            takes_value = ours.get(args[index], False) and "=" not in args[index]
            index += 2 if takes_value else 1
        if index >= len(args) or args[index] not in self.commands:
            return list(args)
        theirs = _option_arity(self.commands[args[index]].params)
        moved: list[str] = []
        kept: list[str] = []
        rest = list(args[index + 1 :])
        while rest:
            word = rest.pop(0)
            if word == "--":
                kept += [word, *rest]
                break
            flag = word.split("=", 1)[0] if word.startswith("--") else word
            takes_value = "=" not in word
            if flag in ours and flag not in theirs:
                moved.append(word)
                if ours[flag] and takes_value and rest:
                    moved.append(rest.pop(0))
            else:
                kept.append(word)
                if theirs.get(flag) and takes_value and rest:
                    kept.append(rest.pop(0))
        return [*args[:index], *moved, args[index], *kept]

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
            silence_stdout()
            ctx.exit(EXIT_OK)
        except Exception as exc:
            ctx.exit(report(exc, ctx.find_object(Settings)))


def _option_arity(params: Sequence[click.Parameter]) -> dict[str, bool]:
    """Each option's spellings, and whether it takes a value."""
    return {
        spelling: not (param.is_flag or param.count)
        for param in params
        if isinstance(param, click.Option) and not param.is_eager
        for spelling in (*param.opts, *param.secondary_opts)
    }


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@click.group(
    cls=_Group,
    help=_HELP,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--api-key",
    metavar="KEY",
    help="API key [env: GOOGLE_API_KEY, then GEMINI_API_KEY]. Never printed.",
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
    type=SECONDS,
    default=60.0,
    show_default=True,
    metavar="DURATION",
    help="Timeout of each HTTP request (seconds, or e.g. 2m).",
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
    settings = Settings(
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
    hide_secrets(ctx, settings.secrets)
    if verbose:
        ctx.with_resource(verbose_logging(settings.secrets))


# ---------------------------------------------------------------------------------------------
# get, list, cancel, delete


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``gemini-ops`` command line (the console script's entry point)."""
    cli.main(args=None if argv is None else list(argv), prog_name="gemini-ops")


for _command in (
    get_command,
    list_command,
    wait_command,
    cancel_command,
    delete_command,
    emulator_command,
    demo_command,
    webhooks_command,
):
    cli.add_command(_command)
