"""Golden output: the fixtures generate exactly the committed packages in ``golden/``.

After an intended change to the generated code, refresh them and review the diff:

    OAUTHGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/generator/test_build_golden.py

The golden packages are importable as ``tests.generator.golden.<id>``, so ``mypy --strict``
over ``tests`` type-checks them, and ``tests/typing`` and the completion tests use them.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from generator.build import PACKAGE_FILES
from generator.spec import load_spec
from generator.spec.normalize import normalized_spec, slim_sections, slim_spec
from runtime.provider import with_defaults
from runtime.provider.spec_defaults import DEFAULTS, SECTION_DEFAULTS
from tests.generator.generation import (
    GOLDEN,
    GOLDEN_FIXTURES,
    UPDATE_COMMAND,
    UPDATE_VARIABLE,
    client_class,
    fixture_source,
    import_file,
    render_fixture,
    run_mypy,
)
from tests.generator.spec_testing import REPO_ROOT


@pytest.mark.parametrize("name", GOLDEN_FIXTURES)
def test_golden_output(name: str) -> None:
    expected = {"__init__.py": render_fixture(name), "py.typed": ""}
    assert set(expected) == set(PACKAGE_FILES)
    directory = GOLDEN / name
    if os.environ.get(UPDATE_VARIABLE) == "1":
        directory.mkdir(parents=True, exist_ok=True)
        for file, text in expected.items():
            (directory / file).write_text(text, encoding="utf-8")
        pytest.skip(f"updated {directory.relative_to(REPO_ROOT)}")
    problems = []
    for file, text in expected.items():
        path = directory / file
        if not path.is_file():
            problems.append(f"missing golden file {path.relative_to(REPO_ROOT)}")
            continue
        actual = path.read_text(encoding="utf-8")
        if actual != text:
            diff = difflib.unified_diff(
                actual.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{name}/{file}",
                f"generated from {fixture_source(name)}",
                n=2,
            )
            problems.append("".join(diff))
    extra = (
        sorted(p.name for p in directory.iterdir() if p.name not in expected)
        if directory.is_dir()
        else []
    )
    problems += [f"unexpected file golden/{name}/{file}" for file in extra if file != "__pycache__"]
    if problems:
        pytest.fail(
            "\n".join(problems)
            + f"\n\nIf the change is intended, update the golden files with:\n    {UPDATE_COMMAND}",
            pytrace=False,
        )


def test_every_golden_package_has_a_fixture() -> None:
    present = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert present == sorted(GOLDEN_FIXTURES), f"stale golden packages; run {UPDATE_COMMAND}"


@pytest.mark.parametrize("name", GOLDEN_FIXTURES)
def test_golden_spec_literal_merges_into_the_normalized_spec(name: str) -> None:
    module = import_file(GOLDEN / name / "__init__.py", f"_golden_{name}")
    expected = normalized_spec(load_spec(REPO_ROOT / fixture_source(name)).spec)
    merged: Mapping[str, Any] = with_defaults(module._SPEC)
    assert merged == expected
    for key, value in expected.items():  # key order kept in every section and mapping
        assert json.dumps(merged[key]) == json.dumps(value), key
    client = client_class(module)
    assert client.spec.data == expected


@pytest.mark.parametrize("name", GOLDEN_FIXTURES)
def test_golden_spec_literal_holds_only_what_differs_from_the_defaults(name: str) -> None:
    module = import_file(GOLDEN / name / "__init__.py", f"_golden_{name}")
    embedded = module._SPEC
    slimmed = slim_spec(slim_sections(with_defaults(embedded), SECTION_DEFAULTS), DEFAULTS)
    assert slimmed == embedded  # nothing equal to a default
    other = {"oauth1": ("oidc",), "oauth2": ("oauth1", "oidc"), "oidc": ("oauth1",)}
    assert not set(other[embedded["protocol"]]) & set(embedded)


def test_golden_packages_pass_mypy_strict(tmp_path: Path) -> None:
    packages = [f"-p=tests.generator.golden.{name}" for name in GOLDEN_FIXTURES]
    result = run_mypy(REPO_ROOT, packages, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_golden_packages_are_ruff_clean() -> None:
    """Generated code follows the project's lint rules and is already ruff-formatted."""
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(GOLDEN)],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
