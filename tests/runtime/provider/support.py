"""Helpers for the provider engine tests: specs from fixtures or inline YAML, id_tokens."""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from oauthlib.oauth1.rfc5849 import signature, utils
from oauthlib.oauth1.rfc5849.endpoints.base import BaseEndpoint

from generator.spec.loader import load_spec, parse_spec
from generator.spec.normalize import normalized_spec
from runtime.provider import OAuth1Provider, OAuth2Provider, RuntimeSpec

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


def fixture_spec(name: str) -> RuntimeSpec:
    return normalized_spec(load_spec(FIXTURES / f"{name}.yaml").spec)


def inline_spec(
    body: str, *, protocol: str = "oauth2", endpoints: str | None = BASIC_ENDPOINTS
) -> RuntimeSpec:
    """A spec from YAML text: a fixed header, ``endpoints`` (unless None), then ``body``."""
    text = HEADER.format(protocol=protocol) + (endpoints or "") + textwrap.dedent(body)
    return normalized_spec(parse_spec(text, "inline.yaml").spec)


def oauth2_class(spec: RuntimeSpec) -> type[OAuth2Provider]:
    class Provider(OAuth2Provider):
        pass

    Provider.spec = spec
    return Provider


def oauth1_class(spec: RuntimeSpec) -> type[OAuth1Provider]:
    class Provider(OAuth1Provider):
        pass

    Provider.spec = spec
    return Provider


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def form(body: str | bytes | None) -> dict[str, list[str]]:
    text = body.decode() if isinstance(body, bytes) else (body or "")
    return parse_qs(text, keep_blank_values=True)


def unsigned_jwt(claims: dict[str, Any], alg: str = "RS256") -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _text(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def hmac_sha1_signed(sent: Any, client_secret: str, token_secret: str | None) -> bool:
    """Whether a sent request's HMAC-SHA1 signature verifies, checked independently by oauthlib's
    server side."""
    headers = {name: _text(value) for name, value in sent.headers.items()}
    endpoint: Any = BaseEndpoint(request_validator=None)
    request = endpoint._create_request(sent.url, sent.method, _text(sent.body) or "", headers)
    return bool(signature.verify_hmac_sha1(request, client_secret, token_secret))


def oauth_params(sent: Any) -> dict[str, str]:
    """The OAuth parameters of a sent request's Authorization header."""
    pairs = utils.parse_authorization_header(_text(sent.headers["Authorization"]))
    return {name: utils.unescape(value) for name, value in pairs}
