"""Text from the server, made safe to print: secrets masked, control characters made visible.

Everything the command line prints that came from the wire (names, states, types, URIs, error
messages, page tokens, log lines) passes through `shown` before it reaches the terminal: a server
cannot clear the screen, set the window title, write the clipboard (OSC 52), move the cursor back
over a line, or reorder what is shown with bidirectional overrides, and a key or token it echoes
back is printed as ``***``. `json_line` does the same for ``--json`` and keeps the output strict
JSON; `shell_join` quotes the commands the CLI suggests, so that pasting one runs only that command.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Iterable, Sequence
from typing import Any

import click

from gemini_ops._http.redact import redact

__all__ = ["hide_secrets", "json_line", "shell_join", "shell_word", "shown"]

# What a terminal may act on instead of printing: C0 controls (ESC, BEL, backspace, \r, \n...),
# DEL, C1 controls (U+0080-U+009F: CSI, OSC... in their 8-bit forms), and Unicode's Bidi_Control
# characters (the marks, embeddings, overrides and isolates that reorder a line as displayed).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SECRETS_KEY = "gemini_ops.cli.secrets"


def _visible(match: re.Match[str]) -> str:
    """A character as the escape that writes it in Python and in bash's ``$'...'``."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def hide_secrets(ctx: click.Context, secrets: Iterable[str]) -> None:
    """Make `shown` and `json_line` mask ``secrets`` for the rest of the command."""
    ctx.meta[_SECRETS_KEY] = tuple(s for s in secrets if s)


def _secrets() -> Sequence[str]:
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_SECRETS_KEY, ()) if ctx is not None else ()
    return tuple(found)


def shown(text: object) -> str:
    r"""``text`` as the terminal may show it: secrets masked, control characters as escapes.

    ESC becomes ``\x1b``, U+202E ``\u202e``, a newline ``\x0a`` and so on, so that what was
    there stays visible without acting, and server text never starts a line of its own. The
    same text twice through gives the same result.
    """
    return _UNSAFE.sub(_visible, redact(str(text), _secrets()))


def _masked_copy(data: Any, secrets: Sequence[str]) -> Any:
    """A copy of JSON data: secrets masked in every string, NaN and infinities as ``null``.

    Walks with a list instead of recursing: any depth the JSON parser accepted is fine here.
    """
    root = [data]
    pending: list[tuple[Any, Any]] = [(root, 0)]
    while pending:
        container, key = pending.pop()
        value = container[key]
        if isinstance(value, dict):
            copy = {redact(str(k), secrets): v for k, v in value.items()}
            container[key] = copy
            pending.extend((copy, k) for k in copy)
        elif isinstance(value, list | tuple):
            items = list(value)
            container[key] = items
            pending.extend((items, i) for i in range(len(items)))
        elif isinstance(value, str):
            container[key] = redact(value, secrets)
        elif isinstance(value, float) and not math.isfinite(value):
            container[key] = None
    return root[0]


def json_line(data: Any) -> str:
    r"""One compact line of strict JSON: no ``NaN``/``Infinity`` (they become ``null``).

    Secrets are masked in every string, and the characters a terminal could act on are written
    as ``\u`` escapes (``json.loads`` reads back the same text).
    """
    text = json.dumps(
        _masked_copy(data, _secrets()), ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    # json.dumps already escapes C0 controls; what is left can only be inside strings.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shell_word(word: str) -> str:
    r"""``word`` quoted for a POSIX shell; with control characters, as bash's ``$'...'``.

    ``shlex.quote`` would keep an ESC or a ``\r`` raw, and the terminal would act on it: the
    command shown would not be the command pasted.
    """
    word = redact(word, _secrets())
    if not _UNSAFE.search(word):
        return shlex.quote(word)
    body = word.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _UNSAFE.sub(_visible, body) + "'"


def shell_join(words: Iterable[str]) -> str:
    """A command line to suggest: every word quoted by `shell_word`."""
    return " ".join(shell_word(w) for w in words)
