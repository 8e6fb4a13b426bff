"""Token lifecycle: leeway, injected clock, single-flight renewal, 401 retry, re-fetch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import BackendApplicationClient, TokenExpiredError

from runtime.oauth2_session import DEFAULT_TIMEOUT, OAuth2Session
from tests.support.clocks import Clock
from tests.support.http import form

TOKEN_URL = "https://auth.example/token"
API = "https://api.example/data"


NOW = 1_000_000.0


def refreshable(clock: Clock, expires_in: float, refresh_token: str = "r1") -> dict[str, Any]:
    return {
        "access_token": "old",
        "refresh_token": refresh_token,
        "token_type": "Bearer",
        "expires_at": clock.now + expires_in,
    }


def token_calls(m: requests_mock.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.url == TOKEN_URL]


def get_in_threads(
    session: OAuth2Session, count: int, started: Callable[[], object] = lambda: None
) -> tuple[list[BaseException], list[str]]:
    """GET ``API`` from ``count`` threads at once: (errors, Authorization headers sent)."""
    errors: list[BaseException] = []
    seen: list[str] = []
    start = threading.Barrier(count)

    def worker() -> None:
        try:
            start.wait(5)
            response = session.get(API)
            seen.append(response.request.headers["Authorization"])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    started()
    for thread in threads:
        thread.join(10)
    return errors, seen


def test_refreshes_within_the_leeway_but_not_before() -> None:
    clock = Clock(NOW)
    updates: list[dict[str, Any]] = []
    session = OAuth2Session(
        "cid",
        token=refreshable(clock, expires_in=100),
        auto_refresh_url=TOKEN_URL,
        token_updater=updates.append,
        clock=clock,
        leeway=60,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer", "expires_in": 3600})
        m.get(API, json={})
        session.get(API)
        assert token_calls(m) == []  # 100 s left, leeway 60: not yet
        clock.now += 41  # 59 s left: inside the leeway
        session.get(API)
        assert len(token_calls(m)) == 1
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer new"
    assert updates and updates[0]["access_token"] == "new"
    # expiry is computed from the injected clock at receipt time
    assert session.token["expires_at"] == round(clock.now) + 3600


def test_negative_leeway_is_rejected() -> None:
    with pytest.raises(ValueError, match="leeway"):
        OAuth2Session("cid", leeway=-1)


def test_expired_token_without_refresh_url_still_raises() -> None:
    clock = Clock(NOW)
    session = OAuth2Session("cid", token=refreshable(clock, -5), clock=clock)
    with pytest.raises(TokenExpiredError):
        session.get(API)


def test_single_flight_refresh_across_threads() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid",
        token=refreshable(clock, -5),
        auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None,
        clock=clock,
    )
    refreshes = 0
    gate = threading.Event()

    def refresh(request: Any, context: Any) -> dict[str, Any]:
        nonlocal refreshes
        refreshes += 1
        gate.wait(0.2)  # hold the refresh open so every thread piles up behind it
        return {"access_token": "new", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "r2"}

    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=refresh)
        m.get(API, json={})
        errors, seen = get_in_threads(session, 16, started=gate.set)
    assert errors == []
    assert refreshes == 1
    assert seen == ["Bearer new"] * 16


def test_unauthorized_response_refreshes_once_and_retries_once() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid",
        token=refreshable(clock, 3600),
        auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None,
        clock=clock,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer", "expires_in": 60})
        m.post(API, [{"status_code": 401}, {"json": {"ok": True}}])
        response = session.post(API, json={"n": 1})
        assert response.json() == {"ok": True}
        api_calls = [r for r in m.request_history if r.url == API]
        assert [r.headers["Authorization"] for r in api_calls] == ["Bearer old", "Bearer new"]
        assert api_calls[1].json() == {"n": 1}
        assert len(token_calls(m)) == 1


def test_unauthorized_twice_does_not_loop() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid",
        token=refreshable(clock, 3600),
        auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None,
        clock=clock,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer"})
        m.get(API, status_code=401)
        assert session.get(API).status_code == 401
        assert len(token_calls(m)) == 1
        assert len([r for r in m.request_history if r.url == API]) == 2


def test_invalid_token_challenge_triggers_the_retry() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=refreshable(clock, 3600), auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None, clock=clock,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer"})
        m.get(API, [
            {"status_code": 403, "headers": {"WWW-Authenticate": 'Bearer error="invalid_token"'}},
            {"json": {}},
        ])
        assert session.get(API).status_code == 200


def test_unauthorized_without_updater_keeps_upstream_behaviour() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=refreshable(clock, 3600), auto_refresh_url=TOKEN_URL, clock=clock
    )
    with requests_mock.Mocker() as m:
        m.get(API, status_code=401)
        assert session.get(API).status_code == 401
        assert token_calls(m) == []


def test_streamed_body_is_not_replayed() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=refreshable(clock, 3600), auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None, clock=clock,
    )
    with requests_mock.Mocker() as m:
        m.post(API, status_code=401)
        response = session.post(API, data=iter([b"chunk"]))
        assert response.status_code == 401
        assert token_calls(m) == []


def test_client_credentials_token_is_fetched_again_when_expired() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        client=BackendApplicationClient("svc"),
        client_secret="shh",
        auto_refresh_url=TOKEN_URL,
        scope=["read"],
        clock=clock,
        token_updater=lambda token: None,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, [
            {"json": {"access_token": "cc1", "token_type": "Bearer", "expires_in": 300}},
            {"json": {"access_token": "cc2", "token_type": "Bearer", "expires_in": 300}},
        ])
        m.get(API, json={})
        session.fetch_token(TOKEN_URL)
        first = token_calls(m)[0]
        assert form(first.text) == {"grant_type": ["client_credentials"], "scope": ["read"]}
        assert first.headers["Authorization"].startswith("Basic ")
        session.get(API)
        assert len(token_calls(m)) == 1
        clock.now += 290  # inside the default 60 s leeway
        session.get(API)
        calls = token_calls(m)
        assert len(calls) == 2
        assert form(calls[1].text)["grant_type"] == ["client_credentials"]
        assert calls[1].headers["Authorization"].startswith("Basic ")
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer cc2"


def test_session_secret_authenticates_refresh() -> None:
    session = OAuth2Session(
        "cid", client_secret="s3cret", token={"access_token": "a", "refresh_token": "r"}
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "b", "token_type": "Bearer"})
        session.refresh_token(TOKEN_URL)
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"].startswith("Basic ")
        assert "client_secret" not in form(m.last_request.text)


def test_public_client_refresh_identifies_itself() -> None:
    session = OAuth2Session("public", token={"access_token": "a", "refresh_token": "r"})
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "b", "token_type": "Bearer"})
        session.refresh_token(TOKEN_URL)
        assert m.last_request is not None
        assert form(m.last_request.text)["client_id"] == ["public"]
        assert "Authorization" not in m.last_request.headers


def test_default_timeout_on_every_request() -> None:
    session = OAuth2Session("cid", token={"access_token": "a"})
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        m.post(TOKEN_URL, json={"access_token": "b", "token_type": "Bearer"})
        session.get(API)
        assert m.last_request is not None
        assert m.last_request.timeout == DEFAULT_TIMEOUT
        session.get(API, timeout=3)
        assert m.last_request.timeout == 3
        session.fetch_token(TOKEN_URL, code="c")
        assert m.last_request.timeout == DEFAULT_TIMEOUT
    custom = OAuth2Session("cid", timeout=7.5)
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        custom.get(API)
        assert m.last_request is not None
        assert m.last_request.timeout == 7.5


def test_session_loads_and_persists_through_its_store() -> None:
    from runtime.stores import MemoryTokenStore

    store = MemoryTokenStore()
    store.save("user-1", {"access_token": "stored", "refresh_token": "r1", "token_type": "Bearer"})
    session = OAuth2Session("cid", token_store=store, token_store_key="user-1")
    assert session.access_token == "stored"
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "fresh", "token_type": "Bearer",
                                "refresh_token": "r2", "expires_in": 60})
        session.refresh_token(TOKEN_URL)
    saved = store.load("user-1")
    assert saved is not None
    assert (saved["access_token"], saved["refresh_token"]) == ("fresh", "r2")
    assert "expires_at" in saved


def test_store_key_defaults_to_client_id() -> None:
    from runtime.stores import MemoryTokenStore

    store = MemoryTokenStore()
    store.save("cid", {"access_token": "x"})
    assert OAuth2Session("cid", token_store=store).access_token == "x"


def test_renewal_adopts_a_token_another_process_already_renewed() -> None:
    from runtime.stores import MemoryTokenStore

    clock = Clock(NOW)
    store = MemoryTokenStore()
    session = OAuth2Session(
        "cid",
        token=refreshable(clock, -5),
        auto_refresh_url=TOKEN_URL,
        token_store=store,
        clock=clock,
    )
    # Another process refreshed meanwhile and stored the rotated token.
    store.save("cid", {"access_token": "theirs", "refresh_token": "r2", "token_type": "Bearer",
                       "expires_at": clock.now + 3600})
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        session.get(API)
        assert token_calls(m) == []  # the rotated refresh token is not spent again
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer theirs"


def test_renewal_uses_the_newest_stored_refresh_token() -> None:
    from runtime.stores import MemoryTokenStore

    clock = Clock(NOW)
    store = MemoryTokenStore()
    session = OAuth2Session(
        "cid", token=refreshable(clock, -5, refresh_token="r1"), auto_refresh_url=TOKEN_URL,
        token_store=store, clock=clock,
    )
    # The stored token is expired too, but carries a newer (rotated) refresh token.
    store.save("cid", refreshable(clock, -5, refresh_token="r7"))
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer",
                                "refresh_token": "r8", "expires_in": 600})
        m.get(API, json={})
        session.get(API)
        assert form(token_calls(m)[0].text)["refresh_token"] == ["r7"]
    saved = store.load("cid")
    assert saved is not None and saved["refresh_token"] == "r8"


def test_network_failure_names_the_endpoint_but_no_query_secret() -> None:
    import requests

    session = OAuth2Session("cid")
    with requests_mock.Mocker() as m:
        m.get(
            TOKEN_URL,
            exc=requests.ConnectionError(
                "Max retries exceeded with url: /token?client_secret=SECRET&code=C"
            ),
        )
        with pytest.raises(requests.ConnectionError) as info:
            session.fetch_token(TOKEN_URL, code="C", client_secret="SECRET", method="GET",
                                include_client_id=True)
    message = str(info.value)
    assert TOKEN_URL in message
    assert "SECRET" not in message
    assert "Max retries exceeded" in message


def test_rejected_refresh_token_is_not_sent_again() -> None:
    from oauthlib.oauth2 import InvalidGrantError

    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=refreshable(clock, -5), auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None, clock=clock,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
        for _ in range(3):
            with pytest.raises(InvalidGrantError):
                session.get(API)
        assert len(token_calls(m)) == 1


# -- short-lived tokens: the leeway is clamped to half the lifetime ---------------------------


def short_lived(clock: Clock, lifetime: float, access_token: str = "old") -> dict[str, Any]:
    return {"access_token": access_token, "refresh_token": "r1", "token_type": "Bearer",
            "expires_in": lifetime, "expires_at": clock.now + lifetime}


def test_token_shorter_than_the_leeway_is_not_refreshed_on_first_use() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=short_lived(clock, 2), auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None, clock=clock, leeway=60,
    )
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "new", "token_type": "Bearer", "expires_in": 2})
        m.get(API, json={})
        session.get(API)
        clock.now += 0.9
        session.get(API)
        assert token_calls(m) == []  # first half of its 2 s: used as it is
        clock.now += 0.2  # in the second half: renewed once
        session.get(API)
        session.get(API)
        assert len(token_calls(m)) == 1
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer new"


def test_short_lived_tokens_are_refreshed_once_by_16_threads() -> None:
    clock = Clock(NOW)
    session = OAuth2Session(
        "cid", token=short_lived(clock, -5), auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None, clock=clock, leeway=60,
    )
    refreshes = 0
    lock = threading.Lock()

    def refresh(request: Any, context: Any) -> dict[str, Any]:
        nonlocal refreshes
        with lock:
            refreshes += 1
        return {"access_token": f"new{refreshes}", "token_type": "Bearer", "expires_in": 2,
                "refresh_token": f"r{refreshes + 1}"}

    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=refresh)
        m.get(API, json={})
        errors, _ = get_in_threads(session, 16)
    assert errors == []
    assert refreshes == 1


def test_generated_client_does_not_refresh_a_short_lived_token_on_first_use() -> None:
    from generated.google import Google
    from runtime.provider import OAuth2Provider

    clock = Clock(NOW)

    class ClockedGoogle(OAuth2Provider):
        spec = Google.spec

    google = ClockedGoogle(client_id="cid", client_secret="s", clock=clock,
                           token=short_lived(clock, 2))
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        google.session.get(API)
        assert [r.url for r in m.request_history] == [API]
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer old"


# -- one reading of the clock decides the renewal and the attach ------------------------------


class TickingClock:
    """Each reading is ``step`` seconds later than the one before."""

    def __init__(self, now: float = 1_000_000.0, step: float = 1.0) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> float:
        value = self.now
        self.now += self.step
        return value


def test_expiry_passing_between_check_and_attach_does_not_reach_the_caller() -> None:
    clock = TickingClock()
    # Good at the first reading, expired at the second: the check says "no renewal needed".
    token = {"access_token": "old", "refresh_token": "r1", "token_type": "Bearer",
             "expires_at": clock.now + 0.5}
    session = OAuth2Session("cid", token=token, auto_refresh_url=TOKEN_URL,
                            token_updater=lambda token: None, clock=clock, leeway=0)
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        session.get(API)
        assert token_calls(m) == []
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer old"


def test_generated_client_uses_one_reading_of_the_clock_too() -> None:
    from generated.google import Google
    from runtime.provider import OAuth2Provider

    class ClockedGoogle(OAuth2Provider):
        spec = Google.spec

    clock = TickingClock()
    token = {"access_token": "old", "refresh_token": "r1", "token_type": "Bearer",
             "expires_at": clock.now + 0.5}
    google = ClockedGoogle(client_id="cid", client_secret="s", clock=clock, token=token)
    google.session._lifecycle.leeway = 0
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        google.session.get(API)
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer old"


def test_a_refused_refresh_token_is_not_sent_again_but_a_new_one_is() -> None:
    from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

    from runtime._lifecycle import TokenLifecycle

    lifecycle = TokenLifecycle(clock=Clock(NOW))
    attempts: list[str] = []

    def refused() -> str:
        attempts.append("sent")
        raise InvalidGrantError()

    with pytest.raises(InvalidGrantError):
        lifecycle.refresh_unless_rejected("r1", refused)
    with pytest.raises(InvalidGrantError, match="already rejected"):
        lifecycle.refresh_unless_rejected("r1", refused)
    assert attempts == ["sent"]
    assert lifecycle.refresh_unless_rejected("r2", lambda: "renewed") == "renewed"


def test_expiry_of_a_relative_lifetime_is_judged_by_the_sessions_clock() -> None:
    # A token with only expires_in expires that long after the session's clock read it,
    # whatever the wall clock says: the session's typed token decides, not oauthlib's record.
    clock = Clock(NOW)
    session = OAuth2Session("cid", token={"access_token": "a", "expires_in": 60}, clock=clock)
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        session.get(API)
        clock.now = NOW + 61
        with pytest.raises(TokenExpiredError):
            session.get(API)
    assert len(m.request_history) == 1


def test_a_token_replaced_on_the_client_is_judged_by_its_own_expiry() -> None:
    clock = Clock(NOW)
    session = OAuth2Session("cid", token={"access_token": "a", "expires_at": NOW + 10}, clock=clock)
    session._client.token = {"access_token": "b", "expires_at": NOW - 1}
    session._client.access_token = "b"
    with requests_mock.Mocker() as m, pytest.raises(TokenExpiredError):
        m.get(API, json={})
        session.get(API)
    assert not m.called
