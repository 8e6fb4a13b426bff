"""Helpers for the provider engine tests: specs from fixtures or inline YAML, id_tokens."""

from __future__ import annotations

import base64
import json
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from generator.spec.loader import load_spec, parse_spec
from generator.spec.normalize import normalized_spec
from runtime.provider import OAuth1Provider, OAuth2Provider, RuntimeSpec, SpecView

FIXTURES = Path(__file__).parents[2] / "generator" / "fixtures"

HEADER = """\
spec: 1
id: acme
name: Acme
protocol: {protocol}
docs: https://docs.acme.example/oauth
sources: [https://docs.acme.example/oauth]
"""

BASIC_ENDPOINTS = """\
endpoints:
  authorize: https://auth.acme.example/authorize
  token: https://auth.acme.example/token
"""


def fixture_spec(name: str) -> dict[str, Any]:
    return normalized_spec(load_spec(FIXTURES / f"{name}.yaml").spec)


def inline_spec(
    body: str, *, protocol: str = "oauth2", endpoints: str | None = BASIC_ENDPOINTS
) -> dict[str, Any]:
    """A spec from YAML text: a fixed header, ``endpoints`` (unless None), then ``body``."""
    text = HEADER.format(protocol=protocol) + (endpoints or "") + textwrap.dedent(body)
    return normalized_spec(parse_spec(text, "inline.yaml").spec)


def oauth2_class(spec: Mapping[str, Any]) -> type[OAuth2Provider]:
    class Provider(OAuth2Provider):
        pass

    Provider.spec = SpecView(cast(RuntimeSpec, spec))  # tests change specs as plain dicts
    return Provider


def oauth1_class(spec: Mapping[str, Any]) -> type[OAuth1Provider]:
    class Provider(OAuth1Provider):
        pass

    Provider.spec = SpecView(cast(RuntimeSpec, spec))  # tests change specs as plain dicts
    return Provider


def unsigned_jwt(claims: dict[str, Any], alg: str = "RS256") -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"
