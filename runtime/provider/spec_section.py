"""What every generated spec view (``spec_view``) shares: read-only, equal by content, and
``data``, the merged dict it was built from.

A view's fields are properties over private slots, filled once by ``__init__``: assigning or
deleting a field raises ``AttributeError`` (and mypy refuses it). Kept tiny: every generated
client module imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

_V = TypeVar("_V")
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_REPR_FIELDS = 3


def frozen(values: Mapping[str, _V]) -> Mapping[str, _V]:
    """A read-only copy of ``values`` (one shared empty mapping for every empty one)."""
    return MappingProxyType(dict(values)) if values else _EMPTY


def field_items(view: SpecSection) -> list[tuple[str, object]]:
    """Each field of ``view`` with its value, in the model's order (for code that walks every
    field of a section, e.g. every hook point)."""
    return [(name, getattr(view, name)) for name in view._view_fields]


class SpecSection:
    """The base of every spec view: ``XView(data)`` reads the merged dict ``data`` of its
    section once, turning nested sections into views, lists into tuples and maps into
    read-only mappings."""

    __slots__ = ("_data",)
    _data: Mapping[str, Any]
    _view_fields: tuple[str, ...] = ()  # the model's field names, in order (set by each view)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, SpecSection)
        return self._data == other._data

    __hash__ = None  # type: ignore[assignment]  # equal by content, like the dict it reads

    def __repr__(self) -> str:
        shown = [
            f"{name}={value!r}"
            for name, value in _scalars(self, self._view_fields)
            if value is not None and value is not False
        ][:_REPR_FIELDS]
        more = ", ..." if len(shown) < len(self._view_fields) else ""
        return f"{type(self).__name__}({', '.join(shown)}{more})"


def _scalars(view: SpecSection, names: Iterable[str]) -> Iterable[tuple[str, object]]:
    for name in names:
        value = getattr(view, name)
        if value is None or isinstance(value, (str, int, float)):
            yield name, value
