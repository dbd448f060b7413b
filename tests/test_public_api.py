"""The public surface: __all__, exports, and the typing checks in tests/typing/."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import gemini_ops

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_sorted_and_complete() -> None:
    assert gemini_ops.__all__ == sorted(gemini_ops.__all__)
    for name in gemini_ops.__all__:
        assert hasattr(gemini_ops, name), name
    public = {
        name
        for name, value in vars(gemini_ops).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    } - {"annotations"}
    assert public - set(gemini_ops.__all__) == set()


def test_public_names_have_docstrings() -> None:
    for name in gemini_ops.__all__:
        obj = getattr(gemini_ops, name)
        if callable(obj):
            assert obj.__doc__, name


def test_error_tree() -> None:
    assert issubclass(gemini_ops.ApiError, gemini_ops.GeminiOpsError)
    assert issubclass(gemini_ops.NotFoundError, gemini_ops.ApiError)
    assert issubclass(gemini_ops.WaitTimeoutError, TimeoutError)
    assert issubclass(gemini_ops.InvalidNameError, ValueError)
    assert issubclass(gemini_ops.UnsupportedMethodError, ValueError)


def test_import_does_not_load_google_auth_or_the_emulator() -> None:
    code = (
        "import sys, gemini_ops; "
        "bad = [m for m in sys.modules if m.startswith(('google.auth', 'google.oauth2', "
        "'starlette', 'uvicorn', 'gemini_ops.emulator', 'gemini_ops.cli', 'airflow', "
        "'gemini_ops.airflow'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typing_examples_pass_mypy_strict() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(ROOT / "tests" / "typing"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sync_and_async_clients_have_the_same_methods_and_defaults() -> None:
    import inspect

    renamed = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}
    sync_methods = [
        name for name in vars(gemini_ops.Operations) if not name.startswith("_") or name in renamed
    ]
    assert sync_methods
    for name in sync_methods:
        mirror = getattr(gemini_ops.AsyncOperations, renamed.get(name, name))
        sync_params = inspect.signature(getattr(gemini_ops.Operations, name)).parameters
        async_params = inspect.signature(mirror).parameters
        assert [(p.name, p.kind, p.default) for p in sync_params.values()] == [
            (p.name, p.kind, p.default) for p in async_params.values()
        ], name
