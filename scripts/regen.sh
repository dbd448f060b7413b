#!/usr/bin/env bash
# Regenerate generated/gemini_ops_api from openapi/operations.yaml.
#
#   scripts/regen.sh          regenerate in place
#   scripts/regen.sh --check  regenerate into a scratch copy; exit 1 and print the diff when
#                             generated/ does not match the spec
#
# The generator and ruff are pinned exactly (ruff formats the output, so its version changes the
# bytes). They live in .tools/venv, created on first use; set GEMINI_OPS_TOOLS_VENV to use another.
set -euo pipefail

GENERATOR_VERSION="0.29.1"
RUFF_VERSION="0.17.6"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) echo "usage: scripts/regen.sh [--check]" >&2; exit 2 ;;
esac

tools="${GEMINI_OPS_TOOLS_VENV:-$repo/.tools/venv}"
want="openapi-python-client==$GENERATOR_VERSION ruff==$RUFF_VERSION"
stamp="$tools/.gemini-ops-tools"
if [ ! -x "$tools/bin/openapi-python-client" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "regen: installing $want into $tools" >&2
  python3 -m venv "$tools"
  if ! "$tools/bin/python" -m pip install --quiet --disable-pip-version-check $want \
      >"$tools/install.log" 2>&1; then
    cat "$tools/install.log" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
export PATH="$tools/bin:$PATH"

# Generate inside the repository tree, into a fresh scratch directory.
mkdir -p "$repo/.tools"
scratch="$(mktemp -d "$repo/.tools/regen.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
(
  cd "$scratch"
  openapi-python-client generate \
    --path "$repo/openapi/operations.yaml" \
    --config "$repo/openapi/generator.yaml" \
    --meta none \
    --custom-template-path "$repo/openapi/templates" \
    --output-path gemini_ops_api \
    --fail-on-warning >/dev/null
  # The facade's users type-check against these models: mark the package as typed (PEP 561).
  : > gemini_ops_api/py.typed
)

target="$repo/generated/gemini_ops_api"
if [ "$mode" = "check" ]; then
  # Compare sources only: importing the package leaves __pycache__ beside them.
  if diff -ruN -x __pycache__ -x "*.pyc" "$target" "$scratch/gemini_ops_api"; then
    echo "regen: generated/gemini_ops_api matches openapi/operations.yaml"
    exit 0
  fi
  echo "regen: generated/gemini_ops_api does not match openapi/operations.yaml; run scripts/regen.sh" >&2
  exit 1
fi

rm -rf "$target"
mkdir -p "$repo/generated"
mv "$scratch/gemini_ops_api" "$target"
echo "regen: wrote generated/gemini_ops_api"
