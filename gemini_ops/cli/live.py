"""Views of waits in progress: live bars on a terminal, plain lines in logs and pipes."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID
from rich.progress_bar import ProgressBar
from rich.text import Text

from gemini_ops import (
    Operation,
    WaitTimeoutError,
)
from gemini_ops.cli.errors import describe, one_line
from gemini_ops.cli.render import (
    STATE_STYLES,
    human_seconds,
    live_state,
    percent_text,
    print_line,
    progress_of,
    result_summary,
    state_of,
)
from gemini_ops.cli.terminal import shown

# Keeps the text a terminal shows short: the two ends of a name are what tell names apart.
LABEL_WIDTH = 52


@dataclass
class WaitOutcome:
    """How one wait ended: the operation (or the last one seen), the error, the exit code."""

    name: str
    operation: Operation | None
    error: BaseException | None
    code: int
    elapsed: float
    #: Ctrl-C stopped the wait and a cancel request was accepted; the operation is not done yet.
    cancel_requested: bool = False

    @property
    def state(self) -> str:
        """The final state word: ``succeeded``, ``failed``, ``cancelled``, ``timed out``, ...

        ``interrupted`` (Ctrl-C), ``cancelling`` (Ctrl-C, a cancel accepted, not done yet) or
        ``error``.
        """
        if isinstance(self.error, WaitTimeoutError):
            return "timed out"
        if isinstance(self.error, KeyboardInterrupt):
            return "cancelling" if self.cancel_requested else "interrupted"
        if self.error is not None or self.operation is None:
            return "error"
        return state_of(self.operation)

    @property
    def summary(self) -> str:
        """The result or the error, in a few words."""
        if isinstance(self.error, WaitTimeoutError):
            last = self.operation
            seen = "never answered" if last is None else f"last seen {live_state(last)}"
            if last is not None and progress_of(last) is not None:
                seen += f" at {percent_text(last)}"
            return seen
        if isinstance(self.error, KeyboardInterrupt):
            return ""
        if self.error is not None:
            return one_line(describe(self.error))
        return "" if self.operation is None else result_summary(self.operation)


def _short(name: str, width: int = LABEL_WIDTH) -> str:
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
        print_line(self.console, Text(text, style="dim"))

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
        progress = progress_of(op)
        key = (live_state(op), None if progress is None else math.floor(progress))
        if self._last.get(op.name) == key:
            return
        self._last[op.name] = key
        percent = f"  {percent_text(op)}" if progress is not None else ""
        print_line(self.console, f"{self._stamp()}  {op.name}  {key[0]}{percent}")

    def finish(self, outcome: WaitOutcome) -> None:
        summary = outcome.summary
        percent = "  100%" if outcome.state == "succeeded" else ""
        text = f"{self._stamp()}  {outcome.name}  {outcome.state}{percent}"
        print_line(self.console, f"{text}  {summary}" if summary else text)

    def note(self, text: str) -> None:
        print_line(self.console, f"{self._stamp()}  {text}")


class _LabelColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(task.fields["label"], overflow="ellipsis", no_wrap=True)


class _BarColumn(BarColumn):
    """A bar coloured by outcome; it pulses while the percentage is unknown."""

    def render(self, task: Task) -> ProgressBar:
        state = task.fields["state"]
        style = STATE_STYLES.get(state, "cyan")
        return ProgressBar(
            total=task.total,
            completed=task.completed,
            width=self.bar_width,
            pulse=task.total is None and state not in STATE_STYLES,
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
        return Text(f"{state:<10}", style=STATE_STYLES.get(state, "yellow"))


class _ElapsedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        ended = task.fields["ended"]
        elapsed = (ended if ended is not None else time.monotonic()) - task.fields["began"]
        return Text(f"{human_seconds(elapsed):>7}", style="progress.elapsed")


class _NextPollColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        if task.fields["ended"] is not None:
            return Text(task.fields["summary"], style="dim", overflow="ellipsis", no_wrap=True)
        next_at = task.fields["next_at"]
        left = None if next_at is None else next_at - time.monotonic()
        if left is None or left <= 0:
            return Text("polling…", style="dim")
        return Text(f"next poll in {math.ceil(left)}s", style="dim")


class LiveView(WaitView):
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
                label=shown(_short(name)),
                state="waiting",
                percent="",
                began=self.started,
                ended=None,
                next_at=None,
                summary="",
            )
        self._progress.start()

    def update(self, op: Operation, next_poll_in: float | None) -> None:
        """Redraw the operation's bar."""
        task = self._tasks.get(op.name)
        if task is None:
            return
        progress = progress_of(op)
        self._progress.update(
            task,
            total=None if progress is None else 100.0,
            completed=progress or 0.0,
            state=shown(live_state(op)),
            percent=percent_text(op),
            next_at=None if next_poll_in is None else time.monotonic() + next_poll_in,
        )

    def finish(self, outcome: WaitOutcome) -> None:
        """Freeze the bar in its final state with the outcome's summary."""
        task = self._tasks.get(outcome.name)
        if task is None:
            return
        fields: dict[str, Any] = {}
        last = outcome.operation
        if last is not None:
            # Without an operation (an error, Ctrl-C), the bar stays where it was.
            progress = 100.0 if outcome.state == "succeeded" else progress_of(last)
            fields.update(total=100.0, completed=progress or 0.0, percent=percent_text(last))
        self._progress.update(
            task,
            state=outcome.state,
            ended=time.monotonic(),
            summary=shown(outcome.summary),
            **fields,
        )

    def note(self, text: str) -> None:
        """Print a line above the bars."""
        print_line(self._progress.console, Text(text, style="dim"))

    def close(self) -> None:
        """Stop redrawing; the bars stay on screen."""
        self._progress.stop()


def make_view(console: Console, names: Sequence[str], *, quiet: bool) -> WaitView:
    """Live bars on an interactive terminal, lines elsewhere, nothing if ``quiet``."""
    if console.is_terminal and console.is_interactive:
        return LiveView(console, names)
    if quiet:
        return WaitView(console, names)
    return _PlainView(console, names)


# ---------------------------------------------------------------------------------------------
# wait: the waiting


def print_outcomes(console: Console, outcomes: Sequence[WaitOutcome]) -> None:
    """One line per finished wait, after a live view: mark, name, state, time, summary."""
    marks = {"succeeded": "✓", "failed": "✗", "cancelled": "⊘", "timed out": "⏱", "error": "!"}
    for outcome in outcomes:
        if outcome.state == "interrupted":
            continue
        state = outcome.state
        line = Text.assemble(
            (f"{marks.get(state, '?')} ", STATE_STYLES.get(state, "")),
            (outcome.name, "bold"),
            f"  {state} after {human_seconds(outcome.elapsed)}",
        )
        if outcome.summary:
            line.append(f"  {outcome.summary}", style="dim")
        print_line(console, line)


# ---------------------------------------------------------------------------------------------
# emulator and demo
