"""Refresh rules, rotation, automatic renewal, exchanges."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import requests_mock
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from runtime.errors import NoTokenError
from runtime.oauth2_session import OAuth2Session
from runtime.provider import OAuth2Provider
from runtime.stores import MemoryTokenStore
from tests.support.clocks import Clock
from tests.support.http import form, query

from .support import inline_spec, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"
REFRESH_URL = "https://auth.acme.example/refresh"
API = "https://api.acme.example/me"
NOW = 1_700_000_000

REFRESH_ENDPOINTS = """\
endpoints:
  authorize: https://auth.acme.example/authorize
  token: https://auth.acme.example/token
  refresh: https://auth.acme.example/refresh
"""


def provider_for(body: str, *, endpoints: str | None = None, **kwargs: Any) -> OAuth2Provider:
    spec = inline_spec(
        "grants: [authorization_code, client_credentials]\nscopes:\n  known: {a: a, b: b}\n" + body,
        **({"endpoints": endpoints} if endpoints else {}),
    )
    kwargs.setdefault("clock", Clock(NOW))
    return oauth2_class(spec)(
        client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb", **kwargs
    )


def test_refresh_with_every_setting() -> None:
    body = """\
refresh:
  client_auth: client_secret_post
  method: POST
  encoding: json
  grant_type: ig_refresh_token
  token_param: ig_token
  headers: {X-Refresh: "1"}
  params: {extra: "{client_id}"}
  send_scope: true
  send_redirect_uri: true
"""
    provider = provider_for(
        body,
        endpoints=REFRESH_ENDPOINTS,
        token={"access_token": "old", "refresh_token": "rt", "scope": ["a", "b"]},
    )
    with requests_mock.Mocker() as m:
        m.post(REFRESH_URL, json={"access_token": "new", "expires_in": 10})
        token = provider._refresh()
        sent = m.last_request
        assert sent is not None
        assert json.loads(sent.text) == {
            "extra": "cid",
            "grant_type": "ig_refresh_token",
            "ig_token": "rt",
            "scope": "a b",
            "redirect_uri": "https://app.example/cb",
            "client_id": "cid",
            "client_secret": "sec",
        }
        assert sent.headers["X-Refresh"] == "1" and "Authorization" not in sent.headers
    assert token["access_token"] == "new" and token["refresh_token"] == "rt"  # may_omit keeps it
    assert token["expires_at"] == NOW + 10


def test_get_refresh_goes_to_the_query_and_inherits_basic_auth() -> None:
    provider = provider_for(
        "refresh:\n  method: GET\n", token={"access_token": "a", "refresh_token": "rt"}
    )
    with requests_mock.Mocker() as m:
        m.get(TOKEN_URL, json={"access_token": "b"})
        provider._refresh()
        assert query(m.last_request.url) == {
            "grant_type": ["refresh_token"],
            "refresh_token": ["rt"],
        }
        assert m.last_request.headers["Authorization"].startswith("Basic ")


def test_rotating_refresh_token_is_not_kept() -> None:
    provider = provider_for(
        "refresh:\n  rotation: rotating\n", token={"access_token": "a", "refresh_token": "rt"}
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "b"})
        assert "refresh_token" not in provider._refresh()
        m.post(TOKEN_URL, json={"access_token": "c", "refresh_token": "rt2"})
        provider.session.token = {"access_token": "b", "refresh_token": "rt1"}
        assert provider._refresh()["refresh_token"] == "rt2"


def test_refresh_unsupported_or_without_refresh_token() -> None:
    with pytest.raises(ValueError, match="does not issue refresh tokens"):
        provider_for("")._refresh()
    with pytest.raises(ValueError, match="does not issue refresh tokens"):
        provider_for("refresh:\n  supported: false\n")._refresh()
    with pytest.raises(NoTokenError, match="needs a refresh token"):
        provider_for("refresh: {}\n")._refresh()


def test_session_refreshes_ahead_of_expiry_with_the_spec_leeway() -> None:
    clock = Clock(NOW)
    updates: list[dict[str, Any]] = []
    provider = provider_for(
        "refresh:\n  leeway_seconds: 30\n",
        clock=clock,
        token={"access_token": "old", "refresh_token": "rt", "expires_at": NOW + 100},
        token_updater=updates.append,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "expires_in": 3600})
        m.get(API, json={})
        clock.now = NOW + 60  # 40 s left: outside the 30 s leeway
        provider.session.get(API)
        assert m.call_count == 1 and m.last_request.headers["Authorization"] == "Bearer old"
        clock.now = NOW + 75  # 25 s left: renew first
        provider.session.get(API)
        assert [r.url for r in m.request_history][1] == TOKEN_URL
        assert m.last_request.headers["Authorization"] == "Bearer new"
    assert updates and updates[0]["access_token"] == "new"
    assert (provider.token or {})["refresh_token"] == "rt"


def test_session_renews_once_on_401_and_saves_to_the_store() -> None:
    store = MemoryTokenStore()
    provider = provider_for(
        "refresh: {}\n", token={"access_token": "old", "refresh_token": "rt"}, token_store=store
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new"})
        m.get(API, [{"status_code": 401}, {"json": {"ok": 1}}])
        assert provider.session.get(API).json() == {"ok": 1}
    assert (store.load("cid") or {})["access_token"] == "new"


def test_client_credentials_token_is_fetched_again_when_expired() -> None:
    clock = Clock(NOW)
    provider = provider_for("", clock=clock)
    with requests_mock.Mocker() as m:
        m.post(
            TOKEN_URL,
            [
                {"json": {"access_token": "one", "expires_in": 100}},
                {"json": {"access_token": "two"}},
            ],
        )
        m.get(API, json={})
        provider._client_credentials(scopes=["a"])
        clock.now = NOW + 200
        provider.session.get(API)
        assert form(m.request_history[1].text) == {
            "grant_type": ["client_credentials"],
            "scope": ["a"],
        }
        assert m.last_request.headers["Authorization"] == "Bearer two"


def test_session_refresh_token_method_uses_the_spec() -> None:
    provider = provider_for(
        "refresh:\n  token_param: rt_param\n", token={"access_token": "a", "refresh_token": "rt"}
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "b"})
        provider.session.refresh_token()
        assert form(m.last_request.text)["rt_param"] == ["rt"]


EXCHANGES = """\
exchanges:
  long_lived:
    method: GET
    grant_type: fb_exchange_token
    token_param: fb_exchange_token
    client_auth: client_secret_post
    params: {client_id: "{client_id}"}
  swap:
    url: https://auth.acme.example/swap
    encoding: json
    grant_type: urn:swap
"""


def test_exchanges() -> None:
    provider = provider_for(EXCHANGES, token={"access_token": "short"})
    with requests_mock.Mocker() as m:
        m.get(TOKEN_URL, json={"access_token": "long", "expires_in": 5184000})
        token = provider._exchange("long_lived")
        assert query(m.last_request.url) == {
            "client_id": ["cid"],
            "client_secret": ["sec"],
            "grant_type": ["fb_exchange_token"],
            "fb_exchange_token": ["short"],
        }
        assert token["access_token"] == "long" and (provider.token or {})["access_token"] == "long"
        m.post("https://auth.acme.example/swap", json={"access_token": "swapped"})
        provider._exchange("swap", token="given")
        assert json.loads(m.last_request.text) == {
            "grant_type": "urn:swap",
            "access_token": "given",
        }
    with pytest.raises(ValueError, match="unknown exchange 'nope'; known: long_lived, swap"):
        provider._exchange("nope")


def test_a_rejected_refresh_token_is_not_sent_again_by_auto_renewal() -> None:
    clock = Clock(NOW)
    provider = provider_for(
        "refresh: {}\n",
        clock=clock,
        token={"access_token": "old", "refresh_token": "rt", "expires_at": NOW - 1},
        token_updater=lambda token: None,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
        m.get(API, json={})
        with pytest.raises(InvalidGrantError):
            provider.session.get(API)
        with pytest.raises(InvalidGrantError, match="already rejected"):
            provider.session.get(API)
        assert m.call_count == 1


def test_network_errors_at_the_token_endpoint_do_not_repeat_query_secrets() -> None:
    provider = provider_for("token:\n  method: GET\n  client_auth: client_secret_post\n")
    with requests_mock.Mocker() as m:
        m.get(TOKEN_URL, exc=requests.ConnectionError(f"failed: {TOKEN_URL}?client_secret=sec"))
        with pytest.raises(requests.ConnectionError) as info:
            provider._fetch_token(code="c")
    assert "sec" not in str(info.value).replace("secret", "") and TOKEN_URL in str(info.value)


def test_the_session_renews_only_as_the_spec_says_and_runs_no_flows_of_its_own() -> None:
    provider = provider_for("", token={"access_token": "a", "refresh_token": "rt"})
    session: Any = provider.session
    assert not isinstance(session, OAuth2Session)
    # A plain OAuth 2 flow on the session would bypass the provider's quirks.
    assert not any(hasattr(session, name) for name in ("fetch_token", "authorization_url"))
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "b"})
        with pytest.raises(TypeError, match="refresh_token"):
            session.refresh_token("https://other.example/token", "old", timeout=3)
        assert not m.called
        assert session.refresh_token()["access_token"] == "b"
    assert m.last_request.url == TOKEN_URL
