"""The spec views (``runtime/provider/spec_view.py``, written by ``generator.spec.views``): one
read-only class per model section, what the runtime reads a spec through."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

import pytest

from generator.cli import main
from generator.spec import defaults as spec_defaults
from generator.spec import load_spec
from generator.spec.normalize import normalized_spec
from generator.spec.views import (
    model_sections,
    render_view_class,
    render_views_module,
    view_annotation,
    view_name,
)
from runtime.provider import spec_view
from runtime.provider.spec_section import SpecSection
from runtime.provider.spec_types import SpecData
from runtime.provider.spec_view import SpecView
from runtime.spec import ProviderSpec
from tests.generator.spec_testing import REPO_ROOT

Capture = pytest.CaptureFixture[str]
SPECS = sorted((REPO_ROOT / "specs").glob("*.yaml"))


@dataclass(frozen=True)
class _Leaf:
    """A leaf section."""

    name: str = "x"


@dataclass(frozen=True)
class _Branch:
    """A section with every kind of field a view converts."""

    kind: Literal["a", "b"] = "a"
    leaf: _Leaf = field(default_factory=_Leaf)
    maybe: _Leaf | None = None
    names: tuple[str, ...] = ()
    leaves: Mapping[str, _Leaf] = field(default_factory=dict)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plain: Mapping[str, str | int] = field(default_factory=dict)


def _view(data: Mapping[str, Any]) -> SpecView:
    return SpecView(cast(SpecData, data))


def _rendered_classes() -> dict[str, Any]:
    """``_Leaf`` and ``_Branch`` views, rendered and run."""
    from runtime.provider.spec_section import SpecSection, frozen

    source = "from __future__ import annotations\n" + "\n\n".join(
        render_view_class(cls) for cls in (_Leaf, _Branch)
    )
    namespace: dict[str, Any] = {"SpecSection": SpecSection, "frozen": frozen}
    exec(compile(source, "<views>", "exec"), namespace)  # generated text of our own model
    return namespace


def _branch_data() -> dict[str, Any]:
    return {
        "kind": "b",
        "leaf": {"name": "one"},
        "maybe": None,
        "names": ["p", "q"],
        "leaves": {"k": {"name": "two"}},
        "lists": {"l": ["r"]},
        "plain": {"n": 1},
    }


def test_view_annotations_turn_sections_into_views_and_sequences_into_tuples() -> None:
    hints = typing.get_type_hints(_Branch)
    assert view_annotation(hints["kind"]) == 'Literal["a", "b"]'
    assert view_annotation(hints["leaf"]) == "_LeafView"
    assert view_annotation(hints["maybe"]) == "_LeafView | None"
    assert view_annotation(hints["names"]) == "tuple[str, ...]"
    assert view_annotation(hints["leaves"]) == "Mapping[str, _LeafView]"
    assert view_annotation(hints["lists"]) == "Mapping[str, tuple[str, ...]]"
    assert view_annotation(hints["plain"]) == "Mapping[str, str | int]"
    assert view_name(ProviderSpec) == "SpecView"


def test_a_rendered_view_converts_each_kind_of_field() -> None:
    views = _rendered_classes()
    data = _branch_data()
    branch = views["_BranchView"](data)
    assert branch.kind == "b"
    assert branch.leaf == views["_LeafView"]({"name": "one"})
    assert branch.leaf.name == "one"
    assert branch.maybe is None
    assert branch.names == ("p", "q")
    assert branch.leaves["k"].name == "two"
    assert branch.lists == {"l": ("r",)}
    assert isinstance(branch.plain, MappingProxyType) and branch.plain == {"n": 1}
    assert branch.data is data
    present = views["_BranchView"]({**data, "maybe": {"name": "here"}})
    assert present.maybe.name == "here"


def test_a_rendered_view_is_read_only() -> None:
    views = _rendered_classes()
    branch = views["_BranchView"](_branch_data())
    with pytest.raises(AttributeError):
        branch.kind = "a"
    with pytest.raises(AttributeError):
        branch.other = 1
    with pytest.raises(AttributeError):
        del branch.leaf
    with pytest.raises(TypeError):
        branch.plain["n"] = 2
    assert not hasattr(branch, "__dict__")


def test_a_field_named_like_a_view_attribute_is_refused() -> None:
    @dataclass(frozen=True)
    class Clash:
        data: str = ""

    with pytest.raises(TypeError, match="'data'"):
        render_view_class(Clash)


def test_the_module_imports_the_typed_dicts_only_for_type_checkers() -> None:
    text = render_views_module("regenerate")
    head, _, _ = text.partition("\nclass ")
    assert "if TYPE_CHECKING:\n    from .spec_types import (" in head
    assert "from .spec_types" not in head.partition("if TYPE_CHECKING:")[0]


def test_every_model_field_is_an_attribute_of_its_view() -> None:
    for cls in model_sections():
        view = getattr(spec_view, view_name(cls))
        assert issubclass(view, SpecSection)
        names = [f.name for f in dataclasses.fields(cls)]
        assert view._view_fields == tuple(names)
        for name in names:
            assert isinstance(getattr(view, name), property), f"{view.__name__}.{name}"
            assert getattr(view, name).fset is None
        assert set(view.__slots__) == {f"_{name}" for name in names}


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.stem)
def test_the_view_of_every_spec_builds_and_gives_its_data_back(path: Path) -> None:
    data = normalized_spec(load_spec(path).spec)
    view = _view(data)
    assert view.data is data
    assert view.id == data["id"]
    assert view.token.response.format == data["token"]["response"]["format"]
    assert view.scopes.default == tuple(data["scopes"]["default"])
    assert view == _view(normalized_spec(load_spec(path).spec))
    assert view != _view({**data, "name": data["name"] + "!"})
    if data["refresh"] is None:
        assert view.refresh is None
    else:
        assert view.refresh is not None and view.refresh.data is data["refresh"]
    assert len(SPECS) == 47


def test_views_compare_by_content_and_type_only() -> None:
    spec = normalized_spec(load_spec(SPECS[0]).spec)
    view = _view(spec)
    assert view.endpoints == _view(spec).endpoints
    assert view.endpoints != spec["endpoints"]
    assert view.api != view.endpoints
    with pytest.raises(TypeError):
        hash(view)


def test_a_view_repr_is_short_and_names_its_class() -> None:
    view = _view(normalized_spec(load_spec(REPO_ROOT / "specs" / "github.yaml").spec))
    assert repr(view) == "SpecView(spec=1, id='github', name='GitHub', ...)"
    assert repr(view.token.response.expires).startswith("ExpiryView(path='expires_in'")
    assert len(repr(view.hooks)) < 40


def test_runtime_spec_views_follow_the_model(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert spec_defaults.views_path() == Path(spec_view.__file__)
    assert spec_defaults.render_views() == spec_defaults.views_path().read_text(encoding="utf-8")
    monkeypatch.chdir(REPO_ROOT)
    text = spec_defaults.render_views().replace("def format(", "def fmt(")
    monkeypatch.setattr(spec_defaults, "render_views", lambda: text)
    assert main(["build", "--check", "specs"]) == 1
    out, _ = capsys.readouterr()
    assert "STALE " in out and "spec_view.py" in out
