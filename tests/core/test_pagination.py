"""The page-token guards of list_all: repeats, endless empty pages, huge tokens, bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest

from gemini_ops import Operation, OperationsPage, PaginationError
from gemini_ops._core.pagination import (
    MAX_EMPTY_PAGES,
    MAX_PAGE_TOKEN_LENGTH,
    TOKENS_REMEMBERED,
    PageTokens,
    check_page_token,
)

ONE = (Operation.from_dict({"name": "batches/b"}),)


def page(token: str | None, operations: tuple[Operation, ...] = ONE) -> OperationsPage:
    return OperationsPage(operations=operations, next_page_token=token)


def test_the_last_page_ends_the_list() -> None:
    tokens = PageTokens("batches")
    assert tokens.next_token(page("a")) == "a"
    assert tokens.next_token(page(None)) is None
    assert tokens.next_token(page("")) is None


def test_a_repeated_token_is_refused() -> None:
    tokens = PageTokens("batches")
    for token in ("a", "b", "c"):
        tokens.next_token(page(token))
    with pytest.raises(PaginationError, match="repeated page token 'a'") as caught:
        tokens.next_token(page("a"))
    assert (caught.value.parent, caught.value.page_token) == ("batches", "a")


def test_empty_pages_in_a_row_end_the_list() -> None:
    tokens = PageTokens("batches")
    for n in range(MAX_EMPTY_PAGES - 1):
        assert tokens.next_token(page(f"e{n}", ())) == f"e{n}"
    with pytest.raises(PaginationError, match=f"{MAX_EMPTY_PAGES} pages in a row without"):
        tokens.next_token(page("one-too-many", ()))


def test_an_operation_resets_the_count_of_empty_pages() -> None:
    tokens = PageTokens("batches")
    for n in range(3 * MAX_EMPTY_PAGES):
        empty = n % (MAX_EMPTY_PAGES - 1) != 0
        tokens.next_token(page(f"t{n}", () if empty else ONE))
    assert tokens.next_token(page(None, ())) is None  # an empty last page is fine


def test_a_token_too_long_is_refused_at_the_limit() -> None:
    tokens = PageTokens("batches")
    assert tokens.next_token(page("t" * MAX_PAGE_TOKEN_LENGTH))
    with pytest.raises(PaginationError, match="8193 characters, more than 8192") as caught:
        tokens.next_token(page("u" * (MAX_PAGE_TOKEN_LENGTH + 1)))
    assert len(str(caught.value)) < 300


def test_a_token_of_invalid_unicode_is_refused() -> None:
    # JSON can carry a lone surrogate ("\\ud800"), which no URL can.
    with pytest.raises(PaginationError, match="a lone surrogate, not valid Unicode"):
        PageTokens("batches").next_token(page("a\ud800"))
    assert PageTokens("batches").next_token(page("é\x00\r\n")) == "é\x00\r\n"


def test_memory_of_tokens_stays_bounded() -> None:
    # 4,000 distinct 4 KiB tokens: remembering them all would hold 16 MiB.
    tokens = PageTokens("batches")
    tracemalloc.start()
    try:
        for n in range(4000):
            tokens.next_token(page(f"{n:08d}" + "x" * 4096))
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 1024 * 1024
    # The latest tokens are still caught; the oldest ones have been forgotten.
    with pytest.raises(PaginationError):
        tokens.next_token(page(f"{3999:08d}" + "x" * 4096))
    assert tokens.next_token(page(f"{0:08d}" + "x" * 4096))
    assert TOKENS_REMEMBERED < 4000


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("abc", "abc"), ("t" * MAX_PAGE_TOKEN_LENGTH, "t" * 8192)],
)
def test_a_callers_page_token(value: str | None, expected: str | None) -> None:
    assert check_page_token(value) == expected


@pytest.mark.parametrize(
    "value", [3, b"abc", "t" * (MAX_PAGE_TOKEN_LENGTH + 1), "t" * 65536, "\udc80"]
)
def test_a_bad_page_token_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="page_token must be"):
        check_page_token(value)
