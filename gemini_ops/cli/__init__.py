"""The ``gemini-ops`` command line: get, list, wait for, cancel and delete long-running operations.

Built on the public API only (``Operations`` and ``AsyncOperations``); ``gemini-ops demo`` runs the
whole library against the built-in emulator. Requires the ``cli`` extra (click, rich); the
``emulator`` and ``demo`` commands also need the ``emulator`` extra.

Exit codes: 0 success; 1 an operation finished with an error; 2 usage error or invalid name;
3 a wait timed out; 4 API error; 5 cannot connect; 130 interrupted. With several names, the
command goes on after a failure and exits with the highest code met.

The modules: ``app`` (the command group and its global options), ``commands`` (get, list,
cancel, delete, emulator, demo), ``wait``, ``options`` (settings and shared option types),
``errors`` (one-line errors and exit codes), ``render`` (how operations look), ``terminal``
(server text made safe to print, strict JSON, quoted commands), ``live`` (views of waits in
progress), ``demo`` and ``exit_codes``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gemini_ops.cli.exit_codes import (
    EXIT_API_ERROR,
    EXIT_CANNOT_CONNECT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OPERATION_FAILED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
)

if TYPE_CHECKING:
    from gemini_ops.cli.app import cli
    from gemini_ops.cli.errors import exit_code_for

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CANNOT_CONNECT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OPERATION_FAILED",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "cli",
    "exit_code_for",
    "main",
]

# The names that need click and rich, loaded on first use: without the cli extra, the script
# still starts and says which extra to install.
_LAZY = {"cli": "gemini_ops.cli.app", "exit_code_for": "gemini_ops.cli.errors"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``gemini-ops`` command line (the console script's entry point)."""
    try:
        from gemini_ops.cli.app import main as run
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "rich"):
            raise
        sys.stderr.write(
            "gemini-ops: the command line needs the cli extra: "
            f"pip install 'gemini-ops[cli]' (missing: {exc.name})\n"
        )
        raise SystemExit(EXIT_USAGE) from None
    run(argv)
