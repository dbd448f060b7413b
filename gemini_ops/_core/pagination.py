"""Page-token walking with loop guards (pure: no I/O)."""

from __future__ import annotations

import collections
import hashlib

from gemini_ops._core.errors import PaginationError
from gemini_ops._core.operation import OperationsPage

#: The longest page token sent or followed, in characters. Google's tokens are a few hundred
#: characters; a longer one could not fit the URL of the next request (httpx refuses 64 KiB).
MAX_PAGE_TOKEN_LENGTH = 8192
#: How many pages in a row may come without an operation but with a next token before a list
#: stops: Google may answer an empty page that is not the last, but not a hundred in a row.
MAX_EMPTY_PAGES = 100
#: How many of the latest tokens a list remembers to catch a token repeated.
TOKENS_REMEMBERED = 1024


def _unsendable(token: str) -> str | None:
    """Why ``token`` cannot go into the query of a request, or None when it can."""
    if len(token) > MAX_PAGE_TOKEN_LENGTH:
        return f"{len(token)} characters, more than {MAX_PAGE_TOKEN_LENGTH}"
    if not token.isascii():
        try:
            token.encode()
        except UnicodeEncodeError:
            return "a lone surrogate, not valid Unicode"
    return None


def check_page_token(page_token: object) -> str | None:
    """A caller's ``page_token``: a string of at most `MAX_PAGE_TOKEN_LENGTH` characters.

    An empty token means the first page (None). Raises ValueError otherwise (a token of
    invalid Unicode included).
    """
    if page_token is None:
        return None
    if not isinstance(page_token, str):
        raise ValueError(f"page_token must be a string, got {type(page_token).__name__}")
    problem = _unsendable(page_token)
    if problem is not None:
        raise ValueError(
            f"page_token must be at most {MAX_PAGE_TOKEN_LENGTH} characters of valid Unicode, "
            f"got {problem}"
        )
    return page_token or None


class PageTokens:
    """Decides the next page token of a list, and refuses to follow one that leads nowhere.

    A list ends on an absent or empty ``nextPageToken``. PaginationError is raised instead of
    following a token that repeats one of the last `TOKENS_REMEMBERED` (a loop), a token that
    cannot be sent back (longer than `MAX_PAGE_TOKEN_LENGTH`, or invalid Unicode), or the token
    of the `MAX_EMPTY_PAGES`-th page in a row without an operation (a server that never ends
    and never yields). Memory stays bounded: tokens are remembered as 16-byte digests, at most
    `TOKENS_REMEMBERED` of them.
    """

    def __init__(self, parent: str) -> None:
        self._parent = parent
        self._seen: set[bytes] = set()
        self._order: collections.deque[bytes] = collections.deque()
        self._empty_pages = 0

    def next_token(self, page: OperationsPage) -> str | None:
        """The token to ask for next, or None when ``page`` is the last one."""
        token = page.next_page_token
        if not token:
            return None
        problem = _unsendable(token)
        if problem is not None:
            raise PaginationError(
                self._parent, token, reason=f"a page token that cannot be sent back: {problem}"
            )
        self._empty_pages = 0 if page.operations else self._empty_pages + 1
        if self._empty_pages >= MAX_EMPTY_PAGES:
            raise PaginationError(
                self._parent,
                token,
                reason=f"{self._empty_pages} pages in a row without an operation, each with a "
                "next page token",
            )
        digest = hashlib.blake2b(token.encode(), digest_size=16).digest()
        if digest in self._seen:
            raise PaginationError(self._parent, token)
        self._seen.add(digest)
        self._order.append(digest)
        if len(self._order) > TOKENS_REMEMBERED:
            self._seen.discard(self._order.popleft())
        return token
