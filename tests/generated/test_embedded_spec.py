"""A generated module's ``_SPEC`` holds only what differs from the spec format's defaults (at
the top, inside optional sections and inside every map entry), and merged with them by the
runtime it is the spec's full normalised form."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from generator.client_module import client_class
from generator.spec import load_spec
from generator.spec.normalize import normalized_spec
from runtime.provider import with_defaults
from runtime.provider.spec_defaults import DEFAULTS, SECTION_DEFAULTS

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "specs").glob("*.yaml"))


def keys_equal_to_their_default(embedded: Mapping[str, Any]) -> Iterator[str]:
    """Every dotted path in ``embedded`` whose value is its default's (section defaults apply
    at their path, ``*`` matching any map entry)."""
    yield from _walk(embedded, DEFAULTS, "")


def _walk(value: Mapping[str, Any], defaults: Mapping[str, Any], path: str) -> Iterator[str]:
    for key, item in value.items():
        where = f"{path}{key}"
        default = defaults.get(key, _NO_DEFAULT)
        if item == default and type(item) is type(default):
            yield where
        if not isinstance(item, Mapping):
            continue
        section, entries = _section_at(where), _section_at(f"{where}.*")
        if entries is not None:
            for name, entry in item.items():
                yield from _walk(entry, entries, f"{where}.{name}.")
        elif section is not None or isinstance(default, Mapping):
            yield from _walk(item, section if section is not None else default, f"{where}.")


def _section_at(path: str) -> Mapping[str, Any] | None:
    for pattern, section in SECTION_DEFAULTS.items():
        parts, given = pattern.split("."), path.split(".")
        if len(parts) == len(given) and all(
            p in ("*", g) for p, g in zip(parts, given, strict=True)
        ):
            return section
    return None


_NO_DEFAULT = object()


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_the_embedded_spec_has_no_key_equal_to_its_default(path: Path) -> None:
    module = importlib.import_module(f"generated.{path.stem}")
    assert list(keys_equal_to_their_default(module._SPEC)) == []


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_the_merged_spec_is_the_full_normalised_spec(path: Path) -> None:
    module = importlib.import_module(f"generated.{path.stem}")
    full = normalized_spec(load_spec(path).spec)
    assert with_defaults(module._SPEC) == full
    assert client_class(module).spec.data == full  # merged once, when the class was made


def test_the_checker_finds_a_key_equal_to_its_default() -> None:
    assert list(keys_equal_to_their_default({"refresh": {"supported": True}})) == [
        "refresh.supported"
    ]
    found = keys_equal_to_their_default({"variables": {"x": {"type": "str", "default": "a"}}})
    assert list(found) == ["variables.x.type"]
    assert list(keys_equal_to_their_default({"scopes": {"separator": " "}})) == ["scopes.separator"]


def test_the_github_spec_shrank_to_what_differs() -> None:
    text = (REPO / "generated/github/__init__.py").read_text(encoding="utf-8")
    lines = text[text.index("_SPEC: Final") :].splitlines()
    length = lines.index("}") + 1
    assert length < 170  # 209 lines before sections and map entries were slimmed too
    assert '"requires_scopes"' not in text and '"pattern": None' not in text
