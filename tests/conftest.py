"""The shipped pytest plugin gives every suite the one shared emulator (`emulator` fixture)."""

pytest_plugins = ["gemini_ops.testing"]
