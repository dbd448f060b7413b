"""``gemini-ops wait``: wait for operations concurrently, with a live view."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field

import click

from gemini_ops import (
    AsyncOperations,
    GeminiOpsError,
    Notifications,
    Operation,
    WaitTimeoutError,
)
from gemini_ops._http.redact import redact
from gemini_ops.cli.errors import describe, exit_code_for, report
from gemini_ops.cli.exit_codes import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OPERATION_FAILED,
    EXIT_TIMEOUT,
)
from gemini_ops.cli.live import LiveView, WaitOutcome, WaitView, make_view, print_outcomes
from gemini_ops.cli.options import (
    SECONDS,
    Settings,
    check_names,
    exit_with,
    json_option,
    settings_of,
)
from gemini_ops.cli.render import (
    emit_json,
    make_console,
)
from gemini_ops.cli.webhooks import receiving, webhook_options


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


def _outcome_of(name: str, result: Operation | BaseException, started: float) -> WaitOutcome:
    elapsed = time.monotonic() - started  # from the start of the command's wait
    if isinstance(result, WaitTimeoutError):
        last = result.operation if isinstance(result.operation, Operation) else None
        return WaitOutcome(name, last, result, EXIT_TIMEOUT, elapsed)
    if isinstance(result, BaseException):
        return WaitOutcome(name, None, result, exit_code_for(result), elapsed)
    return WaitOutcome(name, result, None, _outcome_code(result), elapsed)


async def _wait_one(
    ops: AsyncOperations, name: str, options: _PollOptions, view: WaitView
) -> WaitOutcome:
    polls = 0

    def on_progress(op: Operation) -> None:
        nonlocal polls
        delay = options.delay_after(polls)
        polls += 1
        view.update(op, None if op.done else delay)

    try:
        op = await ops.wait_with_backoff(
            name,
            initial_delay=options.initial_delay,
            max_delay=options.max_delay,
            multiplier=options.multiplier,
            timeout=options.timeout,
            on_progress=on_progress,
            notifications=options.notifications,
        )
    except Exception as exc:
        outcome = _outcome_of(name, exc, view.started)
    else:
        outcome = _outcome_of(name, op, view.started)
    view.finish(outcome)
    return outcome


async def _finished(
    ops: AsyncOperations, names: Sequence[str], options: _PollOptions, view: WaitView
) -> AsyncGenerator[WaitOutcome, None]:
    """Each wait's outcome as it ends: one ``wait_many``, or a backoff wait per name."""
    if options.backoff:
        tasks = [asyncio.create_task(_wait_one(ops, name, options, view)) for name in names]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return

    def on_progress(op: Operation) -> None:
        view.update(op, None if op.done else options.poll_interval)

    outcomes = ops.wait_many(
        names,
        poll_interval=options.poll_interval,
        timeout=options.timeout,
        on_progress=on_progress,
        notifications=options.notifications,
        return_exceptions=True,
    )
    async for item in outcomes:
        name = item.name if isinstance(item, Operation) else str(item.operation_name)
        outcome = _outcome_of(name, item, view.started)
        view.finish(outcome)
        yield outcome


@dataclass
class _WaitResult:
    outcomes: list[WaitOutcome]
    pending: list[str]
    interrupted: bool = False
    cancelled: list[str] = field(default_factory=list)


async def _wait_all(
    settings: Settings,
    names: Sequence[str],
    options: _PollOptions,
    view: WaitView,
    emit: Callable[[WaitOutcome], None],
    cancel_on_interrupt: bool,
) -> _WaitResult:
    """Wait for every name concurrently; on Ctrl-C stop (and cancel) instead of raising."""
    result = _WaitResult(outcomes=[], pending=[])
    async with AsyncOperations(**settings.client_options()) as ops:
        outcomes = _finished(ops, names, options, view)
        try:
            async for outcome in outcomes:
                result.outcomes.append(outcome)
                emit(outcome)
        except asyncio.CancelledError:
            # asyncio.run cancels this task on the first Ctrl-C: stop cleanly instead.
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            result.interrupted = True
            await outcomes.aclose()
            finished = {o.name for o in result.outcomes}
            result.pending = [n for n in names if n not in finished]
            for name in result.pending:
                view.finish(WaitOutcome(name, None, KeyboardInterrupt(), EXIT_INTERRUPTED, 0.0))
            if cancel_on_interrupt and result.pending:
                result.cancelled = await _cancel_pending(ops, result.pending, view, settings)
    return result


async def _cancel_pending(
    ops: AsyncOperations, names: Sequence[str], view: WaitView, settings: Settings
) -> list[str]:
    async def cancel(name: str) -> str | None:
        try:
            await ops.cancel(name)
        except (GeminiOpsError, ValueError) as exc:
            view.note(redact(f"could not cancel {name}: {describe(exc)}", settings.secrets))
            return None
        view.note(f"cancellation requested: {name}")
        # One more look, so that the view ends with what the server says now, not "interrupted".
        try:
            op = await ops.get(name)
        except GeminiOpsError:
            return name
        elapsed = time.monotonic() - view.started
        if op.done:
            view.finish(WaitOutcome(name, op, None, _outcome_code(op), elapsed))
        else:
            interrupted = KeyboardInterrupt()
            outcome = WaitOutcome(
                name, op, interrupted, EXIT_INTERRUPTED, elapsed, cancel_requested=True
            )
            view.finish(outcome)
        return name

    try:
        async with asyncio.timeout(15):
            done = await asyncio.gather(*(cancel(n) for n in names))
    except TimeoutError:
        view.note("gave up cancelling after 15 s")
        return []
    return [n for n in done if n is not None]


@click.command("wait", short_help="Wait for operations, with live progress.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option(
    "--timeout",
    type=SECONDS,
    metavar="DURATION",
    help="Give up after this long (exit 3), e.g. 90, 10m, 1h30m.",
)
@click.option(
    "--poll-interval", type=SECONDS, metavar="DURATION", help="Time between polls [default: 5s]."
)
@click.option("--backoff", is_flag=True, help="Poll with exponential backoff instead.")
@click.option(
    "--initial-delay", type=SECONDS, metavar="DURATION", help="With --backoff: first delay [1]."
)
@click.option(
    "--max-delay", type=SECONDS, metavar="DURATION", help="With --backoff: longest delay [30]."
)
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
@json_option
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
    settings = settings_of(ctx)
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
    unique = check_names(names)

    # Progress goes to stdout, unless stdout carries JSON: then to stderr, on a terminal only.
    console = make_console(stderr=as_json)
    view = make_view(console, unique, quiet=as_json)

    def emit(outcome: WaitOutcome) -> None:
        if as_json and outcome.operation is not None:
            emit_json(outcome.operation.to_dict())

    with view, receiving(webhook_listen, webhook_secret_env) as notifications:
        options = dataclasses.replace(options, notifications=notifications)
        result = asyncio.run(_wait_all(settings, unique, options, view, emit, cancel_on_interrupt))
    if isinstance(view, LiveView):
        print_outcomes(console, result.outcomes)
    codes = [o.code for o in result.outcomes]
    for outcome in result.outcomes:
        if outcome.error is not None:
            report(outcome.error, settings, outcome.name)
    if result.interrupted:
        waiting = len(result.pending)
        text = f"Interrupted: stopped waiting for {waiting} operation{'s' * (waiting != 1)}"
        if cancel_on_interrupt:
            text += f"; cancellation requested for {len(result.cancelled)}"
        click.echo(text + ".", err=True)
        codes.append(EXIT_INTERRUPTED)
    exit_with(ctx, codes)
