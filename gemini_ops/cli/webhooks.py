"""The webhook commands: a receiver for ``wait --webhook-listen``, and ``gemini-ops webhooks``.

The receiver and the registrations need the ``webhooks`` extra; serving the receiver needs uvicorn
(the ``emulator`` extra).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.text import Text

from gemini_ops import Notifications, Operations
from gemini_ops.cli.render import emit_json, make_console, print_table
from gemini_ops.cli.terminal import shown

_START_TIMEOUT = 10.0
_EVENTS = (
    "batch.succeeded",
    "batch.failed",
    "batch.cancelled",
    "batch.expired",
    "video.generated",
)


def webhook_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--webhook-listen HOST:PORT`` and ``--webhook-secret-env VAR`` to a command."""
    function = click.option(
        "--webhook-secret-env",
        metavar="VAR",
        help="Environment variable holding the webhook's whsec_ signing secret.",
    )(function)
    return click.option(
        "--webhook-listen",
        metavar="HOST:PORT",
        help="Receive webhook deliveries here while waiting: a verified event polls at once.",
    )(function)


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise click.BadParameter(f"expected HOST:PORT, got {text!r}", param_hint="--webhook-listen")
    return host, int(port)


@contextmanager
def receiving(listen: str | None, secret_env: str | None) -> Iterator[Notifications | None]:
    """Serve a WebhookReceiver on ``listen`` for the block; yield its hub (None without one)."""
    if listen is None:
        if secret_env is not None:
            raise click.UsageError("--webhook-secret-env only applies with --webhook-listen")
        yield None
        return
    host, port = _host_port(listen)
    if not secret_env:
        raise click.UsageError("--webhook-listen needs --webhook-secret-env VAR")
    secret = os.environ.get(secret_env)
    if not secret:
        raise click.UsageError(f"the environment variable {secret_env} is not set")
    try:
        import uvicorn

        from gemini_ops.webhooks import WebhookReceiver
    except ImportError as exc:
        raise click.ClickException(
            f"--webhook-listen needs pip install 'gemini-ops[webhooks,emulator]' ({exc.name})"
        ) from None
    hub = Notifications()
    receiver = WebhookReceiver(hub, secret=secret)
    config = uvicorn.Config(
        receiver, host=host, port=port, lifespan="off", access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="gemini-ops-webhooks", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise click.ClickException(f"could not listen for webhooks on {listen}")
        time.sleep(0.01)
    try:
        yield hub
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT)


# ------------------------------------------------------------------------------ registrations


@contextmanager
def _webhooks_http(ctx: click.Context) -> Iterator[Any]:
    from gemini_ops.cli.options import settings_of

    settings = settings_of(ctx)
    if settings.vertex:
        raise click.UsageError("webhooks are a Gemini API service; drop --vertex")
    with Operations(**settings.client_options()) as ops:
        yield ops.raw_client(auth="gemini").get_httpx_client()


def _body(response: Any) -> dict[str, Any]:
    data = response.json() if response.content.strip() else {}
    return data if isinstance(data, dict) else {}


@click.group("webhooks", short_help="List, create and delete webhook registrations.")
def webhooks_command() -> None:
    """Manage the project's webhooks (the Gemini API's WebhookService)."""


@webhooks_command.command("list", short_help="List the registered webhooks.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_webhooks(ctx: click.Context, as_json: bool) -> None:
    """List every registered webhook (all pages)."""
    hooks: list[dict[str, Any]] = []
    with _webhooks_http(ctx) as http:
        token = None
        while True:
            params = {"page_size": 100, **({"page_token": token} if token else {})}
            page = _body(http.get("webhooks", params=params))
            hooks.extend(h for h in page.get("webhooks", []) if isinstance(h, dict))
            token = page.get("next_page_token")
            if not token:
                break
    if as_json:
        for hook in hooks:
            emit_json(hook)
        return
    rows = [
        [
            Text(str(h.get("id", ""))),
            Text(str(h.get("state", ""))),
            Text(str(h.get("uri", ""))),
            Text(",".join(h.get("subscribed_events", []))),
        ]
        for h in hooks
    ]
    print_table(make_console(), ["ID", "STATE", "URI", "EVENTS"], rows)


@webhooks_command.command("create", short_help="Register a webhook; prints its secret once.")
@click.argument("uri")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(_EVENTS),
    help="An event to subscribe to (repeatable) [default: all of these].",
)
@click.option("--name", default=None, help="A display name.")
@click.option("--json", "as_json", is_flag=True, help="Print the webhook as JSON.")
@click.pass_context
def create_webhook(
    ctx: click.Context, uri: str, events: tuple[str, ...], name: str | None, as_json: bool
) -> None:
    """Register URI for events; the signing secret is shown now and never again."""
    body: dict[str, Any] = {"uri": uri, "subscribed_events": list(events or _EVENTS)}
    if name is not None:
        body["name"] = name
    with _webhooks_http(ctx) as http:
        hook = _body(http.post("webhooks", json=body))
    if as_json:
        emit_json(hook)
        return
    click.echo(f"Created: {shown(hook.get('id'))}")
    click.echo(f"Signing secret (shown only once): {shown(hook.get('new_signing_secret'))}")


@webhooks_command.command("delete", short_help="Delete webhook registrations.")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_context
def delete_webhooks(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Delete the webhooks with these ids."""
    with _webhooks_http(ctx) as http:
        for ident in ids:
            if not ident.replace("-", "").replace("_", "").isalnum():
                raise click.BadParameter(f"not a webhook id: {ident!r}", param_hint="ID")
            http.delete(f"webhooks/{ident}")
            click.echo(f"Deleted: {ident}")
