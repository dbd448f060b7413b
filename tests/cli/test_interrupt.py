"""Ctrl-C during ``gemini-ops wait`` on a terminal: what the screen shows at the end."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from gemini_ops.testing import Emulator

from .conftest import SECRET_KEY, VERTEX_TOKEN
from .terminal import final_screen, interrupted_in_a_pty

BATCH = "batches/long-batch"
VERTEX = "projects/p1/locations/us-central1/operations/o1"  # short: drawn whole
VEO = "models/veo-3.0-generate-001/operations/v1"  # Google serves no cancel on it
NAMES = (BATCH, VERTEX, VEO)

STATE = re.compile(r" (waiting|pending|running|interrupted|cancelling|cancelled|succeeded|failed) ")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pty")


@pytest.fixture
def emulator_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The suite's credentials, and a cancel delay when a test asks for one."""
    delay = getattr(request, "param", 0.0)
    return {"api_key": SECRET_KEY, "vertex_token": VERTEX_TOKEN, "cancel_delay": delay}


def polled_twice(emu: Emulator) -> bool:
    paths = [r["path"] for r in emu.requests()]
    return all(sum(name in path for path in paths) >= 2 for name in NAMES)


def state_on(screen: list[str], name: str) -> str:
    """The state word of the one line that shows ``name``."""
    [line] = [line for line in screen if line.startswith(name + " ")]
    found = STATE.search(line)
    assert found is not None, line
    return found.group(1)


def interrupt(emu: Emulator, *flags: str) -> list[str]:
    """Wait for NAMES on a terminal, press Ctrl-C once each was polled twice; the final screen."""
    for name in NAMES:
        emu.create_operation(name, duration=None)
    auth = ["--base-url", emu.url, "--api-key", SECRET_KEY, "--access-token", VERTEX_TOKEN]
    code, output = interrupted_in_a_pty(
        [*auth, "wait", *NAMES, "--poll-interval", "0.2", *flags],
        ready=lambda _: polled_twice(emu),
    )
    screen = final_screen(output)
    assert code == 130, screen
    # The live view drew each operation running before Ctrl-C; none is left looking so.
    assert not [line for line in screen if " running " in line or " pending " in line], screen
    return screen


@pytest.mark.parametrize("emulator_options", [60.0], indirect=True)
def test_a_cancel_still_under_way_shows_as_cancelling(emu: Emulator) -> None:
    screen = interrupt(emu, "--cancel-on-interrupt")
    states = {name: state_on(screen, name) for name in NAMES}
    assert states == {BATCH: "cancelling", VERTEX: "cancelling", VEO: "interrupted"}, screen


@pytest.mark.parametrize("cancel", [True, False], ids=["cancel-on-interrupt", "keep-running"])
def test_ctrl_c_leaves_each_line_in_its_final_state(emu: Emulator, cancel: bool) -> None:
    screen = interrupt(emu, *(["--cancel-on-interrupt"] if cancel else []))
    states = {name: state_on(screen, name) for name in NAMES}
    if cancel:
        # What the server says after the cancel, not a stale state from before Ctrl-C.
        assert states == {BATCH: "cancelled", VERTEX: "cancelled", VEO: "interrupted"}, screen
        assert "cancellation requested for 2." in screen[-1]
    else:
        assert set(states.values()) == {"interrupted"}, screen
        assert screen[-1] == "Interrupted: stopped waiting for 3 operations."
