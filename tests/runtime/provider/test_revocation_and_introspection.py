"""Revocation and RFC 7662 introspection with the spec's client authentication."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, UnsupportedTokenTypeError

from runtime.errors import NoTokenError, TokenEndpointError, TokenResponseParseError
from runtime.provider import OAuth2Provider
from tests.support.http import form, query

from .support import inline_spec, oauth2_class

ENDPOINTS = """\
endpoints:
  authorize: https://auth.acme.example/authorize
  token: https://auth.acme.example/token
  revoke: https://auth.acme.example/{token.uid}/permissions
  introspect: https://auth.acme.example/introspect
"""
EXTRA = "token:\n  response:\n    extra:\n      uid: {type: str}\n"
REVOKE_URL = "https://auth.acme.example/u9/permissions"
TOKEN = {"access_token": "AT", "refresh_token": "RT", "uid": "u9"}


def provider_for(revocation: str, token: dict[str, Any] | None = None) -> OAuth2Provider:
    spec = inline_spec(EXTRA + revocation, endpoints=ENDPOINTS)
    return oauth2_class(spec)(client_id="cid", client_secret="sec", token=token or TOKEN)


def test_rfc7009_default_revokes_the_refresh_token_with_client_auth() -> None:
    provider = provider_for("")
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        provider._revoke(token="other", token_type_hint="access_token")
        assert form(m.last_request.text) == {
            "token": ["other"],
            "token_type_hint": ["access_token"],
        }
        assert (provider.token or {})["refresh_token"] == "RT"  # not this client's token: kept
        provider._revoke()
        sent = m.last_request
        assert sent is not None
        assert form(sent.text) == {"token": ["RT"], "token_type_hint": ["refresh_token"]}
        assert sent.headers["Authorization"].startswith("Basic ")
        assert provider.token is None  # its own token: forgotten


def test_delete_with_token_as_api_auth_and_no_token_param() -> None:
    provider = provider_for(
        "revocation:\n  method: DELETE\n  token_param: null\n"
        "  authenticate_with_token: true\n  success_status: [200, 204]\n"
        "api:\n  token_scheme: OAuth\n"
    )
    with requests_mock.Mocker() as m:
        m.delete(REVOKE_URL, status_code=204)
        provider._revoke()
        sent = m.last_request
        assert sent is not None
        assert sent.headers["Authorization"] == "OAuth AT"
        assert not sent.text and query(sent.url) == {}


def test_get_revocation_without_hint_and_post_auth() -> None:
    provider = provider_for(
        "revocation:\n  method: GET\n  token_param: access_token\n  send_token_type_hint: false\n"
        "  client_auth: client_secret_post\n"
    )
    with requests_mock.Mocker() as m:
        m.get(REVOKE_URL, json=True)
        provider._revoke(token="AT")
        assert query(m.last_request.url) == {
            "access_token": ["AT"],
            "client_id": ["cid"],
            "client_secret": ["sec"],
        }


def test_revocation_errors() -> None:
    provider = provider_for("")
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, status_code=400, json={"error": "unsupported_token_type"})
        with pytest.raises(UnsupportedTokenTypeError):
            provider._revoke()
        m.post(REVOKE_URL, status_code=503, text="down")
        with pytest.raises(TokenEndpointError, match="HTTP 503"):
            provider._revoke()
        m.post(REVOKE_URL, status_code=200, json={"ok": False, "error": "invalid_client"})
        with pytest.raises(InvalidClientError):
            provider._revoke()
    with pytest.raises(NoTokenError, match="needs an access or refresh token"):
        provider_for("", token={"uid": "u9"})._revoke(token=None)


def test_introspection() -> None:
    provider = provider_for("")
    with requests_mock.Mocker() as m:
        m.post("https://auth.acme.example/introspect", json={"active": True, "exp": 5})
        assert provider._introspect() == {"active": True, "exp": 5}
        assert form(m.last_request.text) == {"token": ["AT"]}
        assert m.last_request.headers["Authorization"].startswith("Basic ")
        m.post("https://auth.acme.example/introspect", json={"exp": 5})
        with pytest.raises(TokenResponseParseError, match="boolean 'active'"):
            provider._introspect(token="x")
