"""A client library for accessing Google long-running operations (Gemini API and Vertex AI)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
