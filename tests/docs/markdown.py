"""The fenced code blocks of the project's Markdown pages, and the commands in shell blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    """One fenced block: its page, the line its fence opens on, its language and its text."""

    page: str
    line: int
    language: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str, language: str) -> list[Block]:
    """Every block of ``page`` (a path from the repository root) fenced as ``language``."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        Block(page, text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2))
        for match in _FENCE.finditer(text)
        if match.group(1) == language
    ]


def commands(block: Block) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments and blanks dropped."""
    joined = block.text.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line).strip()  # a comment after two spaces or more
        if command and not command.startswith("#"):
            found.append(re.sub(r"\s+", " ", command))
    return found
