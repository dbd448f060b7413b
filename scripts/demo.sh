#!/usr/bin/env bash
# The demo: gemini-ops against its built-in emulator (no account, no network), in about 10 s.
# Needs only Python 3.11+ and pip: on first use it creates .venv-demo and installs the project
# with only what the demo needs (the cli and emulator extras, no test tools).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=scripts/_venv.sh
GEMINI_OPS_VENV=.venv-demo GEMINI_OPS_EXTRAS=cli,emulator source scripts/_venv.sh

exec .venv-demo/bin/gemini-ops demo "$@"
