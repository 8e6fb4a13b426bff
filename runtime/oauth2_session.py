"""``OAuth2Session``: a ``requests.Session`` that runs OAuth 2 flows and signs requests.

The flows (authorization URL, callback, grants, refresh, device, revocation, introspection)
are here; carrying the token to API calls (attach, renewal, redirects, store) is
:class:`runtime.token_session.TokenSession`'s, which this class extends.

Interface-compatible with requests-oauthlib's ``OAuth2Session``; the differences are fixes:

* an explicit ``state=`` given to ``authorization_url`` is remembered and verified later, and a
  callback carrying a state the session cannot check is refused;
* the callback's parameters are decoded before they are checked; an OAuth parameter given
  twice is refused, and a session exchanges a callback's code once;
* the PKCE verifier is public (``code_verifier`` property and constructor argument) so a web
  app can carry it to the callback request, and ``pkce="plain"`` sends its challenge;
* assigning a token clears what the previous one left behind (access token, expiry);
* token-endpoint HTTP errors raise the matching oauthlib error with ``status_code`` and
  ``response`` instead of ``MissingTokenError``;
* request arguments (``params``, ``json``, ``stream``...) never leak into the refresh body;
* every refreshed token goes to ``token_updater``, an explicit ``refresh_token()`` included
  (``fetch_token`` returns its token without calling it, as upstream);
* compliance hooks run in registration order;
* plain HTTP is allowed for loopback hosts without ``OAUTHLIB_INSECURE_TRANSPORT``;
* tokens never reach logs, ``repr`` or the messages of network errors.

Beyond it (keyword-only constructor arguments, so old code is unaffected):

* ``client_secret`` / ``token_endpoint_auth_method`` / ``client_credentials``: client
  authentication from a registry (``runtime.client_auth``) used for every token-type request,
  auto refresh included (requests-oauthlib sends no credentials there);
* ``leeway`` and ``clock``: renew a token ``leeway`` seconds before it expires (at most half
  its lifetime, so a token shorter-lived than the leeway is renewed once per lifetime, not
  on every request), with expiry kept as an absolute ``expires_at`` computed when the token
  was received;
* single-flight renewal: threads that find the token expiring cause one refresh; with a
  ``token_store`` other processes (or machines) adopt its result instead of spending the
  rotating refresh token again;
* a 401 (or ``invalid_token``) on a renewable token: renew once, retry once;
* client-credentials tokens fetched anew when they expire;
* a default timeout on every request;
* the proxy and CA bundle variables are read from the environment once per session, at its
  first request, not for every request (``runtime._environment``; ``reload_environment()``
  reads them again, ``trust_env = False`` not at all);
* RFC 9207: with the issuer's ``metadata``, an authorization response whose ``iss`` names
  another issuer (or lacks it when the metadata says it is sent) is refused;
* device flow (RFC 8628), revocation (RFC 7009), introspection (RFC 7662), the JWT bearer
  grant (RFC 7523) and configuration from an issuer's metadata (``from_issuer``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Literal, cast

import requests
from oauthlib.common import generate_token, urldecode
from oauthlib.oauth2 import (
    BackendApplicationClient,
    Client,
    LegacyApplicationClient,
    MobileApplicationClient,
    WebApplicationClient,
)
from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from oauthlib.oauth2.rfc6749.parameters import parse_expires, validate_token_parameters
from oauthlib.oauth2.rfc6749.tokens import OAuth2Token
from oauthlib.oauth2.rfc6749.utils import list_to_scope, scope_to_list

from ._lifecycle import DEFAULT_LEEWAY, LifetimeError, lifetime
from ._redact import secret_safe_logger
from ._transport import require_secure_url, without_query
from .client_auth import ClientCredentials, apply_client_auth, choose_client_auth
from .core.answers import read_answer
from .core.authorization import authorization_params, authorization_url
from .core.callback import (
    OAUTH_RESPONSE_PARAMETERS,
    CallbackMode,
    callback_params,
    check_issuer,
    verify_state,
)
from .core.endpoints import (
    authorize_device,
    introspect,
    no_client_auth,
    revoke,
    token_request,
    token_to_revoke,
)
from .core.flow import exchange
from .core.http import Call, Response
from .core.pkce import check_verifier, code_challenge, new_secret
from .core.polling import poll_device_token
from .core.reading import status_of
from .device import DeviceAuthorization
from .errors import (
    CallbackReusedError,
    NoTokenError,
    PKCEMethodError,
    TokenResponseParseError,
    quote_server_words,
)
from .jwt_assertions import JWT_BEARER_GRANT_TYPE
from .token_session import (
    DEFAULT_TIMEOUT as DEFAULT_TIMEOUT,  # re-exported: older code imports it from here
)
from .token_session import (
    ComplianceHookType,
    Timeout,
    TokenDict,
    TokenSession,
    TokenSource,
    TokenUpdater,
)

if TYPE_CHECKING:
    from .discovery import ServerMetadata
    from .stores import TokenStore

log = secret_safe_logger(__name__)

PKCEMethod = Literal["S256", "plain"]
StateSource = str | Callable[[], str]

_TOKEN_REQUEST_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
}
_UNCHECKED_STATE_HINT = "pass state=<the value returned by authorization_url> to OAuth2Session"


class _AutoRefresh:
    """requests-oauthlib's renewal: the refresh token at ``auto_refresh_url``, or a new
    client-credentials token there when the session has no refresh token."""

    def __init__(self, session: OAuth2Session) -> None:
        self._session = session

    def can_renew(self) -> bool:
        session = self._session
        if not session.auto_refresh_url:
            return False
        return bool(session.token.get("refresh_token")) or isinstance(
            session._client, BackendApplicationClient
        )

    def renew(self, auth: Any, transport: Mapping[str, Any]) -> TokenDict:
        session = self._session
        url = str(session.auto_refresh_url)
        if session.token.get("refresh_token"):
            return session.refresh_token(url, auth=auth, **transport)
        token = session._request_token(
            url,
            code=None,
            body="",
            auth=auth,
            method="POST",
            force_querystring=False,
            headers=None,
            include_client_id=None,
            client_secret=None,
            transport=transport,
            **session._client_credentials_kwargs(),
        )
        session.install(token, notify=True)
        return token


class OAuth2Session(TokenSession):
    """OAuth 2 flows on a ``requests.Session``; see the module docstring for what differs."""

    # Without token_updater or store, an automatic renewal raises TokenUpdated (as upstream).
    _announce_renewal = True
    # Rarely given settings and rarely used state are class-level defaults until a session
    # sets them (see TokenSession).
    auto_refresh_url: str | None = None
    client_credentials: ClientCredentials | None = None
    token_endpoint_auth_method: str | None = None
    metadata: ServerMetadata | None = None
    _auto_refresh_kwargs: dict[str, Any] | None = None
    # SHA-256 digests of codes taken from authorization responses and sent to be exchanged.
    _exchanged_codes: set[bytes] | None = None
    _exchange_lock = threading.Lock()  # one for all sessions: claiming a code is rare

    def __init__(
        self,
        client_id: str | None = None,
        client: Client | None = None,
        auto_refresh_url: str | None = None,
        auto_refresh_kwargs: dict[str, Any] | None = None,
        scope: str | list[str] | tuple[str, ...] | set[str] | None = None,
        redirect_uri: str | None = None,
        token: TokenDict | None = None,
        state: StateSource | None = None,
        token_updater: TokenUpdater | None = None,
        pkce: PKCEMethod | None = None,
        *,
        code_verifier: str | None = None,
        client_secret: str | None = None,
        token_endpoint_auth_method: str | None = None,
        client_credentials: ClientCredentials | None = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Callable[[], float] = time.time,
        token_store: TokenStore | None = None,
        token_store_key: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        metadata: ServerMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            client or WebApplicationClient(client_id, token=token),  # type: ignore[arg-type]
            token=token,
            token_updater=token_updater,
            leeway=leeway,
            clock=clock,
            token_store=token_store,
            token_store_key=token_store_key or (client_id if token_store is not None else None),
            timeout=timeout,
            **kwargs,
        )
        self._scope = scope
        self.redirect_uri = redirect_uri
        self.state: StateSource = state or generate_token
        # Only a concrete string can be checked against a callback.
        self._state: str | None = state if isinstance(state, str) else None
        if auto_refresh_url is not None:
            self.auto_refresh_url = auto_refresh_url
        if auto_refresh_kwargs:
            self._auto_refresh_kwargs = auto_refresh_kwargs
        if pkce not in (None, "S256", "plain"):
            raise PKCEMethodError(f"pkce must be 'S256', 'plain' or None, not {pkce!r}")
        self._pkce: PKCEMethod | None = pkce
        self._code_verifier: str | None = None
        if code_verifier is not None:
            self.code_verifier = code_verifier
        if client_credentials is None and (client_secret is not None or token_endpoint_auth_method):
            client_credentials = ClientCredentials(
                client_id=self.client_id or "", client_secret=client_secret
            )
        if client_credentials is not None:
            self.client_credentials = client_credentials
        if token_endpoint_auth_method is not None:
            self.token_endpoint_auth_method = token_endpoint_auth_method
        if metadata is not None:
            self.metadata = metadata

    def _default_source(self) -> TokenSource:
        """requests-oauthlib's renewal, at ``auto_refresh_url``."""
        return _AutoRefresh(self)

    @property
    def auto_refresh_kwargs(self) -> dict[str, Any]:
        """Extra body parameters of every refresh request."""
        extras = self._auto_refresh_kwargs
        if extras is None:
            extras = self.__dict__.setdefault("_auto_refresh_kwargs", {})
        return extras

    @auto_refresh_kwargs.setter
    def auto_refresh_kwargs(self, extras: dict[str, Any]) -> None:
        self._auto_refresh_kwargs = extras

    @classmethod
    def from_issuer(
        cls,
        issuer: str,
        client_id: str,
        *,
        client_secret: str | None = None,
        client_credentials: ClientCredentials | None = None,
        discovery_session: requests.Session | None = None,
        **kwargs: Any,
    ) -> OAuth2Session:
        """A session configured from the issuer's RFC 8414 / OpenID Connect metadata.

        Sets the token endpoint (for refresh), PKCE S256 when the server supports it, and the
        strongest client authentication both sides can do. The metadata stays available as
        ``session.metadata``; endpoint arguments of the flow methods default to it.
        """
        from .discovery import discover

        metadata = discover(issuer, session=discovery_session)
        if client_credentials is None:
            client_credentials = ClientCredentials(client_id=client_id, client_secret=client_secret)
        kwargs.setdefault("auto_refresh_url", metadata.token_endpoint)
        if "pkce" not in kwargs and "S256" in (metadata.code_challenge_methods_supported or ()):
            kwargs["pkce"] = "S256"
        kwargs.setdefault(
            "token_endpoint_auth_method",
            choose_client_auth(metadata.token_endpoint_auth_methods_supported, client_credentials),
        )
        return cls(client_id, client_credentials=client_credentials, metadata=metadata, **kwargs)

    # -- state and PKCE -------------------------------------------------------------------

    def new_state(self) -> str:
        """Generate a fresh ``state`` (from the ``state`` callable or string) and remember it."""
        try:
            state = cast(Callable[[], str], self.state)()
        except TypeError:
            state = cast(str, self.state)
        self._state = state
        return state

    @property
    def code_verifier(self) -> str | None:
        """The PKCE verifier of the current authorization; store it to finish in another session."""
        return self._code_verifier

    @code_verifier.setter
    def code_verifier(self, value: str | None) -> None:
        self._code_verifier = None if value is None else check_verifier(value)

    # -- properties -----------------------------------------------------------------------

    @property
    def scope(self) -> Any:
        """The scope given to the session, else the client's."""
        if self._scope is not None:
            return self._scope
        return getattr(self._client, "scope", None)

    @scope.setter
    def scope(self, scope: Any) -> None:
        self._scope = scope

    # -- authorization --------------------------------------------------------------------

    def authorization_url(
        self, url: str | None = None, state: str | None = None, **kwargs: Any
    ) -> tuple[str, str]:
        """Build the URL to send the user to; returns ``(url, state)``.

        The state (given or generated) is remembered and checked by ``fetch_token`` and
        ``token_from_fragment``. With ``pkce`` a fresh verifier is created, kept in
        ``code_verifier``, and its challenge added. ``url`` defaults to the metadata's
        ``authorization_endpoint``.
        """
        url = self._endpoint(url, "authorization_endpoint")
        require_secure_url(url)
        state = state or self.new_state()
        self._state = state
        if self._pkce:
            verifier = new_secret()
            self._code_verifier = verifier
            kwargs["code_challenge_method"] = self._pkce
            kwargs["code_challenge"] = code_challenge(verifier, self._pkce)
        response_type = _OAUTHLIB_RESPONSE_TYPES.get(type(self._client).prepare_request_uri)
        if response_type is None:  # a client class of its own builds the URL itself
            return self._client_prepared_url(url, state, kwargs), state
        challenge = kwargs.pop("code_challenge", None)
        challenge_method = kwargs.pop("code_challenge_method", "plain")
        params = authorization_params(
            _text(self._client.client_id),
            response_type=response_type,
            redirect_uri=self.redirect_uri or None,
            scopes=[("scope", _text(list_to_scope(self.scope)))] if self.scope else (),
            state=state,
            challenge=None if challenge is None else (challenge, challenge_method),
        )
        # oauthlib's rule for the rest: every keyword argument whose value is truthy.
        params += [(str(name), _text(value)) for name, value in kwargs.items() if value]
        return authorization_url(url, params, style="form"), state

    def _client_prepared_url(self, url: str, state: str, kwargs: dict[str, Any]) -> str:
        loopback_http = url[:7].lower() == "http://"
        if loopback_http:  # oauthlib refuses http://; require_secure_url allowed loopback
            url = "https://" + url[7:]
        prepared: str = self._client.prepare_request_uri(
            url, redirect_uri=self.redirect_uri, scope=self.scope, state=state, **kwargs
        )
        return "http://" + prepared[8:] if loopback_http else prepared

    def _endpoint(self, given: str | None, metadata_field: str) -> str:
        """``given``, else the discovered endpoint, else a clear error."""
        if given:
            return given
        found = getattr(self.metadata, metadata_field, None) if self.metadata else None
        if not found:
            raise ValueError(
                f"no URL given and no {metadata_field} known: pass the URL or create the "
                f"session with OAuth2Session.from_issuer(...)"
            )
        return str(found)

    def _parse_authorization_response(self, authorization_response: str) -> dict[str, Any]:
        """Check the callback with the core's reader, then parse it with oauthlib.

        The core reads the parameters oauthlib will (the query, or the fragment for the
        implicit grant) decoded, so ``%73tate=`` is ``state``: an OAuth parameter given twice
        is refused, a state is verified whenever one is in play, and ``iss`` is checked
        against the discovered issuer. oauthlib's parse then builds the token and raises its
        own exception classes, as requests-oauthlib's callers expect.
        """
        implicit = isinstance(self._client, MobileApplicationClient)
        mode: CallbackMode = "fragment" if implicit else "query"
        require_secure_url(authorization_response)
        params = callback_params(authorization_response, mode, single=OAUTH_RESPONSE_PARAMETERS)
        expected = self._state
        verify_state(params, expected, unchecked_hint=_UNCHECKED_STATE_HINT)
        self._check_response_issuer(params)
        # oauthlib refuses http:// outright; a loopback callback (RFC 8252) is fine, and only
        # its query and fragment are read, so hand oauthlib the same URL under https.
        if authorization_response[:7].lower() == "http://":
            authorization_response = "https://" + authorization_response[7:]
        try:
            return self._client.parse_request_uri_response(authorization_response, state=expected)
        except OAuth2Error as error:
            if params.get("error") and error.error == params["error"]:
                # The error the server put on the redirect: its words quoted and bounded.
                quote_server_words(error, params.get("error_description"), params.get("error_uri"))
            raise

    def _check_response_issuer(self, params: Mapping[str, str]) -> None:
        """RFC 9207: with the issuer's metadata, ``iss`` must name that issuer (and must be
        there when the metadata says the server sends it)."""
        metadata = self.metadata
        if metadata is None:
            return
        check_issuer(
            params.get("iss"),
            expected=metadata.issuer,
            advertised=metadata.authorization_response_iss_parameter_supported,
        )

    def _claim_code(self, code: str) -> None:
        """Remember that this authorization response's code is being exchanged; a second
        exchange by this session is refused before it is sent."""
        digest = hashlib.sha256(code.encode()).digest()  # the code itself is not kept
        with self._exchange_lock:
            if self._exchanged_codes is None:
                self._exchanged_codes = set()
            if digest in self._exchanged_codes:
                raise CallbackReusedError(
                    description=(
                        "this session already exchanged the code of this authorization "
                        "response; an authorization code is used once (RFC 6749 §4.1.2)"
                    )
                )
            self._exchanged_codes.add(digest)

    def token_from_fragment(self, authorization_response: str) -> TokenDict:
        """Implicit grant: read the token from the callback URL's fragment."""
        self._parse_authorization_response(authorization_response)
        self.token = self._client.token
        return self.token

    # -- token endpoint -------------------------------------------------------------------

    def fetch_token(
        self,
        token_url: str | None = None,
        code: str | None = None,
        authorization_response: str | None = None,
        body: str = "",
        auth: Any = None,
        username: str | None = None,
        password: str | None = None,
        method: str = "POST",
        force_querystring: bool = False,
        timeout: Any = None,
        headers: dict[str, str] | None = None,
        verify: Any = None,
        proxies: dict[str, str] | None = None,
        include_client_id: bool | None = None,
        client_secret: str | None = None,
        cert: Any = None,
        **kwargs: Any,
    ) -> TokenDict:
        """Exchange a grant for a token at ``token_url`` (authorization code, password, client
        credentials, or whatever the session's oauthlib client implements).

        Client authentication: ``auth`` wins; then a ``client_secret`` argument (HTTP Basic, or
        the body with ``include_client_id=True``) as in requests-oauthlib; then the session's
        ``client_credentials`` with its ``token_endpoint_auth_method``; a public client sends
        its ``client_id`` in the body (never ``Basic base64("client_id:")``). Errors raise the
        matching oauthlib ``OAuth2Error`` carrying ``status_code`` and ``response``; the session
        is left without a token.
        """
        token_url = self._endpoint(token_url, "token_endpoint")
        require_secure_url(token_url)
        callback_code: str | None = None
        if not code and authorization_response:
            self._parse_authorization_response(authorization_response)
            code = callback_code = self._client.code
        elif not code and isinstance(self._client, WebApplicationClient):
            code = callback_code = self._client.code
            if not code:
                raise ValueError("Please supply either code or authorization_response parameters.")

        if isinstance(self._client, WebApplicationClient):
            if self._pkce and self._code_verifier is None:
                raise ValueError(
                    "PKCE is enabled but this session has no code_verifier: keep "
                    "session.code_verifier from the authorization_url call and pass it as "
                    "OAuth2Session(..., code_verifier=...)"
                )
            if self._code_verifier is not None:
                kwargs["code_verifier"] = self._code_verifier
        if isinstance(self._client, LegacyApplicationClient):
            if username is None:
                raise ValueError(
                    "`LegacyApplicationClient` requires both the "
                    "`username` and `password` parameters."
                )
            if password is None:
                raise ValueError("The required parameter `password` was not supplied.")
        if username is not None:
            kwargs["username"] = username
        if password is not None:
            kwargs["password"] = password
        if (
            isinstance(self._client, (BackendApplicationClient, LegacyApplicationClient))
            and "scope" not in kwargs
            and self.scope
        ):
            kwargs["scope"] = self.scope  # these grants take the scope at the token endpoint

        if callback_code:
            self._claim_code(callback_code)
        try:
            token = self._request_token(
                token_url,
                code=code,
                body=body,
                auth=auth,
                method=method,
                force_querystring=force_querystring,
                headers=headers,
                include_client_id=include_client_id,
                client_secret=client_secret,
                transport={"timeout": timeout, "verify": verify, "proxies": proxies, "cert": cert},
                **kwargs,
            )
        except BaseException:
            # A failed exchange must not leave the previous token looking valid.
            self.token = {}
            raise
        self.install(token)
        log.debug("Obtained a token from %s", without_query(token_url))
        return self.token

    def _request_token(
        self,
        token_url: str,
        *,
        code: str | None,
        body: str,
        auth: Any,
        method: str,
        force_querystring: bool,
        headers: dict[str, str] | None,
        include_client_id: bool | None,
        client_secret: str | None,
        transport: Mapping[str, Any],
        **kwargs: Any,
    ) -> TokenDict:
        """Send one token request and return the parsed token; the session is not changed."""
        managed = auth is None and include_client_id is None and client_secret is None
        if managed and self.client_credentials is not None:
            auth, include_client_id = None, False
        else:
            auth, include_client_id = self._legacy_client_auth(
                auth, include_client_id, client_secret
            )
            managed = False
        if include_client_id and client_secret is not None:
            kwargs["client_secret"] = client_secret
        request_body = self._client.prepare_request_body(
            code=code,
            body=body,
            redirect_uri=self.redirect_uri,
            include_client_id=include_client_id,
            **kwargs,
        )
        if method.upper() not in ("POST", "GET"):
            raise ValueError("The method kwarg must be POST or GET.")
        in_query = force_querystring or method.upper() == "GET"
        call = token_request(
            token_url,
            dict(urldecode(request_body)),
            self._add_client_auth if managed else no_client_auth,
            method=method,
            encoding="query" if in_query else "form",
            headers=headers or _TOKEN_REQUEST_HEADERS,
            prepare=self._access_token_request_hooks,
        )
        _add_transport(call, auth, transport)
        return self.run_flow(exchange(call, self._token_reader("access_token_response")))

    def _access_token_request_hooks(self, call: Call) -> Call:
        """The ``access_token_request`` compliance hooks, given the call as requests-oauthlib
        gave it to them: ``(url, headers, {"data" or "params": parameters})``."""
        hooks = self._hooks("access_token_request")
        if not hooks:
            return call
        url, headers = call.url, call.headers
        request_kwargs: dict[str, Any] = {
            "params" if call.encoding == "query" else "data": call.params
        }
        for hook in hooks:
            log.debug("Invoking access_token_request hook %s", hook)
            url, headers, request_kwargs = hook(url, headers, request_kwargs)
        return _token_call(call.method, url, headers, request_kwargs)

    def _legacy_client_auth(
        self, auth: Any, include_client_id: bool | None, client_secret: str | None
    ) -> tuple[Any, bool]:
        """requests-oauthlib's rules for Basic auth vs ``client_id`` in the body, minus the
        ``Basic base64("client_id:")`` it sends for public clients."""
        if auth is not None:
            return auth, bool(include_client_id)
        if include_client_id:
            return None, True
        client_id = self.client_id
        if client_id and client_secret is not None:
            return requests.auth.HTTPBasicAuth(client_id, client_secret), False
        # A public client identifies itself in the body (RFC 6749 §3.2.1) unless told not to.
        return None, include_client_id is None and bool(client_id)

    def _authenticate_client(
        self, endpoint: str, headers: MutableMapping[str, str], body: dict[str, str]
    ) -> None:
        """Add the session's client authentication to a token-type request."""
        credentials = self.client_credentials
        if credentials is None:
            if self.client_id:
                body.setdefault("client_id", self.client_id)
            return
        method = self.token_endpoint_auth_method or (
            "client_secret_basic" if credentials.client_secret else "none"
        )
        apply_client_auth(
            method,
            credentials,
            endpoint=endpoint,
            headers=headers,
            body=body,
            now=self._lifecycle.clock,
        )

    def refresh_token(
        self,
        token_url: str | None = None,
        refresh_token: str | None = None,
        body: str = "",
        auth: Any = None,
        timeout: Any = None,
        headers: dict[str, str] | None = None,
        verify: Any = None,
        proxies: dict[str, str] | None = None,
        cert: Any = None,
        **kwargs: Any,
    ) -> TokenDict:
        """Trade the refresh token for a new access token.

        ``auto_refresh_kwargs`` are added to the body; the session's client authentication
        (or, for a public client, its ``client_id``) is added unless ``auth`` is given or the
        body already identifies the client. A rotated refresh token replaces the old one; a
        response without one keeps the old one. The new token goes to the token store and to
        ``token_updater``. On failure the session keeps its token.
        """
        token_url = token_url or self.auto_refresh_url or self._endpoint(None, "token_endpoint")
        require_secure_url(token_url)
        refresh_token = refresh_token or self.token.get("refresh_token")
        self.refuse_spent(refresh_token)
        kwargs.update(self.auto_refresh_kwargs)
        request_body = self._client.prepare_refresh_body(
            body=body, refresh_token=refresh_token, scope=self.scope, **kwargs
        )
        if not dict(urldecode(request_body)).get("refresh_token"):
            raise NoTokenError("refresh_token()", "a refresh token")
        request_headers: Any = headers or dict(_TOKEN_REQUEST_HEADERS)
        for hook in self._hooks("refresh_token_request"):
            log.debug("Invoking refresh_token_request hook %s", hook)
            token_url, request_headers, request_body = hook(
                token_url, request_headers, request_body
            )
        params = dict(urldecode(request_body))
        identified = "client_id" in params or "client_assertion" in params
        authenticate = no_client_auth if auth is not None or identified else self._add_client_auth
        call = token_request(token_url, params, authenticate, headers=request_headers)
        _add_transport(
            call, auth, {"timeout": timeout, "verify": verify, "proxies": proxies, "cert": cert}
        )
        new_token = self.run_flow(exchange(call, self._token_reader("refresh_token_response")))
        if "refresh_token" not in new_token and refresh_token:
            new_token["refresh_token"] = refresh_token
        self.install(new_token, notify=True, spent=refresh_token)
        log.debug("Refreshed the token at %s", without_query(token_url))
        return self.token

    def _token_reader(self, hook_type: ComplianceHookType) -> Callable[[Response], TokenDict]:
        """Reads a token answer after the ``hook_type`` compliance hooks have adjusted it."""

        def read(response: Response) -> TokenDict:
            for hook in self._hooks(hook_type):
                log.debug("Invoking %s hook %s", hook_type, hook)
                response = hook(response)
            return self._parse_token_response(response)

        return read

    def _parse_token_response(self, response: Response) -> TokenDict:
        """Turn a token-endpoint answer into a token or the matching typed error.

        The session's token is untouched until this returns. ``expires_in`` follows
        ``runtime._lifecycle.lifetime`` (0 means unknown; garbage is ``TokenResponseParseError``).
        """
        params = read_answer(response)
        try:
            seconds = lifetime(params.get("expires_in"))
        except LifetimeError as error:
            raise TokenResponseParseError(response, str(error), field=error.field) from None
        params.pop("expires_in", None)
        if seconds is not None:
            params["expires_in"] = seconds
        previous = self._client.token
        try:
            token = self._oauthlib_token(params)
        except OAuth2Error as error:
            status = status_of(response)
            if status is not None:
                error.status_code = status
            error.response = response  # type: ignore[attr-defined]
            raise
        finally:
            # parse_request_body_response stores its result on the client; the caller decides.
            self._client.token = previous
        return self._lifecycle.stamp(token)

    def _oauthlib_token(self, params: dict[str, Any]) -> TokenDict:
        """The decoded answer read as oauthlib's ``parse_request_body_response`` reads a body
        (scope as a list, expiry, ``OAuth2Token`` with its scope-change ``Warning`` and the
        same checks), without encoding it for oauthlib to decode a second time.

        A client class with its own ``parse_request_body_response`` is given the body.
        """
        client = self._client
        if type(client).parse_request_body_response is not Client.parse_request_body_response:
            return cast(
                TokenDict, client.parse_request_body_response(json.dumps(params), self.scope)
            )
        return _read_token_parameters(
            params, self.scope if self.scope is not None else client.scope
        )

    # -- beyond requests-oauthlib: grants and token management ---------------------------

    def device_authorization(
        self, url: str | None = None, *, scope: Any = None, **extra: str
    ) -> DeviceAuthorization:
        """Start the device flow (RFC 8628 §3.1): a POST form with the client's credentials.

        Show ``verification_uri`` (or ``verification_uri_complete``) and ``user_code`` to the
        user, then call ``poll_device_token``.
        """
        url = self._endpoint(url, "device_authorization_endpoint")
        require_secure_url(url)
        scope = self.scope if scope is None else scope
        joined = scope if isinstance(scope, str) else " ".join(scope or ())
        return self.run_flow(
            authorize_device(url, self._add_client_auth, scope=joined or None, params=extra)
        )

    def poll_device_token(
        self,
        token_url: str | None = None,
        device: DeviceAuthorization | None = None,
        *,
        device_code: str | None = None,
        interval: int | None = None,
        expires_in: int | None = None,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> TokenDict:
        """Poll the token endpoint until the user approves (RFC 8628 §3.4, §3.5).

        Honours ``interval``, adds 5 s on ``slow_down``, raises ``AccessDenied`` /
        ``ExpiredTokenError`` (from ``oauthlib.oauth2``) when the server says so or the code
        runs out, and ``DeviceFlowCancelled`` once ``cancel`` is set.
        """
        endpoint = self._endpoint(token_url, "token_endpoint")
        if device is not None:
            device_code = device_code or device["device_code"]
            interval = interval or device["interval"]
            expires_in = expires_in or device["expires_in"]
        if not device_code:
            raise ValueError("poll_device_token needs the device authorization or device_code")

        polling = poll_device_token(
            str(device_code),
            functools.partial(self._authenticated_call, endpoint),
            self._parse_token_response,
            interval=interval,
            expires_in=expires_in,
            clock=self._lifecycle.clock,
        )
        token = self.run_flow(polling, cancel=cancel, sleep=sleep)
        self.install(token)
        return self.token

    def fetch_token_with_assertion(
        self, assertion: str, token_url: str | None = None, *, scope: Any = None
    ) -> TokenDict:
        """RFC 7523 §2.1 JWT bearer grant: trade a signed assertion for a token.

        Build the assertion with ``runtime.jwt_assertions.jwt_bearer_grant_assertion``.
        """
        endpoint = self._endpoint(token_url, "token_endpoint")
        params = {"grant_type": JWT_BEARER_GRANT_TYPE, "assertion": assertion}
        scope = self.scope if scope is None else scope
        if scope:
            params["scope"] = scope if isinstance(scope, str) else " ".join(scope)
        call = self._authenticated_call(endpoint, params)
        token = self.run_flow(exchange(call, self._parse_token_response))
        self.install(token)
        return self.token

    def revoke_token(
        self,
        url: str | None = None,
        token: str | None = None,
        token_type_hint: Literal["access_token", "refresh_token"] | str | None = None,
    ) -> None:
        """Revoke a token (RFC 7009); defaults to the session's refresh token, else its access
        token. Success is any 2xx; the server's error raises its oauthlib error class.

        Revoking the session's own access or refresh token also clears the session's token and
        deletes it from the token store, so it is not loaded or refreshed again.
        """
        url = self._endpoint(url, "revocation_endpoint")
        require_secure_url(url)
        chosen = token_to_revoke(token, token_type_hint, self.token)
        if chosen is None:
            raise NoTokenError("revoke_token()", "an access or refresh token (or token=)")
        self.run_flow(revoke(url, chosen, self._add_client_auth))
        self.forget_revoked(chosen[0])

    def introspect_token(
        self,
        url: str | None = None,
        token: str | None = None,
        token_type_hint: str | None = None,
    ) -> dict[str, Any]:
        """Ask the server about a token (RFC 7662); the answer always has a boolean ``active``."""
        url = self._endpoint(url, "introspection_endpoint")
        require_secure_url(url)
        token = token or self.access_token
        if not token:
            raise NoTokenError("introspect_token()", "an access token (or token=)")
        return self.run_flow(introspect(url, token, self._add_client_auth, hint=token_type_hint))

    def _add_client_auth(self, call: Call) -> None:
        """The session's client authentication, added to a token-type call."""
        self._authenticate_client(call.url, call.headers, call.params)

    def _authenticated_call(self, url: str, params: Mapping[str, str]) -> Call:
        """A form POST to the token endpoint with the session's client authentication."""
        require_secure_url(url)
        return token_request(url, params, self._add_client_auth, headers=_TOKEN_REQUEST_HEADERS)

    # -- requests -------------------------------------------------------------------------

    def _client_credentials_kwargs(self) -> dict[str, Any]:
        """Body extras for re-fetching a client-credentials token."""
        extras = dict(self.auto_refresh_kwargs)
        if self.scope and "scope" not in extras:
            extras["scope"] = self.scope
        if self.client_credentials is None:
            secret = extras.pop("client_secret", None)
            extras.pop("client_id", None)
            if secret is not None:
                extras["client_secret"] = secret
        return extras


# oauthlib's own URL builders and the response_type each sends; a client class overriding
# prepare_request_uri keeps building its URL itself.
_OAUTHLIB_RESPONSE_TYPES: dict[Callable[..., Any], str] = {
    WebApplicationClient.prepare_request_uri: "code",
    MobileApplicationClient.prepare_request_uri: "token",
}


def _text(value: object) -> str:
    """A parameter value as oauthlib's encoder writes it (bytes as UTF-8 text)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _read_token_parameters(params: dict[str, Any], scope: Any) -> TokenDict:
    """oauthlib's ``parse_token_response`` after its decoding step, on ``params``."""
    if "scope" in params:
        params["scope"] = scope_to_list(params["scope"])
    expires_in, expires_at, _ = parse_expires(params)
    for name, value in (("expires_in", expires_in), ("expires_at", expires_at)):
        if value:
            params[name] = value
        else:
            params.pop(name, None)
    token = OAuth2Token(params, old_scope=scope)
    validate_token_parameters(token)
    return token


def _token_call(
    method: str, url: str, headers: Mapping[str, Any], request_kwargs: Mapping[str, Any]
) -> Call:
    """The token request ``access_token_request`` hooks left as requests arguments, as a
    core call: a form or query mapping becomes its parameters; anything else a hook put
    there (a string body, extra arguments) is passed to requests as it is."""
    options = dict(request_kwargs)
    data, query = options.pop("data", None), options.pop("params", None)
    if query is None and isinstance(data, Mapping):
        return Call(method, url, dict(data), dict(headers), "form", options=options)
    if data is None and isinstance(query, Mapping):
        return Call(method, url, dict(query), dict(headers), "query", options=options)
    options.update({key: value for key, value in (("data", data), ("params", query)) if value})
    return Call(method, url, headers=dict(headers), options=options)


def _add_transport(call: Call, auth: Any, transport: Mapping[str, Any]) -> None:
    """Put the caller's ``auth`` and the transport arguments it actually gave (None means
    "not given") on ``call``."""
    if auth is not None:
        call.options["auth"] = auth
    call.options.update({key: value for key, value in transport.items() if value is not None})
