"""Reading the spec model's type hints: shared by the loader, the schema export and tests."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Union, get_origin


@functools.cache
def type_hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, include_extras=True)


def is_union(tp: object) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def is_required(f: dataclasses.Field[object]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
