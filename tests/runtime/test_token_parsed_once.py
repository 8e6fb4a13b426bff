"""``fetch_token`` decodes the token answer once and still reads it as oauthlib does."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import MissingTokenError, WebApplicationClient
from oauthlib.oauth2.rfc6749.clients import base as oauthlib_client_base
from oauthlib.oauth2.rfc6749.tokens import OAuth2Token

from runtime import OAuth2Session

TOKEN_URL = "https://auth.example/token"
NOW = 1_700_000_000.0

ANSWERS: list[dict[str, Any]] = [
    {"access_token": "at", "token_type": "Bearer"},
    {"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt"},
    {"access_token": "at", "token_type": "bearer", "expires_in": "120", "scope": "read write"},
    {"access_token": "at", "token_type": "Bearer", "expires_at": "1700003600", "scope": "read"},
    {"access_token": "at", "token_type": "Bearer", "expires_in": 60, "extra": {"nested": [1]}},
]


def session(scope: Any = None, client: WebApplicationClient | None = None) -> OAuth2Session:
    return OAuth2Session("cid", client=client, scope=scope, clock=lambda: NOW)


def oauthlib_reading(answer: dict[str, Any], scope: Any) -> OAuth2Token:
    """What oauthlib makes of the same body, given as text."""
    client = WebApplicationClient("cid")
    return client.parse_request_body_response(json.dumps(answer), scope=scope)


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time", lambda: NOW)  # oauthlib computes expires_at from it


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("scope", [None, ["read", "write"], "read write"])
def test_the_token_is_what_oauthlib_reads(
    http: requests_mock.Mocker,
    monkeypatch: pytest.MonkeyPatch,
    answer: dict[str, Any],
    scope: Any,
) -> None:
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    expected = oauthlib_reading(answer, scope)
    http.post(TOKEN_URL, json=answer)
    token = session(scope).fetch_token(TOKEN_URL, code="c")
    assert dict(token) == dict(expected)
    assert isinstance(token, OAuth2Token)
    assert vars(token) == vars(expected)  # the old and new scopes oauthlib keeps


def test_the_body_is_decoded_once(
    http: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    loads = json.loads

    def counted(text: Any, **kwargs: Any) -> Any:
        decoded.append(text)
        return loads(text, **kwargs)

    http.post(TOKEN_URL, json=ANSWERS[1])
    monkeypatch.setattr(json, "loads", counted)
    token = session().fetch_token(TOKEN_URL, code="c")
    assert token["access_token"] == "at"
    assert len(decoded) == 1


def test_a_changed_scope_still_raises_oauthlibs_warning(
    http: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    http.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer", "scope": "read"})
    oauth = session(scope=["read", "write"])
    with pytest.raises(Warning, match="Scope has changed"):
        oauth.fetch_token(TOKEN_URL, code="c")
    assert not oauth.authorized


def test_a_missing_access_token_is_oauthlibs_error(http: requests_mock.Mocker) -> None:
    http.post(TOKEN_URL, json={"token_type": "Bearer"})
    with pytest.raises(MissingTokenError) as raised:
        session().fetch_token(TOKEN_URL, code="c")
    assert raised.value.status_code == 200


def test_a_client_with_its_own_parsing_is_given_the_body(
    http: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies: list[str] = []

    class Custom(WebApplicationClient):
        def parse_request_body_response(self, body: str, scope: Any = None, **kwargs: Any) -> Any:
            bodies.append(body)
            return super().parse_request_body_response(body, scope=scope, **kwargs)

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("the default client was handed a body to decode again")

    http.post(TOKEN_URL, json=ANSWERS[1])
    token = session(client=Custom("cid")).fetch_token(TOKEN_URL, code="c")
    assert token["refresh_token"] == "rt" and json.loads(bodies[0])["access_token"] == "at"

    monkeypatch.setattr(oauthlib_client_base, "parse_token_response", refuse)
    assert session().fetch_token(TOKEN_URL, code="c")["refresh_token"] == "rt"
