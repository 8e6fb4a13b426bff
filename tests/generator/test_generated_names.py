"""A spec that loads always builds: the loader refuses names the generated code already uses,
and the generated code uses only the names ``generator.spec.naming`` says it does.

The second half is what keeps the spec checks and the IR builder from drifting apart: a new
argument or import in the builder that ``naming`` does not list fails here.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from generator.build import header_source, render_module
from generator.spec import LoadedSpec, SpecValidationError, load_spec
from generator.spec.naming import (
    AUTHORIZATION_URL_ARGUMENTS,
    FETCH_REQUEST_TOKEN_ARGUMENTS,
    MODULE_NAMES,
    STANDARD_OAUTH1_TOKEN_FIELDS,
    STANDARD_TOKEN_FIELDS,
    generated_class_names,
    init_arguments,
)
from tests.generator.spec_testing import REPO_ROOT, bad_spec_paths, valid_fixture_paths

SHIPPED = sorted((REPO_ROOT / "specs").glob("*.yaml"))


def _loaded(paths: list[Path]) -> list[LoadedSpec]:
    found = []
    for path in paths:
        try:
            found.append(load_spec(path))
        except SpecValidationError:
            continue  # refused with located errors: test_spec_bad_specs checks them
    return found


LOADED = _loaded([*SHIPPED, *valid_fixture_paths(), *bad_spec_paths()])


BY_FILE = {loaded.file: loaded for loaded in LOADED}


@functools.cache
def _parsed(file: str) -> ast.Module:
    loaded = BY_FILE[file]
    return ast.parse(render_module(loaded, source=header_source(loaded.file)))


def _tree(loaded: LoadedSpec) -> ast.Module:
    return _parsed(loaded.file)


def test_every_spec_and_bad_spec_that_loads_also_builds() -> None:
    built = [loaded.spec.id for loaded in LOADED if _tree(loaded).body]
    bad_but_loading = [loaded for loaded in LOADED if "bad_specs" in loaded.file]
    assert len(built) == len(LOADED) >= len(SHIPPED) + len(valid_fixture_paths())
    assert bad_but_loading, "some bad specs only warn; they must build too"


def _client(tree: ast.Module, loaded: LoadedSpec) -> ast.ClassDef:
    name = generated_class_names(loaded.spec)["client"]
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def _arguments(client: ast.ClassDef, method: str) -> set[str] | None:
    for node in client.body:
        if isinstance(node, ast.FunctionDef) and node.name == method:
            args = node.args
            return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    return None


@pytest.mark.parametrize("loaded", LOADED, ids=lambda loaded: Path(loaded.file).stem)
def test_methods_take_only_the_arguments_naming_lists(loaded: LoadedSpec) -> None:
    spec = loaded.spec
    client = _client(_tree(loaded), loaded)
    expected = {
        "__init__": (init_arguments(spec), set(spec.variables)),
        "authorization_url": (AUTHORIZATION_URL_ARGUMENTS, set(spec.authorize.options)),
        "fetch_request_token": (
            FETCH_REQUEST_TOKEN_ARGUMENTS,
            set(spec.oauth1.request_token.options),
        ),
    }
    for method, (own, from_spec) in expected.items():
        arguments = _arguments(client, method)
        if arguments is None:
            continue
        assert arguments - from_spec <= own, method
        assert from_spec <= arguments, method


@pytest.mark.parametrize("loaded", LOADED, ids=lambda loaded: Path(loaded.file).stem)
def test_the_module_binds_only_the_names_naming_lists(loaded: LoadedSpec) -> None:
    tree = _tree(loaded)
    classes = set(generated_class_names(loaded.spec).values())
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            bound.update(alias.asname or alias.name for alias in node.names)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound.update(t.id for t in targets if isinstance(t, ast.Name))
    shapes = {name for name in bound if name.startswith("_") and name.endswith("_SHAPE")}
    assert bound - shapes - classes <= MODULE_NAMES
    assert classes <= {n.name for n in tree.body if isinstance(n, ast.ClassDef)}


@pytest.mark.parametrize("loaded", LOADED, ids=lambda loaded: Path(loaded.file).stem)
def test_the_token_fields_the_spec_does_not_declare_are_the_standard_ones(
    loaded: LoadedSpec,
) -> None:
    spec = loaded.spec
    name = generated_class_names(spec)["token"]
    tree = _tree(loaded)
    token = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    keys = {
        node.target.id
        for node in token.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    if spec.protocol == "oauth1":
        standard, declared = STANDARD_OAUTH1_TOKEN_FIELDS, set(spec.oauth1.access_token.extra)
    else:
        standard = STANDARD_TOKEN_FIELDS
        declared = {
            *spec.token.response.extra,
            *spec.token.response.other_tokens,
            *(n for n, captured in spec.callback.capture.items() if captured.on_token),
            *(n for step in spec.after_token.values() for n in step.keep),
        }
    assert keys - declared <= standard
    assert declared <= keys
