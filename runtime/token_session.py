"""``TokenSession``: a ``requests.Session`` that carries an OAuth 2 token to API calls.

What every token-carrying session does, whatever obtained the token:

* attaches the token through its oauthlib client's ``add_token`` (a client class may place
  it its own way) after the ``protected_request`` compliance hooks;
* renews it from its :class:`TokenSource` ``leeway`` seconds before it expires (at most half
  its lifetime), once across threads, and across processes with a ``token_store``; a 401 (or
  ``invalid_token``) on a renewable token renews once and retries once;
* remembers a rotated refresh token so it is never sent again;
* on a redirect to another host, drops every header and body parameter that carries the
  token; token-type calls go out without the token and never follow redirects;
* a default timeout on every request; tokens never reach logs, ``repr`` or the messages of
  network errors.

``OAuth2Session`` adds requests-oauthlib's flows to it (its token source is
``auto_refresh_url``); a generated provider client's session adds the provider's token
placement and plugs the provider's renewal in as its source.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import requests
from oauthlib.oauth2 import Client

from ._environment import EnvironmentOnceSession
from ._lifecycle import DEFAULT_LEEWAY, TokenLifecycle, lifetime
from ._redact import mask, redact_query_strings, redacted_exception, secret_safe_logger
from ._requests_calls import run_with
from ._token_attach import BODY_TOKEN_PARAM, attach_token, strip_form_token
from ._transport import require_secure_url, without_query, without_redirects
from .core.flow import Flow, T
from .core.reading import rejects_token
from .core.token import Token
from .errors import RefreshTokenSpentError, TokenUpdated

if TYPE_CHECKING:
    from .stores import TokenStore

log = secret_safe_logger(__name__)

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
# (connect, read) seconds for every request that does not say otherwise.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
Timeout = float | tuple[float, float] | None
# Request arguments that also make sense for the renewal an expired token triggers.
_TRANSPORT_KWARGS = ("timeout", "verify", "proxies", "cert")


_TOKEN_ATTRIBUTES = ("refresh_token", "expires_in", "expires_at", "mac_key", "mac_algorithm")


class _TokenAttributes:
    """Scratch target for oauthlib's ``populate_token_attributes``."""

    def __init__(self, token_type: str) -> None:
        self.token_type = token_type
        self.access_token: str | None = None
        self._expires_at: float | None = None
        for attribute in _TOKEN_ATTRIBUTES:
            setattr(self, attribute, None)


class TokenSource(Protocol):
    """Where a session's next token comes from when the current one expires or is rejected.

    The session wraps it: single-flight across threads (and processes, with a token store),
    adoption of a token renewed elsewhere, the store, and the memory of a refused refresh
    token. ``auth`` and ``transport`` (``timeout``, ``verify``, ``proxies``, ``cert``) are
    those of the API request that found the token expired, for a source that sends them on.
    """

    def can_renew(self) -> bool: ...

    def renew(self, auth: Any, transport: Mapping[str, Any]) -> TokenDict:
        """Get a new token, install it in the session and return it."""
        ...


def _no_auth(r: requests.PreparedRequest) -> requests.PreparedRequest:
    """Session auth that does nothing: keeps requests from applying ``.netrc`` credentials."""
    return r


class _NoRenewal:
    """The source of a session that cannot renew its token."""

    def can_renew(self) -> bool:
        return False

    def renew(self, auth: Any, transport: Mapping[str, Any]) -> TokenDict:
        raise AssertionError("renew() called although can_renew() is False")


_NO_RENEWAL = _NoRenewal()


class TokenSession(EnvironmentOnceSession):
    """A ``requests.Session`` that attaches, renews and protects an OAuth 2 token; see the
    module docstring."""

    # Whether an automatic renewal with neither token_updater nor store raises TokenUpdated
    # (requests-oauthlib's rule, kept by OAuth2Session); otherwise the session keeps it.
    _announce_renewal = False
    token_updater: TokenUpdater | None = None
    # Rarely used state is class-level until a session sets it: past ~30 instance attributes
    # CPython stops sharing the dict's keys between instances and each session pays for a
    # whole dict of its own.
    _renewal_source: TokenSource | None = None
    _compliance_hooks: dict[str, list[Callable[..., Any]]] | None = None
    # The access token the current thread's request carries, for rebuild_auth.
    _sending: threading.local | None = None

    def __init__(
        self,
        client: Client,
        *,
        token: TokenDict | None = None,
        token_source: TokenSource | None = None,
        token_updater: TokenUpdater | None = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Callable[[], float] = time.time,
        token_store: TokenStore | None = None,
        token_store_key: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        """``client`` attaches the token (``add_token``); ``token_source`` renews it (without
        one the token is used until it expires); ``token_updater`` and ``token_store`` get
        every renewed token; ``token`` defaults to the store's (under ``token_store_key``,
        default the client's ``client_id``)."""
        super().__init__(**kwargs)
        self._client: Client = client
        self._default_token_type = client.token_type
        client_id = getattr(client, "client_id", None)
        self._lifecycle = TokenLifecycle(
            clock=clock,
            leeway=leeway,
            store=token_store,
            store_key=token_store_key or (client_id if token_store is not None else None),
        )
        if token is None and token_store is not None:
            token = token_store.load(self._lifecycle.store_key)
        self.token = token or {}
        if token_source is not None:
            self._renewal_source = token_source
        if token_updater is not None:
            self.token_updater = token_updater
        self.default_timeout: Timeout = timeout
        self.auth = _no_auth

    @property
    def compliance_hook(self) -> dict[str, list[Callable[..., Any]]]:
        """The registered compliance hooks by type (see ``register_compliance_hook``)."""
        hooks = self._compliance_hooks
        if hooks is None:  # setdefault: threads registering at once keep one dict
            fresh: dict[str, list[Callable[..., Any]]] = {t: [] for t in COMPLIANCE_HOOK_TYPES}
            hooks = self.__dict__.setdefault("_compliance_hooks", fresh)
        return hooks

    @compliance_hook.setter
    def compliance_hook(self, hooks: dict[str, list[Callable[..., Any]]]) -> None:
        self._compliance_hooks = hooks

    def _hooks(self, hook_type: ComplianceHookType) -> list[Callable[..., Any]]:
        """The hooks of ``hook_type``, without creating the hook table of a session that
        has none."""
        hooks = self._compliance_hooks
        return hooks[hook_type] if hooks is not None else []

    @property
    def _renewal(self) -> TokenSource:
        """Where a renewed token comes from: the source given, else the session's default."""
        return self._renewal_source or self._default_source()

    def _default_source(self) -> TokenSource:
        """The renewal of a session created without a token source: none."""
        return _NO_RENEWAL

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
        """Replace every piece of token state (nothing of the previous token survives).

        Attributes are computed aside and written with the expiry before the access token,
        so a request in another thread never pairs a new token with an old expiry.
        """
        fresh = _TokenAttributes(self._default_token_type)
        Client.populate_token_attributes(fresh, _with_lifetime(value))  # type: ignore[arg-type]
        client = self._client
        client.token_type = fresh.token_type
        for attribute in _TOKEN_ATTRIBUTES:
            setattr(client, attribute, getattr(fresh, attribute))
        client._expires_at = fresh._expires_at  # type: ignore[attr-defined]
        self._token_value = Token.from_mapping(value or {}, clock=self._lifecycle.clock)
        client.access_token = fresh.access_token
        client.token = value

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

    def install(self, token: TokenDict, *, notify: bool = False, spent: str | None = None) -> None:
        """Make ``token`` current and persist it (under the store's lock when renewing).

        With ``notify`` (a refresh, explicit or automatic, or a client-credentials token
        fetched anew because the old one expired) it also goes to ``token_updater``; tokens from
        ``fetch_token`` and the other grants are returned to the caller instead, as in
        requests-oauthlib. ``spent`` is the refresh token traded for ``token``: once rotated
        it is never sent again. If the store cannot save the token, the session keeps it
        (and retries on its next request), ``token_updater`` still gets it, and
        ``TokenStoreError`` is raised.
        """
        self.token = token
        if spent and token.get("refresh_token") != spent:
            self._lifecycle.spend(spent)
        try:
            self._lifecycle.save(token)
        finally:
            if notify and self.token_updater is not None:
                self.token_updater(self.token)

    def refuse_spent(self, refresh_token: object) -> None:
        """Raise ``RefreshTokenSpentError`` for a refresh token this session already rotated."""
        if self._lifecycle.is_spent(refresh_token):
            raise RefreshTokenSpentError()

    def forget_revoked(self, revoked: str) -> None:
        """After ``revoked`` was revoked: if it is one of the session's own tokens, clear the
        session's token and delete the stored one (unless the store already holds another
        process's newer token, which shares neither value)."""
        current = self.token or {}
        own = {current.get("access_token"), current.get("refresh_token")} - {None, ""}
        if revoked not in own:
            return
        self.token = {}
        store = self._lifecycle.store
        if store is None:
            return
        key = self._lifecycle.store_key
        with store.lock(key):
            stored = store.load(key) or {}
            if own & {stored.get("access_token"), stored.get("refresh_token")}:
                store.delete(key)

    def run_flow(
        self,
        flow: Flow[T],
        *,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> T:
        """Drive a core flow through this session (token-type calls: no access token, no
        redirects); waits honour ``cancel`` and ``sleep``."""
        return run_with(self, flow, cancel=cancel, sleep=sleep)

    def _endpoint_request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """A request to a token-type endpoint, never redirected (a 3xx raises
        ``TokenEndpointRedirectError``); network failures say which endpoint failed.

        The exception keeps its ``requests`` class (existing ``except`` clauses still match);
        its message names the endpoint without its query, no query string of the
        underlying error (a GET token request carries credentials there) is repeated, and
        nothing is chained to it.
        """
        try:
            return without_redirects(self.request, url, method, url, withhold_token=True, **kwargs)
        except requests.RequestException as error:
            message = f"request to {without_query(url)} failed: {redact_query_strings(error)}"
            clean = redacted_exception(error, message)
        raise clean

    def _send_request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """``requests.Session.request``; a network error is re-raised as the same class with
        secret parameters (a token placed in the query, say) redacted from its message and
        no chained exception that would repeat them."""
        try:
            return super().request(method, url, **kwargs)
        except requests.RequestException as error:
            clean = redacted_exception(error)
        raise clean

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

        A token within ``leeway`` (at most half its lifetime) of expiry is renewed first by
        the session's token source (``OAuth2Session``: at ``auto_refresh_url``); only the
        transport arguments ``timeout``, ``verify``, ``proxies`` and ``cert`` are passed on to
        it. The new token goes to ``token_updater`` and the token store; with neither, an
        ``OAuth2Session`` raises ``TokenUpdated`` as requests-oauthlib does. A 401 on a
        renewable token with an updater or store renews once and retries once.
        """
        method_str = method.decode() if isinstance(method, bytes) else method
        url_str = url.decode() if isinstance(url, bytes) else url
        require_secure_url(url_str)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        if not self.token or withhold_token:
            return self._send_request(
                method_str, url_str, headers=headers, data=data, files=files, **kwargs
            )

        if self._lifecycle.unsaved is not None:
            self._lifecycle.retry_save()  # a token a failed save left behind goes first
        auth = kwargs.pop("auth", None)
        if client_id and client_secret and auth is None:
            auth = requests.auth.HTTPBasicAuth(client_id, client_secret)
        transport = {key: kwargs[key] for key in _TRANSPORT_KWARGS if key in kwargs}
        # One snapshot for the expiry check and the "stale" token: another thread may install
        # a new token in between, and passing that one as stale would refresh it again.
        token, value = self.token, self._token_value
        if value.access_token != token.get("access_token"):  # the client's token was replaced
            value = Token.from_mapping(token, clock=self._lifecycle.clock)
        # One reading of the clock decides both the renewal and the attach: read twice, the
        # expiry could pass in between and TokenExpiredError reach the caller although the
        # check had just found the token good.
        now = self._lifecycle.clock()
        if self._renewal.can_renew() and value.needs_renewal(now, self._lifecycle.leeway):
            # Renew before the hooks run, so a hook that copies the token into the query or
            # body (Slack, Instagram) copies the new one.
            self._renew(value.access_token or self.access_token, auth, transport)

        response, sent_token = self._send_with_token(
            method_str, url_str, headers, data, files, kwargs, now=now
        )
        if (
            rejects_token(response)
            and self._renewal.can_renew()
            and (self.token_updater is not None or self._lifecycle.store is not None)
            and _replayable(data, files)
        ):
            response.close()
            self._renew(sent_token, auth, transport)
            response, _ = self._send_with_token(
                method_str, url_str, headers, data, files, kwargs, now=self._lifecycle.clock()
            )
        return response

    def _send_with_token(
        self,
        method: str,
        url: str,
        headers: MutableMapping[str, Any] | None,
        data: Any,
        files: Any,
        kwargs: dict[str, Any],
        *,
        now: float,
    ) -> tuple[requests.Response, str | None]:
        """Send with the current token, judged expired or not as of ``now``; also return
        which access token went out."""
        headers = dict(headers) if headers is not None else None
        for hook in self._hooks("protected_request"):
            log.debug("Invoking protected_request hook %s", hook)
            url, headers, data = hook(url, headers, data)
        log.debug("Adding the access token to a request to %s", without_query(url))
        sent_token = self.access_token
        sending = self._sending
        if sending is None:
            sending = self.__dict__.setdefault("_sending", threading.local())
        sending.token = sent_token
        url, headers, data = attach_token(
            self._client, url, method, data, headers, now=lambda: now, expiry=self._expiry_of
        )
        response = self._send_request(
            method, url, headers=headers, data=data, files=files, **kwargs
        )
        return response, sent_token

    def _expiry_of(self, access_token: str | None) -> float | None:
        """The absolute expiry of ``access_token``, from the session's typed token value
        (recomputed when the token was replaced behind the session's back, on its client)."""
        value = self._token_value
        if value.access_token != access_token:
            value = Token.from_mapping(self.token or {}, clock=self._lifecycle.clock)
        return value.expires_at

    def _renew(
        self, stale_access_token: str | None, auth: Any, transport: Mapping[str, Any]
    ) -> None:
        """Renew once per expiry across threads (and processes, with a store)."""
        source = self._renewal

        def do_renew() -> TokenDict:
            return self._lifecycle.refresh_unless_rejected(
                self.token.get("refresh_token"), lambda: source.renew(auth, transport)
            )

        def adopt(token: TokenDict) -> None:
            self.token = token

        renewed = self._lifecycle.renew(stale_access_token, lambda: self.token, adopt, do_renew)
        # The renewal already passed the new token to token_updater (see install).
        if (
            renewed
            and self._announce_renewal
            and self.token_updater is None
            and self._lifecycle.store is None
        ):
            raise TokenUpdated(self.token)

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """On a redirect that leaves the host, drop ``Authorization`` and a body-placed
        token (``default_token_placement="body"``, ``slack_compliance_fix``), and the headers
        and body parameters a client that places the token itself lists in
        ``token_header_names`` / ``token_body_names``; never apply ``.netrc``."""
        strip: Callable[[str | None, str | None], bool] = self.should_strip_auth
        if not strip(response.request.url, prepared_request.url):
            return
        headers = {"authorization", *getattr(self._client, "token_header_names", ())}
        for name in [name for name in prepared_request.headers if name.lower() in headers]:
            del prepared_request.headers[name]
        strip_form_token(
            prepared_request, names=self._body_token_names(), values=self._sent_tokens()
        )

    def _body_token_names(self) -> set[str]:
        """Form parameters that carry the access token when it goes in the body: oauthlib's
        for ``default_token_placement="body"``, and those a client that places the token
        itself names in ``token_body_names``."""
        names = set(getattr(self._client, "token_body_names", ()))
        if getattr(self._client, "default_token_placement", None) == "body":
            names.add(BODY_TOKEN_PARAM)
        return names

    def _sent_tokens(self) -> set[str]:
        """Access tokens a request of this thread may carry: the one it was sent with (a
        renewal in another thread may have replaced it since) and the current one."""
        values = {
            getattr(self._sending, "token", None),
            self.access_token,
            (self.token or {}).get("access_token"),
        }
        return {value for value in values if isinstance(value, str) and value}

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


def _with_lifetime(token: TokenDict) -> TokenDict:
    """``token`` with ``expires_in`` by the runtime's lifetime rule (oauthlib refuses
    ``"3600.5"``; 0 means unknown): what the token's attributes are computed from."""
    if "expires_in" not in token:
        return token
    seconds = lifetime(token["expires_in"])
    normalised = {key: value for key, value in token.items() if key != "expires_in"}
    if seconds is not None:
        normalised["expires_in"] = seconds
    return normalised


def _replayable(data: Any, files: Any) -> bool:
    """Whether the request body can be sent a second time."""
    return files is None and (data is None or isinstance(data, (str, bytes, dict, list, tuple)))
