#!/usr/bin/env bash
# The whole test suite: lint, types, generated-code drift, discovery-table drift, tests, then the
# Apache Airflow tests. Needs only Python 3.11+ and pip: it creates .venv (the project and its dev
# tools) and .venv-airflow (the project with Airflow, see scripts/airflow_venv.sh) on first use.
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

step "Airflow: mypy --strict and tests/airflow_integration in .venv-airflow"
# shellcheck source=scripts/airflow_venv.sh
source scripts/airflow_venv.sh
.venv-airflow/bin/mypy --strict gemini_ops/airflow.py gemini_ops/_airflow_provider.py
.venv-airflow/bin/python -m pytest tests/airflow_integration -p no:cacheprovider
