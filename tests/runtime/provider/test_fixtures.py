"""The generator's fixture specs driven end to end: every flow they declare, with their quirks."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests_mock
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error

from runtime.provider import OAuth2Provider
from tests.support.clocks import Clock
from tests.support.http import form, query

from .support import fixture_spec, oauth2_class, unsigned_jwt

NOW = 1_700_000_000
API1 = "https://api1.example.com"


def many_quirks(**kwargs: Any) -> OAuth2Provider:
    return oauth2_class(fixture_spec("many_quirks"))(
        client_id="cid",
        client_secret="sec",
        redirect_uri="https://app.example/cb",
        variables={"shop": "shop1"},
        clock=Clock(NOW),
        **kwargs,
    )


def signed_callback(**params: str) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    params["hmac"] = hmac.new(b"sec", message.encode(), hashlib.sha256).hexdigest()
    return "https://app.example/cb?" + urlencode(params)


TOKEN_ANSWER = {
    "ok": True,
    "access_token": "bot-token",
    "scope": "bot",
    "authedUser": {"accessToken": "user-token", "scope": "read:user,user:email"},
    "expires": 0,
    "instanceUrl": "https://inst.example.com",
    "team": {"id": "T1"},
    "livemode": True,
    "athlete": {"id": 5},
    "granted": ["read:user"],
    "refreshToken": "rt-1",
}


def test_many_quirks_code_flow_api_userinfo_refresh_exchange_revoke() -> None:
    provider = many_quirks()
    _, state = provider._authorization_url(scopes=None, state=None, options={"allow_signup": True})
    callback = signed_callback(
        code="the-code", state=state, realmId="R1", shop="shop1.myshopify.com"
    )
    with requests_mock.Mocker() as m:
        m.post(f"{API1}/v22.0/oauth/access_token", json=TOKEN_ANSWER)
        token = provider._fetch_token(authorization_response=callback)
        sent = m.last_request
        assert sent is not None
        assert sent.headers["User-Agent"] == "oauthgen/v22.0" and sent.headers[
            "Authorization"
        ].startswith("Basic ")
        body = form(sent.text)
        assert (
            body["client_id"] == ["cid"]
            and body["expiring"] == ["1"]
            and "redirect_uri" not in body
        )
    assert provider._captured() == {"realm_id": "R1"}
    assert token["access_token"] == "user-token"
    assert token["scope"] == ["read:user", "user:email"]
    assert "expires_in" not in token and "expires_at" not in token  # expires: 0 means never
    assert token["token_type"] == "Bearer"
    assert token["instance_url"] == "https://inst.example.com" and token["team_id"] == "T1"
    assert (
        token["live_mode"] is True
        and token["athlete"] == {"id": 5}
        and token["granted"] == ["read:user"]
    )
    assert token["bot"]["access_token"] == "bot-token"  # slack_split_tokens
    assert token["refresh_token"] == "rt-1"

    with requests_mock.Mocker() as m:
        m.get("https://inst.example.com/api/items", json={})
        provider.session.get(provider.api_url("items"))
        sent = m.last_request
        assert sent is not None
        assert sent.headers["Authorization"] == "token user-token"
        assert sent.headers["Client-Id"] == "cid" and sent.headers["X-Team"] == "T1"
        proof = hmac.new(b"sec", b"user-token", hashlib.sha256).hexdigest()
        assert query(sent.url) == {"v": ["v22.0"], "appsecret_proof": [proof]}

        m.get(
            f"{API1}/v22.0/me",
            json={"data": [{"id": 9, "username": "ann", "picture": {"data": {"url": "u"}}}]},
        )
        m.get(f"{API1}/v22.0/me/emails", json=[{"email": "a@x", "primary": True, "verified": True}])
        assert provider._userinfo() == {"id": 9, "login": "ann", "email": "a@x", "avatar": "u"}

        m.post(
            f"{API1}/v22.0/oauth/refresh",
            json={"ok": True, "authed_user": {"access_token": "user-2"}, "expires": 60},
        )
        refreshed = provider._refresh()
        body = form(m.last_request.text)
        assert body["client_id"] == ["cid"] and body["app_secret"] == [
            "sec"
        ]  # post auth, renamed secret
        assert body["redirect_uri"] == ["https://app.example/cb"] and body["refresh_token"] == [
            "rt-1"
        ]
        assert (
            refreshed["access_token"] == "user-2" and "refresh_token" not in refreshed
        )  # rotating
        assert refreshed["expires_at"] == NOW + 60
        assert (
            refreshed["instance_url"] == "https://inst.example.com" and refreshed["team_id"] == "T1"
        )

        m.get(
            f"{API1}/v22.0/oauth/access_token",
            json={"ok": True, "authed_user": {"access_token": "long"}},
        )
        provider._exchange("long_lived")
        assert query(m.last_request.url)["fb_exchange_token"] == ["user-2"]

        m.delete(f"{API1}/v22.0/me/permissions", status_code=204)
        provider._revoke()
        assert m.last_request.headers["Authorization"] == "token long"


def test_many_quirks_error_shapes() -> None:
    provider = many_quirks()
    with requests_mock.Mocker() as m:
        m.post(
            f"{API1}/v22.0/oauth/access_token",
            json={"ok": False, "error": {"code": "bad_code", "message": "Code used"}},
        )
        with pytest.raises(CustomOAuth2Error, match="Code used"):
            provider._fetch_token(code="c")


def test_many_quirks_device_and_client_credentials() -> None:
    provider = many_quirks(environment="sandbox")
    with requests_mock.Mocker() as m:
        m.post(
            "https://api3.example.com/login/device/code",
            json={
                "device_code": "D",
                "user_code": "U",
                "verification_url": "https://v",
                "expires_in": 60,
            },
        )
        device = provider._device_authorization(scopes=["offline"])
        assert device["verification_uri"] == "https://v" and device["interval"] == 5
        assert form(m.last_request.text)["scope"] == ["user:email,offline"]
        m.post(
            "https://api3.example.com/v22.0/oauth/access_token",
            json={
                "ok": True,
                "authed_user": {"access_token": "dev"},
                "instance_url": "https://i.example",
            },
        )
        assert provider._poll_device_token(device, sleep=lambda s: None)["access_token"] == "dev"
        assert form(m.last_request.text)["grant_type"] == [
            "urn:ietf:params:oauth:grant-type:device_code"
        ]
        assert provider._client_credentials(scopes=[])["access_token"] == "dev"


def test_contoso_private_key_jwt_and_refresh() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    provider = oauth2_class(fixture_spec("contoso"))(
        client_id="app", private_key=pem, key_id="k", clock=Clock(NOW)
    )
    url, state = provider._authorization_url(
        scopes=["openid", "email"], state=None, options={"domain_hint": "x.example"}
    )
    params = query(url)
    assert params["code_challenge_method"] == ["S256"] and params["response_mode"] == ["query"]
    assert params["scope"] == ["openid email offline_access"] and params["domain_hint"] == [
        "x.example"
    ]
    id_token = unsigned_jwt(
        {
            "iss": "https://login.example.com/T/v2.0",
            "tid": "T",
            "oid": "o",
            "aud": "app",
            "exp": NOW + 60,
            "nonce": provider.pending_authorization.nonce,
        }
    )
    token_url = "https://login.example.com/common/oauth2/v2.0/token"
    with requests_mock.Mocker() as m:
        m.post(
            token_url,
            json={
                "access_token": "at",
                "refresh_token": "rt",
                "id_token": id_token,
                "expires_in": 3600,
            },
        )
        provider._fetch_token(authorization_response=f"https://app.example/cb?code=c&state={state}")
        body = form(m.last_request.text)
        claims = jwt.decode(
            body["client_assertion"][0],
            key.public_key(),
            algorithms=["PS256"],
            audience=token_url,
            options={"verify_exp": False, "verify_iat": False},
        )
        assert claims["sub"] == "app" and claims["exp"] - claims["iat"] == 120
        assert len(body["code_verifier"][0]) >= 43
        m.post(token_url, json={"access_token": "at2", "refresh_token": "rt2"})
        assert provider._refresh()["refresh_token"] == "rt2"
        assert form(m.last_request.text)["grant_type"] == ["refresh_token"]


def test_minimal_spec_on_loopback_http() -> None:
    provider = oauth2_class(fixture_spec("minimal"))(client_id="cid")
    url, state = provider._authorization_url(scopes=None, state=None, options={})
    assert url.startswith("https://minimal.example.com/authorize?response_type=code&client_id=cid")
    with requests_mock.Mocker() as m:
        m.post("http://127.0.0.1:8080/token", json={"access_token": "at", "expires_in": 60})
        token = provider._fetch_token(
            authorization_response=f"http://127.0.0.1:9999/cb?code=c&state={state}"
        )
        assert json.loads(json.dumps(token))["access_token"] == "at"
        assert form(m.last_request.text)["client_id"] == ["cid"]
