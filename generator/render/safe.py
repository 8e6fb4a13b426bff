"""Python source text that is safe to emit, marked by type.

Spec strings never reach a template as ``str``: every piece of generated source is a
``Rendered`` value made by a function of this package. ``identifier`` checks names,
``literal`` goes through ``repr``, ``code`` composes already-rendered parts into a fixed
shape, and docstrings come from ``docstrings.docstring`` (the one escaper). The jinja
environment (``render.jinja``) rejects any value that is not ``Rendered``.

``str`` operations on a ``Rendered`` value (``+``, ``format``, slicing) return a plain ``str``,
so text built outside these functions loses the mark and is rejected at render time.
"""

from __future__ import annotations

import keyword
import math


class Rendered(str):
    """Source text produced by a renderer of ``generator.render``; the only kind a template
    may print."""

    __slots__ = ()


class Identifier(Rendered):
    """A Python name, checked with ``str.isidentifier`` and against the keywords."""

    __slots__ = ()


class PyLiteral(Rendered):
    """A literal value, rendered with ``repr``."""

    __slots__ = ()


class Code(Rendered):
    """An expression, statement or fragment composed from rendered parts in a fixed shape."""

    __slots__ = ()


class DocBlock(Rendered):
    """A complete docstring (quotes included), escaped by ``docstrings.docstring``."""

    __slots__ = ()


class UnsafeValueError(TypeError):
    """A value that did not come from a renderer reached the output."""


Scalar = str | int | float | bool | None


def identifier(name: str) -> Identifier:
    """``name`` as a Python identifier; ValueError for anything that is not a plain name.

    Callers that take names from a spec check them first and report located errors; this
    is the last line of defence.
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"not a usable Python identifier: {name!r}")
    if not name.isascii():
        # Identifiers are NFKC-normalised by the parser; keep them ASCII so what is written is
        # what is bound.
        raise ValueError(f"not an ASCII identifier: {name!r}")
    return Identifier(name)


def literal(value: Scalar) -> PyLiteral:
    """A ``str``/``int``/``float``/``bool``/``None`` value as Python source (``repr``).

    Strings prefer double quotes: ``repr`` picks single quotes unless the text contains one;
    when the text has no double quote, the single-quoted form has no quote characters inside
    at all, so swapping the delimiters keeps the exact value.
    """
    if value is None or isinstance(value, (bool, int, str)):
        # bool, int and str are exact here: subclasses could override __repr__.
        if type(value) not in (type(None), bool, int, str):
            raise UnsafeValueError(f"literal of a subclass: {type(value).__name__}")
        text = repr(value)
        if isinstance(value, str) and text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1] + '"'
        return PyLiteral(text)
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no Python literal")
        return PyLiteral(repr(value))
    raise UnsafeValueError(f"no literal for a value of type {type(value).__name__}")


def code(shape: str, *parts: Rendered) -> Code:
    """Fill the fixed ``shape`` (a constant of the generator, with ``{}`` slots) with parts.

    Every part must already be ``Rendered``; a plain ``str`` raises ``UnsafeValueError``.
    """
    for part in parts:
        ensure_rendered(part)
    if shape.count("{}") != len(parts):
        raise ValueError(f"shape {shape!r} has {shape.count('{}')} slots, got {len(parts)} parts")
    return Code(shape.format(*parts))


def join(separator: str, parts: tuple[Rendered, ...] | list[Rendered]) -> Code:
    """Rendered parts joined by a constant separator of the generator."""
    for part in parts:
        ensure_rendered(part)
    return Code(separator.join(parts))


def ensure_rendered(value: object) -> Rendered:
    if not isinstance(value, Rendered):
        raise UnsafeValueError(
            f"unsanitised {type(value).__name__} reached generated code: {value!r:.80}"
        )
    return value
