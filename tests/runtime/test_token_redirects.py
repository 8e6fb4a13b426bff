"""Token-type requests are never redirected: a 3xx is a typed error, nothing reaches the target.

Every call that carries a credential (client secret, code, code verifier, refresh token,
password, assertion, device code, OAuth 1 signature) is covered, on ``OAuth2Session``,
``OAuth1Session`` and the generated clients; the last tests use two real HTTP servers on
127.0.0.1 instead of requests-mock.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
import requests_mock
from oauthlib.oauth2 import BackendApplicationClient, LegacyApplicationClient
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from generator.spec.loader import load_spec
from generator.spec.normalize import normalized_spec
from runtime import OAuth1Session, OAuth2Session
from runtime._transport import redirect_status
from runtime.errors import TokenEndpointError, TokenEndpointRedirectError
from runtime.oauth1_session import TokenRequestDenied, TokenRequestRedirected
from runtime.provider import OAuth1Provider, OAuth2Provider
from tests.runtime.provider.support import inline_spec, oauth1_class, oauth2_class
from tests.runtime.two_servers import StartServer
from tests.runtime.wire import requests_to

AS = "https://as.example"
TOKEN_URL = f"{AS}/token"
EVIL = "https://evil.example/steal"
EVIL_TOKEN = {"access_token": "evil-token", "token_type": "Bearer", "expires_in": 3600}
SECRET = "s3cret-client"
REDIRECT_STATUSES = [301, 302, 303, 307, 308]
SPECS = Path(__file__).parents[2] / "specs"


def catalogue_spec(name: str) -> Any:
    """The runtime spec of a catalogue provider: what ``generated/<name>`` is built on."""
    return normalized_spec(load_spec(SPECS / f"{name}.yaml").spec)


def catalogue_oauth2(name: str, **kwargs: Any) -> OAuth2Provider:
    return oauth2_class(catalogue_spec(name))(client_id="cid", client_secret=SECRET, **kwargs)


def catalogue_oauth1(name: str, **kwargs: Any) -> OAuth1Provider:
    return oauth1_class(catalogue_spec(name))(client_key="ck", client_secret=SECRET, **kwargs)


def redirect(http: requests_mock.Mocker, url: str, status: int = 307) -> None:
    """``url`` answers every method with a redirect to the attacker, who serves a token."""
    http.register_uri(requests_mock.ANY, url, status_code=status, headers={"Location": EVIL})
    http.register_uri(requests_mock.ANY, EVIL, json=EVIL_TOKEN)


def assert_refused(error: BaseException, http: requests_mock.Mocker, endpoint: str) -> None:
    """The redirect was refused: the attacker got nothing and the message names the endpoint."""
    assert not requests_to(http, EVIL), "a token-type request followed the redirect"
    assert len(requests_to(http, endpoint)) == 1
    message = str(error)
    assert endpoint.split("?", 1)[0] in message
    assert "https://evil.example" in message
    assert "/steal" not in message
    for secret in (SECRET, "evil-token", "c0de", "refresh-1", "hunter2"):
        assert secret not in message


# -- OAuth2Session ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
def test_fetch_token_code_grant_is_not_redirected(http: requests_mock.Mocker, status: int) -> None:
    redirect(http, TOKEN_URL, status)
    session = OAuth2Session("cid", redirect_uri="https://app.example/cb")
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.fetch_token(TOKEN_URL, code="c0de", client_secret=SECRET)
    assert_refused(caught.value, http, TOKEN_URL)
    error = caught.value
    assert isinstance(error, TokenEndpointError) and isinstance(error, OAuth2Error)
    assert error.status_code == status
    assert error.endpoint == TOKEN_URL
    assert f"HTTP {status}" in str(error)
    assert not session.authorized


def test_fetch_token_with_get_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL, 302)
    session = OAuth2Session("cid", redirect_uri="https://app.example/cb")
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.fetch_token(TOKEN_URL, code="c0de", client_secret=SECRET, method="GET")
    assert_refused(caught.value, http, TOKEN_URL)


def test_password_grant_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL, 308)
    session = OAuth2Session(client=LegacyApplicationClient(client_id="cid"))
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.fetch_token(TOKEN_URL, username="ann", password="hunter2", client_secret=SECRET)
    assert_refused(caught.value, http, TOKEN_URL)


def test_client_credentials_grant_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL)
    session = OAuth2Session(client=BackendApplicationClient(client_id="cid"), client_secret=SECRET)
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.fetch_token(TOKEN_URL)
    assert_refused(caught.value, http, TOKEN_URL)


def test_refresh_token_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL)
    token = {"access_token": "old", "refresh_token": "refresh-1", "token_type": "Bearer"}
    session = OAuth2Session("cid", token=token, client_secret=SECRET)
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.refresh_token(TOKEN_URL)
    assert_refused(caught.value, http, TOKEN_URL)
    assert session.access_token == "old"


def test_auto_refresh_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL)
    http.get(f"{AS}/api", json={})
    updates: list[dict[str, Any]] = []
    session = OAuth2Session(
        "cid",
        token={
            "access_token": "old",
            "refresh_token": "refresh-1",
            "token_type": "Bearer",
            "expires_at": time.time() - 10,
        },
        auto_refresh_url=TOKEN_URL,
        token_updater=updates.append,
        client_secret=SECRET,
    )
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.get(f"{AS}/api")
    assert_refused(caught.value, http, TOKEN_URL)
    assert updates == [] and session.access_token == "old"
    assert not requests_to(http, f"{AS}/api")


def test_auto_fetched_client_credentials_token_is_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    redirect(http, TOKEN_URL)
    session = OAuth2Session(
        client=BackendApplicationClient(client_id="cid"),
        token={"access_token": "old", "token_type": "Bearer", "expires_at": time.time() - 10},
        auto_refresh_url=TOKEN_URL,
        token_updater=lambda token: None,
        client_secret=SECRET,
    )
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.get(f"{AS}/api")
    assert_refused(caught.value, http, TOKEN_URL)


def test_revoke_and_introspect_are_not_redirected(http: requests_mock.Mocker) -> None:
    for name in ("revoke", "introspect"):
        redirect(http, f"{AS}/{name}")
    token = {"access_token": "at", "refresh_token": "refresh-1", "token_type": "Bearer"}
    session = OAuth2Session("cid", token=token, client_secret=SECRET)
    with pytest.raises(TokenEndpointRedirectError) as revoked:
        session.revoke_token(f"{AS}/revoke")
    assert_refused(revoked.value, http, f"{AS}/revoke")
    with pytest.raises(TokenEndpointRedirectError) as introspected:
        session.introspect_token(f"{AS}/introspect")
    assert_refused(introspected.value, http, f"{AS}/introspect")


def test_device_authorization_and_polling_are_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, f"{AS}/device")
    redirect(http, TOKEN_URL)
    session = OAuth2Session("cid", client_secret=SECRET)
    with pytest.raises(TokenEndpointRedirectError) as started:
        session.device_authorization(f"{AS}/device")
    assert_refused(started.value, http, f"{AS}/device")
    with pytest.raises(TokenEndpointRedirectError) as polled:
        session.poll_device_token(
            TOKEN_URL, device_code="dev-code", interval=1, expires_in=60, sleep=lambda _: None
        )
    assert_refused(polled.value, http, TOKEN_URL)
    assert not session.authorized


def test_jwt_bearer_grant_is_not_redirected(http: requests_mock.Mocker) -> None:
    redirect(http, TOKEN_URL)
    session = OAuth2Session("cid", client_secret=SECRET)
    with pytest.raises(TokenEndpointRedirectError) as caught:
        session.fetch_token_with_assertion("header.claims.signature", TOKEN_URL)
    assert_refused(caught.value, http, TOKEN_URL)


def test_relative_location_names_the_endpoint_origin(http: requests_mock.Mocker) -> None:
    http.post(TOKEN_URL, status_code=307, headers={"Location": "/v2/token?code=c0de"})
    http.post(f"{AS}/v2/token", json=EVIL_TOKEN)
    with pytest.raises(TokenEndpointRedirectError) as caught:
        OAuth2Session("cid").fetch_token(TOKEN_URL, code="c0de", client_secret=SECRET)
    assert not requests_to(http, f"{AS}/v2/token")
    assert "a redirect to https://as.example)" in str(caught.value)
    assert "c0de" not in str(caught.value)


def test_mocked_send_returning_a_magicmock_is_not_a_redirect() -> None:
    """Old test suites replace ``send`` with a function returning a ``MagicMock``: its
    ``is_redirect`` is truthy and its ``status_code`` is a mock, yet it is no redirect."""
    assert redirect_status(mock.MagicMock()) is None
    assert redirect_status(mock.Mock(spec=requests.Response)) is None
    session = OAuth2Session("cid", redirect_uri="https://app.example/cb")
    answer = mock.MagicMock(status_code=200, text=json.dumps(EVIL_TOKEN | {"access_token": "ok"}))
    assert answer.is_redirect
    sent: list[dict[str, Any]] = []

    def fake_send(request: requests.PreparedRequest, **kwargs: Any) -> Any:
        sent.append(kwargs)
        return answer

    session.send = fake_send  # type: ignore[method-assign]
    token = session.fetch_token(TOKEN_URL, code="c0de", client_secret=SECRET)
    assert token["access_token"] == "ok"
    assert sent[0]["allow_redirects"] is False


# -- OAuth1Session ------------------------------------------------------------------------------


def test_oauth1_request_and_access_token_calls_are_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    redirect(http, f"{AS}/request_token")
    redirect(http, f"{AS}/access_token")
    session = OAuth1Session("ck", client_secret=SECRET, callback_uri="https://app.example/cb")
    with pytest.raises(TokenRequestRedirected) as requested:
        session.fetch_request_token(f"{AS}/request_token")
    assert_refused(requested.value, http, f"{AS}/request_token")
    assert isinstance(requested.value, TokenRequestDenied)
    assert requested.value.status_code == 307
    session = OAuth1Session(
        "ck", client_secret=SECRET, resource_owner_key="rk", resource_owner_secret="rs"
    )
    with pytest.raises(TokenRequestDenied) as accessed:
        session.fetch_access_token(f"{AS}/access_token", verifier="v")
    assert_refused(accessed.value, http, f"{AS}/access_token")
    assert session.token["oauth_token"] == "rk"  # nothing from the redirect target installed


# -- generated clients (the provider runtime with the catalogue's specs) ----------------------


def test_generated_code_exchange_and_device_flow_are_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    github = catalogue_oauth2("github", redirect_uri="https://app.example/cb")
    token_url, device_url = github._endpoint("token"), github._endpoint("device")
    redirect(http, token_url)
    redirect(http, device_url)
    with pytest.raises(TokenEndpointRedirectError) as fetched:
        github._fetch_token(code="c0de")
    assert_refused(fetched.value, http, token_url)
    with pytest.raises(TokenEndpointRedirectError) as started:
        github._device_authorization(scopes=None)
    assert_refused(started.value, http, device_url)
    device = {
        "device_code": "dev-code",
        "user_code": "U",
        "verification_uri": "https://github.com/login/device",
        "expires_in": 60,
        "interval": 1,
    }
    with (
        mock.patch("runtime.core.polling.time.sleep"),
        pytest.raises(TokenEndpointRedirectError),
    ):
        github._poll_device_token(device)  # type: ignore[arg-type]
    assert len(requests_to(http, token_url)) == 2
    assert not requests_to(http, EVIL)
    assert github.token is None


def test_generated_refresh_renewal_and_revocation_are_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    token = {
        "access_token": "at",
        "refresh_token": "refresh-1",
        "token_type": "Bearer",
        "expires_at": time.time() - 10,
    }
    google = catalogue_oauth2("google", token=token)
    token_url, revoke_url = google._endpoint("token"), google._endpoint("revoke")
    redirect(http, token_url)
    redirect(http, revoke_url)
    with pytest.raises(TokenEndpointRedirectError) as refreshed:
        google._refresh()
    assert_refused(refreshed.value, http, token_url)
    http.get("https://www.googleapis.com/drive/v3/files", json={})
    with pytest.raises(TokenEndpointRedirectError):
        google.session.get("https://www.googleapis.com/drive/v3/files")
    assert not requests_to(http, "https://www.googleapis.com/drive/v3/files")
    with pytest.raises(TokenEndpointRedirectError) as revoked:
        google._revoke()
    assert_refused(revoked.value, http, revoke_url)
    assert (google.token or {})["access_token"] == "at"


def test_generated_exchange_and_token_authenticated_revocation_are_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    facebook = catalogue_oauth2(
        "facebook", token={"access_token": "short"}, variables={"api_version": "v22.0"}
    )
    token_url = facebook._endpoint("token")
    redirect(http, token_url, 302)
    with pytest.raises(TokenEndpointRedirectError) as exchanged:
        facebook._exchange("long_lived")
    assert_refused(exchanged.value, http, token_url)
    assert (facebook.token or {})["access_token"] == "short"
    twitter = catalogue_oauth1("twitter", token={"oauth_token": "t", "oauth_token_secret": "s"})
    revoke_url = twitter._endpoint("revoke", with_token=True)
    redirect(http, revoke_url)
    with pytest.raises(TokenRequestRedirected) as revoked:
        twitter._revoke()
    assert_refused(revoked.value, http, revoke_url)


def test_generated_oauth1_dance_is_not_redirected(http: requests_mock.Mocker) -> None:
    twitter = catalogue_oauth1("twitter", callback_uri="https://app.example/cb")
    request_url, access_url = twitter._endpoint("request_token"), twitter._endpoint("access_token")
    redirect(http, request_url)
    with pytest.raises(TokenRequestRedirected) as requested:
        twitter._fetch_request_token()
    assert_refused(requested.value, http, request_url)
    http.post(
        request_url,
        text="oauth_token=rt&oauth_token_secret=rs&oauth_callback_confirmed=true",
    )
    twitter._fetch_request_token()
    redirect(http, access_url)
    with pytest.raises(TokenRequestDenied):
        twitter._fetch_access_token(verifier="v")
    assert not requests_to(http, EVIL)
    assert len(requests_to(http, access_url)) == 1


def test_provider_client_credentials_password_and_introspection_are_not_redirected(
    http: requests_mock.Mocker,
) -> None:
    spec = inline_spec(
        "grants: [authorization_code, client_credentials]\n",
        endpoints=(
            "endpoints:\n  authorize: https://as.example/authorize\n"
            "  token: https://as.example/token\n  introspect: https://as.example/introspect\n"
        ),
    )
    provider = oauth2_class(spec)(client_id="cid", client_secret=SECRET)
    redirect(http, TOKEN_URL)
    redirect(http, f"{AS}/introspect")
    with pytest.raises(TokenEndpointRedirectError) as granted:
        provider._client_credentials(scopes=None)
    assert_refused(granted.value, http, TOKEN_URL)
    with pytest.raises(TokenEndpointRedirectError):
        provider._password(username="ann", password="hunter2", scopes=None)
    with pytest.raises(TokenEndpointRedirectError) as introspected:
        provider._introspect(token="at")
    assert_refused(introspected.value, http, f"{AS}/introspect")
    assert not requests_to(http, EVIL)


# -- two real servers on 127.0.0.1 (the ``servers`` fixture) ------------------------------


def test_real_servers_token_request_never_reaches_the_other_host(servers: StartServer) -> None:
    other, other_seen = servers(None)
    token_server, token_seen = servers(f"{other}/steal")
    session = OAuth2Session("cid", redirect_uri="http://127.0.0.1/cb")
    with pytest.raises(TokenEndpointRedirectError):
        session.fetch_token(f"{token_server}/token", code="c0de", client_secret=SECRET)
    renewing = OAuth2Session("cid", token={"access_token": "a", "refresh_token": "refresh-1"})
    with pytest.raises(TokenEndpointRedirectError):
        renewing.refresh_token(f"{token_server}/token")
    assert [seen.method for seen in token_seen] == ["POST", "POST"]
    assert b"c0de" in token_seen[0].body
    assert other_seen == []
    assert not session.authorized


def test_real_servers_oauth1_token_request_never_reaches_the_other_host(
    servers: StartServer,
) -> None:
    other, other_seen = servers(None)
    token_server, token_seen = servers(f"{other}/steal")
    session = OAuth1Session("ck", client_secret=SECRET, callback_uri="http://127.0.0.1/cb")
    with pytest.raises(TokenRequestRedirected):
        session.fetch_request_token(f"{token_server}/request_token")
    assert len(token_seen) == 1
    assert other_seen == []
