"""A rotated refresh token is never lost and a spent one never sent again.

When ``token_store.save`` fails right after a successful refresh, the session keeps the new
token (and its rotated refresh token), raises ``TokenStoreError``, saves it first on its next
request, and never adopts the stale stored token whose refresh token it already spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests_mock
from oauthlib.oauth2 import InvalidGrantError

from runtime import OAuth2Session
from runtime._lifecycle import SPENT_REFRESH_TOKENS_KEPT
from runtime.errors import RefreshTokenSpentError
from runtime.stores import MemoryTokenStore, TokenStoreError
from tests.support.clocks import Clock

TOKEN_URL = "https://auth.example/token"
API = "https://api.example/data"
NOW = 1_000_000.0


class FlakyStore(MemoryTokenStore):
    """A memory store whose next ``failures`` saves raise ``OSError``."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def save(self, key: str, token: Mapping[str, Any]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("disk full")
        super().save(key, token)




def token(access: str, refresh: str, expires_at: float) -> dict[str, Any]:
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": 3600, "expires_at": expires_at}


def rotating(m: requests_mock.Mocker, token_url: str = TOKEN_URL) -> list[str]:
    """Register a rotating token endpoint (r1 -> r2 -> r3 ...); return the refresh tokens sent."""
    sent: list[str] = []

    def answer(request: Any, context: Any) -> dict[str, Any]:
        refresh = parse_qs(request.text)["refresh_token"][0]
        sent.append(refresh)
        number = int(refresh[1:]) + 1
        return {"access_token": f"a{number}", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": f"r{number}"}

    m.post(token_url, json=answer)
    m.get(API, json={})
    return sent


def failing_session(clock: Clock, updates: list[dict[str, Any]] | None = None
                    ) -> tuple[OAuth2Session, FlakyStore]:
    store = FlakyStore()
    store.save("cid", token("a1", "r1", NOW - 5))
    session = OAuth2Session("cid", auto_refresh_url=TOKEN_URL, token_store=store, clock=clock,
                            token_updater=None if updates is None else updates.append)
    store.failures = 1  # the save right after the first refresh fails
    return session, store


def test_failed_save_keeps_the_new_token_and_raises_a_typed_error() -> None:
    clock = Clock(NOW)
    updates: list[dict[str, Any]] = []
    session, store = failing_session(clock, updates)
    with requests_mock.Mocker() as m:
        sent = rotating(m)
        with pytest.raises(TokenStoreError) as caught:
            session.get(API)
    assert sent == ["r1"]
    assert session.token["refresh_token"] == "r2"  # kept
    assert [update["refresh_token"] for update in updates] == ["r2"]  # and handed out
    assert "r2" not in str(caught.value) and "a2" not in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)
    stored = store.load("cid")
    assert stored is not None and stored["refresh_token"] == "r1"  # not saved yet


@pytest.mark.parametrize("retry_fails", [False, True], ids=["store-back", "store-still-failing"])
def test_the_next_renewal_sends_the_rotated_token(retry_fails: bool) -> None:
    clock = Clock(NOW)
    session, store = failing_session(clock)
    with requests_mock.Mocker() as m:
        sent = rotating(m)
        with pytest.raises(TokenStoreError):
            session.get(API)
        # The next request saves the kept token first; a failure there is logged and the
        # request still goes out with the kept token.
        store.failures = 1 if retry_fails else 0
        session.get(API)
        stored = store.load("cid")
        assert stored is not None and stored["refresh_token"] == ("r1" if retry_fails else "r2")
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer a2"
        clock.now += 3600  # expired again: renewed with r2, never the stored (spent) r1
        session.get(API)
    assert sent == ["r1", "r2"]  # before the fix the renewal adopted the stored r1 and sent it
    stored = store.load("cid")
    assert stored is not None and stored["refresh_token"] == "r3"


def test_a_spent_refresh_token_is_never_sent_again() -> None:
    session = OAuth2Session("cid", token=token("a1", "r1", NOW + 3600))
    with requests_mock.Mocker() as m:
        sent = rotating(m)
        session.refresh_token(TOKEN_URL)
        with pytest.raises(RefreshTokenSpentError) as caught:
            session.refresh_token(TOKEN_URL, refresh_token="r1")
    assert sent == ["r1"]
    assert isinstance(caught.value, InvalidGrantError)  # what old code catches
    assert "r1" not in str(caught.value)


def test_spent_tokens_are_kept_as_bounded_digests() -> None:
    session = OAuth2Session("cid", token=token("a0", "r0", NOW + 3600))
    lifecycle = session._lifecycle
    for number in range(SPENT_REFRESH_TOKENS_KEPT + 10):
        lifecycle.spend(f"refresh-secret-{number}")
    assert len(lifecycle._spent) == SPENT_REFRESH_TOKENS_KEPT
    assert all(b"refresh-secret" not in digest for digest in lifecycle._spent)
    assert lifecycle.is_spent(f"refresh-secret-{SPENT_REFRESH_TOKENS_KEPT + 9}")
    assert not lifecycle.is_spent("refresh-secret-0")  # the oldest were forgotten


def test_non_rotating_refresh_does_not_spend_the_token() -> None:
    session = OAuth2Session("cid", token=token("a1", "r1", NOW + 3600))
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "a2", "token_type": "Bearer"})
        session.refresh_token(TOKEN_URL)
        session.refresh_token(TOKEN_URL)  # the same refresh token may be used again
        assert len(m.request_history) == 2


def test_generated_client_keeps_the_rotated_token_when_saving_fails() -> None:
    from generated.google import Google
    from runtime.provider import OAuth2Provider

    class ClockedGoogle(OAuth2Provider):
        spec = Google.spec

    clock = Clock(NOW)
    store = FlakyStore()
    store.save("cid", token("a1", "r1", NOW - 5))
    google = ClockedGoogle(client_id="cid", client_secret="s", token_store=store, clock=clock)
    store.failures = 1
    with requests_mock.Mocker() as m:
        sent = rotating(m, "https://oauth2.googleapis.com/token")
        with pytest.raises(TokenStoreError):
            google.session.get(API)
        assert (google.token or {})["refresh_token"] == "r2"
        clock.now += 3600
        store.failures = 1
        google.session.get(API)
    assert sent == ["r1", "r2"]
