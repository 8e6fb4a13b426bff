"""The freshness stamp: an up-to-date module is not rendered again, and every kind of staleness
(spec changed, generator changed, file edited by hand) still renders and is reported."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import build
from generator.build import STAMP_PREFIX, generator_fingerprint, render_module, unstamped
from generator.cli import main
from generator.spec import load_spec
from tests.generator.spec_testing import FIXTURES

SPEC = "tweeter"


@pytest.fixture
def tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """``tmp/specs/tweeter.yaml`` built into ``tmp/out``; yields the spec file."""
    (tmp_path / "specs").mkdir()
    spec = tmp_path / "specs" / f"{SPEC}.yaml"
    shutil.copy(FIXTURES / f"{SPEC}.yaml", spec)
    assert main(["build", str(spec.parent), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    yield spec
    generator_fingerprint.cache_clear()


def module(spec: Path) -> Path:
    return spec.parent.parent / "out" / SPEC / "__init__.py"


def check(spec: Path) -> int:
    return main(["build", "--check", str(spec.parent), "--out", str(spec.parent.parent / "out")])


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the modules ``plan`` renders."""
    rendered: list[str] = []

    def counting(loaded: object, **kwargs: object) -> str:
        rendered.append(str(kwargs["source"]))
        return render_module(loaded, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "render_module", counting)
    return rendered


def test_the_stamp_is_the_second_line_and_hashes_the_rest(tree: Path) -> None:
    content = module(tree).read_bytes()
    text, line = unstamped(content)
    assert line is not None and line.startswith(STAMP_PREFIX.encode())
    assert content.split(b"\n")[1] + b"\n" == line
    expected = render_module(load_spec(tree), source=f"{SPEC}.yaml").encode()
    assert text == expected  # the stamp is the only addition to the rendered module
    assert f"generator {generator_fingerprint()} ".encode() in line


def test_an_up_to_date_tree_is_checked_without_rendering(tree: Path, renders: list[str]) -> None:
    assert check(tree) == 0
    assert main(["build", str(tree.parent), "--out", str(tree.parent.parent / "out")]) == 0
    assert renders == []


def test_a_changed_spec_renders_and_is_stale(
    tree: Path, renders: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    tree.write_text(tree.read_text().replace("Tweeter", "Tweeter Two", 1))
    assert check(tree) == 1
    assert renders == [f"{SPEC}.yaml"]
    assert f"STALE {module(tree).as_posix()}" in capsys.readouterr().out


def test_a_hand_edited_module_is_stale(tree: Path, renders: list[str]) -> None:
    path = module(tree)
    path.write_bytes(path.read_bytes() + b"\nx = 1  # edited\n")
    assert check(tree) == 1
    assert renders == [f"{SPEC}.yaml"]


def test_a_generator_change_renders_again(
    tree: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "generator_fingerprint", lambda: "0123456789abcdef")
    assert check(tree) == 0  # same output: current, only the stamp names another generator
    assert renders == [f"{SPEC}.yaml"]
    before = module(tree).read_bytes()
    assert main(["build", str(tree.parent), "--out", str(tree.parent.parent / "out")]) == 0
    after = module(tree).read_bytes()
    assert unstamped(after)[0] == unstamped(before)[0]
    assert b"generator 0123456789abcdef " in after  # build rewrote the stamp

    monkeypatch.setattr(build, "generator_fingerprint", lambda: "fedcba9876543210")
    monkeypatch.setattr(
        build, "render_module", lambda loaded, **kwargs: render_module(loaded, **kwargs) + "y = 2\n"
    )
    assert check(tree) == 1  # a generator change that changes the output is stale


def test_a_module_without_a_stamp_is_current_when_its_text_is(tree: Path) -> None:
    path = module(tree)
    path.write_bytes(unstamped(path.read_bytes())[0])  # as written before stamps existed
    assert check(tree) == 0
    assert main(["build", str(tree.parent), "--out", str(tree.parent.parent / "out")]) == 0
    assert unstamped(path.read_bytes())[1] is not None
