"""Every named hook, run through the engine at its point, and the registry itself."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests
import requests_mock
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from generator import hooks as generator_hooks
from runtime.provider import OAuth2Provider
from runtime.provider.flow_errors import (
    CallbackSignatureError,
    CallbackValueError,
    ProviderResponseError,
)
from runtime.provider.hooks import HOOK_POINTS, HOOKS, HookInfo
from tests.support.clocks import Clock
from tests.support.http import form, query

from .support import inline_spec, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"
PROFILE_URL = "https://api.acme.example/user"
NOW = 1_700_000_000


def provider_for(body: str, *, endpoints: str | None = None, **kwargs: Any) -> OAuth2Provider:
    prefix = "" if "authorize:" in body else "authorize:\n  pkce: unsupported\n"
    spec = inline_spec(prefix + body, **({"endpoints": endpoints} if endpoints else {}))
    kwargs.setdefault("client_secret", "app-secret")
    return oauth2_class(spec)(client_id="cid", clock=Clock(NOW), **kwargs)


def test_registry_is_the_generators_source() -> None:
    assert {hook.name for hook in generator_hooks.HOOKS} == set(HOOKS)
    for name, info in HOOKS.items():
        assert info.name == name and info.point in HOOK_POINTS and callable(info.function)
        found = generator_hooks.find_hook(name)
        assert found is not None and (found.point, found.description) == (
            info.point,
            info.description,
        )


def test_unknown_or_misplaced_hook_in_a_spec_is_refused() -> None:
    spec = dict(inline_spec(""))
    spec["hooks"] = {**spec["hooks"], "callback": ["nope"]}
    with pytest.raises(ValueError, match="unknown hook 'nope'"):
        oauth2_class(spec)(client_id="c")
    spec["hooks"] = {**spec["hooks"], "callback": ["slack_split_tokens"]}
    with pytest.raises(ValueError, match="runs at access_token_response, not callback"):
        oauth2_class(spec)(client_id="c")


# -- client_secret ---------------------------------------------------------------------------


def test_apple_client_secret_jwt() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    body = (
        "variables:\n  team_id: {type: str}\n"
        "token:\n  client_auth: client_secret_post\nhooks:\n"
        "  client_secret: [apple_client_secret_jwt]\n"
    )
    provider = provider_for(
        body, client_secret=None, private_key=pem, key_id="KID1", variables={"team_id": "TEAM1"}
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        provider._fetch_token(code="c")
        secret = form(m.last_request.text)["client_secret"][0]
    assert jwt.get_unverified_header(secret)["kid"] == "KID1"
    claims = jwt.decode(
        secret,
        key.public_key(),
        algorithms=["ES256"],
        audience="https://appleid.apple.com",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert (
        claims["iss"] == "TEAM1" and claims["sub"] == "cid" and claims["exp"] - claims["iat"] == 300
    )
    with pytest.raises(ValueError, match="unknown variable 'team'"):
        provider_for(body, variables={"team": "x"})
    with pytest.raises(ValueError, match="needs the variable 'team_id'"):  # when it is made
        provider_for(body, client_secret=None, private_key=pem, key_id="K")


# -- callback ---------------------------------------------------------------------------------


def test_apple_form_post_user() -> None:
    body = (
        "callback:\n  mode: form_post\nauthorize:\n  response_mode: form_post\n"
        "  pkce: unsupported\nhooks:\n  callback: [apple_form_post_user]\n"
    )
    provider = oauth2_class(inline_spec(body))(client_id="cid", client_secret="s")
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    user = json.dumps({"name": {"firstName": "Ann"}, "email": "a@x"})
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        provider._fetch_token(
            authorization_response=urlencode({"code": "c", "state": state, "user": user})
        )
    assert provider._captured() == {"user": {"name": {"firstName": "Ann"}, "email": "a@x"}}
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with pytest.raises(CallbackValueError, match="not JSON"):
        provider._fetch_token(
            authorization_response=urlencode({"code": "c", "state": state, "user": "{oops"})
        )


def shopify_callback(secret: str, **params: str) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    signed = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return "https://app.example/cb?" + urlencode({**params, "hmac": signed})


def test_shopify_callback_hmac() -> None:
    provider = provider_for(
        "authorize:\n  state: unsupported\n  pkce: unsupported\nhooks:\n"
        "  callback: [shopify_callback_hmac]\n"
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        good = shopify_callback("app-secret", code="c", shop="s1.myshopify.com", timestamp="1")
        assert provider._fetch_token(authorization_response=good)["access_token"] == "at"
    with pytest.raises(CallbackSignatureError, match="does not verify"):
        provider._fetch_token(
            authorization_response=shopify_callback("wrong", code="c", shop="s1.myshopify.com")
        )
    with pytest.raises(CallbackSignatureError, match="carries no hmac"):
        provider._fetch_token(authorization_response="?code=c&shop=s1.myshopify.com")
    with pytest.raises(CallbackSignatureError, match=r"outside myshopify\.com"):
        provider._fetch_token(
            authorization_response=shopify_callback("app-secret", code="c", shop="evil.example")
        )


# -- access_token_response --------------------------------------------------------------------

SLACK = {
    "ok": True,
    "access_token": "xoxb-bot",
    "token_type": "bot",
    "scope": "chat:write",
    "bot_user_id": "B1",
    "team": {"id": "T1"},
    "authed_user": {
        "id": "U1",
        "scope": "search:read",
        "access_token": "xoxp-user",
        "token_type": "user",
    },
}


def test_slack_split_tokens_keeps_the_bot_token_apart() -> None:
    body = """\
token:
  response:
    paths: {access_token: authed_user.access_token, scope: authed_user.scope}
    token_type: {override: Bearer}
hooks:
  access_token_response: [slack_split_tokens]
"""
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=SLACK)
        token = provider_for(body)._fetch_token(code="c")
    assert token["access_token"] == "xoxp-user" and token["scope"] == ["search:read"]
    assert token["bot"] == {
        "access_token": "xoxb-bot",
        "token_type": "bot",
        "scope": "chat:write",
        "bot_user_id": "B1",
    }


def test_salesforce_token_introspection() -> None:
    endpoints = (
        "endpoints:\n  authorize: https://auth.acme.example/a\n"
        "  token: https://auth.acme.example/token\n"
        "  introspect: https://auth.acme.example/introspect\n"
    )
    provider = provider_for(
        "hooks:\n  access_token_response: [salesforce_token_introspection]\n", endpoints=endpoints
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at", "instance_url": "https://na1.example"})
        m.post("https://auth.acme.example/introspect", json={"active": True, "exp": NOW + 7200})
        token = provider._fetch_token(code="c")
        assert form(m.last_request.text) == {"token": ["at"]}
    assert token["expires_in"] == 7200 and token["expires_at"] == NOW + 7200


def test_strip_www_authenticate() -> None:
    hook = HOOKS["strip_www_authenticate"].function
    provider = provider_for("hooks:\n  access_token_response: [strip_www_authenticate]\n")
    for status, kept in ((200, False), (401, True)):
        response = requests.Response()
        response.status_code = status
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        assert ("WWW-Authenticate" in hook(provider, response).headers) is kept
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"}, headers={"WWW-Authenticate": "Bearer"})
        assert provider._fetch_token(code="c")["access_token"] == "at"


def test_xml_token_response() -> None:
    xml = (
        "<Access_TokenResponse><Token>at</Token><Refresh_Token>rt</Refresh_Token>"
        "<Expires_in>60</Expires_in></Access_TokenResponse>"
    )
    body = (
        "token:\n  response:\n"
        "    paths: {access_token: Token, refresh_token: Refresh_Token, expires_in: Expires_in}\n"
    )
    provider = provider_for(body + "hooks:\n  access_token_response: [xml_token_response]\n")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, text=xml, headers={"Content-Type": "application/xml"})
        token = provider._fetch_token(code="c")
    assert (token["access_token"], token["refresh_token"], token["expires_in"]) == ("at", "rt", 60)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, text='<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
        with pytest.raises(ProviderResponseError, match="DOCTYPE is refused"):
            provider._fetch_token(code="c")


def test_jsonp_token_response() -> None:
    provider = provider_for("hooks:\n  access_token_response: [jsonp_token_response]\n")
    with requests_mock.Mocker() as m:
        m.post(
            TOKEN_URL,
            text='callback( {"access_token": "at", "expires_in": 5} );',
            headers={"Content-Type": "text/javascript"},
        )
        assert provider._fetch_token(code="c")["access_token"] == "at"


# -- protected_request ------------------------------------------------------------------------


def test_facebook_appsecret_proof() -> None:
    provider = provider_for(
        "hooks:\n  protected_request: [facebook_appsecret_proof]\n", token={"access_token": "AT"}
    )
    with requests_mock.Mocker() as m:
        m.get("https://graph.example/me", json={})
        provider.session.get("https://graph.example/me?fields=id")
        proof = hmac.new(b"app-secret", b"AT", hashlib.sha256).hexdigest()
        assert query(m.last_request.url) == {"fields": ["id"], "appsecret_proof": [proof]}


# -- userinfo ---------------------------------------------------------------------------------

PROFILE_ENDPOINTS = (
    "endpoints:\n  authorize: https://auth.acme.example/a\n"
    "  token: https://auth.acme.example/token\n"
    "  userinfo: https://api.acme.example/user\n"
)
PROFILE = "userinfo:\n  fields:\n    id: {type: str, required: true}\n    email: {type: str}\n"


def test_dropbox_rpc_userinfo() -> None:
    provider = provider_for(
        PROFILE + "hooks:\n  userinfo_request: [dropbox_rpc_userinfo]\n",
        endpoints=PROFILE_ENDPOINTS,
        token={"access_token": "AT"},
    )
    with requests_mock.Mocker() as m:
        m.post(PROFILE_URL, json={"id": "dbid:1", "email": "a@x"})
        assert provider._userinfo() == {"id": "dbid:1", "email": "a@x"}
        sent = m.last_request
        assert sent is not None
        assert sent.text == "null" and sent.headers["Content-Type"] == "application/json"
        assert sent.headers["Authorization"] == "Bearer AT"


def test_github_primary_email() -> None:
    provider = provider_for(
        PROFILE + "hooks:\n  userinfo_response: [github_primary_email]\n",
        endpoints=PROFILE_ENDPOINTS,
        token={"access_token": "AT"},
    )
    emails = [
        {"email": "old@x", "primary": False, "verified": True},
        {"email": "main@x", "primary": True, "verified": True},
    ]
    with requests_mock.Mocker() as m:
        m.get(PROFILE_URL, json={"id": 1, "email": None})
        m.get(PROFILE_URL + "/emails", json=emails)
        assert provider._userinfo() == {"id": "1", "email": "main@x"}
        m.get(PROFILE_URL + "/emails", status_code=404, json={})
        assert provider._userinfo() == {"id": "1"}
        m.get(PROFILE_URL, json={"id": 1, "email": "public@x"})
        m.reset_mock()
        assert provider._userinfo()["email"] == "public@x" and m.call_count == 1


def test_jsonp_userinfo_response() -> None:
    provider = provider_for(
        PROFILE + "hooks:\n  userinfo_response: [jsonp_userinfo_response]\n",
        endpoints=PROFILE_ENDPOINTS,
        token={"access_token": "AT"},
    )
    with requests_mock.Mocker() as m:
        m.get(PROFILE_URL, text='callback({"id": "q1"});')
        assert provider._userinfo() == {"id": "q1"}


# -- discovery --------------------------------------------------------------------------------


def test_entra_tenant_issuer_function() -> None:
    hook = HOOKS["entra_tenant_issuer"].function
    issuer = "https://login.example.com/common/v2.0"
    repaired = hook(None, {"issuer": "https://login.example.com/{tenantid}/v2.0"}, issuer)
    assert repaired["issuer"] == issuer
    assert repaired["x-oauthgen-issuer-template"] == "https://login.example.com/{tid}/v2.0"
    single = {"issuer": "https://login.example.com/1234/v2.0"}
    assert hook(None, single, "https://login.example.com/1234/v2.0") == single


def test_points_without_registered_hooks_are_wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """authorize_url, *_token_request, refresh_token_response and revoke_token_request run
    the hooks a spec lists, in order (checked with stand-in hooks)."""
    seen: list[str] = []

    def mark(point: str) -> Any:
        def hook(host: Any, value: Any) -> Any:
            seen.append(point)
            if point.endswith("_request"):
                value.headers[f"X-{point}"] = "1"
            if point == "authorize_url":
                return value + "&marked=1"
            return value

        return hook

    stand_ins = {
        f"mark_{point}": HookInfo(f"mark_{point}", point, "Marks.", mark(point))
        for point in (
            "authorize_url",
            "access_token_request",
            "refresh_token_request",
            "refresh_token_response",
            "revoke_token_request",
        )
    }
    monkeypatch.setattr("runtime.provider.hooks.HOOKS", {**HOOKS, **stand_ins})
    spec = dict(
        inline_spec(
            "refresh: {}\n",
            endpoints=(
                "endpoints:\n  authorize: https://auth.acme.example/a\n"
                "  token: https://auth.acme.example/token\n"
                "  revoke: https://auth.acme.example/revoke\n"
            ),
        )
    )
    spec["hooks"] = {**spec["hooks"], **{info.point: [name] for name, info in stand_ins.items()}}
    provider = oauth2_class(spec)(client_id="cid", client_secret="s")
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert url.endswith("&marked=1")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "a", "refresh_token": "r"})
        provider._fetch_token(code="c")
        assert m.last_request.headers["X-access_token_request"] == "1"
        provider._refresh()
        assert m.last_request.headers["X-refresh_token_request"] == "1"
        m.post("https://auth.acme.example/revoke", text="")
        provider._revoke()
        assert m.last_request.headers["X-revoke_token_request"] == "1"
    assert seen == [
        "authorize_url",
        "access_token_request",
        "refresh_token_request",
        "refresh_token_response",
        "revoke_token_request",
    ]


def test_a_variable_a_hook_reads_is_declared_and_becomes_an_argument() -> None:
    from generator.spec import SpecValidationError

    hooks = "hooks:\n  client_secret: [apple_client_secret_jwt]\n"
    with pytest.raises(
        SpecValidationError, match="hook 'apple_client_secret_jwt' reads the variable 'team_id'"
    ):
        inline_spec(hooks)
    spec = inline_spec("variables:\n  team_id: {type: str}\n" + hooks)  # not "never used"
    assert "team_id" in spec["variables"]
