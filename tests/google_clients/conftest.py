from __future__ import annotations

# The fixtures users get from `pytest_plugins = ["gemini_ops.testing"]`.
from gemini_ops.testing import _gemini_ops_emulator_server, emulator  # noqa: F401
