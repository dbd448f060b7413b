"""gemini-ops: Google long-running operations for the Gemini API and Vertex AI."""

from __future__ import annotations

from gemini_ops._names import InvalidNameError, ParsedName, parse_name

__version__ = "0.1.0"

__all__ = [
    "InvalidNameError",
    "ParsedName",
    "__version__",
    "parse_name",
]
