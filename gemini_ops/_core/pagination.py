"""Page-token walking with a loop guard (pure: no I/O)."""

from __future__ import annotations

from gemini_ops._core.errors import PaginationError
from gemini_ops._core.operation import OperationsPage


class PageTokens:
    """Decides the next page token of a list, and refuses to follow one seen before.

    A list ends on an absent or empty ``nextPageToken``. A token repeated (the one just sent,
    or any earlier one) raises PaginationError instead of looping forever.
    """

    def __init__(self, parent: str) -> None:
        self._parent = parent
        self._seen: set[str] = set()

    def next_token(self, page: OperationsPage) -> str | None:
        """The token to ask for next, or None when ``page`` is the last one."""
        token = page.next_page_token
        if not token:
            return None
        if token in self._seen:
            raise PaginationError(self._parent, token)
        self._seen.add(token)
        return token
