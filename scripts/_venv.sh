# Sourced by scripts/check.sh and scripts/demo.sh: make a venv ($GEMINI_OPS_VENV, default .venv)
# and install the project into it with the extras $GEMINI_OPS_EXTRAS (default: dev).
# Reinstalls only when pyproject.toml or the extras change.
python_bin="${PYTHON:-python3}"
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "gemini-ops needs Python 3.11 or newer as '$python_bin' (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
venv="${GEMINI_OPS_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv"
fi
stamp="$venv/.gemini-ops-installed"
want="$(cat pyproject.toml | cksum) ${GEMINI_OPS_EXTRAS:-dev}"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${GEMINI_OPS_EXTRAS:-dev}]"
  echo "$want" > "$stamp"
fi
