"""The exported JSON Schema and the loader agree: both are derived from the spec model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.spec import SpecValidationError, parse_spec
from generator.spec.schema import SCHEMA_FILE_NAME, render_schema, spec_json_schema
from generator.spec.starter import starter_spec
from tests.generator.spec_testing import (
    FIXTURES,
    REPO_ROOT,
    dump,
    load_data,
    object_paths,
    replaced,
    valid_fixture_paths,
)

SCHEMA_PATH = REPO_ROOT / "schema" / SCHEMA_FILE_NAME
UPDATE_COMMAND = f".venv/bin/python -m generator schema > schema/{SCHEMA_FILE_NAME}"
VALIDATOR = jsonschema.Draft202012Validator(spec_json_schema())


def schema_accepts(data: object) -> bool:
    return VALIDATOR.is_valid(data)


def loader_accepts(data: object) -> bool:
    try:
        parse_spec(dump(data), "spec.yaml")
    except SpecValidationError:
        return False
    return True


def test_schema_is_valid_draft_2020_12() -> None:
    schema = spec_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_schema_file_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        f"schema/{SCHEMA_FILE_NAME} is stale; regenerate it with: {UPDATE_COMMAND}"
    )


def test_every_object_in_the_schema_is_closed() -> None:
    schema: dict[str, Any] = spec_json_schema()
    definitions: dict[str, Any] = schema["$defs"]
    for name, definition in [("<root>", schema), *definitions.items()]:
        assert definition["additionalProperties"] is False, name
        assert definition["properties"], name


@pytest.mark.parametrize("path", valid_fixture_paths(), ids=lambda path: path.stem)
def test_valid_fixtures_satisfy_the_schema(path: Path) -> None:
    errors = [error.message for error in VALIDATOR.iter_errors(load_data(path))]
    assert errors == []


@pytest.mark.parametrize("protocol", ["oauth2", "oidc", "oauth1"])
def test_starter_specs_satisfy_the_schema(protocol: str) -> None:
    data = yaml.safe_load(starter_spec("acme", protocol))  # type: ignore[arg-type]
    assert schema_accepts(data)


def _unknown_key_cases() -> list[tuple[str, tuple[str | int, ...]]]:
    return [
        (path.stem, object_path)
        for path in valid_fixture_paths()
        for object_path, _ in object_paths(load_data(path))
    ]


@pytest.mark.parametrize(("fixture", "object_path"), _unknown_key_cases())
def test_unknown_keys_are_rejected_by_both(
    fixture: str, object_path: tuple[str | int, ...]
) -> None:
    data = load_data(FIXTURES / f"{fixture}.yaml")
    target: dict[str, Any] = data
    for part in object_path:
        target = target[part]  # type: ignore[index]
    target["not_a_spec_key"] = "x"
    assert not schema_accepts(data)
    with pytest.raises(SpecValidationError) as caught:
        parse_spec(dump(data), "spec.yaml")
    messages = [error.message for error in caught.value.errors]
    assert "unknown key 'not_a_spec_key'" in messages


@pytest.mark.parametrize(
    ("fixture", "section", "value"),
    [
        ("tweeter", "token", {}),
        ("tweeter", "grants", ["authorization_code"]),
        ("tweeter", "authorize", {"pkce": "required"}),
        ("tweeter", "oidc", {}),
        ("minimal", "oauth1", {}),
        ("minimal", "oidc", {"nonce": "required"}),
        ("contoso", "oauth1", {"realm": "x"}),
    ],
)
def test_protocol_specific_keys_are_rejected_by_both(
    fixture: str, section: str, value: object
) -> None:
    data = load_data(FIXTURES / f"{fixture}.yaml")
    data[section] = value
    assert not schema_accepts(data)
    assert not loader_accepts(data)


def test_protocol_specific_keys_inside_maps_apply_to_each_entry() -> None:
    # callback.capture is a map of captures; on_token (OAuth 2 only) is a key of each capture.
    data = load_data(FIXTURES / "tweeter.yaml")
    spent = replaced(data, ("callback",), {"capture": {"realm_id": {"on_token": True}}})
    assert not schema_accepts(spent)
    assert not loader_accepts(spent)
    named = replaced(data, ("callback",), {"capture": {"on_token": {"param": "on_token"}}})
    assert loader_accepts(named)
    assert schema_accepts(named)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec",), 2),
        (("protocol",), "oauth3"),
        (("id",), "Bad-Id"),
        (("sources",), []),
        (("sources",), "https://example.com"),
        (("endpoints", "authorize"), "http://example.com/authorize"),
        (("endpoints", "authorize"), 42),
        (("scopes",), None),
        (("scopes", "default"), ["a", "a"]),
        (("token", "method"), "PUT"),
        (("refresh", "leeway_seconds"), -1),
        (("hooks", "access_token_response"), ["no_such_hook"]),
        (("hooks", "client_secret"), ["apple_client_secret_jwt", "apple_client_secret_jwt"]),
        (("userinfo", "fields"), {}),
    ],
)
def test_structural_errors_are_rejected_by_both(path: tuple[str, ...], value: object) -> None:
    data = load_data(FIXTURES / "many_quirks.yaml")
    data.setdefault("hooks", {})
    mutated = replaced(data, path, value)
    assert not schema_accepts(mutated)
    assert not loader_accepts(mutated)


def test_schema_documents_fields_and_defaults() -> None:
    schema: dict[str, Any] = spec_json_schema()
    token = schema["$defs"]["TokenRequest"]["properties"]
    assert token["client_auth"]["default"] == "client_secret_basic"
    assert "authenticates" in token["client_auth"]["description"]
    hook_names = schema["$defs"]["Hooks"]["properties"]["callback"]["items"]["enum"]
    assert "apple_form_post_user" in hook_names


def test_cli_schema_output_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == spec_json_schema()
