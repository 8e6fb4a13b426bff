"""Client authentication, method, encoding, headers, params, renames."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
import requests_mock
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from runtime.provider import OAuth2Provider
from tests.support.http import basic, form, query

from .support import inline_spec, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"


def provider_for(token_yaml: str, **kwargs: Any) -> OAuth2Provider:
    spec = inline_spec("authorize:\n  pkce: unsupported\n" + token_yaml)
    defaults: dict[str, Any] = {
        "client_id": "cid",
        "client_secret": "sec",
        "redirect_uri": "https://app.example/cb",
    }
    defaults.update(kwargs)
    return oauth2_class(spec)(**defaults)


def exchange(provider: OAuth2Provider, method: str = "POST") -> Any:
    with requests_mock.Mocker() as m:
        m.register_uri(method, TOKEN_URL, json={"access_token": "at"})
        provider._fetch_token(code="the-code")
        assert m.last_request is not None
        return m.last_request




def test_default_is_basic_form_post_with_redirect_uri() -> None:
    sent = exchange(provider_for(""))
    assert sent.headers["Authorization"] == basic("cid", "sec")
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(sent.text) == {
        "grant_type": ["authorization_code"],
        "code": ["the-code"],
        "redirect_uri": ["https://app.example/cb"],
    }


def test_client_secret_post_and_include_client_id() -> None:
    sent = exchange(provider_for("token:\n  client_auth: client_secret_post\n"))
    assert "Authorization" not in sent.headers
    assert form(sent.text)["client_secret"] == ["sec"] and form(sent.text)["client_id"] == ["cid"]
    sent = exchange(provider_for("token:\n  include_client_id: true\n"))
    assert sent.headers["Authorization"] == basic("cid", "sec")
    assert form(sent.text)["client_id"] == ["cid"]


def test_public_client_sends_only_its_id() -> None:
    sent = exchange(provider_for("", client_secret=None))
    assert "Authorization" not in sent.headers
    assert form(sent.text)["client_id"] == ["cid"]
    assert "client_secret" not in form(sent.text)


def test_client_secret_bearer() -> None:
    sent = exchange(provider_for("token:\n  client_auth: client_secret_bearer\n"))
    assert sent.headers["Authorization"] == "Bearer sec"


def test_client_secret_jwt_assertion() -> None:
    spec = (
        "token:\n  client_auth: client_secret_jwt\n"
        "  client_assertion: {signing_alg: HS384, lifetime_seconds: 60}\n"
    )
    secret = "s" * 48
    sent = exchange(provider_for(spec, client_secret=secret))
    body = form(sent.text)
    assert body["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    claims = jwt.decode(
        body["client_assertion"][0], secret, algorithms=["HS384"], audience=TOKEN_URL
    )
    assert claims["iss"] == claims["sub"] == "cid"
    assert claims["exp"] - claims["iat"] == 60


def test_private_key_jwt_with_audience_and_key_id() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    spec = (
        "token:\n  client_auth: private_key_jwt\n"
        "  client_assertion: {signing_alg: PS256, audience: 'https://auth.acme.example'}\n"
    )
    sent = exchange(provider_for(spec, client_secret=None, private_key=pem, key_id="k1"))
    assertion = form(sent.text)["client_assertion"][0]
    assert jwt.get_unverified_header(assertion) == {"alg": "PS256", "kid": "k1", "typ": "JWT"}
    claims = jwt.decode(
        assertion, key.public_key(), algorithms=["PS256"], audience="https://auth.acme.example"
    )
    assert claims["sub"] == "cid"


def test_private_key_jwt_without_key_is_a_clear_error() -> None:
    provider = provider_for("token:\n  client_auth: private_key_jwt\n", client_secret=None)
    with pytest.raises(ValueError, match="needs a private_key"):
        provider._fetch_token(code="c")


def test_get_with_query_params_and_renames_headers_params() -> None:
    spec = """\
variables:
  api_version: {type: str, default: v9}
token:
  method: GET
  client_auth: client_secret_post
  headers: {X-Version: "{api_version}", X-App: "{client_id}"}
  params: {expiring: "1"}
  param_names: {client_id: appid, client_secret: secret, code: auth_code, grant_type: gt}
  send_redirect_uri: false
  grant_type: custom_code
"""
    provider = provider_for(spec)
    sent = exchange(provider, method="GET")
    assert sent.method == "GET" and not sent.text
    assert query(sent.url) == {
        "appid": ["cid"],
        "secret": ["sec"],
        "auth_code": ["the-code"],
        "gt": ["custom_code"],
        "expiring": ["1"],
    }
    assert sent.headers["X-Version"] == "v9" and sent.headers["X-App"] == "cid"


def test_json_and_query_encodings_on_post() -> None:
    sent = exchange(provider_for("token:\n  encoding: json\n  client_auth: client_secret_post\n"))
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.text) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": "https://app.example/cb",
        "client_id": "cid",
        "client_secret": "sec",
    }
    sent = exchange(provider_for("token:\n  encoding: query\n"))
    assert query(sent.url)["code"] == ["the-code"] and not sent.text


def test_pkce_verifier_is_sent_under_its_renamed_name() -> None:
    spec = inline_spec("token:\n  param_names: {code_verifier: verifier}\n")
    provider = oauth2_class(spec)(client_id="cid")
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    verifier = provider.pending_authorization.code_verifier
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        provider._fetch_token(authorization_response=f"?code=c&state={state}")
        assert form(m.last_request.text)["verifier"] == [verifier]


def test_client_credentials_and_password_grants() -> None:
    provider = oauth2_class(
        inline_spec(
            "grants: [authorization_code, client_credentials]\n"
            "scopes:\n  separator: ','\n  known: {a: a, b: b}\n"
        )
    )(client_id="cid", client_secret="sec")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "cc"})
        assert provider._client_credentials(scopes=["a", "b"])["access_token"] == "cc"
        assert form(m.last_request.text) == {"grant_type": ["client_credentials"], "scope": ["a,b"]}
        provider._password(username="ann", password="pw", scopes=None)
        assert form(m.last_request.text) == {
            "grant_type": ["password"],
            "username": ["ann"],
            "password": ["pw"],
        }


def test_flows_of_undeclared_grants_are_refused() -> None:
    provider = provider_for("")
    with pytest.raises(ValueError, match="does not support the client_credentials grant"):
        provider._client_credentials(scopes=None)
    with pytest.raises(ValueError, match="does not support the device_code grant"):
        provider._device_authorization(scopes=None)
    only_cc = oauth2_class(
        inline_spec(
            "grants: [client_credentials]\n",
            endpoints="endpoints:\n  token: https://auth.acme.example/token\n",
        )
    )(client_id="cid")
    with pytest.raises(ValueError, match="does not support the authorization_code grant"):
        only_cc._authorization_url(scopes=None, state=None, options={})
