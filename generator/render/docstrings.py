"""The one docstring escaper: any text -> a triple-quoted docstring that says exactly that text.

Inside the docstring, ``\\`` becomes ``\\\\``; a ``"`` followed by another ``"`` (or ending the
text) becomes ``\\"``, so no ``\"\"\"`` can appear; every non-printable character (control
characters, ``\\r``, tabs, line and paragraph separators, lone surrogates) becomes its escape
sequence; printable non-ASCII stays as it is. Lines are wrapped at whitespace to fit
``layout.WIDTH`` and trailing whitespace is dropped, so the text reads well on hover.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from .layout import WIDTH
from .safe import DocBlock

_QUOTE_BEFORE_QUOTE = re.compile(r'"(?=")')
_NAMED_ESCAPES = {"\t": "\\t", "\r": "\\r"}
_ARGUMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*: ")
_MIN_WRAP = 40


def escape_doc_text(text: str) -> str:
    """``text`` (one line or many) made safe for the inside of a ``\"\"\"`` string."""
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n" or ch.isprintable():
            out.append(ch)
        elif ch in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[ch])
        else:
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    escaped = _QUOTE_BEFORE_QUOTE.sub('\\\\"', "".join(out))
    if escaped.endswith('"'):
        escaped = escaped[:-1] + '\\"'
    return escaped


def docstring(summary: str, body: Iterable[str] = (), *, indent: int = 0) -> DocBlock:
    """A docstring whose first line is ``summary``, then a blank line and ``body``.

    ``body`` items are lines (they may contain ``\\n``); ``""`` is a blank line. The result
    starts at the column ``indent`` (the caller places the first line) and indents its
    continuation lines by ``indent`` spaces.
    """
    width = max(WIDTH - indent, _MIN_WRAP)
    summary_lines = _wrap(escape_doc_text(_one_line(summary)), width - 3)
    body_lines: list[str] = []
    for item in body:
        for line in item.split("\n"):
            body_lines.extend(_wrap(escape_doc_text(line), width))
    while body_lines and not body_lines[-1]:
        body_lines.pop()
    if not body_lines and len(summary_lines) == 1 and len(summary_lines[0]) + 6 <= width:
        return DocBlock(f'"""{summary_lines[0]}"""')
    pad = " " * indent
    lines = [f'"""{summary_lines[0]}', *(pad + line for line in summary_lines[1:])]
    if body_lines:
        lines.append("")
        lines.extend(pad + line if line else "" for line in body_lines)
    lines.append(pad + '"""')
    return DocBlock("\n".join(lines))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _wrap(line: str, width: int) -> list[str]:
    line = line.rstrip()
    if not line:
        return [""]
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip(" "))]
    rest = line[len(lead) :]
    if rest.startswith("- "):
        follow = lead + "  "  # a bullet continues under its text
    elif lead and _ARGUMENT.match(rest):
        follow = lead + "    "  # an ``name: text`` entry of an Args section
    else:
        follow = lead
    return [
        wrapped.rstrip()
        for wrapped in textwrap.wrap(
            line.lstrip(" "),
            width=width,
            initial_indent=lead,
            subsequent_indent=follow,
            break_long_words=False,
            break_on_hyphens=False,
        )
    ] or [""]
