"""Ctrl-C during ``gemini-ops wait`` on a terminal: what the screen shows at the end."""

from __future__ import annotations

import re
import sys

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


def polled_twice(emu: Emulator) -> bool:
    paths = [r["path"] for r in emu.requests()]
    return all(sum(name in path for path in paths) >= 2 for name in NAMES)


def state_on(screen: list[str], name: str) -> str:
    """The state word of the one line that shows ``name``."""
    [line] = [line for line in screen if line.startswith(name + " ")]
    found = STATE.search(line)
    assert found is not None, line
    return found.group(1)


@pytest.mark.parametrize("cancel", [True, False], ids=["cancel-on-interrupt", "keep-running"])
def test_ctrl_c_leaves_each_line_in_its_final_state(emu: Emulator, cancel: bool) -> None:
    for name in NAMES:
        emu.create_operation(name, duration=None)
    auth = ["--base-url", emu.url, "--api-key", SECRET_KEY, "--access-token", VERTEX_TOKEN]
    flags = ["--cancel-on-interrupt"] if cancel else []
    code, output = interrupted_in_a_pty(
        [*auth, "wait", *NAMES, "--poll-interval", "0.2", *flags],
        ready=lambda _: polled_twice(emu),
    )
    screen = final_screen(output)
    assert code == 130, screen
    # The live view drew each operation running before Ctrl-C; none is left looking so.
    assert not [line for line in screen if " running " in line or " pending " in line], screen
    states = {name: state_on(screen, name) for name in NAMES}
    if cancel:
        # What the server says after the cancel, not a stale state from before Ctrl-C.
        assert states == {BATCH: "cancelled", VERTEX: "cancelled", VEO: "interrupted"}, screen
        assert "cancellation requested for 2." in screen[-1]
    else:
        assert set(states.values()) == {"interrupted"}, screen
        assert screen[-1] == "Interrupted: stopped waiting for 3 operations."
