"""Run a script as if some packages were not installed: how a user without an extra sees it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

BLOCKER = """
import runpy, sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

BLOCKED = set(sys.argv[1].split(","))
sys.meta_path.insert(0, Missing())
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_without(
    modules: str, *argv: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (a script path first) with the comma-separated ``modules`` unimportable."""
    return subprocess.run(
        [sys.executable, "-c", BLOCKER, modules, *argv],
        capture_output=True,
        text=True,
        env=None if env is None else dict(env),
        timeout=60,
        check=False,
    )
