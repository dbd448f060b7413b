"""The CLI's one output path for server text: `shown`, `json_line` and `shell_join`, by property."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_ops.cli.terminal import hide_secrets, json_line, shell_join, shell_word, shown

SECRET = "AIzaSyTERMINAL-unit-key-0c4d"
# What a terminal may act on: C0 controls, DEL, C1 controls, Unicode's Bidi_Control characters.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Text as a server could send it, controls well represented.
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x1b\x07\x08\r\n\t\x9b\x9d\x9c\u202e\u2066\u2069[]:;'\"\\$`"),
    )
)


# What the redactor masks besides the secrets: keep it out of the round trips.
PLAIN = TEXT.filter(lambda t: "key=" not in t.lower() and "access_token=" not in t.lower())


@contextmanager
def command() -> Iterator[None]:
    """A command's context, with the key its settings hold."""
    with click.Context(click.Command("x")) as ctx:
        hide_secrets(ctx, [SECRET])
        yield


@given(TEXT)
def test_shown_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    with command():
        safe = shown(text)
    assert not UNSAFE.search(safe)
    with command():
        assert shown(safe) == safe


@given(TEXT, TEXT)
def test_shown_masks_the_secrets(before: str, after: str) -> None:
    with command():
        assert SECRET not in shown(before + SECRET + after)


def test_shown_writes_controls_as_escapes() -> None:
    assert shown("a\x1b]52;c;eA==\x07\u009b\u202e\n") == "a\\x1b]52;c;eA==\\x07\\u009b\\u202e\\x0a"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | PLAIN,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(PLAIN, children, max_size=4),
    max_leaves=20,
)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _reject(constant: str) -> None:
    raise ValueError(constant)


@given(JSON)
def test_json_line_is_strict_json_that_reads_back(data: Any) -> None:
    with command():
        line = json_line({"v": data})
    assert not UNSAFE.search(line)
    assert json.loads(line, parse_constant=_reject) == {"v": _finite(data)}


def test_json_line_takes_any_depth_the_json_parser_took() -> None:
    deep = json.loads("[" * 800 + '"x"' + "]" * 800)
    with command():
        assert json_line({"v": deep}).count("[") == 800


def test_json_line_masks_secrets_in_keys_and_values() -> None:
    with command():
        line = json_line({f"k{SECRET}": [f"v{SECRET}"]})
    assert SECRET not in line
    assert json.loads(line) == {"k***": ["v***"]}


@settings(max_examples=150, deadline=None)
@given(st.lists(PLAIN.filter(lambda t: "\x00" not in t), min_size=1, max_size=3))
def test_a_suggested_command_pastes_as_exactly_its_words(words: list[str]) -> None:
    with command():
        line = shell_join(words)
    assert not UNSAFE.search(line)
    pasted = subprocess.run(
        ["bash", "-c", 'printf "%s\\0" ' + line],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=30,
        check=True,
    )
    assert pasted.stdout.decode().split("\0")[:-1] == words


def test_shell_word_quotes_printable_words_as_shlex_does() -> None:
    assert shell_word("x; rm -rf ~") == "'x; rm -rf ~'"
    assert shell_word("plain") == "plain"
    assert shell_word("a\x1bb") == "$'a\\x1bb'"
