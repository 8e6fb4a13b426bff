"""Regression tests for requests-oauthlib bugs the runtime does not copy.

Each test is written so that it fails against requests-oauthlib 2.0.0: the parametrised ones
run the same scenario against both implementations and assert the upstream one misbehaves,
which keeps the claim "upstream has this bug" honest as well.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import requests_mock
import requests_oauthlib
from oauthlib.oauth2 import (
    InvalidGrantError,
    MismatchingStateError,
    MissingTokenError,
    OAuth2Error,
    ServerError,
    TokenExpiredError,
)

from runtime.errors import PKCEMethodError, TokenEndpointError, TokenResponseParseError
from runtime.oauth2_session import OAuth2Session
from tests.support.http import query

AUTH_URL = "https://provider.example/authorize"
TOKEN_URL = "https://provider.example/token"
API_URL = "https://api.example/me"
REDIRECT = "https://app.example/callback"
TOKEN = {"access_token": "new-access", "token_type": "Bearer", "expires_in": 3600}



def last(mocker: requests_mock.Mocker) -> Any:
    request = mocker.last_request
    assert request is not None, "no request was sent"
    return request


def body(mocker: requests_mock.Mocker) -> dict[str, list[str]]:
    return parse_qs(last(mocker).text or "")


@pytest.fixture
def mocker() -> Any:
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=TOKEN)
        m.get(API_URL, json={"ok": True})
        yield m


# -- explicit state= is verified later ----------------------------------------------------


def test_explicit_state_is_verified_on_the_callback(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    session.authorization_url(AUTH_URL, state="expected-state")
    with pytest.raises(MismatchingStateError):
        session.fetch_token(
            TOKEN_URL, client_secret="s", authorization_response=f"{REDIRECT}?code=c&state=forged"
        )
    assert not mocker.called, "no code may be exchanged after a state mismatch"


def test_upstream_skips_the_explicit_state_check(mocker: requests_mock.Mocker) -> None:
    upstream = requests_oauthlib.OAuth2Session("cid", redirect_uri=REDIRECT)
    upstream.authorization_url(AUTH_URL, state="expected-state")
    upstream.fetch_token(
        TOKEN_URL, client_secret="s", authorization_response=f"{REDIRECT}?code=c&state=forged"
    )
    assert mocker.called  # the bug: the forged state was accepted


def test_matching_explicit_state_is_accepted(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    _, state = session.authorization_url(AUTH_URL, state="expected-state")
    assert state == "expected-state"
    session.fetch_token(
        TOKEN_URL, client_secret="s", authorization_response=f"{REDIRECT}?code=c&state={state}"
    )
    assert body(mocker)["code"] == ["c"]


def test_callback_session_without_state_refuses_a_stated_response(
    mocker: requests_mock.Mocker,
) -> None:
    callback_session = OAuth2Session("cid", redirect_uri=REDIRECT)
    with pytest.raises(MismatchingStateError, match="pass state="):
        callback_session.fetch_token(
            TOKEN_URL, client_secret="s", authorization_response=f"{REDIRECT}?code=c&state=any"
        )
    assert not mocker.called


def test_callback_missing_the_expected_state_is_refused(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT, state="kept-in-cookie")
    with pytest.raises(MismatchingStateError):
        session.fetch_token(
            TOKEN_URL, client_secret="s", authorization_response=f"{REDIRECT}?code=c"
        )


def test_implicit_grant_state_is_verified() -> None:
    from oauthlib.oauth2 import MobileApplicationClient

    session = OAuth2Session(client=MobileApplicationClient("cid"))
    session.authorization_url(AUTH_URL, state="s1")
    with pytest.raises(ValueError, match="state"):  # oauthlib's class for the implicit grant
        session.token_from_fragment(f"{REDIRECT}#access_token=a&token_type=Bearer&state=s2")
    token = session.token_from_fragment(f"{REDIRECT}#access_token=a&token_type=Bearer&state=s1")
    assert token["access_token"] == "a"


def test_loopback_http_callback_is_accepted(mocker: requests_mock.Mocker) -> None:
    redirect = "http://127.0.0.1:8765/callback"
    session = OAuth2Session("cid", redirect_uri=redirect, state="s")
    session.fetch_token(TOKEN_URL, authorization_response=f"{redirect}?code=c&state=s")
    assert body(mocker)["redirect_uri"] == [redirect]


def test_plain_http_callback_elsewhere_is_refused(mocker: requests_mock.Mocker) -> None:
    from oauthlib.oauth2 import InsecureTransportError

    session = OAuth2Session("cid", state="s")
    with pytest.raises(InsecureTransportError):
        session.fetch_token(TOKEN_URL, authorization_response="http://app.example/cb?code=c&state=s")


# -- PKCE -----------------------------------------------------------------------------------


def test_pkce_verifier_survives_into_a_new_session(mocker: requests_mock.Mocker) -> None:
    login = OAuth2Session("cid", redirect_uri=REDIRECT, pkce="S256")
    url, state = login.authorization_url(AUTH_URL)
    stored = {"state": state, "verifier": login.code_verifier}
    assert stored["verifier"] is not None

    callback = OAuth2Session(
        "cid", redirect_uri=REDIRECT, pkce="S256", state=stored["state"],
        code_verifier=stored["verifier"],
    )
    callback.fetch_token(TOKEN_URL, authorization_response=f"{REDIRECT}?code=c&state={state}")
    assert body(mocker)["code_verifier"] == [stored["verifier"]]
    challenge = query(url)["code_challenge"][0]
    assert challenge == login._client.create_code_challenge(stored["verifier"], "S256")


def test_pkce_verifier_is_settable_after_construction(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT, pkce="S256")
    session.code_verifier = "v" * 43
    session.fetch_token(TOKEN_URL, code="c")
    assert body(mocker)["code_verifier"] == ["v" * 43]


def test_pkce_without_verifier_is_a_clear_value_error(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT, pkce="S256")
    with pytest.raises(ValueError, match="code_verifier"):
        session.fetch_token(TOKEN_URL, code="c")
    assert not mocker.called


def test_upstream_pkce_fresh_session_raises_attribute_error(mocker: requests_mock.Mocker) -> None:
    upstream = requests_oauthlib.OAuth2Session("cid", redirect_uri=REDIRECT, pkce="S256")
    with pytest.raises(AttributeError):
        upstream.fetch_token(TOKEN_URL, code="c")


def test_pkce_verifier_length_is_checked() -> None:
    with pytest.raises(ValueError, match="43 to 128"):
        OAuth2Session("cid", pkce="S256", code_verifier="short")


@pytest.mark.parametrize("implementation", ["runtime", "upstream"])
def test_pkce_plain_sends_its_challenge(implementation: str) -> None:
    cls = OAuth2Session if implementation == "runtime" else requests_oauthlib.OAuth2Session
    session = cls("cid", redirect_uri=REDIRECT, pkce="plain")
    url, _ = session.authorization_url(AUTH_URL)
    params = query(url)
    if implementation == "upstream":
        assert "code_challenge" not in params  # the bug
        return
    assert params["code_challenge_method"] == ["plain"]
    assert params["code_challenge"] == [session.code_verifier]


def test_unknown_pkce_method_is_both_value_and_attribute_error() -> None:
    with pytest.raises(PKCEMethodError) as info:
        OAuth2Session("cid", pkce="S512")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, AttributeError)


# -- request kwargs must not leak into the refresh body ------------------------------------


@pytest.mark.parametrize("implementation", ["runtime", "upstream"])
def test_request_kwargs_do_not_leak_into_refresh(
    mocker: requests_mock.Mocker, implementation: str
) -> None:
    cls = OAuth2Session if implementation == "runtime" else requests_oauthlib.OAuth2Session
    expired = {"access_token": "old", "refresh_token": "r1", "token_type": "Bearer",
               "expires_in": -30}
    session = cls(
        "cid", token=expired, auto_refresh_url=TOKEN_URL,
        auto_refresh_kwargs={"client_id": "cid"}, token_updater=lambda token: None,
    )
    mocker.post(API_URL, json={"ok": True})
    session.post(API_URL, params={"page": "2"}, json={"payload": 1}, stream=True)
    refresh_body = parse_qs(mocker.request_history[0].text or "")
    leaked = {"page", "json", "stream", "params"} & set(refresh_body)
    if implementation == "upstream":
        assert leaked  # the bug
        return
    assert leaked == set()
    assert refresh_body == {"grant_type": ["refresh_token"], "refresh_token": ["r1"],
                            "client_id": ["cid"]}
    api_call = mocker.request_history[1]
    assert query(api_call.url) == {"page": ["2"]}
    assert api_call.json() == {"payload": 1}
    assert api_call.headers["Authorization"] == "Bearer new-access"


# -- assigning a token clears stale state ---------------------------------------------------


@pytest.mark.parametrize("implementation", ["runtime", "upstream"])
def test_new_token_clears_stale_expiry(mocker: requests_mock.Mocker, implementation: str) -> None:
    cls = OAuth2Session if implementation == "runtime" else requests_oauthlib.OAuth2Session
    session = cls("cid", token={"access_token": "a", "token_type": "Bearer", "expires_in": -30})
    session.token = {"access_token": "b", "token_type": "Bearer"}
    if implementation == "upstream":
        with pytest.raises(TokenExpiredError):  # the bug: the old expiry still applies
            session.get(API_URL)
        return
    session.get(API_URL)
    assert last(mocker).headers["Authorization"] == "Bearer b"


def test_new_token_without_access_token_clears_the_old_one() -> None:
    session = OAuth2Session("cid", token={"access_token": "a", "token_type": "Bearer"})
    session.token = {}
    assert session.access_token is None
    assert not session.authorized


@pytest.mark.parametrize("implementation", ["runtime", "upstream"])
def test_failed_fetch_leaves_session_unauthorized(
    mocker: requests_mock.Mocker, implementation: str
) -> None:
    cls = OAuth2Session if implementation == "runtime" else requests_oauthlib.OAuth2Session
    session = cls("cid", token={"access_token": "old", "token_type": "Bearer"})
    mocker.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    with pytest.raises(OAuth2Error):
        session.fetch_token(TOKEN_URL, code="c", client_secret="s")
    assert session.token == {}
    if implementation == "upstream":
        assert session.authorized  # the bug
        return
    assert not session.authorized
    assert session.access_token is None


# -- token-endpoint HTTP errors are typed -------------------------------------------------


def test_html_500_is_a_token_endpoint_error_not_missing_token(
    mocker: requests_mock.Mocker,
) -> None:
    mocker.post(TOKEN_URL, status_code=500, text="<html>oops</html>",
                headers={"Content-Type": "text/html"})
    session = OAuth2Session("cid")
    with pytest.raises(TokenEndpointError) as info:
        session.fetch_token(TOKEN_URL, code="c", client_secret="s")
    error = info.value
    assert not isinstance(error, MissingTokenError)
    assert isinstance(error, OAuth2Error)
    assert error.status_code == 500
    assert error.response.status_code == 500
    assert "HTTP 500" in str(error) and "text/html" in str(error)
    assert "oops" not in str(error)


def test_upstream_reports_html_500_as_missing_token(mocker: requests_mock.Mocker) -> None:
    mocker.post(TOKEN_URL, status_code=500, text="<html>oops</html>")
    with pytest.raises(MissingTokenError):
        requests_oauthlib.OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, {"error": "invalid_grant", "error_description": "code used"}, InvalidGrantError),
        (503, {"error": "server_error"}, ServerError),
        (200, {"error": "invalid_grant"}, InvalidGrantError),
    ],
)
def test_oauth_error_bodies_map_to_oauthlib_classes(
    mocker: requests_mock.Mocker, status: int, payload: dict[str, str], expected: type[Exception]
) -> None:
    mocker.post(TOKEN_URL, status_code=status, json=payload)
    with pytest.raises(expected) as info:
        OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")
    assert isinstance(info.value, OAuth2Error)
    assert info.value.status_code == status
    assert info.value.response.status_code == status  # type: ignore[attr-defined]


def test_device_flow_error_codes_get_their_rfc8628_class(mocker: requests_mock.Mocker) -> None:
    from oauthlib.oauth2.rfc8628.errors import SlowDownError

    mocker.post(TOKEN_URL, status_code=400, json={"error": "slow_down"})
    with pytest.raises(SlowDownError):
        OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")


def test_unparseable_success_body_names_the_problem(mocker: requests_mock.Mocker) -> None:
    mocker.post(TOKEN_URL, status_code=200, text="<html>login</html>",
                headers={"Content-Type": "text/html"})
    with pytest.raises(TokenResponseParseError, match="text/html") as info:
        OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")
    assert isinstance(info.value, MissingTokenError)  # old except clauses still catch it


def test_failed_refresh_keeps_the_current_token(mocker: requests_mock.Mocker) -> None:
    token = {"access_token": "a", "refresh_token": "r", "token_type": "Bearer"}
    session = OAuth2Session("cid", token=token)
    mocker.post(TOKEN_URL, status_code=502, text="bad gateway")
    with pytest.raises(TokenEndpointError):
        session.refresh_token(TOKEN_URL)
    assert session.token == token
    assert session.access_token == "a"


# -- secrets stay out of logs and reprs ---------------------------------------------------


def test_no_token_or_secret_in_logs_or_repr(
    mocker: requests_mock.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_token = {"access_token": "SECRET-ACCESS", "refresh_token": "SECRET-REFRESH",
                    "token_type": "Bearer", "expires_in": 3600}
    mocker.post(TOKEN_URL, json=secret_token)
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    session.fetch_token(TOKEN_URL, code="SECRET-CODE", client_secret="SECRET-CLIENT")
    session.get(API_URL)
    session.refresh_token(TOKEN_URL)
    everything = caplog.text + repr(session)
    for secret in ("SECRET-ACCESS", "SECRET-REFRESH", "SECRET-CODE", "SECRET-CLIENT"):
        assert secret not in everything
    assert "authorized=True" in repr(session)


def test_upstream_logs_the_bearer_token(
    mocker: requests_mock.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session = requests_oauthlib.OAuth2Session(
        "cid", token={"access_token": "SECRET-ACCESS", "token_type": "Bearer"}
    )
    session.get(API_URL)
    assert "SECRET-ACCESS" in caplog.text


# -- hooks run in registration order -------------------------------------------------------


def test_compliance_hooks_run_in_registration_order(mocker: requests_mock.Mocker) -> None:
    calls: list[str] = []

    def make(name: str) -> Any:
        def hook(response: requests.Response) -> requests.Response:
            calls.append(name)
            return response

        return hook

    session = OAuth2Session("cid")
    names = [f"hook{i}" for i in range(12)]
    for name in names:
        session.register_compliance_hook("access_token_response", make(name))
    session.fetch_token(TOKEN_URL, code="c", client_secret="s")
    assert calls == names


def test_unknown_hook_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="not_a_hook"):
        OAuth2Session("cid").register_compliance_hook("not_a_hook", lambda r: r)  # type: ignore[arg-type]


# -- public clients do not send Basic "cid:" ------------------------------------------------


def test_public_client_sends_client_id_in_body_not_empty_basic(
    mocker: requests_mock.Mocker,
) -> None:
    OAuth2Session("public-cid").fetch_token(TOKEN_URL, code="c")
    assert "Authorization" not in last(mocker).headers
    assert body(mocker)["client_id"] == ["public-cid"]


def test_confidential_client_uses_basic(mocker: requests_mock.Mocker) -> None:
    OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="sec")
    assert last(mocker).headers["Authorization"].startswith("Basic ")
    assert "client_id" not in body(mocker)


def test_refresh_forwards_cert(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", token={"access_token": "a", "refresh_token": "r"})
    session.refresh_token(TOKEN_URL, cert=("/c.pem", "/k.pem"))
    assert last(mocker).cert == ("/c.pem", "/k.pem")


def test_refresh_response_without_refresh_token_keeps_the_old_one(
    mocker: requests_mock.Mocker,
) -> None:
    session = OAuth2Session("cid", token={"access_token": "a", "refresh_token": "keep-me"})
    token = session.refresh_token(TOKEN_URL)
    assert token["refresh_token"] == "keep-me"
    assert token["access_token"] == "new-access"


def test_refresh_token_rotation_replaces_the_old_one(mocker: requests_mock.Mocker) -> None:
    mocker.post(TOKEN_URL, json={**TOKEN, "refresh_token": "rotated"})
    session = OAuth2Session("cid", token={"access_token": "a", "refresh_token": "r1"})
    session.refresh_token(TOKEN_URL)
    assert session.token["refresh_token"] == "rotated"
    assert session._client.refresh_token == "rotated"


def test_expiry_is_absolute_in_the_returned_token(mocker: requests_mock.Mocker) -> None:
    before = time.time()
    token = OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")
    assert before + 3599 <= token["expires_at"] <= time.time() + 3601
