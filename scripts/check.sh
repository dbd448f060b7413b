#!/usr/bin/env bash
# The whole test suite: lint, types, generated-code drift, discovery-table drift, tests. Needs only Python 3.11+ and pip:
# it creates .venv and installs the project with its dev tools on first use.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh

step() { printf '\n==> %s\n' "$*"; }

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "mypy --strict"
.venv/bin/mypy

step "generated code matches the spec"
bash scripts/regen.sh --check >/dev/null

step "Vertex routes match Google's discovery documents (scripts/vertex_routes.py --check)"
.venv/bin/python scripts/vertex_routes.py --check

step "pytest"
.venv/bin/python -m pytest "$@"
