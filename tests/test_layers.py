"""The layout's rules: no import cycle, no private name across packages, declared dependencies."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gemini_ops"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = package_of(module, path).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(module: str, path: Path) -> set[str]:
    """The project modules `module` imports at import time (not in functions, not TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                target = resolve(module, path, node)
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and not is_type_checking(node):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                visit(node.orelse)
                visit(node.finalbody)
                for handler in node.handlers:
                    visit(handler.body)

    visit(ast.parse(path.read_text()).body)
    return {name for name in found if name in MODULES and name != module}


def test_the_module_import_graph_has_no_cycle() -> None:
    graph = {module: top_level_imports(module, path) for module, path in MODULES.items()}
    # A package whose __init__ a module imports from is loaded first anyway; only real edges count.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target, [*stack, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    # One interpreter, but every gemini_ops module forgotten before each import: each module is
    # the first one imported, as in a fresh interpreter (third-party modules may stay cached).
    script = """
import importlib, sys, traceback
failures = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "gemini_ops" or m.startswith("gemini_ops.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException:
        failures.append(name + ": " + traceback.format_exc(limit=1).strip().splitlines()[-1])
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""
    # gemini_ops.airflow needs Airflow, which lives in its own venv (tests/airflow_integration).
    airflow = importlib.util.find_spec("airflow") is not None
    names = [
        m for m in MODULES if not m.endswith("__main__") and (airflow or m != "gemini_ops.airflow")
    ]
    done = subprocess.run(
        [sys.executable, "-c", script, *names], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_imports_a_private_name_from_another_module() -> None:
    # Stricter than "from another package": a helper another module needs is public there.
    offences: list[str] = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = resolve(module, path, node)
            if not source.startswith("gemini_ops") or source == module:
                continue
            offences += [
                f"{module}: from {source} import {alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    assert offences == []


def test_every_runtime_import_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        dep.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip()
        for dep in project["dependencies"]
    }
    import_names = {"google-auth": "google", "attrs": "attrs"}
    provided = {import_names.get(dep, dep.replace("-", "_")) for dep in declared}
    provided |= {"gemini_ops", "gemini_ops_api", "typing_extensions"}
    # Imported only while a trio event loop runs the code (sniffio says so): trio is there.
    provided |= {"trio"}
    # Extras: the CLI, the emulator, the pytest plugin, Airflow and webhooks import theirs behind
    # their extra.
    optional = (
        "gemini_ops.cli",
        "gemini_ops.emulator",
        "gemini_ops.testing",
        "gemini_ops.airflow",
        "gemini_ops.webhooks",
    )
    missing: set[str] = set()
    for module, path in MODULES.items():
        if module.startswith(optional):
            continue
        for name in top_level_third_party(path):
            if name not in provided and name not in sys.stdlib_module_names:
                missing.add(f"{module}: {name}")
    assert missing == set()


def top_level_third_party(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names
