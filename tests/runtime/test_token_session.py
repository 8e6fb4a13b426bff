"""``TokenSession``: the token-carrying session that ``OAuth2Session`` and the generated
clients' sessions share, with the renewal plugged in as a token source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import TokenExpiredError, WebApplicationClient

from runtime.oauth2_session import OAuth2Session
from runtime.stores import MemoryTokenStore
from runtime.token_session import TokenSession
from tests.support.clocks import Clock

API = "https://api.example.com/me"


class CountingSource:
    """A token source that hands out ``new-1``, ``new-2``... and installs each."""

    def __init__(self, session: TokenSession | None = None, renewable: bool = True) -> None:
        self.session = session
        self.renewable = renewable
        self.renewals = 0

    def can_renew(self) -> bool:
        return self.renewable

    def renew(self, auth: Any, transport: Mapping[str, Any]) -> dict[str, Any]:
        assert self.session is not None
        self.renewals += 1
        token = {"access_token": f"new-{self.renewals}", "token_type": "Bearer", "expires_in": 3600}
        self.session.install(token, notify=True)
        return token


def expiring_session(source: CountingSource | None, **kwargs: Any) -> TokenSession:
    clock = Clock()
    session = TokenSession(
        WebApplicationClient("client-id"),
        token={"access_token": "old", "token_type": "Bearer", "expires_in": 30},
        token_source=source,
        clock=clock,
        **kwargs,
    )
    if source is not None:
        source.session = session
    clock.now += 60  # the token has expired
    return session


def test_an_expired_token_is_renewed_by_the_source_and_the_new_one_sent() -> None:
    source = CountingSource()
    updated: list[dict[str, Any]] = []
    session = expiring_session(source, token_updater=updated.append)
    with requests_mock.Mocker() as m:
        m.get(API, json={"ok": True})
        session.get(API)
        session.get(API)
    assert source.renewals == 1
    assert [r.headers["Authorization"] for r in m.request_history] == ["Bearer new-1"] * 2
    assert [token["access_token"] for token in updated] == ["new-1"]


def test_a_session_without_a_source_does_not_send_an_expired_token() -> None:
    session = expiring_session(None)
    with requests_mock.Mocker() as m:
        m.get(API, json={"ok": True})
        with pytest.raises(TokenExpiredError):
            session.get(API)
        assert not m.called


def test_a_source_that_cannot_renew_is_not_asked() -> None:
    source = CountingSource(renewable=False)
    session = expiring_session(source)
    with requests_mock.Mocker() as m:
        m.get(API, json={"ok": True})
        with pytest.raises(TokenExpiredError):
            session.get(API)
    assert source.renewals == 0


def test_a_renewal_without_updater_or_store_stays_in_the_session() -> None:
    """Only OAuth2Session keeps requests-oauthlib's TokenUpdated for that case."""
    source = CountingSource()
    session = expiring_session(source)
    with requests_mock.Mocker() as m:
        m.get(API, json={"ok": True})
        session.get(API)
    assert session.token["access_token"] == "new-1"


def test_a_rejected_token_is_renewed_once_and_the_request_retried() -> None:
    source = CountingSource()
    store = MemoryTokenStore()
    session = TokenSession(
        WebApplicationClient("client-id"),
        token={"access_token": "revoked", "token_type": "Bearer"},
        token_source=source,
        token_store=store,
    )
    source.session = session
    with requests_mock.Mocker() as m:
        m.get(API, [{"status_code": 401}, {"json": {"ok": True}}])
        assert session.get(API).json() == {"ok": True}
    assert source.renewals == 1
    assert (store.load("client-id") or {})["access_token"] == "new-1"


def test_the_token_is_loaded_from_the_store_under_the_client_id() -> None:
    store = MemoryTokenStore()
    store.save("client-id", {"access_token": "stored", "token_type": "Bearer"})
    session = TokenSession(WebApplicationClient("client-id"), token_store=store)
    assert session.access_token == "stored"


def test_oauth2_session_is_a_token_session_with_requests_oauthlibs_renewal() -> None:
    session = OAuth2Session("client-id", auto_refresh_url="https://auth.example.com/token")
    assert isinstance(session, TokenSession)
    bare = TokenSession(WebApplicationClient("client-id"))
    assert not hasattr(bare, "fetch_token") and not hasattr(bare, "auto_refresh_url")
