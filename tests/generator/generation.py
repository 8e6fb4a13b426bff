"""Helpers for tests of generated code: building specs into a directory, importing and
type-checking the result."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.build import header_source, render_module
from generator.spec import LoadedSpec, parse_spec
from tests.generator.spec_testing import FIXTURES, HERE, REPO_ROOT

GOLDEN = HERE / "golden"
GOLDEN_FIXTURES = ("contoso", "many_quirks", "tweeter")
UPDATE_VARIABLE = "OAUTHGEN_UPDATE_GOLDEN"
UPDATE_COMMAND = f"{UPDATE_VARIABLE}=1 .venv/bin/pytest tests/generator/test_build_golden.py"


def fixture_source(name: str) -> str:
    """The fixture's path relative to the repository."""
    return (FIXTURES / f"{name}.yaml").relative_to(REPO_ROOT).as_posix()


def render_fixture(name: str) -> str:
    source = fixture_source(name)
    loaded = parse_spec((REPO_ROOT / source).read_bytes(), source)
    return render_module(loaded, source=header_source(source))


def render_text(yaml_text: str, file: str = "inline.yaml") -> tuple[LoadedSpec, str]:
    loaded = parse_spec(yaml_text, file)
    return loaded, render_module(loaded, source=file)


def write_package(root: Path, provider_id: str, text: str) -> Path:
    """``root/generated/<id>/__init__.py`` + ``py.typed``; returns the package directory."""
    package = root / "generated" / provider_id
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(text, encoding="utf-8")
    (package / "py.typed").write_bytes(b"")
    return package


def import_file(path: Path, name: str) -> ModuleType:
    """Import one generated ``__init__.py`` under a unique module name."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def client_class(module: ModuleType) -> Any:
    # Any: tests call the generated class's methods, which a plain ``type`` does not have.
    """The generated client class of ``module`` (the one exported provider subclass)."""
    from runtime.provider.base import ProviderBase

    found = [
        value
        for name in module.__all__
        if isinstance(value := getattr(module, name), type) and issubclass(value, ProviderBase)
    ]
    assert len(found) == 1, found
    return found[0]


def run_mypy(
    cwd: Path,
    targets: Iterable[str],
    *extra: str,
    cache: Path | None = None,
    repository_on_path: bool = True,
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` in ``cwd``, by default with the repository (runtime) on MYPYPATH."""
    env = {key: value for key, value in os.environ.items() if key != "MYPYPATH"}
    if repository_on_path:
        env["MYPYPATH"] = str(REPO_ROOT)
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--python-version",
        "3.10",
        "--no-error-summary",
        "--show-error-codes",
        "--cache-dir",
        str(cache or cwd / ".mypy_cache"),
        *extra,
        *targets,
    ]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def mypy_errors_by_file(output: str) -> Mapping[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        if ": error:" in line:
            found.setdefault(line.split(":", 1)[0], []).append(line)
    return found


def spec_constant(text: str) -> dict[str, Any]:
    """The value of ``_SPEC`` read from the source text without importing it."""
    for node in ast.parse(text).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "_SPEC"
            and node.value is not None
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, dict)
            return value
    raise AssertionError("no _SPEC in the generated module")
