"""Scopes, authorization parameters and options, PKCE, state, encoding quirks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from runtime.provider import OAuth2Provider
from tests.support.http import query
from tests.support.pkce import s256

from .support import fixture_spec, inline_spec, oauth2_class


def provider_for(body: str, **kwargs: Any) -> OAuth2Provider:
    return oauth2_class(inline_spec(body))(
        client_id="cid", redirect_uri="https://app.example/cb", **kwargs
    )


SCOPES = """\
scopes:
  separator: ","
  known: {a: A, b: B, c: C, openid: O}
  default: [a]
  required: [openid]
"""


def test_default_scopes_when_none_given_and_required_always_first() -> None:
    provider = provider_for(SCOPES)
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert query(url)["scope"] == ["openid,a"]
    url, _ = provider._authorization_url(scopes=["b", "openid", "c"], state=None, options={})
    assert query(url)["scope"] == ["openid,b,c"]
    url, _ = provider._authorization_url(scopes=[], state=None, options={})
    assert query(url)["scope"] == ["openid"]
    with pytest.raises(TypeError, match="list of scope names"):
        provider._authorization_url(scopes="a b", state=None, options={})


def test_scope_param_renamed_and_percent20_separator() -> None:
    provider = provider_for("scopes:\n  param: perms\n  separator: '%20'\n  known: {r: R, w: W}\n")
    url, _ = provider._authorization_url(scopes=["r", "w"], state=None, options={})
    assert "perms=r%20w" in url


def test_no_scope_parameter_when_scopes_are_unsupported_or_empty() -> None:
    provider = provider_for("scopes:\n  supported: false\n")
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert "scope" not in query(url)


def test_user_scopes_go_to_user_param() -> None:
    provider = provider_for("scopes:\n  separator: ','\n  user_param: user_scope\n")
    url, _ = provider._authorization_url(
        scopes=["chat:write"], state=None, options={"user_scopes": ["users:read", "search:read"]}
    )
    assert query(url)["scope"] == ["chat:write"]
    assert query(url)["user_scope"] == ["users:read,search:read"]


OPTIONS = """\
authorize:
  params: {access_type: online, app: "{client_id}"}
  options:
    prompt: {type: enum, values: [none, consent]}
    allow_signup: {type: bool, param: allowSignup, true_value: "1", false_value: "0"}
    max_age: {type: int}
    login_hint: {type: str}
"""


def test_options_are_typed_renamed_and_none_means_omitted() -> None:
    provider = provider_for(OPTIONS)
    url, _ = provider._authorization_url(
        scopes=None,
        state=None,
        options={"prompt": "consent", "allow_signup": False, "max_age": 30, "login_hint": None},
    )
    params = query(url)
    assert params["prompt"] == ["consent"]
    assert params["allowSignup"] == ["0"]
    assert params["max_age"] == ["30"]
    assert "login_hint" not in params
    assert params["access_type"] == ["online"]
    assert params["app"] == ["cid"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"prompt": "always"}, "must be one of 'none', 'consent'"),
        ({"allow_signup": "yes"}, "takes True or False"),
        ({"max_age": True}, "takes an int"),
        ({"login_hint": 5}, "takes a str"),
        ({"color": "red"}, "unknown authorization option 'color'"),
    ],
)
def test_bad_options_are_value_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        provider_for(OPTIONS)._authorization_url(scopes=None, state=None, options=options)


def test_param_names_response_type_mode_and_fragment() -> None:
    provider = provider_for(
        """\
authorize:
  response_type: code id_token
  response_mode: form_post
  param_names: {client_id: appid, redirect_uri: redirect_url, state: st}
  fragment: wechat_redirect
callback:
  mode: form_post
"""
    )
    url, state = provider._authorization_url(scopes=None, state=None, options={})
    params = query(url)
    assert params["appid"] == ["cid"] and "client_id" not in params
    assert params["redirect_url"] == ["https://app.example/cb"]
    assert params["st"] == [state]
    assert params["response_type"] == ["code id_token"]
    assert params["response_mode"] == ["form_post"]
    assert urlsplit(url).fragment == "wechat_redirect"


def test_response_type_null_is_omitted() -> None:
    provider = provider_for("authorize:\n  response_type: null\n")
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert "response_type" not in query(url)


def test_omit_empty_and_unencoded_params() -> None:
    body = """\
scopes:
  known: {"a:b": x, c: y}
authorize:
  params: {empty: ""}
  omit_empty: {omit}
  unencoded_params: [scope]
"""
    kept = provider_for(body.replace("{omit}", "false"))
    url, _ = kept._authorization_url(scopes=["a:b", "c"], state=None, options={})
    assert "empty=" in url
    assert "scope=a:b%20c" not in url and "scope=a:b c" in url
    dropped = provider_for(body.replace("{omit}", "true"))
    url, _ = dropped._authorization_url(scopes=["a:b"], state=None, options={})
    assert "empty" not in url


def test_pkce_prefers_s256_and_can_be_plain_or_off() -> None:
    provider = provider_for("authorize:\n  pkce: required\n  pkce_methods: [plain, S256]\n")
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    verifier = provider.pending_authorization.code_verifier
    assert verifier is not None and 43 <= len(verifier) <= 128
    assert query(url)["code_challenge"] == [s256(verifier)]
    assert query(url)["code_challenge_method"] == ["S256"]

    plain = provider_for("authorize:\n  pkce_methods: [plain]\n")
    url, _ = plain._authorization_url(scopes=None, state=None, options={})
    assert query(url)["code_challenge"] == [plain.pending_authorization.code_verifier]

    off = provider_for("authorize:\n  pkce: unsupported\n")
    url, _ = off._authorization_url(scopes=None, state=None, options={})
    assert "code_challenge" not in query(url)
    assert off.pending_authorization.code_verifier is None


def test_state_generated_given_or_unsupported() -> None:
    provider = provider_for("")
    url, state = provider._authorization_url(scopes=None, state=None, options={})
    assert len(state) >= 43 and query(url)["state"] == [state]
    url, state = provider._authorization_url(scopes=None, state="mine", options={})
    assert state == "mine" and query(url)["state"] == ["mine"]
    none = provider_for("authorize:\n  state: unsupported\n")
    url, state = none._authorization_url(scopes=None, state="mine", options={})
    assert state == "" and "state" not in query(url)


REFRESH = """\
scopes:
  known: {offline_access: o, read: r}
refresh:
  requires_scopes: [offline_access]
  requires_params: {access_type: offline}
"""


def test_refresh_requirements_are_requested_unless_offline_is_false() -> None:
    provider = provider_for(REFRESH)
    url, _ = provider._authorization_url(scopes=["read"], state=None, options={})
    assert query(url)["scope"] == ["read offline_access"]
    assert query(url)["access_type"] == ["offline"]
    url, _ = provider._authorization_url(scopes=["read"], state=None, options={"offline": False})
    assert query(url)["scope"] == ["read"] and "access_type" not in query(url)


def test_many_quirks_authorization_url() -> None:
    provider = oauth2_class(fixture_spec("many_quirks"))(
        client_id="cid", redirect_uri="https://app.example/cb", variables={"shop": "shop1"}
    )
    url, state = provider._authorization_url(scopes=None, state=None, options={"prompt": "none"})
    parts = urlsplit(url)
    assert parts.netloc == "shop1.example.com" and parts.path == "/v22.0/dialog/oauth"
    assert "scope=user:email,read:user,offline&" in url  # unencoded, comma-separated
    params = query(url)
    assert params["client_key"] == ["cid"]
    assert params["duration"] == ["permanent"] and params["access_type"] == ["offline"]
    assert params["code_challenge_method"] == ["S256"]
    assert params["response_mode"] == ["query"]
    assert params["state"] == [state]
    assert parts.fragment == "example_redirect"
