"""Device flow, revocation, introspection, JWT bearer grant and discovery on OAuth2Session."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import AccessDeniedError, InvalidClientError, UnsupportedTokenTypeError
from oauthlib.oauth2.rfc8628.errors import AccessDenied, ExpiredTokenError

from runtime.device import DeviceFlowCancelled, InvalidDeviceAuthorization
from runtime.errors import TokenEndpointError, TokenResponseParseError
from runtime.oauth2_session import OAuth2Session
from tests.support.http import form

ISSUER = "https://auth.example"
DEVICE_URL = f"{ISSUER}/device"
TOKEN_URL = f"{ISSUER}/token"
REVOKE_URL = f"{ISSUER}/revoke"
INTROSPECT_URL = f"{ISSUER}/introspect"
DEVICE_ANSWER = {
    "device_code": "dev-123",
    "user_code": "WDJB-MJHT",
    "verification_uri": "https://auth.example/activate",
    "verification_uri_complete": "https://auth.example/activate?user_code=WDJB-MJHT",
    "expires_in": 600,
    "interval": 5,
}



class Sleeper:
    """Records requested waits and advances a fake clock instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_device_authorization_is_a_post_form_with_client_id() -> None:
    session = OAuth2Session("tv-app", scope=["read", "write"])
    with requests_mock.Mocker() as m:
        m.post(DEVICE_URL, json=DEVICE_ANSWER)
        device = session.device_authorization(DEVICE_URL)
        assert m.last_request is not None
        assert m.last_request.method == "POST"
        assert form(m.last_request.text) == {"client_id": ["tv-app"], "scope": ["read write"]}
        assert "Authorization" not in m.last_request.headers
    assert device["user_code"] == "WDJB-MJHT"
    assert device["verification_uri_complete"].endswith("WDJB-MJHT")


def test_google_verification_url_alias() -> None:
    answer = {k: v for k, v in DEVICE_ANSWER.items() if not k.startswith("verification")}
    answer["verification_url"] = "https://www.google.com/device"
    with requests_mock.Mocker() as m:
        m.post(DEVICE_URL, json=answer)
        device = OAuth2Session("tv").device_authorization(DEVICE_URL)
    assert device["verification_uri"] == "https://www.google.com/device"


def test_incomplete_device_answer_is_a_typed_error() -> None:
    with requests_mock.Mocker() as m:
        m.post(DEVICE_URL, json={"device_code": "x"})
        with pytest.raises(InvalidDeviceAuthorization, match="user_code"):
            OAuth2Session("tv").device_authorization(DEVICE_URL)


def test_polling_honours_interval_pending_and_slow_down() -> None:
    sleeper = Sleeper()
    session = OAuth2Session("tv", clock=sleeper.clock)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, [
            {"status_code": 400, "json": {"error": "authorization_pending"}},
            {"status_code": 400, "json": {"error": "slow_down"}},
            {"status_code": 400, "json": {"error": "authorization_pending"}},
            {"json": {"access_token": "at", "token_type": "Bearer", "expires_in": 60}},
        ])
        token = session.poll_device_token(TOKEN_URL, session_device(), sleep=sleeper.sleep)
        assert all(
            form(r.text) == {"grant_type": ["urn:ietf:params:oauth:grant-type:device_code"],
                        "device_code": ["dev-123"], "client_id": ["tv"]}
            for r in m.request_history
        )
    assert sleeper.waits == [5, 5, 10, 10]
    assert token["access_token"] == "at"
    assert session.authorized


def session_device() -> Any:
    from runtime.device import parse_device_authorization

    return parse_device_authorization(DEVICE_ANSWER)


@pytest.mark.parametrize(
    ("error", "expected"), [("access_denied", AccessDenied), ("expired_token", ExpiredTokenError)]
)
def test_polling_stops_on_terminal_errors(error: str, expected: type[Exception]) -> None:
    sleeper = Sleeper()
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": error})
        with pytest.raises(expected):
            OAuth2Session("tv", clock=sleeper.clock).poll_device_token(
                TOKEN_URL, session_device(), sleep=sleeper.sleep
            )
        assert len(m.request_history) == 1


def test_access_denied_is_also_the_rfc6749_class_users_catch() -> None:
    # RFC 8628's AccessDenied and RFC 6749's AccessDeniedError share the code; oauthlib maps
    # the code to the RFC 6749 class, which must be what the poll raises for old handlers.
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": "access_denied"})
        with pytest.raises(AccessDeniedError):
            OAuth2Session("tv").poll_device_token(
                TOKEN_URL, session_device(), sleep=lambda s: None
            )


def test_polling_gives_up_when_the_code_expires_locally() -> None:
    sleeper = Sleeper()
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": "authorization_pending"})
        with pytest.raises(ExpiredTokenError, match="600"):
            OAuth2Session("tv", clock=sleeper.clock).poll_device_token(
                TOKEN_URL, session_device(), sleep=sleeper.sleep
            )
        assert len(m.request_history) == 119  # 600 s / 5 s, the last wait hits the deadline


def test_polling_can_be_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=400, json={"error": "authorization_pending"})
        with pytest.raises(DeviceFlowCancelled):
            OAuth2Session("tv").poll_device_token(TOKEN_URL, session_device(), cancel=cancel)
        assert m.request_history == []


def test_revocation_defaults_to_the_refresh_token_with_client_auth() -> None:
    session = OAuth2Session(
        "cid", client_secret="sec", token={"access_token": "a", "refresh_token": "r"}
    )
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, text="")
        session.revoke_token(REVOKE_URL)
        assert m.last_request is not None
        assert form(m.last_request.text) == {"token": ["r"], "token_type_hint": ["refresh_token"]}
        assert m.last_request.headers["Authorization"].startswith("Basic ")


def test_revocation_errors_are_typed() -> None:
    session = OAuth2Session("cid", token={"access_token": "a"})
    with requests_mock.Mocker() as m:
        m.post(REVOKE_URL, status_code=400, json={"error": "unsupported_token_type"})
        with pytest.raises(UnsupportedTokenTypeError):
            session.revoke_token(REVOKE_URL)
        m.post(REVOKE_URL, status_code=503, text="<html>down</html>")
        with pytest.raises(TokenEndpointError) as info:
            session.revoke_token(REVOKE_URL)
        assert info.value.status_code == 503


def test_introspection_returns_the_answer() -> None:
    session = OAuth2Session("rs", client_secret="sec")
    with requests_mock.Mocker() as m:
        m.post(INTROSPECT_URL, json={"active": True, "scope": "read", "client_id": "cid"})
        answer = session.introspect_token(INTROSPECT_URL, token="tok")
        assert answer["active"] is True
        assert m.last_request is not None
        assert form(m.last_request.text) == {"token": ["tok"]}
        m.post(INTROSPECT_URL, json={"scope": "read"})
        with pytest.raises(TokenResponseParseError, match="active"):
            session.introspect_token(INTROSPECT_URL, token="tok")
        m.post(INTROSPECT_URL, status_code=401, json={"error": "invalid_client"})
        with pytest.raises(InvalidClientError):
            session.introspect_token(INTROSPECT_URL, token="tok")


def test_jwt_bearer_grant() -> None:
    session = OAuth2Session("svc", client_secret="sec")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer"})
        session.fetch_token_with_assertion("header.claims.signature", TOKEN_URL, scope="read")
        assert m.last_request is not None
        assert form(m.last_request.text) == {
            "grant_type": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
            "assertion": ["header.claims.signature"],
            "scope": ["read"],
        }
    assert session.access_token == "at"


def test_from_issuer_configures_endpoints_pkce_and_client_auth() -> None:
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": TOKEN_URL,
        "revocation_endpoint": REVOKE_URL,
        "device_authorization_endpoint": DEVICE_URL,
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }
    with requests_mock.Mocker() as m:
        m.get(f"{ISSUER}/.well-known/openid-configuration", json=document)
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer",
                                "refresh_token": "r"})
        m.post(REVOKE_URL, text="")
        session = OAuth2Session.from_issuer(
            ISSUER, "cid", client_secret="sec", redirect_uri="https://app.example/cb"
        )
        url, state = session.authorization_url()
        assert url.startswith(f"{ISSUER}/authorize?")
        assert "code_challenge_method=S256" in url
        session.fetch_token(authorization_response=f"https://app.example/cb?code=c&state={state}")
        token_request = m.request_history[-1]
        assert form(token_request.text)["client_secret"] == ["sec"]  # client_secret_post chosen
        assert "code_verifier" in form(token_request.text)
        session.revoke_token()
        assert m.last_request is not None
        assert m.last_request.url == REVOKE_URL


def test_flow_method_without_url_or_metadata_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="revocation_endpoint"):
        OAuth2Session("cid", token={"access_token": "a"}).revoke_token()
