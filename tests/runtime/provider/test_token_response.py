"""Families E and F: token answer formats, paths, expiry, token type, scopes, extras, errors."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2.rfc6749.errors import (
    CustomOAuth2Error,
    InvalidGrantError,
    MissingTokenError,
)

from runtime.errors import TokenEndpointError, TokenResponseParseError
from runtime.provider import OAuth2Provider
from tests.support.clocks import Clock

from .support import inline_spec, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"
NOW = 1_700_000_000


def provider_for(body: str) -> OAuth2Provider:
    spec = inline_spec("authorize:\n  pkce: unsupported\n" + body)
    return oauth2_class(spec)(client_id="cid", client_secret="sec", clock=Clock(NOW))


def fetch(provider: OAuth2Provider, **answer: Any) -> dict[str, Any]:
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, **answer)
        return provider._fetch_token(code="c")


def test_standard_json_answer_is_normalised() -> None:
    token = fetch(
        provider_for(""),
        json={
            "access_token": "at",
            "refresh_token": "rt",
            "expires_in": "3600",
            "scope": "a b",
            "x": 1,
        },
    )
    assert token == {
        "access_token": "at",
        "refresh_token": "rt",
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": NOW + 3600,
        "scope": ["a", "b"],
        "x": 1,
    }


@pytest.mark.parametrize(
    ("body_format", "answer"),
    [
        (
            "auto",
            {
                "text": "access_token=at&token_type=bearer",
                "headers": {"Content-Type": "text/plain"},
            },
        ),
        (
            "form",
            {
                "text": "access_token=at&token_type=bearer",
                "headers": {"Content-Type": "application/json"},
            },
        ),
        ("json", {"json": {"access_token": "at", "token_type": "bearer"}}),
    ],
)
def test_formats(body_format: str, answer: dict[str, Any]) -> None:
    provider = provider_for(f"token:\n  response:\n    format: {body_format}\n")
    token = fetch(provider, **answer)
    assert token["access_token"] == "at" and token["token_type"] == "bearer"


def test_form_answer_refused_when_json_required() -> None:
    provider = provider_for("token:\n  response:\n    format: json\n")
    with pytest.raises(TokenResponseParseError, match="expected a JSON object"):
        fetch(provider, text="access_token=at")


def test_html_and_empty_success_answers_are_parse_errors() -> None:
    with pytest.raises(TokenResponseParseError, match="text/html"):
        fetch(
            provider_for(""),
            text="<html><body>oops</body></html>",
            headers={"Content-Type": "text/html"},
        )
    with pytest.raises(TokenResponseParseError):
        fetch(provider_for(""), text="")
    with pytest.raises(MissingTokenError, match="no access token"):
        fetch(provider_for(""), json={"token_type": "bearer"})


def test_http_error_without_oauth_code_is_token_endpoint_error() -> None:
    with pytest.raises(TokenEndpointError, match="HTTP 500") as info:
        fetch(provider_for(""), status_code=500, text="<html>boom</html>")
    assert info.value.status_code == 500


def test_camel_case_and_nested_paths() -> None:
    provider = provider_for(
        """\
token:
  response:
    key_case: camel_to_snake
    paths:
      access_token: data.token.access_token
      refresh_token: data.token.refresh_token
      expires_in: data.token.expires_in
      scope: data.scopes
      token_type: data.kind
    scope: {format: list}
    extra:
      user_id: {type: int, path: "data.users[0].user_id", required: true}
"""
    )
    token = fetch(
        provider,
        json={
            "accessToken": "top-level-ignored",
            "data": {
                "token": {"accessToken": "at", "refreshToken": "rt", "expiresIn": 60},
                "scopes": ["a", "b"],
                "kind": "mac",
                "users": [{"userId": "42"}],
            },
        },
    )
    assert token["access_token"] == "at" and token["refresh_token"] == "rt"
    assert token["expires_in"] == 60 and token["scope"] == ["a", "b"]
    assert token["token_type"] == "mac" and token["user_id"] == 42


@pytest.mark.parametrize(
    ("expires", "answer", "expected"),
    [
        ("{path: expires}", {"expires": 100}, {"expires_in": 100, "expires_at": NOW + 100}),
        ("{unit: milliseconds}", {"expires_in": 5000}, {"expires_in": 5, "expires_at": NOW + 5}),
        (
            "{kind: absolute, path: expires_at}",
            {"expires_at": NOW + 50},
            {"expires_in": 50, "expires_at": NOW + 50},
        ),
        ("{zero_means_never: true}", {"expires_in": 0}, {}),
        ("{zero_means_never: false}", {"expires_in": 0}, {}),  # 0: unknown lifetime
        (
            "{default_lifetime: 7200}",
            {"expires_in": 0},
            {"expires_in": 7200, "expires_at": NOW + 7200},
        ),
        ("{zero_means_never: true, default_lifetime: 7200}", {"expires_in": 0}, {}),
        ("{default_lifetime: 7200}", {}, {"expires_in": 7200, "expires_at": NOW + 7200}),
        ("{}", {}, {}),
    ],
)
def test_expiry_variants(expires: str, answer: dict[str, Any], expected: dict[str, int]) -> None:
    provider = provider_for(f"token:\n  response:\n    expires: {expires}\n")
    token = fetch(provider, json={"access_token": "at", **answer})
    assert {k: v for k, v in token.items() if k in ("expires_in", "expires_at")} == expected


def test_non_numeric_expiry_is_a_parse_error() -> None:
    with pytest.raises(TokenResponseParseError, match="lifetime at 'expires_in' is not a number"):
        fetch(provider_for(""), json={"access_token": "at", "expires_in": "soon"})


def test_token_type_default_and_override() -> None:
    token = fetch(
        provider_for("token:\n  response:\n    token_type: {default: Token}\n"),
        json={"access_token": "a"},
    )
    assert token["token_type"] == "Token"
    override = provider_for("token:\n  response:\n    token_type: {override: Bearer}\n")
    assert (
        fetch(override, json={"access_token": "a", "token_type": "User Access Token"})["token_type"]
        == "Bearer"
    )


def test_scope_separators_and_missing_scope() -> None:
    comma = provider_for("scopes:\n  separator: ','\n")
    assert fetch(comma, json={"access_token": "a", "scope": "x,y"})["scope"] == ["x", "y"]
    echo = provider_for("token:\n  response:\n    scope: {separator: '|', path: granted}\n")
    token = fetch(echo, json={"access_token": "a", "granted": "x|y", "scope": "ignored"})
    assert token["scope"] == ["x", "y"]
    assert "scope" not in fetch(provider_for(""), json={"access_token": "a"})


EXTRAS = """\
token:
  response:
    extra:
      instance_url: {type: str, required: true}
      live: {type: bool, path: livemode}
      ratio: {type: float}
      granted: {type: "list[str]"}
      athlete: {type: dict}
      blob: {type: json}
"""


def test_typed_extras_and_required() -> None:
    provider = provider_for(EXTRAS)
    token = fetch(
        provider,
        json={
            "access_token": "a",
            "instance_url": "https://na1.example",
            "livemode": "false",
            "ratio": "0.5",
            "granted": "a,b",
            "athlete": {"id": 1},
            "blob": [1, 2],
        },
    )
    assert token["live"] is False and token["ratio"] == 0.5
    assert (
        token["granted"] == ["a", "b"] and token["athlete"] == {"id": 1} and token["blob"] == [1, 2]
    )
    with pytest.raises(TokenResponseParseError, match="lacks the required field 'instance_url'"):
        fetch(provider, json={"access_token": "a"})
    with pytest.raises(TokenResponseParseError, match="field 'athlete' should be dict"):
        fetch(provider, json={"access_token": "a", "instance_url": "u", "athlete": [1]})


def test_error_in_200_body_and_custom_error_paths() -> None:
    with pytest.raises(InvalidGrantError, match="code expired") as info:
        fetch(
            provider_for(""), json={"error": "invalid_grant", "error_description": "code expired"}
        )
    assert info.value.status_code == 200
    nested = provider_for("errors:\n  code_path: error.code\n  message_path: error.message\n")
    with pytest.raises(CustomOAuth2Error, match="Invalid OAuth access token") as custom:
        fetch(
            nested,
            status_code=400,
            json={"error": {"code": 190, "message": "Invalid OAuth access token"}},
        )
    assert custom.value.error == "190" and custom.value.status_code == 400


def test_error_in_200_body_can_be_ignored() -> None:
    provider = provider_for("errors:\n  in_success_body: false\n")
    assert fetch(provider, json={"access_token": "a", "error": "ignored"})["access_token"] == "a"


def test_success_flag() -> None:
    provider = provider_for("errors:\n  success_flag: {path: ok, value: true}\n")
    with pytest.raises(InvalidGrantError):
        fetch(provider, json={"ok": False, "error": "invalid_grant"})
    with pytest.raises(CustomOAuth2Error) as info:
        fetch(provider, json={"access_token": "a"})
    assert info.value.error == "request_failed"
    assert fetch(provider, json={"ok": True, "access_token": "a"})["access_token"] == "a"
    assert fetch(provider, text="ok=true&access_token=a")["access_token"] == "a"
