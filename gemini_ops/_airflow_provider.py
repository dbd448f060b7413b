"""What Apache Airflow reads through the ``apache_airflow_provider`` entry point.

It registers the ``gemini_ops`` connection type (so the Airflow UI offers it) and names the
trigger and sensor of `gemini_ops.airflow`. This module imports nothing from Airflow: Airflow
imports it while it discovers providers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["get_provider_info"]


def get_provider_info() -> dict[str, Any]:
    """The provider description Airflow's ProvidersManager expects (its runtime schema)."""
    return {
        "package-name": "gemini-ops",
        "name": "gemini-ops",
        "description": "Wait for Gemini API and Vertex AI long-running operations.",
        "connection-types": [
            {
                "connection-type": "gemini_ops",
                "hook-class-name": "gemini_ops.airflow.GeminiOpsHook",
            }
        ],
        "hooks": [{"integration-name": "gemini-ops", "python-modules": ["gemini_ops.airflow"]}],
        "sensors": [{"integration-name": "gemini-ops", "python-modules": ["gemini_ops.airflow"]}],
        "triggers": [{"integration-name": "gemini-ops", "python-modules": ["gemini_ops.airflow"]}],
    }
