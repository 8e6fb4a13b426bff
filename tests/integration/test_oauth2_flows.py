"""OAuth 2 flows of ``runtime.OAuth2Session`` against a real authorization server.

The server is panva's oidc-provider (npm), started on 127.0.0.1 by the ``oidc_server`` fixture;
``HeadlessUser`` plays the resource owner in its dev login and consent pages. Every error
asserted here is produced by the server, not by the test.
"""

from __future__ import annotations

import base64
import os
import time
from typing import Any, cast
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient, TokenExpiredError
from oauthlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    MismatchingStateError,
)

from runtime import OAuth2Session, TokenUpdated
from runtime.errors import RefreshTokenSpentError
from tests.support.pkce import s256

from .harness import (
    HTTP_TIMEOUT,
    POST_CLIENT_ID,
    POST_CLIENT_SECRET,
    POST_REDIRECT_URI,
    PUBLIC_CLIENT_ID,
    PUBLIC_REDIRECT_URI,
    SERVICE_CLIENT_ID,
    SERVICE_CLIENT_SECRET,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
    HeadlessUser,
    RunningServer,
)

TokenDict = dict[str, Any]


# -- helpers ---------------------------------------------------------------------------------


class Recorder:
    """Compliance hook that keeps the token endpoint's responses (and so the requests sent)."""

    def __init__(self) -> None:
        self.responses: list[requests.Response] = []

    def __call__(self, response: requests.Response) -> requests.Response:
        self.responses.append(response)
        return response

    @property
    def last_request(self) -> requests.PreparedRequest:
        return self.responses[-1].request

    def last_body(self) -> dict[str, str]:
        body = self.last_request.body
        text = body.decode() if isinstance(body, bytes) else (body or "")
        return dict(parse_qsl(text))


def basic_credentials(request: requests.PreparedRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    assert scheme == "Basic", header
    client_id, _, secret = base64.b64decode(value).decode().partition(":")
    return client_id, secret




def introspect(
    server: RunningServer,
    token: str,
    client_id: str = WEB_CLIENT_ID,
    client_secret: str = WEB_CLIENT_SECRET,
) -> dict[str, Any]:
    """Ask the server (RFC 7662) what it thinks of ``token``."""
    response = requests.post(
        server.introspection_endpoint,
        data={"token": token},
        auth=(client_id, client_secret),
        timeout=HTTP_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


def userinfo_with(server: RunningServer, access_token: str) -> requests.Response:
    """Call the userinfo endpoint with a bare bearer token (no OAuth2Session involved)."""
    return requests.get(
        server.userinfo_endpoint,
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=HTTP_TIMEOUT,
    )


def web_app_login(
    server: RunningServer, user: HeadlessUser, **session_kwargs: Any
) -> tuple[OAuth2Session, TokenDict]:
    """Authorization code + PKCE for the confidential ``web-app`` client (Basic auth)."""
    session = OAuth2Session(
        WEB_CLIENT_ID,
        redirect_uri=WEB_REDIRECT_URI,
        scope=["openid"],
        pkce="S256",
        **session_kwargs,
    )
    url, _state = session.authorization_url(server.authorization_endpoint)
    callback = user.authorize(url, WEB_REDIRECT_URI)
    token = session.fetch_token(
        server.token_endpoint,
        authorization_response=callback,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )
    return session, token


def expired(token: TokenDict) -> TokenDict:
    return {**token, "expires_in": -30, "expires_at": time.time() - 30}


# -- discovery and transport -----------------------------------------------------------------


def test_discovery_document_names_the_issuer(issuer: str) -> None:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)

    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == issuer
    assert issuer.startswith("http://127.0.0.1:")
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
        assert metadata[endpoint].startswith(issuer + "/")
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
    } <= set(metadata["grant_types_supported"])
    assert {"client_secret_basic", "client_secret_post", "none"} <= set(
        metadata["token_endpoint_auth_methods_supported"]
    )


def test_authorization_url_allows_loopback_http(oidc_server: RunningServer) -> None:
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    session = OAuth2Session(WEB_CLIENT_ID, redirect_uri=WEB_REDIRECT_URI, scope=["openid"])

    url, state = session.authorization_url(oidc_server.authorization_endpoint)

    assert url.startswith(oidc_server.authorization_endpoint + "?")
    assert parse_qs(urlsplit(url).query)["state"] == [state]


# -- authorization code + PKCE ---------------------------------------------------------------


def test_confidential_client_code_flow_with_pkce(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    recorder = Recorder()
    session = OAuth2Session(
        WEB_CLIENT_ID, redirect_uri=WEB_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    session.register_compliance_hook("access_token_response", recorder)

    url, state = session.authorization_url(oidc_server.authorization_endpoint)
    query = parse_qs(urlsplit(url).query)
    assert session.code_verifier is not None
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == [s256(session.code_verifier)]
    assert query["state"] == [state]

    callback = user.authorize(url, WEB_REDIRECT_URI)
    callback_query = parse_qs(urlsplit(callback).query)
    assert callback_query["state"] == [state]
    assert callback_query["iss"] == [oidc_server.issuer]  # RFC 9207, set by the server

    token = session.fetch_token(
        oidc_server.token_endpoint,
        authorization_response=callback,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )

    # The client authenticated with HTTP Basic and sent the verifier, not the secret.
    sent = recorder.last_request
    assert basic_credentials(sent) == (WEB_CLIENT_ID, WEB_CLIENT_SECRET)
    body = recorder.last_body()
    assert body["grant_type"] == "authorization_code"
    assert body["code"] == callback_query["code"][0]
    assert body["code_verifier"] == session.code_verifier
    assert body["redirect_uri"] == WEB_REDIRECT_URI
    assert "client_secret" not in body

    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["expires_at"] == pytest.approx(time.time() + 3600, abs=30)
    assert token["scope"] == ["openid"]
    assert token["access_token"] and token["refresh_token"] and token["id_token"]
    assert session.authorized

    info = session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert info.request.headers["Authorization"] == f"Bearer {token['access_token']}"

    details = introspect(oidc_server, token["access_token"])
    assert details["active"] is True
    assert details["client_id"] == WEB_CLIENT_ID
    assert details["sub"] == user.login
    assert details["token_type"] == "Bearer"


def test_public_client_code_flow_with_pkce(oidc_server: RunningServer, user: HeadlessUser) -> None:
    recorder = Recorder()
    session = OAuth2Session(
        PUBLIC_CLIENT_ID, redirect_uri=PUBLIC_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    session.register_compliance_hook("access_token_response", recorder)
    url, state = session.authorization_url(oidc_server.authorization_endpoint)

    callback = user.authorize(url, PUBLIC_REDIRECT_URI)
    assert parse_qs(urlsplit(callback).query)["state"] == [state]
    token = session.fetch_token(
        oidc_server.token_endpoint, authorization_response=callback, timeout=HTTP_TIMEOUT
    )

    # A public client names itself in the body and sends no Authorization header at all.
    assert "Authorization" not in recorder.last_request.headers
    body = recorder.last_body()
    assert body["client_id"] == PUBLIC_CLIENT_ID
    assert body["code_verifier"] == session.code_verifier
    assert "client_secret" not in body

    assert token["token_type"] == "Bearer"
    assert token["access_token"] and token["refresh_token"]
    info = session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}


def test_public_client_without_pkce_is_refused_by_the_server(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session = OAuth2Session(PUBLIC_CLIENT_ID, redirect_uri=PUBLIC_REDIRECT_URI, scope=["openid"])
    url, state = session.authorization_url(oidc_server.authorization_endpoint)

    callback = user.authorize(url, PUBLIC_REDIRECT_URI)

    # oidc-provider requires PKCE for public clients and says so on the redirect.
    query = parse_qs(urlsplit(callback).query)
    assert query["error"] == ["invalid_request"]
    assert "PKCE" in query["error_description"][0]
    assert query["state"] == [state]
    assert "code" not in query


def test_callback_with_a_foreign_state_is_rejected(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session = OAuth2Session(
        WEB_CLIENT_ID, redirect_uri=WEB_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    url, state = session.authorization_url(oidc_server.authorization_endpoint)
    callback = user.authorize(url, WEB_REDIRECT_URI)
    forged = callback.replace(f"state={state}", "state=attacker-chosen")
    assert forged != callback

    with pytest.raises(MismatchingStateError):
        session.fetch_token(
            oidc_server.token_endpoint,
            authorization_response=forged,
            client_secret=WEB_CLIENT_SECRET,
            timeout=HTTP_TIMEOUT,
        )
    assert not session.authorized


def test_callback_finished_in_a_new_session_with_stored_state_and_verifier(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    """A web app keeps ``state`` and ``code_verifier`` between the two requests."""
    first = OAuth2Session(
        WEB_CLIENT_ID, redirect_uri=WEB_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    url, state = first.authorization_url(oidc_server.authorization_endpoint)
    verifier = first.code_verifier
    callback = user.authorize(url, WEB_REDIRECT_URI)

    second = OAuth2Session(
        WEB_CLIENT_ID,
        redirect_uri=WEB_REDIRECT_URI,
        scope=["openid"],
        pkce="S256",
        state=state,
        code_verifier=verifier,
    )
    token = second.fetch_token(
        oidc_server.token_endpoint,
        authorization_response=callback,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )

    assert introspect(oidc_server, token["access_token"])["active"] is True


def test_wrong_code_verifier_is_invalid_grant_from_the_server(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    first = OAuth2Session(
        WEB_CLIENT_ID, redirect_uri=WEB_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    url, state = first.authorization_url(oidc_server.authorization_endpoint)
    callback = user.authorize(url, WEB_REDIRECT_URI)
    wrong_verifier = "w" * 43
    assert wrong_verifier != first.code_verifier

    second = OAuth2Session(
        WEB_CLIENT_ID,
        redirect_uri=WEB_REDIRECT_URI,
        scope=["openid"],
        pkce="S256",
        state=state,
        code_verifier=wrong_verifier,
    )
    with pytest.raises(InvalidGrantError) as caught:
        second.fetch_token(
            oidc_server.token_endpoint,
            authorization_response=callback,
            client_secret=WEB_CLIENT_SECRET,
            timeout=HTTP_TIMEOUT,
        )

    error = caught.value
    assert error.status_code == 400
    assert error.error == "invalid_grant"
    assert error.response.json()["error"] == "invalid_grant"  # type: ignore[attr-defined]  # set by the runtime
    assert not second.authorized
    # oidc-provider checks PKCE before it consumes the code, so the same code with the right
    # verifier still works: the verifier, not the code, was what the server refused.
    token = first.fetch_token(
        oidc_server.token_endpoint,
        authorization_response=callback,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )
    assert introspect(oidc_server, token["access_token"])["active"] is True


def test_authorization_code_is_single_use(oidc_server: RunningServer, user: HeadlessUser) -> None:
    session, token = web_app_login(oidc_server, user)
    code = session._client.code  # what oauthlib parsed from the callback

    with pytest.raises(InvalidGrantError) as caught:
        session.fetch_token(
            oidc_server.token_endpoint,
            code=code,
            client_secret=WEB_CLIENT_SECRET,
            timeout=HTTP_TIMEOUT,
        )
    assert caught.value.status_code == 400
    # oidc-provider revokes what a replayed code issued (RFC 6749 section 4.1.2).
    assert introspect(oidc_server, token["access_token"])["active"] is False


# -- refresh tokens --------------------------------------------------------------------------


def test_refresh_rotates_and_the_server_rejects_the_old_refresh_token(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session, first = web_app_login(oidc_server, user)
    recorder = Recorder()
    session.register_compliance_hook("refresh_token_response", recorder)
    basic = requests.auth.HTTPBasicAuth(WEB_CLIENT_ID, WEB_CLIENT_SECRET)

    second = session.refresh_token(oidc_server.token_endpoint, auth=basic, timeout=HTTP_TIMEOUT)

    body = recorder.last_body()
    assert body["grant_type"] == "refresh_token"
    assert body["refresh_token"] == first["refresh_token"]
    assert basic_credentials(recorder.last_request) == (WEB_CLIENT_ID, WEB_CLIENT_SECRET)
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert session.token["refresh_token"] == second["refresh_token"]
    info = session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert introspect(oidc_server, first["refresh_token"])["active"] is False

    # The session that rotated it never sends the spent refresh token again...
    with pytest.raises(RefreshTokenSpentError):
        session.refresh_token(
            oidc_server.token_endpoint,
            refresh_token=first["refresh_token"],
            auth=basic,
            timeout=HTTP_TIMEOUT,
        )
    assert introspect(oidc_server, second["refresh_token"])["active"] is True  # nothing sent

    # ...which matters: a replay from a session that did not see the rotation is refused,
    with pytest.raises(InvalidGrantError) as caught:
        OAuth2Session(WEB_CLIENT_ID, token=dict(first)).refresh_token(
            oidc_server.token_endpoint,
            refresh_token=first["refresh_token"],
            auth=basic,
            timeout=HTTP_TIMEOUT,
        )
    assert caught.value.status_code == 400
    assert caught.value.error == "invalid_grant"
    assert session.token["access_token"] == second["access_token"]
    # and the server treats it as theft and revokes the whole grant.
    assert introspect(oidc_server, second["refresh_token"])["active"] is False
    assert userinfo_with(oidc_server, second["access_token"]).status_code == 401


def test_auto_refresh_of_an_expired_token_for_a_confidential_client(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    _, first = web_app_login(oidc_server, user)
    saved: list[TokenDict] = []
    session = OAuth2Session(
        WEB_CLIENT_ID,
        token=expired(first),
        auto_refresh_url=oidc_server.token_endpoint,
        token_updater=saved.append,
    )
    recorder = Recorder()
    session.register_compliance_hook("refresh_token_response", recorder)

    # client_id/client_secret make the refresh use Basic auth. (session.get(url, client_id=...,
    # client_secret=...) works too at runtime, but Session.get's type stub rejects them.)
    info = session.request(
        "GET",
        oidc_server.userinfo_endpoint,
        client_id=WEB_CLIENT_ID,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )

    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert len(saved) == 1
    new = saved[0]
    assert new["access_token"] != first["access_token"]
    assert new["refresh_token"] != first["refresh_token"]
    assert new["expires_at"] > time.time()
    assert info.request.headers["Authorization"] == f"Bearer {new['access_token']}"
    assert basic_credentials(recorder.last_request) == (WEB_CLIENT_ID, WEB_CLIENT_SECRET)
    assert "client_secret" not in recorder.last_body()
    assert session.token["access_token"] == new["access_token"]


def test_auto_refresh_without_token_updater_raises_token_updated(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    _, first = web_app_login(oidc_server, user)
    session = OAuth2Session(
        WEB_CLIENT_ID, token=expired(first), auto_refresh_url=oidc_server.token_endpoint
    )

    with pytest.raises(TokenUpdated) as caught:
        session.request(
            "GET",
            oidc_server.userinfo_endpoint,
            client_id=WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            timeout=HTTP_TIMEOUT,
        )

    new = caught.value.token
    assert new["refresh_token"] != first["refresh_token"]
    assert introspect(oidc_server, new["access_token"])["active"] is True
    assert session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT).status_code == 200


def test_auto_refresh_for_a_public_client(oidc_server: RunningServer, user: HeadlessUser) -> None:
    login = OAuth2Session(
        PUBLIC_CLIENT_ID, redirect_uri=PUBLIC_REDIRECT_URI, scope=["openid"], pkce="S256"
    )
    url, _ = login.authorization_url(oidc_server.authorization_endpoint)
    first = login.fetch_token(
        oidc_server.token_endpoint,
        authorization_response=user.authorize(url, PUBLIC_REDIRECT_URI),
        timeout=HTTP_TIMEOUT,
    )
    saved: list[TokenDict] = []
    session = OAuth2Session(
        PUBLIC_CLIENT_ID,
        token=expired(first),
        auto_refresh_url=oidc_server.token_endpoint,
        # refresh_token() does not add client_id by itself (as in requests-oauthlib).
        auto_refresh_kwargs={"client_id": PUBLIC_CLIENT_ID},
        token_updater=saved.append,
    )

    info = session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT)

    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert [token["refresh_token"] != first["refresh_token"] for token in saved] == [True]


def test_access_token_expired_on_the_server(
    two_second_token_server: RunningServer, user: HeadlessUser
) -> None:
    """With a 2 s access-token lifetime the server itself stops accepting the token."""
    server = two_second_token_server
    _, first = web_app_login(server, user)
    assert first["expires_in"] == 2
    time.sleep(3.1)

    # The server's verdict, without any client-side expiry check.
    stale = userinfo_with(server, first["access_token"])
    assert stale.status_code == 401
    assert "invalid_token" in stale.headers["WWW-Authenticate"]

    # Without auto refresh the session notices the expiry before sending anything.
    plain = OAuth2Session(WEB_CLIENT_ID, token=first)
    with pytest.raises(TokenExpiredError):
        plain.get(server.userinfo_endpoint, timeout=HTTP_TIMEOUT)

    saved: list[TokenDict] = []
    session = OAuth2Session(
        WEB_CLIENT_ID,
        token=first,
        auto_refresh_url=server.token_endpoint,
        token_updater=saved.append,
    )
    info = session.request(
        "GET",
        server.userinfo_endpoint,
        client_id=WEB_CLIENT_ID,
        client_secret=WEB_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert len(saved) == 1
    assert saved[0]["expires_in"] == 2


# -- client authentication at the token endpoint ---------------------------------------------


def test_client_credentials_with_basic_auth(oidc_server: RunningServer) -> None:
    recorder = Recorder()
    session = OAuth2Session(client=BackendApplicationClient(SERVICE_CLIENT_ID))
    session.register_compliance_hook("access_token_response", recorder)

    token = session.fetch_token(
        oidc_server.token_endpoint,
        client_secret=SERVICE_CLIENT_SECRET,
        scope="api:read",
        timeout=HTTP_TIMEOUT,
    )

    assert basic_credentials(recorder.last_request) == (SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET)
    assert recorder.last_body() == {"grant_type": "client_credentials", "scope": "api:read"}
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == ["api:read"]
    assert "refresh_token" not in token
    details = introspect(
        oidc_server, token["access_token"], SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET
    )
    assert details["active"] is True
    assert details["client_id"] == SERVICE_CLIENT_ID
    assert details["scope"] == "api:read"
    assert "sub" not in details  # no end-user behind a client credentials token


def test_client_credentials_with_a_wrong_secret_is_invalid_client(
    oidc_server: RunningServer,
) -> None:
    session = OAuth2Session(client=BackendApplicationClient(SERVICE_CLIENT_ID))

    with pytest.raises(InvalidClientError) as caught:
        session.fetch_token(
            oidc_server.token_endpoint, client_secret="not-the-secret", timeout=HTTP_TIMEOUT
        )

    assert caught.value.status_code == 401
    assert not session.authorized


def test_client_secret_post_for_client_credentials(oidc_server: RunningServer) -> None:
    recorder = Recorder()
    session = OAuth2Session(client=BackendApplicationClient(POST_CLIENT_ID))
    session.register_compliance_hook("access_token_response", recorder)

    token = session.fetch_token(
        oidc_server.token_endpoint,
        include_client_id=True,
        client_secret=POST_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )

    assert "Authorization" not in recorder.last_request.headers
    assert recorder.last_body() == {
        "grant_type": "client_credentials",
        "client_id": POST_CLIENT_ID,
        "client_secret": POST_CLIENT_SECRET,
    }
    details = introspect(oidc_server, token["access_token"], POST_CLIENT_ID, POST_CLIENT_SECRET)
    assert details["active"] is True
    assert details["client_id"] == POST_CLIENT_ID


def test_client_secret_post_code_flow_and_auto_refresh(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    recorder = Recorder()
    saved: list[TokenDict] = []
    session = OAuth2Session(
        POST_CLIENT_ID,
        redirect_uri=POST_REDIRECT_URI,
        scope=["openid"],
        pkce="S256",
        auto_refresh_url=oidc_server.token_endpoint,
        auto_refresh_kwargs={"client_id": POST_CLIENT_ID, "client_secret": POST_CLIENT_SECRET},
        token_updater=saved.append,
    )
    session.register_compliance_hook("access_token_response", recorder)
    session.register_compliance_hook("refresh_token_response", recorder)
    url, _ = session.authorization_url(oidc_server.authorization_endpoint)

    first = session.fetch_token(
        oidc_server.token_endpoint,
        authorization_response=user.authorize(url, POST_REDIRECT_URI),
        include_client_id=True,
        client_secret=POST_CLIENT_SECRET,
        timeout=HTTP_TIMEOUT,
    )
    assert "Authorization" not in recorder.last_request.headers
    assert recorder.last_body()["client_secret"] == POST_CLIENT_SECRET
    assert recorder.last_body()["client_id"] == POST_CLIENT_ID

    session.token = expired(first)
    info = session.get(oidc_server.userinfo_endpoint, timeout=HTTP_TIMEOUT)

    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert len(recorder.responses) == 2
    assert "Authorization" not in recorder.last_request.headers
    assert recorder.last_body()["grant_type"] == "refresh_token"
    assert recorder.last_body()["client_secret"] == POST_CLIENT_SECRET
    assert len(saved) == 1
    assert saved[0]["refresh_token"] != first["refresh_token"]
