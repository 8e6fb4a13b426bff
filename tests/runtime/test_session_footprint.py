"""A held ``OAuth2Session`` stays small: few instance attributes (CPython shares the keys of
instance dicts only up to 30 of them) and rarely used state created when first used, without
any session seeing another's state."""

from __future__ import annotations

import threading

import requests_mock

from runtime import OAuth2Session
from runtime.client_auth import ClientCredentials

TOKEN = {"access_token": "a" * 40, "token_type": "Bearer", "expires_at": 4102444800}
SHARED_KEYS_LIMIT = 30
API = "https://api.example/me"


def test_a_used_session_keeps_few_instance_attributes(http: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", token=dict(TOKEN))
    assert len(vars(session)) <= SHARED_KEYS_LIMIT - 4
    http.get(API, json={})
    session.get(API)
    assert len(vars(session)) <= SHARED_KEYS_LIMIT - 2
    configured = OAuth2Session(
        "cid",
        token=dict(TOKEN),
        auto_refresh_url="https://auth.example/token",
        auto_refresh_kwargs={"resource": "r"},
        token_updater=print,
        client_secret="secret",
        token_endpoint_auth_method="client_secret_post",
    )
    assert len(vars(configured)) <= SHARED_KEYS_LIMIT


def test_settings_not_given_read_as_none_and_given_ones_are_kept() -> None:
    plain = OAuth2Session("cid")
    assert (plain.auto_refresh_url, plain.token_updater, plain.client_credentials) == (None,) * 3
    assert (plain.token_endpoint_auth_method, plain.metadata) == (None, None)
    given = OAuth2Session(
        "cid", auto_refresh_url="https://auth.example/token", client_secret="s", token_updater=print
    )
    assert given.auto_refresh_url == "https://auth.example/token"
    assert given.client_credentials == ClientCredentials(client_id="cid", client_secret="s")
    assert given.token_updater is print


def test_lazily_created_state_belongs_to_one_session() -> None:
    first, second = OAuth2Session("cid"), OAuth2Session("cid")
    assert "_compliance_hooks" not in vars(first)  # no table until a hook is registered
    first.auto_refresh_kwargs["audience"] = "api"
    first.register_compliance_hook("protected_request", lambda u, h, d: (u, h, d))
    assert second.auto_refresh_kwargs == {}
    assert second.compliance_hook["protected_request"] == []
    assert len(first.compliance_hook["protected_request"]) == 1
    first._lifecycle.spend("spent-refresh-token")
    assert first._lifecycle.is_spent("spent-refresh-token")
    assert not second._lifecycle.is_spent("spent-refresh-token")


def test_threads_registering_the_first_hooks_at_once_keep_them_all() -> None:
    session = OAuth2Session("cid")
    start = threading.Barrier(8)

    def register(index: int) -> None:
        start.wait()
        session.register_compliance_hook("access_token_response", lambda r, i=index: r)

    threads = [threading.Thread(target=register, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(session.compliance_hook["access_token_response"]) == 8
