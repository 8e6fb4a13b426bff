"""Property tests: any bad input yields located errors, never a traceback.

Invalid specs are made by mutating the valid fixtures (wrong types, unknown keys, bad URLs,
undeclared variables, missing keys); the loader must point at the mutated place. Arbitrary
text and arbitrary YAML must load or fail with located errors, and whatever the loader
accepts, the JSON Schema must accept too.
"""

from __future__ import annotations

import dataclasses
import re
import string
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.spec import LoadedSpec, SpecError, SpecValidationError, parse_spec
from generator.spec.errors import render_path
from generator.spec.introspect import is_required
from generator.spec.schema import spec_json_schema
from tests.generator.spec_testing import (
    DIAGNOSTIC,
    DataPath,
    dump,
    get_at,
    leaf_paths,
    load_data,
    object_paths,
    replaced,
    url_paths,
    valid_fixture_paths,
    without,
)

FIXTURES: dict[str, dict[str, Any]] = {path.stem: load_data(path) for path in valid_fixture_paths()}
VALIDATOR = jsonschema.Draft202012Validator(spec_json_schema())
PROPERTY_SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("SPEC_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Values no field of the model accepts: every field is a scalar, a list of scalars, a
# mapping with constrained keys, or a section mapping.
UNIVERSALLY_INVALID: list[object] = [[[1]], [{"k": "v"}], {"bad key!": [[1]]}]
YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
BAD_URLS = [
    "http://evil.example.com/x",
    "ftp://example.com/x",
    "https://user:pw@example.com/x",
    "https://example.com/x#fragment",
    "not a url",
    "https://example.com/a b",
    "https:///no-host",
]


@dataclasses.dataclass(frozen=True)
class Mutation:
    text: str
    path: str
    """Rendered path at or under which an error must be reported."""
    fragment: str
    """Text that message must contain."""


def _all_paths(data: object, path: DataPath = ()) -> list[DataPath]:
    found: list[DataPath] = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_all_paths(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_all_paths(value, (*path, index)))
    return found


@st.composite
def invalid_specs(draw: st.DrawFn) -> Mutation:
    data = FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))]
    kind = draw(
        st.sampled_from(["wrong_type", "unknown_key", "bad_url", "undeclared", "missing_key"])
    )
    if kind == "wrong_type":
        path = draw(st.sampled_from(_all_paths(data)))
        value = draw(st.sampled_from(UNIVERSALLY_INVALID))
        return Mutation(dump(replaced(data, path, value)), render_path(path), "")
    if kind == "unknown_key":
        object_path, cls = draw(st.sampled_from(list(object_paths(data))))
        names = {f.name for f in dataclasses.fields(cls)}
        key = draw(
            st.text(string.ascii_lowercase + "_", min_size=1, max_size=12).filter(
                lambda k: k not in names
            )
        )
        target = dict(get_at(data, object_path))  # type: ignore[call-overload]
        target[key] = draw(st.sampled_from(["x", 1, True, None, [], {}]))
        mutated = replaced(data, object_path, target) if object_path else target
        return Mutation(dump(mutated), render_path((*object_path, key)), "unknown key")
    if kind == "bad_url":
        path = draw(st.sampled_from(url_paths(data)))
        value = draw(st.sampled_from(BAD_URLS))
        return Mutation(dump(replaced(data, path, value)), render_path(path), "")
    if kind == "undeclared":
        path = draw(st.sampled_from(url_paths(data)))
        value = f"{get_at(data, path)}/{{zz_undeclared}}"
        return Mutation(dump(replaced(data, path, value)), render_path(path), "")
    object_path, cls = draw(st.sampled_from(list(object_paths(data))))
    required = [f.name for f in dataclasses.fields(cls) if is_required(f)]
    present = [name for name in required if name in get_at(data, object_path)]  # type: ignore[operator]
    if not present:  # this section has no required keys: fall back to a wrong type
        path = draw(st.sampled_from(_all_paths(data)))
        return Mutation(dump(replaced(data, path, [[1]])), render_path(path), "")
    name = draw(st.sampled_from(present))
    path = (*object_path, name)
    return Mutation(dump(without(data, path)), render_path(path), "missing required key")


def assert_located(errors: tuple[SpecError, ...], text: str) -> None:
    assert errors, "an invalid spec must report at least one error"
    line_count = len(YAML_LINE_BREAK.split(text))
    for error in errors:
        assert error.file == "mutated.yaml"
        assert 1 <= error.line <= line_count, error
        assert error.column >= 1, error
        assert DIAGNOSTIC.match(str(error)), str(error)


@PROPERTY_SETTINGS
@given(invalid_specs())
def test_invalid_specs_produce_located_errors_at_the_mutation(mutation: Mutation) -> None:
    try:
        parse_spec(mutation.text, "mutated.yaml")
    except SpecValidationError as exc:
        assert_located(exc.errors, mutation.text)
        matching = [
            error
            for error in exc.errors
            if error.path.startswith(mutation.path) and mutation.fragment in error.message
        ]
        assert matching, (mutation.path, [str(error) for error in exc.errors])
    else:
        raise AssertionError(f"mutation at {mutation.path} was accepted")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=20),
    st.sampled_from(["https://example.com/x", "{tenant}", "S256", "GET", "oauth2", "read"]),
)


@st.composite
def edited_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A fixture with a few leaves replaced by arbitrary scalars: valid or not."""
    data = FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(leaf_paths(data))))
        data = replaced(data, path, draw(scalars))
    return data


@PROPERTY_SETTINGS
@given(edited_specs())
def test_loader_acceptance_implies_schema_acceptance(data: dict[str, Any]) -> None:
    text = dump(data)
    try:
        parse_spec(text, "mutated.yaml")
    except SpecValidationError as exc:
        assert_located(exc.errors, text)
    else:
        assert VALIDATOR.is_valid(data), [e.message for e in VALIDATOR.iter_errors(data)]


@PROPERTY_SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_anything_else(text: str) -> None:
    try:
        result = parse_spec(text, "mutated.yaml")
    except SpecValidationError as exc:
        assert_located(exc.errors, text)
    else:
        assert isinstance(result, LoadedSpec)


json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(FIXTURES["many_quirks"])), json_like, max_size=8))
def test_arbitrary_structures_under_real_keys_give_located_errors(data: dict[str, Any]) -> None:
    text = dump(data)
    try:
        parse_spec(text, "mutated.yaml")
    except SpecValidationError as exc:
        assert_located(exc.errors, text)
