"""Calls that need a token, made without one: a local ``NoTokenError`` and no request.

``NoTokenError`` is oauthlib's ``MissingTokenError`` and a ``ValueError`` (what these calls
raised before). Plain ``OAuth2Session`` requests without a token still go out unauthenticated,
exactly as in requests-oauthlib. ``responses`` answers nothing that is not registered, so
``responses.calls`` lists every request that was attempted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import requests_oauthlib
import responses
from oauthlib.oauth2 import MissingTokenError

from runtime.errors import NoTokenError
from runtime.oauth2_auth import OAuth2
from runtime.oauth2_session import OAuth2Session
from runtime.provider import OAuth2Provider

from .provider.support import inline_spec, oauth2_class

API = "https://api.example/me"
TOKEN_URL = "https://auth.example/token"


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, API, json={"ok": True})
        mock.add(responses.POST, TOKEN_URL, json={"access_token": "at", "token_type": "Bearer"})
        mock.add(responses.POST, "https://auth.example/revoke", body="")
        mock.add(responses.POST, "https://auth.example/introspect", json={"active": False})
        yield mock


def refused(http: responses.RequestsMock, call: Callable[[], object], needed: str) -> None:
    with pytest.raises(NoTokenError, match=f"needs {needed}") as info:
        call()
    assert isinstance(info.value, MissingTokenError) and isinstance(info.value, ValueError)
    assert len(http.calls) == 0, "a request was sent"


# -- OAuth2Session ----------------------------------------------------------------------------


def session() -> OAuth2Session:
    return OAuth2Session("cid", auto_refresh_url=TOKEN_URL)


def test_session_revoke_without_token(http: responses.RequestsMock) -> None:
    refused(http, lambda: session().revoke_token("https://auth.example/revoke"), "an access or")


def test_session_introspect_without_token(http: responses.RequestsMock) -> None:
    refused(
        http, lambda: session().introspect_token("https://auth.example/introspect"), "an access"
    )


def test_session_refresh_without_refresh_token(http: responses.RequestsMock) -> None:
    with_access_only = OAuth2Session("cid", token={"access_token": "a", "token_type": "Bearer"})
    refused(http, lambda: with_access_only.refresh_token(TOKEN_URL), "a refresh token")
    refused(http, lambda: session().refresh_token(TOKEN_URL), "a refresh token")


def test_session_refresh_token_in_the_body_is_still_sent(http: responses.RequestsMock) -> None:
    session().refresh_token(TOKEN_URL, body="refresh_token=from-the-body")
    assert len(http.calls) == 1
    assert "refresh_token=from-the-body" in str(http.calls[0].request.body)


@pytest.mark.parametrize("make", [OAuth2Session, requests_oauthlib.OAuth2Session])
def test_plain_requests_without_token_go_out_as_in_requests_oauthlib(
    http: responses.RequestsMock, make: Callable[..., requests.Session]
) -> None:
    response = make("cid").get(API)
    assert response.json() == {"ok": True}
    assert "Authorization" not in http.calls[0].request.headers


@pytest.mark.parametrize("make", [OAuth2, requests_oauthlib.OAuth2])
def test_oauth2_auth_without_token_raises_before_sending_as_in_requests_oauthlib(
    http: responses.RequestsMock, make: Callable[..., requests.auth.AuthBase]
) -> None:
    with pytest.raises(ValueError, match="Missing access token"):
        requests.get(API, auth=make("cid"))
    assert len(http.calls) == 0


# -- generated clients ------------------------------------------------------------------------


def acme() -> OAuth2Provider:
    spec = inline_spec(
        """\
        endpoints:
          authorize: https://auth.example/authorize
          token: https://auth.example/token
          revoke: https://auth.example/revoke
          introspect: https://auth.example/introspect
          userinfo: https://api.example/me
        refresh: {}
        exchanges:
          long_lived: {grant_type: fb_exchange_token, token_param: fb_exchange_token}
        userinfo:
          fields:
            id: {type: str, required: true}
        """,
        endpoints=None,
    )
    return oauth2_class(spec)(client_id="cid", client_secret="s")


@pytest.mark.parametrize(
    ("call", "needed"),
    [
        (lambda p: p._userinfo(), "a token"),
        (lambda p: p._revoke(), "an access or refresh token"),
        (lambda p: p._introspect(), "an access token"),
        (lambda p: p._refresh(), "a refresh token"),
        (lambda p: p._exchange("long_lived"), "an access token"),
        (lambda p: p.session.get(API), "a token"),
        (lambda p: p.session.post(API, json={"a": 1}), "a token"),
    ],
    ids=["userinfo", "revoke", "introspect", "refresh", "exchange", "api-get", "api-post"],
)
def test_provider_calls_without_token(
    http: responses.RequestsMock, call: Callable[[OAuth2Provider], object], needed: str
) -> None:
    refused(http, lambda: call(acme()), needed)


def test_provider_token_endpoint_calls_need_no_token(http: responses.RequestsMock) -> None:
    provider = acme()
    provider._fetch_token(code="c")
    assert len(http.calls) == 1
    provider.session.get(API)
    assert http.calls[1].request.headers["Authorization"] == "Bearer at"


def test_generated_clients_without_token(http: responses.RequestsMock) -> None:
    github: Any = importlib.import_module("generated.github").GitHub(client_id="cid")
    refused(http, github.userinfo, "a token")
    refused(http, github.revoke, "an access or refresh token")
    refused(http, lambda: github.session.get("https://api.github.com/user/repos"), "a token")
    twitter: Any = importlib.import_module("generated.twitter").Twitter(
        client_key="ck", client_secret="cs"
    )
    refused(http, twitter.userinfo, "a token")
    refused(http, twitter.revoke, "a token")
