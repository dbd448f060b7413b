"""How operations look: states, percentages, ages, tables and the one-operation view."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gemini_ops import Job, Operation
from gemini_ops.cli.errors import one_line
from gemini_ops.cli.terminal import json_line, shown


class _Console(Console):
    """A console that lets a closed pipe reach the command group (which exits 0 for it)."""

    def on_broken_pipe(self) -> None:
        # rich's own handler exits 1: `gemini-ops list | head -1` would fail under pipefail.
        self.quiet = True
        raise BrokenPipeError


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr)."""
    # Built per command: click's test runner replaces sys.stdout/sys.stderr for each run.
    # No markup, no emoji codes: a string is printed as it is (`[bold]` in a name stays text).
    return _Console(stderr=stderr, highlight=False, markup=False, emoji=False)


def safe_text(text: str | Text) -> Text:
    """``text`` passed through `shown` (secrets masked, control characters visible), styles kept."""
    if isinstance(text, str):
        return Text(shown(text))
    cuts = sorted({offset for span in text.spans for offset in (span.start, span.end)})
    safe = Text(style=text.style, justify=text.justify, overflow=text.overflow, end=text.end)
    safe.no_wrap = text.no_wrap
    for piece in text.divide(cuts):
        start = len(safe)
        safe.append(shown(piece.plain))
        for span in piece.spans:  # each covers the whole piece: it was cut at every span's ends
            safe.stylize(span.style, start, len(safe))
    return safe


def print_line(console: Console, text: str | Text) -> None:
    """Print one line, never wrapped (names are long and must stay greppable), made safe."""
    console.print(safe_text(text), soft_wrap=True, highlight=False, markup=False)


def emit_json(data: Mapping[str, Any]) -> None:
    """Print one compact line of strict JSON (see `json_line`)."""
    click.echo(json_line(data))


def print_table(
    console: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[Text]],
    *,
    title: str | None = None,
) -> None:
    """A rich table on a terminal; plain aligned columns otherwise (for grep, awk, CI logs)."""
    rows = [[safe_text(cell) for cell in row] for row in rows]
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
        print_line(console, title)
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell.plain)) for w, cell in zip(widths, row, strict=True)]
    for cells in [[Text(h) for h in headers], *rows]:
        text = "  ".join(c.plain.ljust(w) for c, w in zip(cells, widths, strict=True))
        print_line(console, text.rstrip())


STATE_STYLES = {
    "succeeded": "green",
    "failed": "red",
    "cancelled": "magenta",
    "timed out": "yellow",
    "interrupted": "yellow",
    "error": "red",
}


def state_of(op: Operation) -> str:
    """``running``, ``succeeded``, ``failed`` or ``cancelled``."""
    if not op.done:
        return "running"
    if op.cancelled:
        return "cancelled"
    return "failed" if op.failed else "succeeded"


def detail_state(op: Operation) -> str | None:
    """The resource's own state, if any (``JOB_STATE_RUNNING``, ``BATCH_STATE_RUNNING``...).

    A job's is its ``state``; an operation's is in its metadata.
    """
    value = op.state if isinstance(op, Job) else (op.metadata or {}).get("state")
    return value if isinstance(value, str) and value else None


def live_state(op: Operation) -> str:
    """A short state word, the resource's own one while running (``pending``, ``running``)."""
    if op.done:
        return state_of(op)
    detail = detail_state(op)
    if detail is None:
        return "running"
    return detail.rsplit("_STATE_", 1)[-1].lower().replace("_", " ")


def progress_of(op: Operation) -> float | None:
    """Percent complete; for an operation that failed, how far it got (None when unknown)."""
    if op.error is None:
        return op.progress
    # Operation.progress says 100 for any finished operation; the metadata says where it stopped.
    return Operation.from_dict({"name": op.name, "metadata": op.metadata}).progress


def percent_text(op: Operation) -> str:
    """The progress as ``42%`` (empty when unknown)."""
    progress = progress_of(op)
    if progress is None:
        return ""
    return f"{math.floor(progress)}%" if progress < 100 else "100%"


def type_of(op: Operation) -> str:
    """The short type of the metadata (or of the response)."""
    return op.metadata_type or op.response_type or ""


def human_seconds(seconds: float) -> str:
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


def age(op: Operation, now: datetime | None = None) -> str:
    """How long ago the operation was created: ``42s``, ``5m``, ``3h``, ``2d`` (or empty)."""
    created = op.create_time
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


def result_summary(op: Operation) -> str:
    """What a finished operation produced, or why it failed, in a few words."""
    if op.error is not None:
        message = f": {one_line(op.error.message)}" if op.error.message else ""
        return f"{op.error.status} ({op.error.code}){message}"
    if not op.done:
        return ""
    found = _first_string(op.response, ("uri", "gcsUri", "responsesFile", "documentName", "name"))
    if found:
        return found
    if op.response_type in (None, "Empty"):
        return "(empty response)"
    return op.response_type or ""


def status_text(state: str) -> Text:
    """A state word in its colour."""
    return Text(state, style=STATE_STYLES.get(state, "yellow"))


class OperationTable:
    """The ``list`` table, printed row by row as operations arrive (pages are never awaited).

    The short columns have fixed widths and the name comes last, printed whole: at 80 columns a
    long Vertex AI name wraps onto the next line instead of being cut, and stays greppable.
    """

    #: (header, width) of the columns before the name; TYPE only in the wide form.
    COLUMNS: tuple[tuple[str, int], ...] = (("STATE", 9), ("PROGRESS", 8), ("AGE", 4))
    TYPE_WIDTH = 24

    def __init__(self, console: Console, *, wide: bool = False) -> None:
        self.console = console
        self.wide = wide
        self.now = datetime.now(UTC)
        self._started = False

    def _line(self, cells: Sequence[Text], name: Text) -> None:
        widths = [w for _, w in self.COLUMNS] + ([self.TYPE_WIDTH] if self.wide else [])
        line = Text()
        for cell, width in zip(cells, widths, strict=True):
            padded = cell.copy()
            padded.pad_right(max(0, width - len(cell.plain)))
            line.append_text(padded)
            line.append("  ")
        line.append_text(name)
        print_line(self.console, line)

    def add(self, op: Operation) -> None:
        """Print one operation's row (the header first, before the first row)."""
        if not self._started:
            self._started = True
            style = "bold" if self.console.is_terminal else ""
            headers = [h for h, _ in self.COLUMNS] + (["TYPE"] if self.wide else [])
            self._line([Text(h, style=style) for h in headers], Text("NAME", style=style))
        cells = [status_text(state_of(op)), Text(percent_text(op)), Text(age(op, self.now))]
        if self.wide:
            cells.append(Text(type_of(op)))
        self._line(cells, Text(op.name))


def print_operation(console: Console, op: Operation) -> None:
    """The human view of one operation: a few labelled lines."""
    rows: list[tuple[str, Text]] = []
    state = state_of(op)
    detail = detail_state(op)
    state_text = status_text(state)
    if detail:
        state_text.append(f" ({detail})", style="dim")
    rows.append(("state", state_text))
    if progress_of(op) is not None:
        rows.append(("progress", Text(percent_text(op))))
    if op.metadata_type:
        rows.append(("metadata", Text(op.metadata_type)))
    created = op.create_time
    if created is not None:
        stamp = created.strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append(("created", Text(f"{stamp} ({age(op)} ago)")))
    if op.error is not None:
        rows.append(("error", Text(result_summary(op), style="red")))
    elif op.done:
        rows.append(("response", Text(op.response_type or "")))
        result = result_summary(op)
        if result and result != op.response_type:
            rows.append(("result", Text(result)))
    print_line(console, Text(op.name, style="bold"))
    for label, value in rows:
        print_line(console, Text.assemble(f"  {label:<9} ", value))
