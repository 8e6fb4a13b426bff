"""Fenced code blocks of the documentation, with where they start and the name they are tested by.

A block is named by an HTML comment on the line before its fence, which Markdown renders as
nothing::

    <!-- doc-test: quick-start -->
    ```sh
    ...
    ```

``tests/docs/test_code_blocks.py`` keys its fixtures by that name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = frozenset({"python", "py", "python3", "pycon"})
SHELL = frozenset({"sh", "bash", "shell", "console", "zsh"})
OPENING = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")
MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(?P<name>[\w.-]+)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path  # relative to the repository root
    line: int  # 1-based line of the block's first line of code (the one after the fence)
    language: str  # the info string's first word, lower-cased; "" when there is none
    code: str  # the code, without the fences and without the fence's indentation
    name: str | None  # from `<!-- doc-test: NAME -->` on the line before the fence

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line - 1}"  # the fence's line, where a reader looks

    @property
    def runnable(self) -> bool:
        return self.language in PYTHON or self.language in SHELL


def documents() -> list[Path]:
    """README.md and every Markdown page under docs/, relative to the repository root."""
    pages = [
        Path("README.md"),
        *sorted(p.relative_to(REPO_ROOT) for p in (REPO_ROOT / "docs").glob("*.md")),
    ]
    return [page for page in pages if (REPO_ROOT / page).is_file()]


def extract(path: Path, text: str) -> list[Block]:
    """Every fenced block of a CommonMark page, in order; an unclosed fence runs to the end."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        previous = lines[index - 1] if index else ""
        marker = MARKER.match(previous)
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            line = lines[end]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))) :])
            end += 1
        blocks.append(
            Block(
                path=path,
                line=index + 2,
                language=opening["info"].lower(),
                code="\n".join(body) + "\n",
                name=marker["name"] if marker else None,
            )
        )
        index = end + 1
    return blocks


def all_blocks() -> list[Block]:
    return [
        block
        for page in documents()
        for block in extract(page, (REPO_ROOT / page).read_text(encoding="utf-8"))
    ]
