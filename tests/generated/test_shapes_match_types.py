"""Every ``Shape`` a generated module hands the runtime's checker describes its TypedDict
exactly: the same keys, the same required keys, and the kind of each annotation."""

from __future__ import annotations

import importlib
import typing
from pathlib import Path
from types import GenericAlias, ModuleType
from typing import Any, get_args, get_origin

import pytest
from typing_extensions import Required

from runtime.provider.base import ProviderBase
from runtime.provider.shapes import Shape

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(
    [f"generated.{p.parent.name}" for p in (REPO / "generated").glob("*/__init__.py")]
    + [
        f"tests.generator.golden.{p.parent.name}"
        for p in (REPO / "tests/generator/golden").glob("*/__init__.py")
    ]
)


def annotation_of(kind: object, module: ModuleType) -> object:
    if isinstance(kind, Shape):
        return getattr(module, kind.name)
    plain = {"str": str, "int": int, "float": float, "bool": bool, "any": Any}
    if kind in plain:
        return plain[str(kind)]
    return {
        "list[str]": list[str],
        "scopes": GenericAlias(list, (vars(module).get("Scope"),)),  # list[Scope]
        "dict": dict[str, Any],
    }[str(kind)]


def shapes_of(module: ModuleType) -> list[Shape[Any]]:
    return [value for name, value in vars(module).items() if isinstance(value, Shape)]


@pytest.mark.parametrize("name", MODULES)
def test_each_shape_describes_its_typed_dict(name: str) -> None:
    module = importlib.import_module(name)
    shapes = shapes_of(module)
    typed_dicts = [
        value
        for value in vars(module).values()
        if typing.is_typeddict(value) and value.__module__ == name
    ]
    assert sorted(s.name for s in shapes) == sorted(t.__name__ for t in typed_dicts)
    for shape in shapes:
        hints = typing.get_type_hints(
            getattr(module, shape.name), localns={"Required": Required}, include_extras=True
        )
        assert list(shape.fields) == list(hints), shape.name
        for key, (kind, required) in shape.fields.items():
            hint = hints[key]
            assert (get_origin(hint) is Required) == required, f"{shape.name}.{key}"
            if required:
                (hint,) = get_args(hint)
            assert hint == annotation_of(kind, module), f"{shape.name}.{key}"


@pytest.mark.parametrize("name", MODULES)
def test_the_client_checks_tokens_against_its_token_shape(name: str) -> None:
    module = importlib.import_module(name)
    (client,) = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ProviderBase) and value.__module__ == name
    ]
    assert client._token_shape.name == f"{client.__name__}Token"
    assert client._token_shape is module._TOKEN_SHAPE
