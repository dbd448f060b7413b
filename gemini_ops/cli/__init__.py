"""The ``gemini-ops`` command line: get, list, wait for, cancel and delete long-running operations.

Built on the public API only (``Operations`` and ``AsyncOperations``); ``gemini-ops demo`` runs the
whole library against the built-in emulator. Requires the ``cli`` extra (click, rich); the
``emulator`` and ``demo`` commands also need the ``emulator`` extra.

Exit codes: 0 success; 1 an operation finished with an error; 2 usage error or invalid name;
3 a wait timed out; 4 API error; 5 cannot connect; 130 interrupted. With several names, the
command goes on after a failure and exits with the highest code met.

The modules: ``app`` (the command group and its global options), ``commands`` (get, list,
cancel, delete, emulator, demo), ``wait``, ``options`` (settings and shared option types),
``errors`` (one-line errors and exit codes), ``render`` (how operations look), ``live`` (views
of waits in progress), ``demo`` and ``exit_codes``.
"""

from __future__ import annotations

from gemini_ops.cli.app import cli, main
from gemini_ops.cli.errors import exit_code_for
from gemini_ops.cli.exit_codes import (
    EXIT_API_ERROR,
    EXIT_CANNOT_CONNECT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OPERATION_FAILED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
)

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
