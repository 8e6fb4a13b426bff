"""``with_defaults``: a generated module's slim ``_SPEC`` laid over the format's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pytest

from runtime.provider import OAuth2Provider, RuntimeSpec, SpecView, with_defaults
from runtime.provider.spec_defaults import DEFAULTS
from tests.runtime.provider.support import inline_spec

DEFAULTS_SAMPLE: dict[str, Any] = {"a": {"b": 1, "c": [1, 2], "d": {}}, "e": None, "f": [3]}


def test_mappings_merge_key_by_key_and_other_values_replace() -> None:
    merged: Mapping[str, Any] = with_defaults(
        {"id": "x", "a": {"c": [9], "d": {"k": "v"}}, "e": {"z": 1}}, DEFAULTS_SAMPLE
    )
    assert merged == {"id": "x", "a": {"b": 1, "c": [9], "d": {"k": "v"}}, "e": {"z": 1}, "f": [3]}
    assert list(merged) == ["id", "a", "e", "f"]


def test_the_merge_builds_new_dicts_only_where_it_merges() -> None:
    merged: Mapping[str, Any] = with_defaults({"a": {"b": 2}}, DEFAULTS_SAMPLE)
    assert merged["a"] == {"b": 2, "c": [1, 2], "d": {}}
    assert merged["a"] is not DEFAULTS_SAMPLE["a"]
    assert DEFAULTS_SAMPLE["a"]["b"] == 1


def test_a_class_keyword_spec_is_merged_and_viewed_once_when_the_class_is_created() -> None:
    full = inline_spec("")
    slim: dict[str, Any] = {
        key: full[key] for key in ("spec", "id", "name", "protocol", "docs", "sources")
    }
    slim["endpoints"] = {
        "authorize": full["endpoints"]["authorize"],
        "token": full["endpoints"]["token"],
    }

    class Acme(OAuth2Provider, spec=cast(RuntimeSpec, slim)):
        pass

    class Child(Acme):
        pass

    assert isinstance(Acme.spec, SpecView)
    assert Acme.spec.data == full
    assert Acme.spec.oauth1.data == DEFAULTS["oauth1"]
    assert Acme.spec.endpoints.token == full["endpoints"]["token"]
    assert Child.spec is Acme.spec
    client = Acme(client_id="id", redirect_uri="https://app.example/cb")
    assert client.client_id == "id"
    assert client.spec is Acme.spec


def test_a_spec_dict_in_the_class_body_is_refused_with_the_keyword_form() -> None:
    with pytest.raises(TypeError, match=r"class Acme\(\.\.\., spec=\{\.\.\.\}\)"):

        class Acme(OAuth2Provider):
            spec = inline_spec("")  # type: ignore[assignment]
