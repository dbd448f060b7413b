# Sourced by scripts/check.sh: make .venv-airflow, a second virtual environment with Apache
# Airflow, the project's `airflow` and `emulator` extras, pytest and mypy (the `airflow-dev`
# extra), for tests/airflow_integration/. Airflow pins its dependencies tightly, so it lives apart
# from the dev tools in .venv. Reinstalls only when pyproject.toml changes.
python_bin="${PYTHON:-python3}"
if [ ! -x .venv-airflow/bin/python ]; then
  "$python_bin" -m venv .venv-airflow
fi
airflow_stamp=".venv-airflow/.gemini-ops-installed"
airflow_want="$(cksum < pyproject.toml)"
if [ "$(cat "$airflow_stamp" 2>/dev/null)" != "$airflow_want" ]; then
  .venv-airflow/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv-airflow/bin/python -m pip install --quiet --disable-pip-version-check \
    -e ".[airflow-dev]"
  echo "$airflow_want" > "$airflow_stamp"
fi
