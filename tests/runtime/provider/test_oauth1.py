"""The OAuth 1.0a dance driven by the spec (tweeter fixture and inline variants)."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock

from runtime.errors import AuthorizationDenied
from runtime.oauth1_session import TokenMissing, TokenRequestDenied, VerifierMissing
from runtime.provider import OAuth1Provider
from runtime.provider.flow_errors import CallbackValueError, ProviderResponseError
from tests.support.http import form, query
from tests.support.oauth1 import hmac_sha1_signed, oauth_params

from .support import fixture_spec, inline_spec, oauth1_class

BASE = "https://api.example.com"
SECRET = "client-secret"


def signed_ok(sent: Any, token_secret: str | None) -> bool:
    return hmac_sha1_signed(sent, SECRET, token_secret)


def tweeter(**kwargs: Any) -> OAuth1Provider:
    return oauth1_class(fixture_spec("tweeter"))(
        client_key="ck", client_secret=SECRET, callback_uri="https://app.example/cb", **kwargs
    )


def test_the_whole_dance_with_the_tweeter_fixture() -> None:
    provider = tweeter()
    with requests_mock.Mocker() as m:
        m.post(
            f"{BASE}/oauth/request_token",
            text="oauth_token=RT&oauth_token_secret=RS&oauth_callback_confirmed=true",
        )
        request_token = provider._fetch_request_token(options={"x_auth_access_type": "write"})
        sent = m.last_request
        assert request_token["oauth_token"] == "RT"
        params = oauth_params(sent)
        assert params["oauth_callback"] == "https://app.example/cb"
        assert params["realm"] == "https://api.example.com/"
        assert params["oauth_signature_method"] == "HMAC-SHA1"
        assert form(sent.text) == {"x_auth_access_type": ["write"]}
        assert signed_ok(sent, None)

        url = provider._authorization_url(options={"screen_name": "ann"})
        assert url.startswith(f"{BASE}/oauth/authenticate?")
        assert query(url) == {
            "oauth_token": ["RT"],
            "force_login": ["false"],
            "screen_name": ["ann"],
        }

        m.post(
            f"{BASE}/oauth/access_token",
            text="oauth_token=AT&oauth_token_secret=AS&user_id=7&screen_name=ann",
        )
        token = provider._fetch_access_token(
            authorization_response="https://app.example/cb?oauth_token=RT&oauth_verifier=V"
        )
        sent = m.last_request
        assert (
            oauth_params(sent)["oauth_verifier"] == "V"
            and oauth_params(sent)["oauth_token"] == "RT"
        )
        assert "oauth_callback" not in oauth_params(sent)
        assert signed_ok(sent, "RS")
        assert token == {
            "oauth_token": "AT",
            "oauth_token_secret": "AS",
            "user_id": "7",
            "screen_name": "ann",
        }

        m.get(
            f"{BASE}/1.1/account/verify_credentials.json",
            json={"id_str": "7", "screen_name": "ann", "followers_count": 3},
        )
        assert provider._userinfo() == {"id_str": "7", "screen_name": "ann", "followers": 3}
        sent = m.last_request
        assert query(sent.url) == {"include_email": ["true"]}
        assert oauth_params(sent)["oauth_token"] == "AT" and signed_ok(sent, "AS")

        m.post(f"{BASE}/1.1/oauth/invalidate_token", text="")
        provider._revoke()
        assert form(m.last_request.text) == {"access_token": ["AT"]}


def test_cancel_and_errors_on_the_callback() -> None:
    provider = tweeter()
    with pytest.raises(AuthorizationDenied):
        provider._fetch_access_token(authorization_response="https://app.example/cb?denied=RT")
    provider._request_token = "RT"
    with pytest.raises(CallbackValueError, match="not this client's request token"):
        provider._fetch_access_token(authorization_response="?oauth_token=OTHER&oauth_verifier=V")
    with pytest.raises(VerifierMissing):
        provider._fetch_access_token()


def test_answers_that_are_errors() -> None:
    provider = tweeter()
    with requests_mock.Mocker() as m:
        m.post(
            f"{BASE}/oauth/request_token", status_code=401, text="oauth_problem=signature_invalid"
        )
        with pytest.raises(TokenRequestDenied, match="HTTP status 401"):
            provider._fetch_request_token()
        m.post(f"{BASE}/oauth/request_token", text="<html>", headers={"Content-Type": "text/html"})
        with pytest.raises(TokenMissing, match="neither form-encoded nor JSON"):
            provider._fetch_request_token()
        m.post(f"{BASE}/oauth/request_token", text="oauth_token=RT&oauth_callback_confirmed=false")
        with pytest.raises(TokenRequestDenied, match="did not confirm the callback"):
            provider._fetch_request_token()
        m.post(
            f"{BASE}/oauth/request_token",
            json={"error": "rate_limited", "error_description": "slow"},
        )
        with pytest.raises(TokenRequestDenied, match="rate_limited"):
            provider._fetch_request_token()
        m.post(f"{BASE}/oauth/request_token", text="oauth_token=RT&oauth_token_secret=RS")
        provider._fetch_request_token()
        m.post(f"{BASE}/oauth/access_token", text="oauth_token=AT&oauth_token_secret=AS")
        with pytest.raises(TokenMissing, match="lacks the required field 'user_id'"):
            provider._fetch_access_token(verifier="V")


def test_userinfo_errors_are_typed() -> None:
    provider = tweeter(token={"oauth_token": "AT", "oauth_token_secret": "AS"})
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/1.1/account/verify_credentials.json", json={"screen_name": "ann"})
        with pytest.raises(ProviderResponseError, match="lacks the required field 'id_str'"):
            provider._userinfo()


INLINE = """\
variables:
  region: {type: str, default: eu}
scopes:
  known: {read: r, write: w}
  default: [read]
  separator: ","
authorize:
  params: {name: MyApp}
oauth1:
  signature_method: HMAC-SHA1
  signature_type: query
  callback_param: oauth_callback
  request_token: {method: GET, params: {region: "{region}"}}
  access_token: {method: GET, send_verifier: false}
api:
  base_url: https://api.acme.example/{region}
  headers: {X-Client: "{client_id}"}
  query: {format: json}
"""
ENDPOINTS = """\
endpoints:
  request_token: https://acme.example/request
  authorize: https://acme.example/authorize
  access_token: https://acme.example/access
"""


def test_get_steps_query_signatures_callback_param_scopes_and_api_extras() -> None:
    spec = inline_spec(INLINE, protocol="oauth1", endpoints=ENDPOINTS)
    provider = oauth1_class(spec)(
        client_key="ck", client_secret=SECRET, callback_uri="https://app.example/cb"
    )
    with requests_mock.Mocker() as m:
        m.get("https://acme.example/request", text="oauth_token=RT&oauth_token_secret=RS")
        provider._fetch_request_token()
        sent = m.last_request
        params = query(sent.url)
        assert params["region"] == ["eu"] and params["oauth_callback"] == ["https://app.example/cb"]
        assert "Authorization" not in sent.headers and signed_ok(sent, None)

        url = provider._authorization_url(options={})
        assert query(url) == {
            "oauth_token": ["RT"],
            "oauth_callback": ["https://app.example/cb"],
            "scope": ["read"],
            "name": ["MyApp"],
        }

        m.get("https://acme.example/access", text="oauth_token=AT&oauth_token_secret=AS")
        provider._fetch_access_token(authorization_response="?oauth_token=RT")
        assert "oauth_verifier" not in query(m.last_request.url)

        assert provider.api_url("me") == "https://api.acme.example/eu/me"
        m.get("https://api.acme.example/eu/me", json={})
        provider.session.get(provider.api_url("me"))
        sent = m.last_request
        assert query(sent.url)["format"] == ["json"] and sent.headers["X-Client"] in ("ck", b"ck")
        assert query(sent.url)["oauth_token"] == ["AT"] and signed_ok(sent, "AS")


def test_authorization_url_needs_a_request_token() -> None:
    with pytest.raises(ValueError, match="no request token"):
        tweeter()._authorization_url(options={})
