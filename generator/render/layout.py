"""A small, deterministic line layout for generated expressions (fit on one line, or explode).

Expressions are trees of ``Atom`` (rendered text), ``Group`` (bracketed items), ``Pair``
(``key: value`` / ``name=value``) and ``Str`` (a string literal that may be split). ``layout``
prints a node on one line when it fits in ``WIDTH`` columns; otherwise it puts one item per
line with a trailing comma, recursively, the way black and ruff format would. The layout
depends only on the input, never on the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .safe import Code, Rendered, ensure_rendered, literal

WIDTH = 100
INDENT = 4
NOTHING = Code("")


@dataclass(frozen=True)
class Atom:
    text: Rendered

    def __post_init__(self) -> None:
        ensure_rendered(self.text)


@dataclass(frozen=True)
class Str:
    """A string literal; long prose becomes a parenthesised implicit concatenation, split
    after spaces."""

    value: str


@dataclass(frozen=True)
class Pair:
    head: Rendered
    value: Node
    tail: Rendered = NOTHING

    def __post_init__(self) -> None:
        ensure_rendered(self.head)
        ensure_rendered(self.tail)


@dataclass(frozen=True)
class Group:
    head: Rendered
    items: tuple[Node, ...]
    close: Rendered
    tail: Rendered = NOTHING
    commas: bool = True
    """False joins items by juxtaposition (implicit string concatenation)."""

    def __post_init__(self) -> None:
        ensure_rendered(self.head)
        ensure_rendered(self.close)
        ensure_rendered(self.tail)


Node = Atom | Str | Pair | Group


_Memo = dict[int, tuple["Node", str]]


def flat(node: Node, memo: _Memo | None = None) -> str:
    """``node`` on one line. ``memo`` caches results by node identity within one layout; it
    keeps each node alive so that an id is never reused for another node meanwhile."""
    if memo is not None:
        cached = memo.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
    if isinstance(node, Atom):
        text: str = node.text
    elif isinstance(node, Str):
        text = literal(node.value)
    elif isinstance(node, Pair):
        text = node.head + flat(node.value, memo) + node.tail
    else:
        separator = ", " if node.commas else " "
        inner = separator.join(flat(item, memo) for item in node.items)
        text = node.head + inner + node.close + node.tail
    if memo is not None:
        memo[id(node)] = (node, text)
    return text


def render(node: Node, *, indent: int = 0, column: int | None = None, trailer: int = 0) -> Code:
    """``node`` laid out starting at ``column`` (default: ``indent``), continuation lines
    indented from ``indent``; ``trailer`` characters follow it on its last line."""
    return Code(_layout(node, indent, indent if column is None else column, trailer, {}))


def _fits(text: str, column: int, trailer: int) -> bool:
    return "\n" not in text and column + len(text) + trailer <= WIDTH


def _layout(node: Node, indent: int, column: int, trailer: int, memo: _Memo) -> str:
    text = flat(node, memo)
    if _fits(text, column, trailer):
        return text
    if isinstance(node, Atom):
        return text  # an atom cannot be broken; it overflows
    if isinstance(node, Str):
        pieces = _split_string(node.value, indent + INDENT)
        if len(pieces.items) <= 1:  # short, empty, or one unbreakable word
            return text
        return _layout(pieces, indent, column, trailer, memo)
    if isinstance(node, Pair):
        inner = _layout(node.value, indent, column + len(node.head), trailer + len(node.tail), memo)
        return node.head + inner + node.tail
    if not node.items:
        return text
    inner_indent = indent + INDENT
    pad = " " * inner_indent
    comma = "," if node.commas else ""
    lines: list[str] = [node.head]
    for item in node.items:
        lines.append(pad + _layout(item, inner_indent, inner_indent, len(comma), memo) + comma)
    lines.append(" " * indent + node.close + node.tail)
    return "\n".join(lines)


def _split_string(value: str, column: int) -> Group:
    """``value`` as consecutive string literals, each fitting in the width from ``column``."""
    budget = max(WIDTH - column, 16)
    pieces: list[Node] = []
    start = 0
    while start < len(value):
        end = _longest_fitting(value, start, budget)
        if end < len(value):
            # Break after a space; a word (a URL) is never cut, even if its line overflows.
            space = value.rfind(" ", start + 1, end)
            if space == -1:
                space = value.find(" ", end)
            end = len(value) if space == -1 else space + 1
        pieces.append(Atom(literal(value[start:end])))
        start = end
    return Group(Code("("), tuple(pieces), Code(")"), commas=False)


def _longest_fitting(value: str, start: int, budget: int) -> int:
    """The largest ``end`` with ``literal(value[start:end])`` at most ``budget`` long (at
    least one character; the literal's length never decreases as the slice grows)."""
    low, high = start + 1, len(value)
    while low < high:
        middle = (low + high + 1) // 2
        if len(literal(value[start:middle])) <= budget:
            low = middle
        else:
            high = middle - 1
    return low
