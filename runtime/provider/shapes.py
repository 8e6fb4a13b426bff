"""The one check between what the runtime builds and the ``TypedDict`` a client method returns.

A generated module describes each of its ``TypedDict`` classes as data, a ``Shape``: for every
key its kind and whether it is required. ``Shape.check`` walks a value against it and returns
the value unchanged, now typed, or raises ``ShapeError`` naming the field and what was wrong
(never a value: tokens are secrets). Keys the shape does not list stay: a ``TypedDict`` is open
at run time, and providers add fields.

Light to import (generated modules import it); the error class loads with its first use.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Generic, Literal, TypeVar, cast

T = TypeVar("T")

Kind = Literal["str", "int", "float", "bool", "list[str]", "scopes", "dict", "any"]
"""``scopes``: a ``list[Scope]``, every item one of the provider's known scopes."""

_KIND_NAMES: dict[str, str] = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "list[str]": "a list of strings",
    "scopes": "a list of known scopes",
    "dict": "an object",
}


class Shape(Generic[T]):
    """The fields of the ``TypedDict`` ``name``: ``{key: (kind, required)}``, where a kind is a
    ``Kind`` or the ``Shape`` of a nested ``TypedDict``."""

    __slots__ = ("fields", "name")

    def __init__(self, name: str, fields: Mapping[str, tuple[Kind | Shape[Any], bool]]) -> None:
        self.name = name
        self.fields = dict(fields)

    def __repr__(self) -> str:
        return f"Shape({self.name!r}, {len(self.fields)} fields)"

    def check(self, value: object, *, scopes: Collection[str] = ()) -> T:
        """``value``, once it is a mapping whose fields have the kinds listed; ``scopes`` are the
        names a ``scopes`` field may hold."""
        problem = self._problem(value, scopes)
        if problem is not None:
            from .flow_errors import ShapeError

            raise ShapeError(self.name, *problem)
        return cast(T, value)

    def _problem(self, value: object, scopes: Collection[str]) -> tuple[str, str] | None:
        """``(field, what is wrong)`` for the first field that does not fit, else None; the
        field is dotted below nested shapes, and ``""`` when ``value`` is no mapping."""
        if not isinstance(value, Mapping):
            return "", f"should be an object, got {_type_name(value)}"
        for key, (kind, required) in self.fields.items():
            if key not in value:
                if required:
                    return key, "is missing"
                continue
            found = value[key]
            if isinstance(kind, Shape):
                inner = kind._problem(found, scopes)
                if inner is not None:
                    return (f"{key}.{inner[0]}" if inner[0] else key), inner[1]
            elif not _fits(found, kind, scopes):
                return key, _mismatch(found, kind, scopes)
        return None


ANY_SHAPE: Shape[Any] = Shape("token", {})
"""The shape of a client class that declares none: any mapping fits."""


def _fits(value: object, kind: Kind, scopes: Collection[str]) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):  # a bool is an int to Python, never to a TypedDict reader
        return False
    if kind == "int":
        return isinstance(value, int)
    if kind == "float":
        return isinstance(value, (int, float))
    if kind == "dict":
        return isinstance(value, Mapping) and all(isinstance(k, str) for k in value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return False
    return kind == "list[str]" or all(item in scopes for item in value)


def _mismatch(value: object, kind: Kind, scopes: Collection[str]) -> str:
    if kind == "scopes" and isinstance(value, list):
        unknown = sorted({str(item) for item in value if item not in scopes})
        if unknown and all(isinstance(item, str) for item in value):
            # Scope names are public vocabulary, not secrets.
            return f"holds scopes the provider does not define: {', '.join(map(repr, unknown))}"
    return f"should be {_KIND_NAMES[kind]}, got {_type_name(value)}"


_TYPE_NAMES: dict[type, str] = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}


def _type_name(value: object) -> str:
    return _TYPE_NAMES.get(type(value)) or type(value).__name__
