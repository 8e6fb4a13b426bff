"""``revoke_token()`` / a generated client's ``revoke()``: the revoked token leaves the session
and the token store, so it is neither sent nor loaded again."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import InvalidClientError

from runtime.oauth2_session import OAuth2Session
from runtime.stores import FileTokenStore, MemoryTokenStore, TokenStore

from .provider.support import inline_spec, oauth2_class

REVOKE_URL = "https://auth.example/revoke"
TOKEN = {"access_token": "at", "refresh_token": "rt", "token_type": "Bearer"}


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TokenStore:
    return MemoryTokenStore() if request.param == "memory" else FileTokenStore(tmp_path / "t")


def session_with(store: TokenStore) -> OAuth2Session:
    store.save("cid", dict(TOKEN))
    return OAuth2Session("cid", token_store=store)


@pytest.mark.parametrize("which", [None, "at", "rt"])
def test_revoking_the_sessions_token_clears_it_and_the_store(
    store: TokenStore, which: str | None
) -> None:
    session = session_with(store)
    assert session.token["access_token"] == "at"
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        session.revoke_token(REVOKE_URL, token=which)
    assert session.token == {} and not session.authorized
    assert store.load("cid") is None
    assert not OAuth2Session("cid", token_store=store).authorized  # nothing to load again


def test_revoking_another_token_keeps_the_sessions(store: TokenStore) -> None:
    session = session_with(store)
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        session.revoke_token(REVOKE_URL, token="someone-elses")
    assert session.token["access_token"] == "at"
    assert store.load("cid") == TOKEN


def test_a_failed_revocation_keeps_the_token(store: TokenStore) -> None:
    session = session_with(store)
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, status_code=401, json={"error": "invalid_client"})
        with pytest.raises(InvalidClientError):
            session.revoke_token(REVOKE_URL)
    assert session.token["access_token"] == "at"
    assert store.load("cid") == TOKEN


def test_a_newer_token_saved_by_another_process_is_kept(store: TokenStore) -> None:
    session = session_with(store)
    newer = {"access_token": "at-2", "refresh_token": "rt-2", "token_type": "Bearer"}
    store.save("cid", newer)  # another process refreshed meanwhile
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        session.revoke_token(REVOKE_URL)
    assert session.token == {}
    assert store.load("cid") == newer


def test_session_without_store_clears_its_token() -> None:
    session = OAuth2Session("cid", token=dict(TOKEN))
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        session.revoke_token(REVOKE_URL)
    assert session.token == {}


def test_generated_oauth2_client_revoke_clears_token_and_store(store: TokenStore) -> None:
    spec = inline_spec(
        f"endpoints:\n  authorize: {REVOKE_URL}\n  token: {REVOKE_URL}\n  revoke: {REVOKE_URL}\n",
        endpoints=None,
    )
    store.save("cid", dict(TOKEN))
    provider = oauth2_class(spec)(client_id="cid", client_secret="s", token_store=store)
    assert (provider.token or {})["access_token"] == "at"
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        provider._revoke()
    assert provider.token is None
    assert store.load("cid") is None


def test_generated_oauth1_client_revoke_clears_its_token() -> None:
    twitter: Any = importlib.import_module("generated.twitter").Twitter(
        client_key="ck",
        client_secret="cs",
        token={"oauth_token": "ot", "oauth_token_secret": "ots"},
    )
    url = twitter._endpoint("revoke", with_token=True)
    with requests_mock.Mocker() as m:
        m.post(url, json={"token": "ot"})
        twitter.revoke()
        assert m.called
    assert twitter.token is None
    assert twitter._signer.client.resource_owner_key is None
