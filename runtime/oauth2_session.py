"""``OAuth2Session``: a ``requests.Session`` that runs OAuth 2 flows and signs requests.

Interface-compatible with requests-oauthlib's ``OAuth2Session``; the differences are fixes:

* an explicit ``state=`` given to ``authorization_url`` is remembered and verified later, and a
  callback carrying a state the session cannot check is refused;
* the PKCE verifier is public (``code_verifier`` property and constructor argument) so a web
  app can carry it to the callback request, and ``pkce="plain"`` sends its challenge;
* assigning a token clears what the previous one left behind (access token, expiry);
* token-endpoint HTTP errors raise the matching oauthlib error with ``status_code`` and
  ``response`` instead of ``MissingTokenError``;
* request arguments (``params``, ``json``, ``stream``...) never leak into the refresh body;
* compliance hooks run in registration order;
* plain HTTP is allowed for loopback hosts without ``OAUTHLIB_INSECURE_TRANSPORT``;
* tokens never reach logs or ``repr``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, MutableMapping
from typing import Any, Literal, cast

import requests
from oauthlib.common import generate_token, urldecode
from oauthlib.oauth2 import (
    Client,
    LegacyApplicationClient,
    WebApplicationClient,
)
from oauthlib.oauth2.rfc6749.errors import MismatchingStateError, OAuth2Error

from ._redact import mask
from ._token_attach import attach_token, token_expired
from ._transport import require_secure_url
from .errors import (
    PKCEMethodError,
    TokenEndpointError,
    TokenResponseParseError,
    TokenUpdated,
    oauth2_error_from_body,
)

log = logging.getLogger(__name__)

PKCEMethod = Literal["S256", "plain"]
ComplianceHookType = Literal[
    "access_token_response",
    "refresh_token_response",
    "protected_request",
    "refresh_token_request",
    "access_token_request",
]
COMPLIANCE_HOOK_TYPES: tuple[ComplianceHookType, ...] = (
    "access_token_response",
    "refresh_token_response",
    "protected_request",
    "refresh_token_request",
    "access_token_request",
)
TokenDict = dict[str, Any]
TokenUpdater = Callable[[TokenDict], object]
StateSource = str | Callable[[], str]

_TOKEN_REQUEST_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
}
# Request arguments that also make sense for the refresh request an expired token triggers.
_TRANSPORT_KWARGS = ("timeout", "verify", "proxies", "cert")
# Attributes populate_token_attributes() sets; cleared before a new token is applied.
_TOKEN_ATTRIBUTES = (
    "access_token",
    "refresh_token",
    "expires_in",
    "expires_at",
    "mac_key",
    "mac_algorithm",
)


def _no_auth(r: requests.PreparedRequest) -> requests.PreparedRequest:
    """Session auth that does nothing: keeps requests from applying ``.netrc`` credentials."""
    return r


class OAuth2Session(requests.Session):
    """OAuth 2 flows on a ``requests.Session``; see the module docstring for what differs."""

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
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._client: Client = client or WebApplicationClient(client_id, token=token)  # type: ignore[arg-type]
        self._default_token_type = self._client.token_type
        self.token = token or {}
        self._scope = scope
        self.redirect_uri = redirect_uri
        self.state: StateSource = state or generate_token
        # Only a concrete string can be checked against a callback.
        self._state: str | None = state if isinstance(state, str) else None
        self.auto_refresh_url = auto_refresh_url
        self.auto_refresh_kwargs: dict[str, Any] = auto_refresh_kwargs or {}
        self.token_updater = token_updater
        if pkce not in (None, "S256", "plain"):
            raise PKCEMethodError(f"pkce must be 'S256', 'plain' or None, not {pkce!r}")
        self._pkce: PKCEMethod | None = pkce
        self._code_verifier: str | None = None
        if code_verifier is not None:
            self.code_verifier = code_verifier
        self.auth = _no_auth
        self.compliance_hook: dict[str, list[Callable[..., Any]]] = {
            hook_type: [] for hook_type in COMPLIANCE_HOOK_TYPES
        }

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
        if value is not None and not 43 <= len(value) <= 128:
            raise ValueError("a PKCE code_verifier must be 43 to 128 characters long (RFC 7636)")
        self._code_verifier = value

    def _code_challenge(self, verifier: str) -> str:
        if self._pkce == "plain":
            return verifier  # oauthlib returns None for an explicit "plain"
        return self._client.create_code_challenge(verifier, "S256")

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

    @property
    def client_id(self) -> str | None:
        return getattr(self._client, "client_id", None)

    @client_id.setter
    def client_id(self, value: str | None) -> None:
        self._client.client_id = value  # type: ignore[assignment]

    @client_id.deleter
    def client_id(self) -> None:
        del self._client.client_id

    @property
    def token(self) -> TokenDict:
        return cast(TokenDict, getattr(self._client, "token", None))

    @token.setter
    def token(self, value: TokenDict) -> None:
        client = self._client
        for attribute in _TOKEN_ATTRIBUTES:
            setattr(client, attribute, None)
        client._expires_at = None  # type: ignore[attr-defined]
        client.token_type = self._default_token_type
        client.token = value
        client.populate_token_attributes(value)

    @property
    def access_token(self) -> str | None:
        return getattr(self._client, "access_token", None)

    @access_token.setter
    def access_token(self, value: str | None) -> None:
        self._client.access_token = value

    @access_token.deleter
    def access_token(self) -> None:
        del self._client.access_token

    @property
    def authorized(self) -> bool:
        """True when the session holds an access token (which may still have expired)."""
        return bool(self.access_token)

    # -- authorization --------------------------------------------------------------------

    def authorization_url(
        self, url: str, state: str | None = None, **kwargs: Any
    ) -> tuple[str, str]:
        """Build the URL to send the user to; returns ``(url, state)``.

        The state (given or generated) is remembered and checked by ``fetch_token`` and
        ``token_from_fragment``. With ``pkce`` a fresh verifier is created, kept in
        ``code_verifier``, and its challenge added.
        """
        state = state or self.new_state()
        self._state = state
        if self._pkce:
            verifier = self._client.create_code_verifier(43)
            self._code_verifier = verifier
            kwargs["code_challenge_method"] = self._pkce
            kwargs["code_challenge"] = self._code_challenge(verifier)
        return (
            self._client.prepare_request_uri(
                url, redirect_uri=self.redirect_uri, scope=self.scope, state=state, **kwargs
            ),
            state,
        )

    def _parse_authorization_response(self, authorization_response: str) -> dict[str, Any]:
        """Parse the callback with oauthlib, verifying ``state`` whenever one is in play."""
        expected = self._state
        if expected is None and "state=" in authorization_response:
            raise MismatchingStateError(
                description=(
                    "the authorization response carries a state but this session has none to "
                    "check it against: pass state=<the value returned by authorization_url> "
                    "to OAuth2Session"
                )
            )
        require_secure_url(authorization_response)
        # oauthlib refuses http:// outright; a loopback callback (RFC 8252) is fine, and only
        # its query and fragment are read, so hand oauthlib the same URL under https.
        if authorization_response[:7].lower() == "http://":
            authorization_response = "https://" + authorization_response[7:]
        return self._client.parse_request_uri_response(authorization_response, state=expected)

    def token_from_fragment(self, authorization_response: str) -> TokenDict:
        """Implicit grant: read the token from the callback URL's fragment."""
        self._parse_authorization_response(authorization_response)
        self.token = self._client.token
        return self.token

    # -- token endpoint -------------------------------------------------------------------

    def fetch_token(
        self,
        token_url: str,
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

        Client authentication follows requests-oauthlib: ``auth`` wins; otherwise a
        confidential client (``client_secret`` given) uses HTTP Basic, and a public client sends
        its ``client_id`` in the body (never ``Basic base64("client_id:")``). Errors raise the
        matching oauthlib ``OAuth2Error`` carrying ``status_code`` and ``response``.
        """
        require_secure_url(token_url)
        if not code and authorization_response:
            self._parse_authorization_response(authorization_response)
            code = self._client.code
        elif not code and isinstance(self._client, WebApplicationClient):
            code = self._client.code
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

        auth, include_client_id = self._token_endpoint_auth(auth, include_client_id, client_secret)
        if include_client_id and client_secret is not None:
            kwargs["client_secret"] = client_secret

        request_body = self._client.prepare_request_body(
            code=code,
            body=body,
            redirect_uri=self.redirect_uri,
            include_client_id=include_client_id,
            **kwargs,
        )
        request_headers = headers or dict(_TOKEN_REQUEST_HEADERS)
        # A failed exchange must not leave the previous token looking valid.
        self.token = {}
        request_kwargs: dict[str, Any] = {}
        if method.upper() == "POST":
            key = "params" if force_querystring else "data"
            request_kwargs[key] = dict(urldecode(request_body))
        elif method.upper() == "GET":
            request_kwargs["params"] = dict(urldecode(request_body))
        else:
            raise ValueError("The method kwarg must be POST or GET.")

        for hook in self.compliance_hook["access_token_request"]:
            log.debug("Invoking access_token_request hook %s", hook)
            token_url, request_headers, request_kwargs = hook(
                token_url, request_headers, request_kwargs
            )

        response = self.request(
            method=method,
            url=token_url,
            timeout=timeout,
            headers=request_headers,
            auth=auth,
            verify=verify,
            proxies=proxies,
            cert=cert,
            withhold_token=True,
            **request_kwargs,
        )
        for hook in self.compliance_hook["access_token_response"]:
            log.debug("Invoking access_token_response hook %s", hook)
            response = hook(response)
        self.token = self._parse_token_response(response)
        log.debug("Obtained a token from %s", _without_query(token_url))
        return self.token

    def _token_endpoint_auth(
        self, auth: Any, include_client_id: bool | None, client_secret: str | None
    ) -> tuple[Any, bool]:
        """Decide Basic auth vs ``client_id`` in the body (requests-oauthlib's rules, minus
        the ``Basic base64("client_id:")`` it sends for public clients)."""
        if auth is not None:
            return auth, bool(include_client_id)
        if include_client_id:
            return None, True
        client_id = self.client_id
        if client_id and client_secret is not None:
            return requests.auth.HTTPBasicAuth(client_id, client_secret), False
        # A public client identifies itself in the body (RFC 6749 §3.2.1) unless told not to.
        return None, include_client_id is None and bool(client_id)

    def refresh_token(
        self,
        token_url: str,
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

        ``auto_refresh_kwargs`` are added to the body. A response without a new refresh token
        keeps the old one. On failure the session keeps its current token.
        """
        if not token_url:
            raise ValueError("No token endpoint set for auto_refresh.")
        require_secure_url(token_url)
        refresh_token = refresh_token or self.token.get("refresh_token")
        kwargs.update(self.auto_refresh_kwargs)
        request_body = self._client.prepare_refresh_body(
            body=body, refresh_token=refresh_token, scope=self.scope, **kwargs
        )
        request_headers: Any = headers or dict(_TOKEN_REQUEST_HEADERS)
        for hook in self.compliance_hook["refresh_token_request"]:
            log.debug("Invoking refresh_token_request hook %s", hook)
            token_url, request_headers, request_body = hook(
                token_url, request_headers, request_body
            )

        response = self.request(
            "POST",
            token_url,
            data=dict(urldecode(request_body)),
            auth=auth,
            timeout=timeout,
            headers=request_headers,
            verify=verify,
            withhold_token=True,
            proxies=proxies,
            cert=cert,
        )
        for hook in self.compliance_hook["refresh_token_response"]:
            log.debug("Invoking refresh_token_response hook %s", hook)
            response = hook(response)
        new_token = self._parse_token_response(response)
        if "refresh_token" not in new_token and refresh_token:
            new_token["refresh_token"] = refresh_token
        self.token = new_token
        log.debug("Refreshed the token at %s", _without_query(token_url))
        return self.token

    def _parse_token_response(self, response: requests.Response) -> TokenDict:
        """Turn a token-endpoint answer into a token or the matching typed error.

        The session's token is untouched until this returns.
        """
        text = response.text
        params = _decode_token_body(text)
        if params is not None and params.get("error"):
            raise oauth2_error_from_body(params, response)
        if not 200 <= response.status_code < 300:
            raise TokenEndpointError(response)
        if params is None:
            raise TokenResponseParseError(
                response, "expected a JSON object or form-encoded parameters"
            )
        previous = self._client.token
        try:
            token = self._client.parse_request_body_response(text, scope=self.scope)
        except OAuth2Error as error:
            error.status_code = response.status_code
            error.response = response  # type: ignore[attr-defined]
            raise
        finally:
            # parse_request_body_response stores its result on the client; the caller decides.
            self._client.token = previous
        return cast(TokenDict, token)

    # -- requests -------------------------------------------------------------------------

    def request(  # type: ignore[override]
        self,
        method: str | bytes,
        url: str | bytes,
        data: Any = None,
        headers: MutableMapping[str, Any] | None = None,
        withhold_token: bool = False,
        client_id: str | None = None,
        client_secret: str | None = None,
        files: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request, adding the token unless ``withhold_token``.

        An expired token is refreshed at ``auto_refresh_url`` first (only the transport
        arguments ``timeout``, ``verify``, ``proxies`` and ``cert`` are reused for that); the
        new token goes to ``token_updater``, or ``TokenUpdated`` is raised when there is none.
        """
        method_str = method.decode() if isinstance(method, bytes) else method
        url_str = url.decode() if isinstance(url, bytes) else url
        require_secure_url(url_str)
        if self.token and not withhold_token:
            if self.auto_refresh_url and token_expired(self._client):
                # Refresh before the hooks run, so a hook that copies the token into the
                # query or body (Slack, Instagram) copies the new one.
                auth = kwargs.pop("auth", None)
                if client_id and client_secret and auth is None:
                    auth = requests.auth.HTTPBasicAuth(client_id, client_secret)
                transport = {key: kwargs[key] for key in _TRANSPORT_KWARGS if key in kwargs}
                token = self.refresh_token(self.auto_refresh_url, auth=auth, **transport)
                if self.token_updater is None:
                    raise TokenUpdated(token)
                self.token_updater(token)
            for hook in self.compliance_hook["protected_request"]:
                log.debug("Invoking protected_request hook %s", hook)
                url_str, headers, data = hook(url_str, headers, data)
            log.debug("Adding the access token to a request to %s", _without_query(url_str))
            url_str, headers, data = attach_token(self._client, url_str, method_str, data, headers)
        return super().request(
            method_str, url_str, headers=headers, data=data, files=files, **kwargs
        )

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """On redirect, drop ``Authorization`` when leaving the host; never apply ``.netrc``."""
        headers = prepared_request.headers
        if "Authorization" in headers and self.should_strip_auth(  # type: ignore[no-untyped-call]
            response.request.url, prepared_request.url
        ):
            del headers["Authorization"]

    def register_compliance_hook(
        self, hook_type: ComplianceHookType, hook: Callable[..., Any]
    ) -> None:
        """Register a hook; hooks of one type run in the order they were registered.

        ``access_token_request(url, headers, request_kwargs)`` and
        ``refresh_token_request(url, headers, body)`` return the same triple;
        ``access_token_response(response)`` and ``refresh_token_response(response)`` return
        a response; ``protected_request(url, headers, data)`` returns the same triple.
        """
        if hook_type not in self.compliance_hook:
            raise ValueError(f"Hook type {hook_type} is not in {sorted(self.compliance_hook)}.")
        hooks = self.compliance_hook[hook_type]
        if hook not in hooks:
            hooks.append(hook)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, "
            f"authorized={self.authorized}, access_token={mask(self.access_token)})"
        )


def _decode_token_body(text: str) -> dict[str, Any] | None:
    """A token endpoint body as a dict (JSON object, else form-encoded), or None if neither."""
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        return value if isinstance(value, dict) else None
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return dict(urldecode(stripped))
    except ValueError:
        return None


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]
