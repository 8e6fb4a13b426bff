"""A validated spec as plain data: what the runtime reads at run time.

Every field is present with its default filled in, so the runtime never has to know the
defaults; containers become ``dict`` / ``list`` and leaves stay ``str``/``int``/``float``/
``bool``/``None``. The generated module embeds this value as a Python literal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .model import ProviderSpec

RuntimeSpec = dict[str, Any]


def normalized_spec(spec: ProviderSpec) -> RuntimeSpec:
    """``spec`` as nested dicts and lists, every default filled in."""
    value = _plain(spec)
    assert isinstance(value, dict)
    return value


def _plain(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {field.name: _plain(getattr(value, field.name)) for field in fields}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"unexpected value of type {type(value).__name__} in a validated spec")
