"""The runtime's modern features against a real authorization server (panva's oidc-provider).

Discovery, the device flow, revocation, introspection, JWT client authentication, the loopback
redirect receiver, client-credentials re-fetch and the 401 retry. Every token, answer and error
asserted here comes from the server started by the fixtures; ``HeadlessUser`` plays the user.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import jwt
import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient
from oauthlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientError,
    InvalidGrantError,
)
from oauthlib.oauth2.rfc8628.errors import AccessDenied, ExpiredTokenError

from runtime import OAuth2Session
from runtime.client_auth import ClientCredentials
from runtime.discovery import DiscoveryError
from runtime.errors import IssuerMismatchError
from runtime.jwt_assertions import CLIENT_ASSERTION_TYPE
from runtime.loopback import authorize_with_loopback

from .harness import (
    DEVICE_CLIENT_ID,
    HTTP_TIMEOUT,
    JWT_CLIENT_REDIRECT_URI,
    KEY_JWT_CLIENT_ID,
    POST_CLIENT_ID,
    POST_CLIENT_SECRET,
    POST_REDIRECT_URI,
    PUBLIC_CLIENT_ID,
    SECRET_JWT_CLIENT_ID,
    SECRET_JWT_CLIENT_SECRET,
    SERVICE_CLIENT_ID,
    SERVICE_CLIENT_SECRET,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
    ClientKey,
    HeadlessUser,
    RunningServer,
    generate_client_key,
)
from .test_oauth2_flows import Recorder, basic_credentials, expired, introspect, userinfo_with

TokenDict = dict[str, Any]
DEVICE_POLL_INTERVAL = 1  # oidc-provider sends no interval (RFC default 5 s) and allows faster


# -- helpers ---------------------------------------------------------------------------------


def issuer_login(
    server: RunningServer,
    user: HeadlessUser,
    client_id: str = WEB_CLIENT_ID,
    client_secret: str = WEB_CLIENT_SECRET,
    redirect_uri: str = WEB_REDIRECT_URI,
    **session_kwargs: Any,
) -> tuple[OAuth2Session, TokenDict]:
    """Authorization code + PKCE for a confidential client configured by ``from_issuer``."""
    session = OAuth2Session.from_issuer(
        server.issuer,
        client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        scope=["openid"],
        **session_kwargs,
    )
    url, _state = session.authorization_url()
    token = session.fetch_token(authorization_response=user.authorize(url, redirect_uri))
    return session, token


@dataclass
class TokenEndpointWatch:
    """A ``requests`` response hook: what the token endpoint answered, in order.

    ``on_first`` runs (once) in the polling thread right after the first answer arrived.
    """

    token_endpoint: str
    on_first: Callable[[], None] | None = None
    answers: list[tuple[int, str | None]] = field(default_factory=list)

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if urlsplit(response.url).path != urlsplit(self.token_endpoint).path:
            return
        try:
            error = response.json().get("error")
        except ValueError:
            error = None
        self.answers.append((response.status_code, error))
        if len(self.answers) == 1 and self.on_first is not None:
            self.on_first()


class Background:
    """Run the user's part in a thread; re-raise its failure in the test's thread on join."""

    def __init__(self, action: Callable[[], str]) -> None:
        self.page: str | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(action,), daemon=True)

    def _run(self, action: Callable[[], str]) -> None:
        try:
            self.page = action()
        except BaseException as error:  # reported by join()
            self.error = error

    def start(self) -> None:
        self._thread.start()

    def join(self) -> str:
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the user's side did not finish"
        if self.error is not None:
            raise self.error
        assert self.page is not None
        return self.page


def device_session(server: RunningServer) -> OAuth2Session:
    """A public device-flow client configured from the server's metadata."""
    session = OAuth2Session.from_issuer(server.issuer, DEVICE_CLIENT_ID, scope=["openid"])
    assert session.token_endpoint_auth_method == "none"
    return session


def assertion_claims(body: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (unverified) header and claims of the client assertion in a token request body."""
    assert body["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    assertion = body["client_assertion"]
    header = jwt.get_unverified_header(assertion)
    claims = jwt.decode(assertion, options={"verify_signature": False})
    return header, claims


# -- discovery -------------------------------------------------------------------------------


def web_app_from_issuer(server: RunningServer) -> OAuth2Session:
    return OAuth2Session.from_issuer(
        server.issuer,
        WEB_CLIENT_ID,
        client_secret=WEB_CLIENT_SECRET,
        redirect_uri=WEB_REDIRECT_URI,
        scope=["openid"],
    )


def test_from_issuer_runs_the_code_flow_on_metadata_endpoints(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session = web_app_from_issuer(oidc_server)
    recorder = Recorder()
    session.register_compliance_hook("access_token_response", recorder)
    session.register_compliance_hook("refresh_token_response", recorder)

    assert session.metadata is not None
    assert session.metadata.issuer == oidc_server.issuer
    assert session.auto_refresh_url == oidc_server.token_endpoint
    assert session.token_endpoint_auth_method == "client_secret_basic"

    # No URL arguments anywhere below: every endpoint comes from the discovery document.
    url, state = session.authorization_url()
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(oidc_server.authorization_endpoint + "?")
    assert query["code_challenge_method"] == ["S256"]  # the server advertises only S256
    assert query["state"] == [state]

    token = session.fetch_token(authorization_response=user.authorize(url, WEB_REDIRECT_URI))

    assert recorder.last_request.url == oidc_server.token_endpoint
    assert basic_credentials(recorder.last_request) == (WEB_CLIENT_ID, WEB_CLIENT_SECRET)
    assert recorder.last_body()["code_verifier"] == session.code_verifier
    info = session.get(oidc_server.userinfo_endpoint)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert session.introspect_token()["active"] is True

    refreshed = session.refresh_token()
    assert recorder.last_body()["grant_type"] == "refresh_token"
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert introspect(oidc_server, refreshed["access_token"])["active"] is True


def test_from_issuer_checks_the_iss_of_the_servers_authorization_response(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    """RFC 9207: oidc-provider advertises and sends ``iss``; a response without it, or naming
    another issuer, is refused before the code is spent, and the real one still works."""

    session = web_app_from_issuer(oidc_server)
    assert session.metadata is not None
    assert session.metadata.authorization_response_iss_parameter_supported is True
    url, _ = session.authorization_url()
    callback = user.authorize(url, WEB_REDIRECT_URI)
    parts = urlsplit(callback)
    params = parse_qs(parts.query)
    assert params["iss"] == [oidc_server.issuer]

    def with_iss(*iss: str) -> str:
        others = [f"{name}={quote(value[0], safe='')}" for name, value in params.items()]
        kept = [pair for pair in others if not pair.startswith("iss=")]
        query = "&".join([*kept, *(f"iss={quote(value, safe='')}" for value in iss)])
        return parts._replace(query=query).geturl()

    for forged in (with_iss(), with_iss("https://attacker.example")):
        with pytest.raises(IssuerMismatchError):
            session.fetch_token(authorization_response=forged)
    token = session.fetch_token(authorization_response=callback)  # the code was not spent
    assert token["access_token"]


def test_from_issuer_refuses_metadata_naming_another_issuer(oidc_server: RunningServer) -> None:
    # Same server, reached under another name: its document says http://127.0.0.1:<port>.
    wrong = oidc_server.issuer.replace("127.0.0.1", "localhost")
    assert wrong != oidc_server.issuer

    with pytest.raises(DiscoveryError) as caught:
        OAuth2Session.from_issuer(wrong, WEB_CLIENT_ID, client_secret=WEB_CLIENT_SECRET)

    message = str(caught.value)
    assert "does not match the expected issuer" in message
    assert repr(oidc_server.issuer) in message
    assert repr(wrong) in message
    assert caught.value.urls_tried == (f"{wrong}/.well-known/openid-configuration",)


# -- device flow (RFC 8628) ------------------------------------------------------------------


def test_device_flow_end_to_end(oidc_server: RunningServer, user: HeadlessUser) -> None:
    session = device_session(oidc_server)
    device = session.device_authorization()
    assert device["verification_uri"].startswith(oidc_server.issuer + "/")
    assert device["user_code"] and device["device_code"]
    assert device["expires_in"] == 600

    approval = Background(
        lambda: user.approve_device(device["verification_uri"], device["user_code"])
    )
    watch = TokenEndpointWatch(oidc_server.token_endpoint, on_first=approval.start)
    session.hooks["response"].append(watch)

    token = session.poll_device_token(device=device, interval=DEVICE_POLL_INTERVAL)

    assert "Sign-in Success" in approval.join()
    # The user approved only after the server had answered the first poll "pending".
    assert watch.answers[0] == (400, "authorization_pending")
    assert watch.answers[-1] == (200, None)
    assert token["access_token"] and token["refresh_token"]
    assert session.token["access_token"] == token["access_token"]
    info = session.get(oidc_server.userinfo_endpoint)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}


def test_device_flow_user_denies(oidc_server: RunningServer, user: HeadlessUser) -> None:
    session = device_session(oidc_server)
    device = session.device_authorization()
    denial = Background(lambda: user.deny_device(device["verification_uri"], device["user_code"]))
    watch = TokenEndpointWatch(oidc_server.token_endpoint, on_first=denial.start)
    session.hooks["response"].append(watch)

    with pytest.raises(AccessDenied) as caught:
        session.poll_device_token(device=device, interval=DEVICE_POLL_INTERVAL)

    assert "The Sign-in request was interrupted" in denial.join()
    error = caught.value
    assert isinstance(error, AccessDeniedError)  # RFC 6749's class too
    assert error.error == "access_denied"
    assert error.description == "End-User aborted interaction"
    assert error.status_code == 400
    assert watch.answers[0] == (400, "authorization_pending")
    assert watch.answers[-1] == (400, "access_denied")
    assert not session.authorized


def test_device_code_runs_out_while_polling(short_device_code_server: RunningServer) -> None:
    server = short_device_code_server
    session = device_session(server)
    device = session.device_authorization()
    assert device["expires_in"] == 2
    watch = TokenEndpointWatch(server.token_endpoint)
    session.hooks["response"].append(watch)
    started = time.monotonic()

    with pytest.raises(ExpiredTokenError):
        session.poll_device_token(device=device, interval=DEVICE_POLL_INTERVAL)

    # Nobody approved; the client stopped at the code's expiry instead of polling on.
    assert time.monotonic() - started < 2 + 4 * DEVICE_POLL_INTERVAL
    assert watch.answers and set(watch.answers) <= {
        (400, "authorization_pending"),
        (400, "expired_token"),
    }
    assert not session.authorized


def test_device_code_expired_on_the_server(short_device_code_server: RunningServer) -> None:
    """The client keeps polling past the code's life (expires_in overridden): the server's
    own ``expired_token`` answer ends it."""
    server = short_device_code_server
    session = device_session(server)
    device = session.device_authorization()
    watch = TokenEndpointWatch(server.token_endpoint)
    session.hooks["response"].append(watch)

    with pytest.raises(ExpiredTokenError) as caught:
        session.poll_device_token(device=device, interval=DEVICE_POLL_INTERVAL, expires_in=30)

    assert caught.value.error == "expired_token"
    assert caught.value.status_code == 400
    assert caught.value.description == "device code is expired"
    assert watch.answers[0] == (400, "authorization_pending")
    assert watch.answers[-1] == (400, "expired_token")


# -- revocation and introspection ------------------------------------------------------------


def test_introspection_of_a_live_access_token(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session, token = issuer_login(oidc_server, user)

    details = session.introspect_token()

    assert details["active"] is True
    assert details["client_id"] == WEB_CLIENT_ID
    assert details["sub"] == user.login
    assert details["token_type"] == "Bearer"
    assert "openid" in details["scope"].split()
    assert details["exp"] == pytest.approx(token["expires_at"], abs=5)
    refresh = session.introspect_token(
        token=token["refresh_token"], token_type_hint="refresh_token"
    )
    assert refresh["active"] is True
    assert refresh["client_id"] == WEB_CLIENT_ID


def test_revoked_refresh_token_cannot_refresh(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session, token = issuer_login(oidc_server, user)

    session.revoke_token()  # the session's refresh token, with token_type_hint=refresh_token
    assert session.token == {}  # a revoked token is forgotten by the session

    assert session.introspect_token(token=token["refresh_token"])["active"] is False
    with pytest.raises(InvalidGrantError) as caught:
        session.refresh_token(refresh_token=token["refresh_token"])
    assert caught.value.status_code == 400
    # oidc-provider revokes the whole grant with its refresh token: the access token too.
    assert session.introspect_token(token=token["access_token"])["active"] is False
    assert userinfo_with(oidc_server, token["access_token"]).status_code == 401


def test_revoked_access_token_is_inactive(oidc_server: RunningServer, user: HeadlessUser) -> None:
    session, token = issuer_login(oidc_server, user)
    assert session.introspect_token()["active"] is True

    session.revoke_token(token=token["access_token"], token_type_hint="access_token")

    assert session.token == {}
    assert session.introspect_token(token=token["access_token"]) == {"active": False}
    assert userinfo_with(oidc_server, token["access_token"]).status_code == 401
    # oidc-provider 9 also revokes the other tokens of the grant (the grant itself stays).
    assert session.introspect_token(token=token["refresh_token"])["active"] is False


# -- client authentication at the token endpoint ---------------------------------------------


@dataclass(frozen=True)
class AuthCase:
    method: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    uses_private_key: bool = False

    def credentials(self, key: ClientKey) -> ClientCredentials:
        if self.uses_private_key:
            return ClientCredentials(
                client_id=self.client_id, private_key=key.private_pem, key_id=key.kid
            )
        return ClientCredentials(client_id=self.client_id, client_secret=self.client_secret)


AUTH_CASES = {
    "client_secret_basic": AuthCase(
        "client_secret_basic", WEB_CLIENT_ID, WEB_CLIENT_SECRET, WEB_REDIRECT_URI
    ),
    "client_secret_post": AuthCase(
        "client_secret_post", POST_CLIENT_ID, POST_CLIENT_SECRET, POST_REDIRECT_URI
    ),
    "client_secret_jwt": AuthCase(
        "client_secret_jwt", SECRET_JWT_CLIENT_ID, SECRET_JWT_CLIENT_SECRET, JWT_CLIENT_REDIRECT_URI
    ),
    "private_key_jwt": AuthCase(
        "private_key_jwt", KEY_JWT_CLIENT_ID, None, JWT_CLIENT_REDIRECT_URI, uses_private_key=True
    ),
}
CLIENT_CREDENTIALS_CASES = {
    **AUTH_CASES,
    # web-app may not use client_credentials; the service client authenticates the same way.
    "client_secret_basic": AuthCase(
        "client_secret_basic", SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, ""
    ),
}


def check_client_auth_on_the_wire(
    case: AuthCase, request: requests.PreparedRequest, body: dict[str, str], endpoint: str
) -> None:
    """The request carried the case's client authentication, and no other."""
    if case.method == "client_secret_basic":
        assert basic_credentials(request) == (case.client_id, case.client_secret)
        assert not {"client_secret", "client_assertion"} & body.keys()
        return
    assert "Authorization" not in request.headers
    assert body["client_id"] == case.client_id
    if case.method == "client_secret_post":
        assert body["client_secret"] == case.client_secret
        assert "client_assertion" not in body
        return
    assert "client_secret" not in body
    header, claims = assertion_claims(body)
    assert header["alg"] == ("RS256" if case.uses_private_key else "HS256")
    assert claims["iss"] == claims["sub"] == case.client_id
    assert claims["aud"] == endpoint
    assert 0 < claims["exp"] - claims["iat"] <= 300


@pytest.mark.parametrize("method", list(CLIENT_CREDENTIALS_CASES))
def test_client_credentials_grant_with_each_client_auth_method(
    oidc_server: RunningServer, client_key: ClientKey, method: str
) -> None:
    case = CLIENT_CREDENTIALS_CASES[method]
    recorder = Recorder()
    session = OAuth2Session(
        client=BackendApplicationClient(case.client_id),
        client_credentials=case.credentials(client_key),
        token_endpoint_auth_method=method,
    )
    session.register_compliance_hook("access_token_response", recorder)

    token = session.fetch_token(oidc_server.token_endpoint, scope="api:read")

    check_client_auth_on_the_wire(
        case, recorder.last_request, recorder.last_body(), oidc_server.token_endpoint
    )
    assert recorder.last_body()["grant_type"] == "client_credentials"
    assert token["scope"] == ["api:read"]
    # The same client authentication (a fresh assertion, aud = this endpoint) works there too.
    details = session.introspect_token(oidc_server.introspection_endpoint)
    assert details["active"] is True
    assert details["client_id"] == case.client_id


@pytest.mark.parametrize("method", list(AUTH_CASES))
def test_code_flow_and_auto_refresh_with_each_client_auth_method(
    oidc_server: RunningServer, user: HeadlessUser, client_key: ClientKey, method: str
) -> None:
    case = AUTH_CASES[method]
    recorder = Recorder()
    saved: list[TokenDict] = []
    session = OAuth2Session(
        case.client_id,
        redirect_uri=case.redirect_uri,
        scope=["openid"],
        pkce="S256",
        auto_refresh_url=oidc_server.token_endpoint,
        token_updater=saved.append,
        client_credentials=case.credentials(client_key),
        token_endpoint_auth_method=method,
    )
    session.register_compliance_hook("access_token_response", recorder)
    session.register_compliance_hook("refresh_token_response", recorder)
    url, _ = session.authorization_url(oidc_server.authorization_endpoint)

    first = session.fetch_token(
        oidc_server.token_endpoint, authorization_response=user.authorize(url, case.redirect_uri)
    )
    check_client_auth_on_the_wire(
        case, recorder.last_request, recorder.last_body(), oidc_server.token_endpoint
    )

    session.token = expired(first)
    info = session.get(oidc_server.userinfo_endpoint)

    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert len(recorder.responses) == 2
    assert recorder.last_body()["grant_type"] == "refresh_token"
    check_client_auth_on_the_wire(
        case, recorder.last_request, recorder.last_body(), oidc_server.token_endpoint
    )
    assert [token["refresh_token"] != first["refresh_token"] for token in saved] == [True]


def test_private_key_jwt_signed_with_the_wrong_key_is_invalid_client(
    oidc_server: RunningServer, client_key: ClientKey
) -> None:
    impostor = generate_client_key(kid=client_key.kid)  # same kid, another key
    session = OAuth2Session(
        client=BackendApplicationClient(KEY_JWT_CLIENT_ID),
        client_credentials=ClientCredentials(
            client_id=KEY_JWT_CLIENT_ID, private_key=impostor.private_pem, key_id=impostor.kid
        ),
        token_endpoint_auth_method="private_key_jwt",
    )

    with pytest.raises(InvalidClientError) as caught:
        session.fetch_token(oidc_server.token_endpoint)

    assert caught.value.status_code == 401
    assert caught.value.error == "invalid_client"
    assert not session.authorized


def test_client_secret_jwt_keyed_with_the_wrong_secret_is_invalid_client(
    oidc_server: RunningServer,
) -> None:
    session = OAuth2Session(
        client=BackendApplicationClient(SECRET_JWT_CLIENT_ID),
        client_credentials=ClientCredentials(
            client_id=SECRET_JWT_CLIENT_ID, client_secret="x" * len(SECRET_JWT_CLIENT_SECRET)
        ),
        token_endpoint_auth_method="client_secret_jwt",
    )

    with pytest.raises(InvalidClientError) as caught:
        session.fetch_token(oidc_server.token_endpoint)

    assert caught.value.status_code == 401


# -- loopback redirect receiver (RFC 8252) ---------------------------------------------------


@dataclass
class LoopbackBrowser:
    """The "browser" ``authorize_with_loopback`` opens: the headless user signs in and
    consents, then the browser follows the server's redirect to the loopback receiver."""

    user: HeadlessUser
    session: OAuth2Session
    cancel: bool = False
    callbacks: list[str] = field(default_factory=list)
    pages: list[requests.Response] = field(default_factory=list)

    def __call__(self, url: str) -> None:
        redirect_uri = str(self.session.redirect_uri)
        if self.cancel:
            callback = self.user.cancel_authorization(url, redirect_uri)
        else:
            callback = self.user.authorize(url, redirect_uri)
        self.callbacks.append(callback)
        self.pages.append(requests.get(callback, timeout=HTTP_TIMEOUT))


def _port_is_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_loopback_receiver_completes_the_code_flow(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session = OAuth2Session(PUBLIC_CLIENT_ID, scope=["openid"], pkce="S256")
    browser = LoopbackBrowser(user, session)

    token = authorize_with_loopback(
        session,
        oidc_server.authorization_endpoint,
        oidc_server.token_endpoint,
        open_browser=browser,
        timeout=30,
    )

    redirect = urlsplit(str(session.redirect_uri))
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/callback")
    assert redirect.port is not None and redirect.port > 0
    [callback] = browser.callbacks
    assert callback.startswith(f"{session.redirect_uri}?code=")
    [page] = browser.pages
    assert page.status_code == 200
    assert "Authorization complete" in page.text
    assert token["access_token"] and token["refresh_token"]
    info = session.get(oidc_server.userinfo_endpoint)
    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    assert _port_is_closed(redirect.port)  # the receiver stopped listening


def test_loopback_receiver_reports_the_user_cancelling(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    session = OAuth2Session(PUBLIC_CLIENT_ID, scope=["openid"], pkce="S256")
    recorder = Recorder()
    session.register_compliance_hook("access_token_response", recorder)
    browser = LoopbackBrowser(user, session, cancel=True)

    with pytest.raises(AccessDeniedError) as caught:
        authorize_with_loopback(
            session,
            oidc_server.authorization_endpoint,
            oidc_server.token_endpoint,
            open_browser=browser,
            timeout=30,
        )

    assert caught.value.description == "End-User aborted interaction"
    [callback] = browser.callbacks
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    [page] = browser.pages
    assert page.status_code == 200
    assert "Authorization was not completed" in page.text
    assert "access_denied" in page.text
    assert recorder.responses == []  # the token endpoint was never called
    assert not session.authorized


# -- token lifecycle: client-credentials re-fetch and the 401 retry --------------------------


def test_client_credentials_token_is_fetched_anew_when_it_expires(
    two_second_token_server: RunningServer,
) -> None:
    server = two_second_token_server
    api = str(server.metadata["jwks_uri"])  # any URL on the server; the token is what matters
    saved: list[TokenDict] = []
    session = OAuth2Session(
        client=BackendApplicationClient(SERVICE_CLIENT_ID),
        client_secret=SERVICE_CLIENT_SECRET,
        auto_refresh_url=server.token_endpoint,
        token_updater=saved.append,
    )
    first = session.fetch_token(server.token_endpoint)
    assert first["expires_in"] == 2

    before = session.get(api)
    # The default 60 s leeway is clamped to half the 2 s lifetime: no refresh on first use.
    assert saved == []
    assert before.request.headers["Authorization"] == f"Bearer {first['access_token']}"
    time.sleep(2.1)
    details = introspect(server, first["access_token"], SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET)
    assert details == {"active": False}  # expired on the server

    after = session.get(api)

    assert after.status_code == 200
    [second] = saved
    assert second["access_token"] != first["access_token"]
    assert after.request.headers["Authorization"] == f"Bearer {second['access_token']}"
    details = introspect(server, second["access_token"], SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET)
    assert details["active"] is True
    assert details["client_id"] == SERVICE_CLIENT_ID


@dataclass
class CallLog:
    """A ``requests`` response hook that keeps (path, status) of every answer, in order."""

    calls: list[tuple[str, int]] = field(default_factory=list)

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls.append((urlsplit(response.url).path, response.status_code))


def test_401_with_a_revoked_grant_tries_one_refresh_and_raises(
    oidc_server: RunningServer, user: HeadlessUser
) -> None:
    """Revoking the access token revokes its refresh token too (oidc-provider): the 401 leads
    to exactly one refresh attempt, whose ``invalid_grant`` reaches the caller; no loop."""
    session, token = issuer_login(oidc_server, user)
    session.revoke_token(token=token["access_token"], token_type_hint="access_token")
    session.token = token  # as a worker that did not revoke it still holds it
    saved: list[TokenDict] = []
    session.token_updater = saved.append
    log = CallLog()
    session.hooks["response"].append(log)

    with pytest.raises(InvalidGrantError):
        session.get(oidc_server.userinfo_endpoint)

    userinfo = urlsplit(oidc_server.userinfo_endpoint).path
    token_path = urlsplit(oidc_server.token_endpoint).path
    assert log.calls == [(userinfo, 401), (token_path, 400)]
    assert saved == []
    assert session.token["access_token"] == token["access_token"]


def test_401_from_a_token_expired_on_the_server_refreshes_once_and_retries(
    two_second_token_server: RunningServer, user: HeadlessUser
) -> None:
    """The client believes the token is fresh (say, its clock is behind); the server does not."""
    server = two_second_token_server
    session, token = issuer_login(server, user, leeway=0)
    session.token = {**token, "expires_at": time.time() + 3600}
    time.sleep(2.1)
    assert userinfo_with(server, token["access_token"]).status_code == 401
    saved: list[TokenDict] = []
    session.token_updater = saved.append
    log = CallLog()
    session.hooks["response"].append(log)

    info = session.get(server.userinfo_endpoint)

    assert info.status_code == 200
    assert info.json() == {"sub": user.login}
    userinfo = urlsplit(server.userinfo_endpoint).path
    token_path = urlsplit(server.token_endpoint).path
    assert log.calls == [(userinfo, 401), (token_path, 200), (userinfo, 200)]
    assert len(saved) == 1
    assert info.request.headers["Authorization"] == f"Bearer {saved[0]['access_token']}"
