"""Render plain data (the normalised spec) as a deterministic, multi-line Python literal.

Only ``dict`` (with ``str`` keys), ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None``
are accepted; anything else raises ``UnsafeValueError``. Keys keep their insertion order
(the normalised order), every scalar goes through ``repr`` (``safe.literal``), and layout
is ``layout``'s fit-or-explode, so equal data always gives equal text.
"""

from __future__ import annotations

from .layout import Atom, Group, Node, Pair, Str, render
from .safe import Code, UnsafeValueError, literal

MAX_DEPTH = 40


def literal_node(value: object, *, _depth: int = 0) -> Node:
    """``value`` as a layout tree."""
    if _depth > MAX_DEPTH:
        raise UnsafeValueError(f"data nested deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if kind is dict:
        assert isinstance(value, dict)
        items: list[Node] = []
        for key, item in value.items():
            if type(key) is not str:
                raise UnsafeValueError(f"dict key of type {type(key).__name__}: {key!r:.80}")
            head = Code(literal(key) + ": ")
            items.append(Pair(head, literal_node(item, _depth=_depth + 1)))
        return Group(Code("{"), tuple(items), Code("}"))
    if kind is list:
        assert isinstance(value, list)
        return Group(
            Code("["), tuple(literal_node(item, _depth=_depth + 1) for item in value), Code("]")
        )
    if kind is str:
        assert isinstance(value, str)
        return Str(value)
    if value is None or kind in (bool, int, float):
        assert value is None or isinstance(value, (bool, int, float))
        return Atom(literal(value))
    raise UnsafeValueError(f"no literal for a value of type {kind.__name__}: {value!r:.80}")


def render_literal(value: object, *, indent: int = 0, column: int | None = None) -> Code:
    """``value`` as Python source starting at ``column``, continuation lines from ``indent``."""
    return render(literal_node(value), indent=indent, column=column)
