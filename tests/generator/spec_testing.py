"""Helpers shared by the generator tests: fixture paths, spec data walking and mutation."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeGuard, get_args, get_origin

import yaml

from generator.spec.introspect import is_union, type_hints
from generator.spec.kinds import PLAIN_URL, StringKind, resolved
from runtime.spec import ProviderSpec

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
BAD_SPECS = HERE / "bad_specs"
REPO_ROOT = HERE.parent.parent

DataPath = tuple[str | int, ...]

# A rendered spec path: plain keys joined by dots, [index], or ["quoted key"] (JSON-escaped).
_PATH = r'(?:[^\s"\[\]]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])+'
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>[1-9]\d*):(?P<column>[1-9]\d*): "
    rf"(?P<path>{_PATH}): (?P<message>.+?)(?: \(hint: (?P<hint>.+)\))?$"
)


def valid_fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.yaml"))


def bad_spec_paths() -> list[Path]:
    return sorted(BAD_SPECS.glob("*.yaml"))


def load_data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _unwrap(tp: object) -> object:
    """Strip Annotated and Optional so the structural type is left."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        elif is_union(tp):
            members = [m for m in get_args(tp) if m is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _is_dataclass_type(tp: object) -> TypeGuard[type]:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def object_paths(
    data: object, cls: type = ProviderSpec, path: DataPath = ()
) -> Iterator[tuple[DataPath, type]]:
    """Paths (in ``data``) of every mapping that the model reads as a dataclass."""
    if not isinstance(data, dict):
        return
    yield path, cls
    hints = type_hints(cls)
    for key, value in data.items():
        if key not in hints:
            continue
        tp = _unwrap(hints[key])
        if _is_dataclass_type(tp):
            yield from object_paths(value, tp, (*path, key))
        elif get_origin(tp) is Mapping and isinstance(value, dict):
            value_tp = _unwrap(get_args(tp)[1])
            if _is_dataclass_type(value_tp):
                for entry_key, entry in value.items():
                    yield from object_paths(entry, value_tp, (*path, key, entry_key))


def leaf_paths(data: object, path: DataPath = ()) -> Iterator[DataPath]:
    """Paths of every scalar value."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaf_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaf_paths(value, (*path, index))
    else:
        yield path


def typed_paths(
    data: object, tp: object = ProviderSpec, path: DataPath = ()
) -> Iterator[tuple[DataPath, object]]:
    """Every value in ``data`` with the model type that reads it (Annotated kept)."""
    yield path, tp
    structural = _unwrap(tp)
    if _is_dataclass_type(structural) and isinstance(data, dict):
        hints = type_hints(structural)
        for key, value in data.items():
            if key in hints:
                yield from typed_paths(value, hints[key], (*path, key))
    elif get_origin(structural) is Mapping and isinstance(data, dict):
        value_tp = get_args(structural)[1]
        for key, value in data.items():
            yield from typed_paths(value, value_tp, (*path, key))
    elif get_origin(structural) is tuple and isinstance(data, list):
        item_tp = get_args(structural)[0]
        for index, value in enumerate(data):
            yield from typed_paths(value, item_tp, (*path, index))


def _string_kind(tp: object) -> StringKind | None:
    for candidate in (tp, *get_args(tp)):
        if get_origin(candidate) is Annotated:
            kinds = (resolved(marker) for marker in get_args(candidate)[1:])
            kind = next((k for k in kinds if isinstance(k, StringKind)), None)
            if kind is not None:
                return kind
    return None


def url_paths(data: object) -> list[DataPath]:
    """Paths of the values the model reads as URLs."""
    found = []
    for path, tp in typed_paths(data):
        kind = _string_kind(tp)
        if (
            kind is not None
            and (kind.url or kind is PLAIN_URL)
            and isinstance(get_at(data, path), str)
        ):
            found.append(path)
    return found


def get_at(data: object, path: DataPath) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def replaced(data: dict[str, Any], path: DataPath, value: object) -> dict[str, Any]:
    result = copy.deepcopy(data)
    parent: Any = get_at(result, path[:-1])
    parent[path[-1]] = value
    return result


def without(data: dict[str, Any], path: DataPath) -> dict[str, Any]:
    result = copy.deepcopy(data)
    parent: Any = get_at(result, path[:-1])
    del parent[path[-1]]
    return result
