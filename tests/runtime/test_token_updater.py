"""``token_updater`` sees every renewed token: explicit ``refresh_token()`` / ``refresh()`` as
well as automatic renewal, once each. Tokens from ``fetch_token`` and the other grants are
returned to the caller and not passed to it, as in requests-oauthlib."""

from __future__ import annotations

from typing import Any

import requests_mock
from oauthlib.oauth2 import BackendApplicationClient

from generated.google import Google
from runtime import OAuth2Session

TOKEN_URL = "https://auth.example/token"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
API = "https://api.example/me"
ROTATED = {"access_token": "new", "token_type": "Bearer", "expires_in": 3600,
           "refresh_token": "rotated"}
CURRENT = {"access_token": "old", "token_type": "Bearer", "expires_in": 3600,
           "refresh_token": "first"}
EXPIRED = {**CURRENT, "expires_in": -1}


def refresh_tokens(updates: list[dict[str, Any]]) -> list[Any]:
    return [update.get("refresh_token") for update in updates]


def test_explicit_refresh_token_goes_to_the_updater() -> None:
    updates: list[dict[str, Any]] = []
    session = OAuth2Session("cid", token=dict(CURRENT), token_updater=updates.append)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=ROTATED)
        session.refresh_token(TOKEN_URL)
    # A user who saves tokens only in the updater keeps the rotated refresh token.
    assert refresh_tokens(updates) == ["rotated"]


def test_automatic_refresh_goes_to_the_updater_once() -> None:
    updates: list[dict[str, Any]] = []
    session = OAuth2Session("cid", token=dict(EXPIRED), auto_refresh_url=TOKEN_URL,
                            token_updater=updates.append)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=ROTATED)
        m.get(API, json={})
        session.get(API)
    assert refresh_tokens(updates) == ["rotated"]


def test_fetch_token_does_not_call_the_updater() -> None:
    updates: list[dict[str, Any]] = []
    session = OAuth2Session("cid", token_updater=updates.append)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=ROTATED)
        session.fetch_token(TOKEN_URL, code="c")
    assert updates == []


def test_client_credentials_fetched_anew_go_to_the_updater() -> None:
    updates: list[dict[str, Any]] = []
    session = OAuth2Session(client=BackendApplicationClient("cid"), client_secret="s",
                            auto_refresh_url=TOKEN_URL, token_updater=updates.append)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, [{"json": {"access_token": "one", "expires_in": -1}},
                           {"json": {"access_token": "two", "expires_in": 3600}}])
        m.get(API, json={})
        session.fetch_token(TOKEN_URL)
        assert updates == []  # the fetch itself is the caller's
        session.get(API)
    assert [update["access_token"] for update in updates] == ["two"]


def google(updates: list[Any], token: dict[str, Any] | None = None) -> Google:
    given: Any = token
    return Google(client_id="cid", client_secret="s", redirect_uri="https://app.example/cb",
                  token=given, token_updater=updates.append)


def test_generated_refresh_goes_to_the_updater() -> None:
    updates: list[Any] = []
    client = google(updates, dict(CURRENT))
    with requests_mock.Mocker() as m:
        m.post(GOOGLE_TOKEN_URL, json=ROTATED)
        client.refresh()
        client.session.refresh_token()
    assert refresh_tokens(updates) == ["rotated", "rotated"]


def test_generated_automatic_renewal_goes_to_the_updater_once() -> None:
    updates: list[Any] = []
    client = google(updates, {**EXPIRED, "expires_at": 1})
    with requests_mock.Mocker() as m:
        m.post(GOOGLE_TOKEN_URL, json=ROTATED)
        m.get(API, json={})
        client.session.get(API)
    assert refresh_tokens(updates) == ["rotated"]


def test_generated_fetch_token_does_not_call_the_updater() -> None:
    updates: list[Any] = []
    client = google(updates)
    with requests_mock.Mocker() as m:
        m.post(GOOGLE_TOKEN_URL, json=ROTATED)
        client.fetch_token(code="c")
    assert updates == []
