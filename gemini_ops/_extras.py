"""Say which extra to install when an optional module's packages are missing."""

from __future__ import annotations

import importlib.util

__all__ = ["require_extra"]


def require_extra(extra: str, feature: str, *modules: str) -> None:
    """Raise a one-line ModuleNotFoundError naming the extra if any of ``modules`` is missing.

    Checked with ``importlib.util.find_spec``, so nothing is imported (a package that is imported
    only on use, such as uvicorn by the emulator, is checked all the same).
    """
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise ModuleNotFoundError(
                f"{feature} needs the {extra} extra: "
                f"pip install 'gemini-ops[{extra}]' (missing: {module})",
                name=module,
            )
