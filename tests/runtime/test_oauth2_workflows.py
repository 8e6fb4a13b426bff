"""The OAuth 2 workflows of the requests-oauthlib documentation, run against ``runtime``.

Each test is the documented snippet almost verbatim: only ``from requests_oauthlib import X``
became ``from runtime import X``, the interactive ``raw_input``/``input`` step became the
redirect URL a fake browser produces, and the provider is mocked with requests-mock. The tests
assert on what went over the wire (token endpoint form, client authentication, bearer header)
and on what came back (token dict, ``authorized``, ``access_token``).

Covered: the four grants (web application / authorization code, mobile / implicit, legacy /
password, backend / client credentials with both client authentication styles), the three
refresh styles, the ``OAuth2`` auth helper, and a hostile ``.netrc`` that must never leak.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import requests_mock
from oauthlib.oauth2 import (
    BackendApplicationClient,
    LegacyApplicationClient,
    MobileApplicationClient,
    TokenExpiredError,
)
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError, MismatchingStateError
from requests.auth import HTTPBasicAuth

from runtime import OAuth2, OAuth2Session, TokenUpdated
from runtime.errors import TokenEndpointRedirectError
from tests.runtime.wire import (
    SentRequest,
    authorization_header,
    basic_credentials,
    query_of,
    requests_to,
    sent_form,
)

# -- helpers ------------------------------------------------------------------------------


def browser_consents(authorization_url: str, redirect_uri: str, code: str) -> str:
    """What the user pastes back: the provider's redirect to ``redirect_uri`` with a code."""
    state = query_of(authorization_url)["state"]
    return f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"


def token_json(**fields: Any) -> dict[str, Any]:
    return {"token_type": "Bearer", "expires_in": 3600, **fields}


# -- Web Application Flow (authorization code grant), the Google example --------------------

GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN = "https://accounts.google.com/o/oauth2/token"
GOOGLE_USERINFO = "https://www.googleapis.com/oauth2/v1/userinfo"


def test_web_application_flow(http: requests_mock.Mocker) -> None:
    http.post(
        GOOGLE_TOKEN,
        json=token_json(
            access_token="ya29.access",
            refresh_token="1//refresh",
            scope="https://www.googleapis.com/auth/userinfo.profile "
            "https://www.googleapis.com/auth/userinfo.email",
        ),
    )
    http.get(GOOGLE_USERINFO, json={"email": "user@example.com"})

    # 1. Obtain credentials from your OAuth provider manually.
    client_id = r"your_client_id"
    client_secret = r"your_client_secret"
    redirect_uri = "https://your.callback/uri"

    # 2. User authorization through redirection.
    scope = [
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
    ]
    oauth = OAuth2Session(client_id, redirect_uri=redirect_uri, scope=scope)
    authorization_url, state = oauth.authorization_url(
        "https://accounts.google.com/o/oauth2/auth",
        # access_type and approval_prompt are Google specific extra
        # parameters.
        access_type="offline",
        approval_prompt="force",
    )
    assert authorization_url.startswith(GOOGLE_AUTH + "?")
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scope),
        "state": state,
        "access_type": "offline",
        "approval_prompt": "force",
    }
    assert oauth.token == {}
    # raw_input('Enter the full callback URL') -> the URL Google redirects the browser to.
    authorization_response = browser_consents(authorization_url, redirect_uri, code="4/auth-code")

    # 3. Fetch an access token.
    token = oauth.fetch_token(
        "https://accounts.google.com/o/oauth2/token",
        authorization_response=authorization_response,
        # Google specific extra parameter used for client
        # authentication
        client_secret=client_secret,
    )
    (token_request,) = requests_to(http, GOOGLE_TOKEN)
    assert token_request.method == "POST"
    assert sent_form(token_request) == {
        "grant_type": "authorization_code",
        "code": "4/auth-code",
        "redirect_uri": redirect_uri,
    }
    # A confidential client authenticates with HTTP Basic (requests-oauthlib's choice).
    assert basic_credentials(token_request) == (client_id, client_secret)
    assert token_request.headers["Accept"] == "application/json"
    assert token["access_token"] == "ya29.access"
    assert token["refresh_token"] == "1//refresh"
    assert token["token_type"] == "Bearer"
    assert sorted(token["scope"]) == sorted(scope)  # same scopes, another order: no warning
    assert oauth.authorized
    assert oauth.access_token == "ya29.access"
    assert oauth.token == token

    # 4. Access protected resources.
    r = oauth.get("https://www.googleapis.com/oauth2/v1/userinfo")
    assert r.json() == {"email": "user@example.com"}
    (userinfo_request,) = requests_to(http, GOOGLE_USERINFO)
    assert authorization_header(userinfo_request) == "Bearer ya29.access"


def test_web_application_flow_rejects_a_forged_state(http: requests_mock.Mocker) -> None:
    """CSRF: a callback whose state is not the one we issued never reaches the token endpoint."""
    http.post(GOOGLE_TOKEN, json=token_json(access_token="stolen"))
    oauth = OAuth2Session("your_client_id", redirect_uri="https://your.callback/uri")
    oauth.authorization_url(GOOGLE_AUTH)
    forged = "https://your.callback/uri?code=attacker-code&state=attacker-state"
    with pytest.raises(MismatchingStateError):
        oauth.fetch_token(GOOGLE_TOKEN, authorization_response=forged, client_secret="s")
    assert not http.called
    assert not oauth.authorized


def test_web_application_flow_reports_a_denied_consent(http: requests_mock.Mocker) -> None:
    oauth = OAuth2Session("your_client_id", redirect_uri="https://your.callback/uri")
    _, state = oauth.authorization_url(GOOGLE_AUTH)
    denied = f"https://your.callback/uri?error=access_denied&state={state}"
    with pytest.raises(AccessDeniedError):
        oauth.fetch_token(GOOGLE_TOKEN, authorization_response=denied, client_secret="s")
    assert not http.called


# -- Mobile Application Flow (implicit grant) ------------------------------------------------

MOBILE_AUTH = "https://your.oauth2/auth"
MOBILE_CALLBACK = "https://your.app/callback"  # registered with the provider
MOBILE_API = "https://your.oauth2/api/me"


def register_implicit_provider(
    http: requests_mock.Mocker, fragment: Callable[[dict[str, str]], dict[str, str]]
) -> None:
    """The provider answers the authorization GET with a redirect carrying the token."""

    def authorize(request: SentRequest, context: Any) -> str:
        context.status_code = 302
        context.headers["Location"] = (
            f"{MOBILE_CALLBACK}#{urlencode(fragment(query_of(request.url)))}"
        )
        return ""

    http.get(MOBILE_AUTH, text=authorize)
    http.get(MOBILE_CALLBACK, text="<html>app page</html>")


def test_mobile_application_flow(http: requests_mock.Mocker) -> None:
    register_implicit_provider(
        http,
        lambda query: {
            "access_token": "implicit-token",
            "token_type": "Bearer",
            "expires_in": "3600",
            "scope": query["scope"],
            "state": query["state"],
        },
    )
    http.get(MOBILE_API, json={"id": 1})

    # 1. You will need the following settings.
    client_id = "your_client_id"
    scopes = ["scope_1", "scope_2"]
    auth_url = "https://your.oauth2/auth"

    # 2. Get the authorization_url
    oauth = OAuth2Session(client=MobileApplicationClient(client_id=client_id), scope=scopes)
    authorization_url, state = oauth.authorization_url(auth_url)
    assert query_of(authorization_url) == {
        "response_type": "token",
        "client_id": client_id,
        "scope": "scope_1 scope_2",
        "state": state,
    }

    # 3. Fetch an access token from the provider.
    response = oauth.get(authorization_url)
    assert response.url.startswith(MOBILE_CALLBACK + "#")
    token = oauth.token_from_fragment(response.url)

    assert token["access_token"] == "implicit-token"
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == scopes
    assert oauth.authorized
    assert oauth.access_token == "implicit-token"
    # Nothing was sent to a token endpoint, and no credentials rode on the browser requests.
    assert [r.method for r in http.request_history] == ["GET", "GET"]
    assert all(authorization_header(r) is None for r in http.request_history)

    oauth.get(MOBILE_API)
    assert authorization_header(requests_to(http, MOBILE_API)[0]) == "Bearer implicit-token"


@pytest.mark.parametrize(
    "returned_state",
    [pytest.param("attacker-state", id="forged-state"), pytest.param(None, id="missing-state")],
)
def test_mobile_application_flow_checks_state(
    http: requests_mock.Mocker, returned_state: str | None
) -> None:
    def fragment(query: dict[str, str]) -> dict[str, str]:
        params = {"access_token": "injected-token", "token_type": "Bearer"}
        if returned_state is not None:
            params["state"] = returned_state
        return params

    register_implicit_provider(http, fragment)
    oauth = OAuth2Session(client=MobileApplicationClient(client_id="your_client_id"))
    authorization_url, _ = oauth.authorization_url(MOBILE_AUTH)
    response = oauth.get(authorization_url)
    # oauthlib raises a plain ValueError here (MismatchingStateError is for the code grant);
    # requests-oauthlib code catches ValueError, so that is what must come out.
    with pytest.raises(ValueError, match="state"):
        oauth.token_from_fragment(response.url)
    assert not oauth.authorized
    assert oauth.token == {}


def test_mobile_application_flow_with_a_loopback_redirect(http: requests_mock.Mocker) -> None:
    """A native app's ``http://127.0.0.1`` redirect (RFC 8252) needs no insecure transport."""
    http.get(MOBILE_API, json={"id": 1})
    oauth = OAuth2Session(
        client=MobileApplicationClient(client_id="your_client_id"),
        redirect_uri="http://127.0.0.1:8765/cb",
    )
    authorization_url, state = oauth.authorization_url(MOBILE_AUTH)
    assert query_of(authorization_url)["redirect_uri"] == "http://127.0.0.1:8765/cb"
    fragment = urlencode({"access_token": "loopback-token", "token_type": "Bearer", "state": state})
    token = oauth.token_from_fragment(f"http://127.0.0.1:8765/cb#{fragment}")
    assert token["access_token"] == "loopback-token"
    oauth.get(MOBILE_API)
    assert authorization_header(http.request_history[0]) == "Bearer loopback-token"


# -- Legacy Application Flow (resource owner password credentials grant) --------------------

LEGACY_TOKEN = "https://somesite.com/oauth2/token"


def test_legacy_application_flow(http: requests_mock.Mocker) -> None:
    http.post(LEGACY_TOKEN, json=token_json(access_token="pw-token", refresh_token="pw-refresh"))

    # 1. You will need the following settings.
    client_id = "your_client_id"
    client_secret = "your_client_secret"
    username = "your_username"
    password = "your_password"

    # 2. Fetch an access token from the provider.
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id=client_id))
    token = oauth.fetch_token(
        token_url="https://somesite.com/oauth2/token",
        username=username,
        password=password,
        client_id=client_id,
        client_secret=client_secret,
    )

    (token_request,) = requests_to(http, LEGACY_TOKEN)
    assert sent_form(token_request) == {
        "grant_type": "password",
        "username": username,
        "password": password,
    }
    assert basic_credentials(token_request) == (client_id, client_secret)
    assert token["access_token"] == "pw-token"
    assert token["refresh_token"] == "pw-refresh"
    assert oauth.authorized
    assert oauth.access_token == "pw-token"


def test_legacy_application_flow_without_client_secret(http: requests_mock.Mocker) -> None:
    """A public client: "client_secret is optional depending on the provider".

    requests-oauthlib sends ``Authorization: Basic base64("your_client_id:")`` here; the
    runtime identifies the public client with ``client_id`` in the body instead (RFC 6749
    §3.2.1 / §4.3.2), and sends no Authorization header.
    """
    http.post(LEGACY_TOKEN, json=token_json(access_token="pw-token"))
    client_id = "your_client_id"
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id=client_id))
    token = oauth.fetch_token(
        token_url="https://somesite.com/oauth2/token",
        username="your_username",
        password="your_password",
        client_id=client_id,
    )
    (token_request,) = requests_to(http, LEGACY_TOKEN)
    assert sent_form(token_request) == {
        "grant_type": "password",
        "username": "your_username",
        "password": "your_password",
        "client_id": client_id,
    }
    assert authorization_header(token_request) is None
    assert token["access_token"] == "pw-token"


def test_legacy_application_flow_requires_username_and_password() -> None:
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id="your_client_id"))
    with pytest.raises(ValueError, match="username"):
        oauth.fetch_token(LEGACY_TOKEN, password="your_password")
    with pytest.raises(ValueError, match="password"):
        oauth.fetch_token(LEGACY_TOKEN, username="your_username")


# -- Backend Application Flow (client credentials grant) ------------------------------------

BACKEND_TOKEN = "https://provider.com/oauth2/token"
BACKEND_API = "https://provider.com/api/things"


def test_backend_application_flow(http: requests_mock.Mocker) -> None:
    http.post(BACKEND_TOKEN, json=token_json(access_token="cc-token"))
    http.get(BACKEND_API, json=[])

    client_id = "your_client_id"
    client_secret = "your_client_secret"

    client = BackendApplicationClient(client_id=client_id)
    oauth = OAuth2Session(client=client)
    token = oauth.fetch_token(
        token_url="https://provider.com/oauth2/token",
        client_id=client_id,
        client_secret=client_secret,
    )

    (token_request,) = requests_to(http, BACKEND_TOKEN)
    assert sent_form(token_request) == {"grant_type": "client_credentials"}
    assert basic_credentials(token_request) == (client_id, client_secret)
    assert token["access_token"] == "cc-token"
    assert "refresh_token" not in token
    assert oauth.authorized

    oauth.get(BACKEND_API)
    assert authorization_header(requests_to(http, BACKEND_API)[0]) == "Bearer cc-token"


def test_backend_application_flow_with_http_basic_auth(http: requests_mock.Mocker) -> None:
    http.post(BACKEND_TOKEN, json=token_json(access_token="cc-token"))

    client_id = "your_client_id"
    client_secret = "your_client_secret"

    # If your provider requires that you pass auth credentials in a Basic Auth header:
    auth = HTTPBasicAuth(client_id, client_secret)
    client = BackendApplicationClient(client_id=client_id)
    oauth = OAuth2Session(client=client)
    token = oauth.fetch_token(token_url="https://provider.com/oauth2/token", auth=auth)

    (token_request,) = requests_to(http, BACKEND_TOKEN)
    assert sent_form(token_request) == {"grant_type": "client_credentials"}
    assert basic_credentials(token_request) == (client_id, client_secret)
    assert token["access_token"] == "cc-token"
    assert oauth.access_token == "cc-token"
    assert oauth.authorized


# -- Refreshing tokens ---------------------------------------------------------------------

REFRESH_URL = "https://provider.com/token"
PROTECTED_URL = "https://provider.com/secret"


@pytest.fixture
def provider(http: requests_mock.Mocker) -> requests_mock.Mocker:
    """A token endpoint that issues ``new-access-token`` (no new refresh token, like Google)."""
    http.post(REFRESH_URL, json=token_json(access_token="new-access-token"))
    http.get(PROTECTED_URL, json={"secret": 42})
    return http


@pytest.fixture
def token() -> dict[str, Any]:
    """(ALL) the expired token from the docs."""
    return {
        "access_token": "eswfld123kjhn1v5423",
        "refresh_token": "asdfkljh23490sdf",
        "token_type": "Bearer",
        "expires_in": "-30",  # initially 3600, need to be updated by you
    }


CLIENT_ID = r"foo"
# most providers will ask you for extra credentials to be passed along
# when refreshing tokens, usually for authentication purposes.
EXTRA = {
    "client_id": CLIENT_ID,
    "client_secret": r"potato",
}
EXPECTED_REFRESH_FORM = {
    "grant_type": "refresh_token",
    "refresh_token": "asdfkljh23490sdf",
    "client_id": "foo",
    "client_secret": "potato",
}


def assert_refreshed(token: dict[str, Any]) -> None:
    assert token["access_token"] == "new-access-token"
    # The provider sent no new refresh token, so the old one is kept.
    assert token["refresh_token"] == "asdfkljh23490sdf"
    assert token["expires_in"] == 3600


def test_refresh_manually_on_token_expired_error(
    provider: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    client_id = CLIENT_ID
    refresh_url = "https://provider.com/token"
    protected_url = "https://provider.com/secret"
    # Annotated: with dict[str, str], mypy rejects **extra (it could fill ``headers=``).
    extra: dict[str, Any] = dict(EXTRA)
    saved: list[dict[str, Any]] = []

    def token_saver(token: dict[str, Any]) -> None:
        saved.append(token)

    expired_error: TokenExpiredError | None = None

    # (First) Define Try-Catch TokenExpiredError on each request
    try:
        client = OAuth2Session(client_id, token=token)
        r = client.get(protected_url)
    except TokenExpiredError as e:
        expired_error = e
        # Nothing was sent with the expired token.
        assert not provider.called
        token = client.refresh_token(refresh_url, **extra)
        token_saver(token)
    client = OAuth2Session(client_id, token=token)
    r = client.get(protected_url)

    assert expired_error is not None
    refresh_request, protected_request = provider.request_history
    assert (refresh_request.method, refresh_request.url) == ("POST", REFRESH_URL)
    assert sent_form(refresh_request) == EXPECTED_REFRESH_FORM
    assert authorization_header(refresh_request) is None
    assert saved == [token]
    assert_refreshed(token)
    assert authorization_header(protected_request) == "Bearer new-access-token"
    assert r.json() == {"secret": 42}
    assert client.authorized


def test_refresh_automatically_with_token_updated(
    provider: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    client_id = CLIENT_ID
    refresh_url = "https://provider.com/token"
    protected_url = "https://provider.com/secret"
    extra = dict(EXTRA)
    saved: list[dict[str, Any]] = []

    def token_saver(token: dict[str, Any]) -> None:
        saved.append(token)

    # (Second) Define automatic token refresh automatic but update manually
    try:
        client = OAuth2Session(
            client_id, token=token, auto_refresh_kwargs=extra, auto_refresh_url=refresh_url
        )
        r = client.get(protected_url)
    except TokenUpdated as e:
        token_saver(e.token)

    (new_token,) = saved
    assert_refreshed(new_token)
    (refresh_request,) = provider.request_history
    assert (refresh_request.method, refresh_request.url) == ("POST", REFRESH_URL)
    assert sent_form(refresh_request) == EXPECTED_REFRESH_FORM
    assert authorization_header(refresh_request) is None
    # As upstream: the original request is not sent, but the session holds the new token,
    # so the caller's retry goes out with it.
    assert requests_to(provider, PROTECTED_URL) == []
    assert client.token == new_token
    assert client.access_token == "new-access-token"
    assert client.authorized
    r = client.get(protected_url)
    assert r.json() == {"secret": 42}
    (protected_request,) = requests_to(provider, PROTECTED_URL)
    assert authorization_header(protected_request) == "Bearer new-access-token"
    assert len(requests_to(provider, REFRESH_URL)) == 1


def test_refresh_automatically_with_token_updater(
    provider: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    client_id = CLIENT_ID
    refresh_url = "https://provider.com/token"
    protected_url = "https://provider.com/secret"
    extra = dict(EXTRA)
    saved: list[dict[str, Any]] = []

    def token_saver(token: dict[str, Any]) -> None:
        saved.append(token)

    # (Third, Recommended) Define automatic token refresh and update
    client = OAuth2Session(
        client_id,
        token=token,
        auto_refresh_url=refresh_url,
        auto_refresh_kwargs=extra,
        token_updater=token_saver,
    )
    r = client.get(protected_url)

    (new_token,) = saved
    assert_refreshed(new_token)
    refresh_request, protected_request = provider.request_history
    assert (refresh_request.method, refresh_request.url) == ("POST", REFRESH_URL)
    assert sent_form(refresh_request) == EXPECTED_REFRESH_FORM
    assert authorization_header(refresh_request) is None
    # The original request IS sent, after the refresh, with the new token.
    assert (protected_request.method, protected_request.url) == ("GET", PROTECTED_URL)
    assert authorization_header(protected_request) == "Bearer new-access-token"
    assert r.json() == {"secret": 42}
    assert client.token == new_token
    # The token is now valid: the next request does not refresh again.
    client.get(protected_url)
    assert len(requests_to(provider, REFRESH_URL)) == 1


def test_auto_refresh_does_not_leak_request_arguments_into_the_refresh(
    provider: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    """requests-oauthlib form-encodes ``params``/``json``/``stream`` into the refresh body."""
    provider.post(PROTECTED_URL, json={"ok": True})
    client = OAuth2Session(
        CLIENT_ID,
        token=token,
        auto_refresh_url=REFRESH_URL,
        auto_refresh_kwargs=dict(EXTRA),
        token_updater=lambda token: None,
    )
    client.post(PROTECTED_URL, params={"page": "2"}, json={"name": "x"}, timeout=5)
    refresh_request, protected_request = provider.request_history
    assert sent_form(refresh_request) == EXPECTED_REFRESH_FORM
    assert query_of(protected_request.url) == {"page": "2"}
    assert protected_request.json() == {"name": "x"}
    assert authorization_header(protected_request) == "Bearer new-access-token"


def test_expired_token_without_auto_refresh_url_raises(
    provider: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    client = OAuth2Session(CLIENT_ID, token=token, token_updater=lambda token: None)
    with pytest.raises(TokenExpiredError):
        client.get(PROTECTED_URL)
    assert not provider.called


# -- the OAuth2 auth helper ----------------------------------------------------------------


def test_oauth2_auth_helper(http: requests_mock.Mocker) -> None:
    http.get(PROTECTED_URL, json={"secret": 42})
    client_id = "your_client_id"
    token = {"access_token": "helper-token", "token_type": "Bearer", "expires_in": 3600}

    r = requests.get("https://provider.com/secret", auth=OAuth2(client_id, token=token))

    assert r.json() == {"secret": 42}
    (protected_request,) = http.request_history
    assert authorization_header(protected_request) == "Bearer helper-token"


def test_oauth2_auth_helper_with_a_backend_client(http: requests_mock.Mocker) -> None:
    http.post(PROTECTED_URL, json={"ok": True})
    token = {"access_token": "helper-token", "token_type": "Bearer"}
    auth = OAuth2(client=BackendApplicationClient(client_id="your_client_id"), token=token)
    requests.post(PROTECTED_URL, data={"a": "1"}, auth=auth)
    (protected_request,) = http.request_history
    assert authorization_header(protected_request) == "Bearer helper-token"
    assert protected_request.text == "a=1"


def test_oauth2_auth_helper_refuses_an_expired_token(
    http: requests_mock.Mocker, token: dict[str, Any]
) -> None:
    http.get(PROTECTED_URL, json={})
    with pytest.raises(TokenExpiredError):
        requests.get(PROTECTED_URL, auth=OAuth2("your_client_id", token=token))
    assert not http.called


# -- a hostile .netrc is never used ----------------------------------------------------------

NETRC_USER = "netrc-user"
NETRC_PASSWORD = "netrc-password"
NETRC_HOSTS = ("provider.com", "your.oauth2", "your.app", "accounts.google.com")

PUBLIC_CLIENT_ID = "public-client"
APP_CALLBACK = "https://your.app/callback"


@pytest.fixture
def hostile_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``.netrc`` (in ``$HOME`` and ``$NETRC``) with credentials for every mocked host."""
    entries = [
        f"machine {host} login {NETRC_USER} password {NETRC_PASSWORD}" for host in NETRC_HOSTS
    ]
    entries.append(f"default login {NETRC_USER} password {NETRC_PASSWORD}")
    netrc = tmp_path / ".netrc"
    netrc.write_text("\n".join(entries) + "\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    return netrc


def test_hostile_netrc_is_live(hostile_netrc: Path, http: requests_mock.Mocker) -> None:
    """Control: a plain requests session does pick up the .netrc, so the tests below bite."""
    http.get(PROTECTED_URL, json={})
    requests.Session().get(PROTECTED_URL)
    assert basic_credentials(http.request_history[0]) == (NETRC_USER, NETRC_PASSWORD)


def _code_grant_public_client(http: requests_mock.Mocker) -> None:
    http.post(BACKEND_TOKEN, json=token_json(access_token="public-token"))
    oauth = OAuth2Session(PUBLIC_CLIENT_ID, redirect_uri=APP_CALLBACK)
    authorization_url, _ = oauth.authorization_url("https://provider.com/authorize")
    oauth.fetch_token(
        BACKEND_TOKEN,
        authorization_response=browser_consents(authorization_url, APP_CALLBACK, code="c0de"),
    )
    (token_request,) = http.request_history
    assert sent_form(token_request) == {
        "grant_type": "authorization_code",
        "code": "c0de",
        "redirect_uri": APP_CALLBACK,
        "client_id": PUBLIC_CLIENT_ID,
    }
    assert authorization_header(token_request) is None
    assert oauth.access_token == "public-token"


def _password_grant_public_client(http: requests_mock.Mocker) -> None:
    http.post(BACKEND_TOKEN, json=token_json(access_token="public-token"))
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id=PUBLIC_CLIENT_ID))
    oauth.fetch_token(BACKEND_TOKEN, username="alice", password="wonderland")
    (token_request,) = http.request_history
    assert sent_form(token_request)["client_id"] == PUBLIC_CLIENT_ID
    assert authorization_header(token_request) is None


def _client_credentials_in_body(http: requests_mock.Mocker) -> None:
    http.post(BACKEND_TOKEN, json=token_json(access_token="cc-token"))
    oauth = OAuth2Session(client=BackendApplicationClient(client_id=PUBLIC_CLIENT_ID))
    oauth.fetch_token(BACKEND_TOKEN, include_client_id=True, client_secret="body-secret")
    (token_request,) = http.request_history
    assert sent_form(token_request) == {
        "grant_type": "client_credentials",
        "client_id": PUBLIC_CLIENT_ID,
        "client_secret": "body-secret",
    }
    assert authorization_header(token_request) is None


def _token_request_across_same_host_redirect(http: requests_mock.Mocker) -> None:
    http.post(
        BACKEND_TOKEN,
        status_code=307,
        headers={"Location": "https://provider.com/oauth2/token/v2"},
    )
    http.post("https://provider.com/oauth2/token/v2", json=token_json(access_token="moved"))
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id=PUBLIC_CLIENT_ID))
    # Token requests are never redirected, not even on the same host.
    with pytest.raises(TokenEndpointRedirectError):
        oauth.fetch_token(BACKEND_TOKEN, username="alice", password="wonderland")
    (first,) = http.request_history
    assert authorization_header(first) is None
    assert not oauth.authorized


def _public_refresh(http: requests_mock.Mocker) -> None:
    http.post(REFRESH_URL, json=token_json(access_token="refreshed"))
    oauth = OAuth2Session(
        PUBLIC_CLIENT_ID,
        token={"access_token": "old", "refresh_token": "r", "token_type": "Bearer"},
    )
    oauth.refresh_token(REFRESH_URL)
    (refresh_request,) = http.request_history
    assert sent_form(refresh_request)["grant_type"] == "refresh_token"
    assert authorization_header(refresh_request) is None


def _implicit_browser_requests(http: requests_mock.Mocker) -> None:
    register_implicit_provider(
        http,
        lambda query: {"access_token": "t", "token_type": "Bearer", "state": query["state"]},
    )
    oauth = OAuth2Session(client=MobileApplicationClient(client_id=PUBLIC_CLIENT_ID))
    authorization_url, _ = oauth.authorization_url(MOBILE_AUTH)
    oauth.token_from_fragment(oauth.get(authorization_url).url)
    assert [authorization_header(r) for r in http.request_history] == [None, None]
    assert oauth.access_token == "t"


def _protected_request(http: requests_mock.Mocker) -> None:
    http.get(PROTECTED_URL, json={})
    oauth = OAuth2Session(PUBLIC_CLIENT_ID, token={"access_token": "at", "token_type": "Bearer"})
    oauth.get(PROTECTED_URL)
    assert authorization_header(http.request_history[0]) == "Bearer at"


def _protected_request_across_same_host_redirect(http: requests_mock.Mocker) -> None:
    http.get(PROTECTED_URL, status_code=302, headers={"Location": "/secret/v2"})
    http.get("https://provider.com/secret/v2", json={})
    oauth = OAuth2Session(PUBLIC_CLIENT_ID, token={"access_token": "at", "token_type": "Bearer"})
    oauth.get(PROTECTED_URL)
    first, second = http.request_history
    assert second.url == "https://provider.com/secret/v2"
    # Same host: the bearer token is kept, and .netrc does not replace it.
    assert authorization_header(first) == "Bearer at"
    assert authorization_header(second) == "Bearer at"


def _protected_request_after_auto_refresh(http: requests_mock.Mocker) -> None:
    http.post(REFRESH_URL, json=token_json(access_token="refreshed"))
    http.get(PROTECTED_URL, json={})
    oauth = OAuth2Session(
        PUBLIC_CLIENT_ID,
        token={
            "access_token": "old",
            "refresh_token": "r",
            "token_type": "Bearer",
            "expires_in": "-30",
        },
        auto_refresh_url=REFRESH_URL,
        token_updater=lambda token: None,
    )
    oauth.get(PROTECTED_URL)
    refresh_request, protected_request = http.request_history
    assert authorization_header(refresh_request) is None
    assert authorization_header(protected_request) == "Bearer refreshed"


def _oauth2_auth_helper(http: requests_mock.Mocker) -> None:
    http.get(PROTECTED_URL, json={})
    requests.get(PROTECTED_URL, auth=OAuth2(PUBLIC_CLIENT_ID, token={"access_token": "at"}))
    assert authorization_header(http.request_history[0]) == "Bearer at"


@pytest.mark.parametrize(
    "scenario",
    [
        _code_grant_public_client,
        _password_grant_public_client,
        _client_credentials_in_body,
        _token_request_across_same_host_redirect,
        _public_refresh,
        _implicit_browser_requests,
        _protected_request,
        _protected_request_across_same_host_redirect,
        _protected_request_after_auto_refresh,
        _oauth2_auth_helper,
    ],
    ids=lambda scenario: scenario.__name__.strip("_"),
)
def test_hostile_netrc_is_never_sent(
    hostile_netrc: Path,
    http: requests_mock.Mocker,
    scenario: Callable[[requests_mock.Mocker], None],
) -> None:
    scenario(http)
    assert http.called
    for request in http.request_history:
        assert basic_credentials(request) is None, f"Basic credentials sent to {request.url}"
        assert NETRC_PASSWORD not in json.dumps(dict(request.headers))
        assert NETRC_PASSWORD not in (request.text or "")
