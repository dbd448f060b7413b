"""``gemini-ops demo``: the library at work against its built-in emulator, in about 10 seconds.

The emulator runs in this process on a free loopback port; the operations are started through its
control plane, and everything else goes through the public ``Operations`` and ``AsyncOperations``
API over real HTTP, as it would against Google. Requires the ``cli`` and ``emulator`` extras.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from gemini_ops import (
    AsyncOperations,
    NotFoundError,
    Operation,
    Operations,
    UnsupportedMethodError,
)
from gemini_ops.cli.exit_codes import EXIT_OK, EXIT_OPERATION_FAILED
from gemini_ops.cli.live import WaitOutcome, WaitView, make_view
from gemini_ops.cli.render import (
    OperationTable,
    emit_json,
    human_seconds,
    print_line,
    print_table,
    result_summary,
    state_of,
    status_text,
)

__all__ = ["NAMES", "SCENARIO", "DemoOperation", "python_equivalent", "run_demo"]

PROJECT = "demo-project"
LOCATION = "us-central1"
VEO = "models/veo-3.0-generate-001/operations/sunset-timelapse"
TUNING = "tunedModels/support-sentiment-v2/operations/tune-2031"
BATCH = "batches/nightly-eval"
FAILING = "batches/translate-catalog"
TO_CANCEL = "batches/backfill-embeddings"
VERTEX = f"projects/{PROJECT}/locations/{LOCATION}/endpoints/4242/operations/8675309"

#: Seconds between polls, after which the long batch is cancelled, and the deadline of the wait.
POLL_INTERVAL = 0.5
CANCEL_AFTER = 2.5
WAIT_TIMEOUT = 60.0


@dataclass(frozen=True)
class DemoOperation:
    """One operation of the demo: its name, what it stands for, and how it ends."""

    name: str
    what: str
    duration: float | None
    error: Mapping[str, Any] | None = None
    metadata: Mapping[str, Any] | None = None
    deletable: bool = True


SCENARIO: tuple[DemoOperation, ...] = (
    DemoOperation(VEO, "Veo video generation", 4.0, deletable=False),
    DemoOperation(TUNING, "model tuning, reports its steps", 6.0, deletable=False),
    DemoOperation(
        BATCH,
        "batch of 100 requests, live batchStats",
        8.0,
        metadata={"displayName": "nightly-eval"},
    ),
    DemoOperation(
        FAILING,
        "batch that fails",
        3.0,
        error={"code": 8, "message": "Quota exceeded for batch requests to gemini-2.5-flash."},
    ),
    DemoOperation(TO_CANCEL, "batch that would run for hours", None),
    DemoOperation(VERTEX, "Vertex AI model deployment", 5.0),
)
NAMES: tuple[str, ...] = tuple(spec.name for spec in SCENARIO)
#: The collections listed with list_all, one per family of the scenario.
PARENTS: tuple[str, ...] = (
    "models/veo-3.0-generate-001",
    "tunedModels/support-sentiment-v2",
    "batches",
    f"projects/{PROJECT}/locations/{LOCATION}/endpoints/4242",
)
# What each operation must end as; anything else makes the demo exit 1.
_EXPECTED = {
    VEO: "succeeded",
    TUNING: "succeeded",
    BATCH: "succeeded",
    FAILING: "failed",
    TO_CANCEL: "cancelled",
    VERTEX: "succeeded",
}

_SNIPPET = '''\
import asyncio

from google.oauth2.credentials import Credentials

from gemini_ops import AsyncOperations, Operations, UnsupportedMethodError
from gemini_ops.testing import Emulator

{constants}


def show(op):
    print(f"{{op.name}}: {{'done' if op.done else 'running'}}, progress {{op.progress}}")


async def wait_for_all(settings):
    """Wait for every operation concurrently; cancel one of them on the way."""
    async with AsyncOperations(**settings) as aops:

        async def cancel_soon():
            await asyncio.sleep({cancel_after})
            await aops.cancel(TO_CANCEL)

        canceller = asyncio.create_task(cancel_soon())
        waits = aops.wait_many(NAMES, poll_interval={poll}, timeout={timeout}, on_progress=show)
        finished = [op async for op in waits]  # in finishing order
        await canceller
        return finished


with Emulator() as emu:
    # Start the operations through the emulator's control plane.
{creates}

    settings = dict(
        api_key=emu.api_key,  # Gemini API: sent as x-goog-api-key
        credentials=Credentials(token=emu.vertex_token),  # Vertex AI: a bearer token
        base_url=emu.url,  # the emulator instead of Google's hosts
    )
    with Operations(**settings) as ops:
        for parent in PARENTS:
            for op in ops.list_all(parent, page_size=2):  # lazily, page by page
                show(op)

        for op in asyncio.run(wait_for_all(settings)):
            if op.succeeded:
                print(op.name, "succeeded:", op.result())
            else:  # failed or cancelled: op.error is a google.rpc.Status
                print(op.name, "ended with", op.error.status, op.error.message)
            try:
                ops.delete(op)  # batches and Vertex AI operations can be deleted
            except UnsupportedMethodError as exc:  # raised before any request
                print("  not deletable:", exc)
'''


def python_equivalent() -> str:
    """The Python program doing what the demo does, without the display: ready to copy."""
    constant_names = {
        VEO: "VEO",
        TUNING: "TUNING",
        BATCH: "BATCH",
        FAILING: "FAILING",
        TO_CANCEL: "TO_CANCEL",
        VERTEX: "VERTEX",
    }
    constants = [f"{constant_names[spec.name]} = {json.dumps(spec.name)}" for spec in SCENARIO]
    constants.append(f"NAMES = [{', '.join(constant_names[n] for n in NAMES)}]")
    constants.append("PARENTS = [")
    constants.extend(f"    {json.dumps(parent)}," for parent in PARENTS)
    constants.append("]")
    creates = []
    for spec in SCENARIO:
        args = [constant_names[spec.name], f"duration={spec.duration!r}"]
        if spec.error is not None:
            args.append(f"error={json.dumps(spec.error)}")
        if spec.metadata is not None:
            args.append(f"metadata={json.dumps(spec.metadata)}")
        creates.append(f"    emu.create_operation({', '.join(args)})")
    return _SNIPPET.format(
        constants="\n".join(constants),
        creates="\n".join(creates),
        cancel_after=CANCEL_AFTER,
        poll=POLL_INTERVAL,
        timeout=WAIT_TIMEOUT,
    )


class _Story:
    """Headings and sentences, styled on a terminal and plain elsewhere."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def heading(self, title: str, subtitle: str = "") -> None:
        if self.console.is_terminal:
            self.console.print()
            text = Text(title, style="bold")
            if subtitle:
                text.append(f"  {subtitle}", style="dim")
            self.console.rule(text, align="left")
        else:
            print_line(self.console, "")
            print_line(self.console, f"== {title}" + (f"  ({subtitle})" if subtitle else ""))

    def say(self, text: str | Text) -> None:
        print_line(self.console, text)


async def _wait_for_all(
    settings: Mapping[str, Any], view: WaitView
) -> dict[str, tuple[Operation, float]]:
    """Wait for every operation concurrently with wait_many; cancel one on the way.

    Returns each finished operation with the monotonic time it was seen done.
    """
    finished: dict[str, tuple[Operation, float]] = {}
    began = time.monotonic()

    def on_progress(op: Operation) -> None:
        view.update(op, None if op.done else POLL_INTERVAL)

    async with AsyncOperations(**settings) as aops:

        async def cancel_soon() -> None:
            await asyncio.sleep(CANCEL_AFTER)
            await aops.cancel(TO_CANCEL)
            view.note(f"cancel({TO_CANCEL!r}) sent after {CANCEL_AFTER:g} s")

        canceller = asyncio.create_task(cancel_soon())
        try:
            waits = aops.wait_many(
                NAMES, poll_interval=POLL_INTERVAL, timeout=WAIT_TIMEOUT, on_progress=on_progress
            )
            async for op in waits:
                now = time.monotonic()
                finished[op.name] = (op, now)
                code = EXIT_OPERATION_FAILED if op.failed else EXIT_OK
                view.finish(WaitOutcome(op.name, op, None, code, now - began))
            await canceller
        finally:
            canceller.cancel()
    return finished


def _client_settings(url: str, api_key: str, vertex_token: str) -> dict[str, Any]:
    from google.oauth2.credentials import Credentials

    return {
        "api_key": api_key,
        "credentials": Credentials(token=vertex_token),  # type: ignore[no-untyped-call]
        "base_url": url,
    }


def run_demo(console: Console, *, as_json: bool = False) -> int:
    """Run the demo, telling the story on ``console``; return the exit code (0: all as expected).

    With ``as_json``, the final operations are printed as JSON Lines on stdout as well.
    """
    from gemini_ops.testing import Emulator

    story = _Story(console)
    t0 = time.monotonic()
    problems: list[str] = []
    story.heading(
        "gemini-ops demo", "Google long-running operations, against the built-in emulator"
    )
    with Emulator() as emu:
        story.say(f"Emulator on {emu.url}: in this process, no account, no network.")

        story.heading("1. Start six operations", "through the emulator's control plane")
        created: dict[str, float] = {}
        for spec in SCENARIO:
            emu.create_operation(
                spec.name,
                duration=spec.duration,
                error=None if spec.error is None else dict(spec.error),
                metadata=None if spec.metadata is None else dict(spec.metadata),
            )
            created[spec.name] = time.monotonic()
        print_table(
            console,
            ("OPERATION", "WHAT", "ENDS"),
            [
                [
                    Text(spec.name),
                    Text(spec.what),
                    Text(_planned_end(spec)),
                ]
                for spec in SCENARIO
            ],
        )

        settings = _client_settings(emu.url, emu.api_key, emu.vertex_token)
        with Operations(**settings) as ops:
            story.heading("2. List them", "Operations.list_all(parent, page_size=2): page by page")
            table = OperationTable(console, wide=True)
            listed = []
            for parent in PARENTS:
                for op in ops.list_all(parent, page_size=2):
                    table.add(op)
                    listed.append(op.name)
            if set(listed) != set(NAMES):
                problems.append("list_all did not list every operation")

            story.heading(
                "3. Wait for all of them",
                f"AsyncOperations.wait_many; one is cancelled after {CANCEL_AFTER:g} s",
            )
            with make_view(console, NAMES, quiet=False) as view:
                finished = asyncio.run(_wait_for_all(settings, view))

            story.heading("4. Delete the finished ones", "Operations.delete")
            deleted: set[str] = set()
            for name in NAMES:
                before = len(emu.requests())
                try:
                    ops.delete(name)
                except UnsupportedMethodError as exc:
                    sent = len(emu.requests()) - before
                    story.say(f"{name}: UnsupportedMethodError, {sent} requests sent: {exc}")
                    if sent:
                        problems.append(f"delete({name!r}) sent a request before refusing")
                    continue
                deleted.add(name)
                story.say(f"{name}: deleted")
            try:
                ops.get(BATCH)
            except NotFoundError as exc:
                story.say(f"get({BATCH!r}) now raises NotFoundError: {exc.status} (HTTP 404)")
            else:
                problems.append(f"{BATCH} still exists after delete")
            expected_deleted = {spec.name for spec in SCENARIO if spec.deletable}
            if deleted != expected_deleted:
                problems.append(f"deleted {sorted(deleted)}, expected {sorted(expected_deleted)}")

        story.heading("5. Summary")
        summary = []
        for spec in SCENARIO:
            seen = finished.get(spec.name)
            if seen is None:
                problems.append(f"{spec.name} never finished")
                continue
            op, at = seen
            state = state_of(op)
            if state != _EXPECTED[spec.name]:
                problems.append(f"{spec.name} {state}, expected {_EXPECTED[spec.name]}")
            summary.append(
                [
                    Text(spec.name),
                    status_text(state),
                    Text(human_seconds(at - created[spec.name])),
                    Text("yes" if spec.name in deleted else "no"),
                    Text(result_summary(op)),
                ]
            )
        print_table(console, ("OPERATION", "OUTCOME", "TOOK", "DELETED", "RESULT"), summary)
        if as_json:
            for name in NAMES:
                if name in finished:
                    emit_json(finished[name][0].to_dict())

    story.heading("The same in Python", "copy it into a file and run it")
    code = python_equivalent()
    if console.is_terminal:
        console.print(Syntax(code, "python", theme="ansi_dark", background_color="default"))
    else:
        for code_line in code.splitlines():
            print_line(console, code_line)

    story.heading("Done")
    if problems:
        for problem in problems:
            story.say(Text(f"Unexpected: {problem}", style="red"))
        return EXIT_OPERATION_FAILED
    story.say(
        f"Finished in {human_seconds(time.monotonic() - t0)}. Next, against a long-running "
        "emulator: `gemini-ops emulator --seed-demo`, then in another shell "
        "`gemini-ops --base-url http://127.0.0.1:8765 --api-key emulator-api-key list batches`."
    )
    return EXIT_OK


def _planned_end(spec: DemoOperation) -> str:
    if spec.duration is None:
        return "when cancelled"
    verb = "fails" if spec.error is not None else "succeeds"
    return f"{verb} after {spec.duration:g} s"
