#!/usr/bin/env bash
# The demo: gemini-ops against its built-in emulator (no account, no network), in about 10 s.
# Needs only Python 3.11+ and pip: it creates .venv and installs the project on first use
# (the same install as scripts/check.sh, so the two never undo each other's).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh

exec .venv/bin/gemini-ops demo "$@"
