"""``OAuth2Provider``: OAuth 2 and OpenID Connect flows driven by a provider spec."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .base import ProviderBase, TokenT
from .defaults import DEFAULT_LEEWAY, DEFAULT_TIMEOUT, Timeout
from .pending import PendingAuthorization
from .per_call import DEFAULT, PerCall

if TYPE_CHECKING:
    import threading

    from ..core.endpoints import Authenticate, Prepare, Revocation
    from ..core.flow import Flow
    from ..core.http import Call, Encoding, Response
    from ..device import DeviceAuthorization
    from ..stores.base import TokenStore
    from .api_session import ProviderSession
    from .authorization_request import AuthorizationRequest
    from .hooks.points import HookPoint
    from .metadata import Metadata
    from .spec_view import RefreshView, RevocationView


class OAuth2Provider(ProviderBase[TokenT]):
    """Base of generated OAuth 2 and OIDC clients; the subclass sets ``spec``.

    Flow methods are protected (``_fetch_token``...): the generated subclass wraps each in a
    typed public method. ``session`` is for API calls: it attaches the token where the provider
    wants it, refreshes ahead of expiry with the spec's refresh rules, and saves new tokens to
    ``token_store`` / passes them to ``token_updater``.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str | None = None,
        redirect_uri: str | None = None,
        variables: Mapping[str, object] | None = None,
        environment: str | None = None,
        token: Mapping[str, Any] | None = None,
        token_store: TokenStore | None = None,
        token_store_key: str | None = None,
        token_updater: Callable[[TokenT], object] | None = None,
        private_key: str | bytes | None = None,
        key_id: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from .api_session import ApiAuth, make_session
        from .authentication import ClientIdentity

        self._setup(
            client_id=client_id,
            client_secret=client_secret,
            variables=variables,
            environment=environment,
            private_key=private_key,
            key_id=key_id,
            clock=clock,
        )
        self.redirect_uri = redirect_uri
        self._pending = PendingAuthorization()
        self._discovered: Metadata | None = None
        self._issuer_info: Metadata | None = None
        self._last_grant: str | None = None
        self._grant_scopes: Sequence[str] | None = None
        refresh = self.spec.refresh
        leeway = refresh.leeway_seconds if refresh and refresh.supported else DEFAULT_LEEWAY
        self._identity = ClientIdentity(
            client_id, secret=self._request_secret, private_key=private_key, key_id=key_id
        )
        self._api_auth = ApiAuth(self.spec.api, self._placeholders, self._api_hosts)
        self._session: ProviderSession = make_session(
            client_id=client_id,
            api_auth=self._api_auth,
            token=dict(token) if token is not None else None,
            leeway=float(leeway),
            clock=clock,
            token_store=token_store,
            token_store_key=token_store_key,
            # It is only called with tokens _install checked against the token type.
            token_updater=cast("Callable[[dict[str, Any]], object] | None", token_updater),
            timeout=timeout,
            token_source=_SpecRenewal(self),
        )
        for hook in self._hook_functions("protected_request"):
            self._session.register_compliance_hook("protected_request", hook)

    # -- public ----------------------------------------------------------------------------

    @property
    def session(self) -> ProviderSession:
        """A requests session for API calls, the token attached as the provider wants it."""
        return self._session

    @property
    def http(self) -> ProviderSession:
        return self._session

    @property
    def token(self) -> TokenT | None:
        """A copy of the current (normalised) token; None before the first one."""
        current = self._session.token
        # The session holds what _install checked, a token given to the constructor or one
        # from the token store: all of the client's token type.
        return cast(TokenT, dict(current)) if current else None

    @property
    def pending_authorization(self) -> PendingAuthorization:
        """State, PKCE verifier and nonce of the last authorization URL. Kept for code written
        before ``authorization_url`` returned an ``AuthorizationRequest``, which a web app
        stores instead and hands to ``fetch_token(callback, request=...)``."""
        return self._pending

    def resume_authorization(
        self,
        *,
        state: str | None = None,
        code_verifier: str | None = None,
        nonce: str | None = None,
    ) -> None:
        """Restore what :attr:`pending_authorization` returned, in another client instance
        (the earlier way of ``fetch_token(callback, request=...)``)."""
        self._pending = PendingAuthorization(state, code_verifier, nonce)

    def _current_token(self) -> Mapping[str, Any] | None:
        return self._session.token or None

    # -- endpoints ---------------------------------------------------------------------------

    def _endpoint(self, name: str, *, with_token: bool = False) -> str:

        url = self._spec_url(name, with_token=with_token)
        if url is not None:
            return url
        if self.spec.protocol == "oidc" and self.spec.endpoints.issuer:
            found = self._discovery().endpoints.get(name)
            if found:
                return found
        raise ValueError(f"{self.spec.name} has no {name} endpoint")

    def _issuer(self) -> str | None:
        return self._spec_url("issuer")

    def _discovery(self) -> Metadata:
        from .metadata import discover_metadata

        if self._discovered is None:
            issuer = self._issuer()
            assert issuer is not None
            self._discovered = discover_metadata(
                self._session, issuer, self._spec_url("discovery"), self._discovery_hooks()
            )
        return self._discovered

    def _discovery_hooks(self) -> list[Callable[[dict[str, Any], str], dict[str, Any]]]:
        return self._hook_functions("discovery")

    def _issuer_metadata(self) -> Metadata | None:
        from .metadata import static_metadata

        if self._discovered is not None:
            return self._discovered
        issuer = self._issuer()
        if issuer is None:
            return None
        if self._issuer_info is None:
            self._issuer_info = static_metadata(issuer, self._discovery_hooks())
        return self._issuer_info

    # -- authorization ---------------------------------------------------------------------

    def _authorization_url(
        self,
        *,
        scopes: Sequence[str] | None,
        state: str | None,
        options: Mapping[str, object],
    ) -> AuthorizationRequest:
        """The URL to send the user to, with what its callback must match; also kept as the
        client's pending authorization (for a ``fetch_token`` without ``request=``)."""
        from ..core.pkce import new_secret
        from .authorization import finish_url, oauth2_params, pkce_method
        from .authorization_request import AuthorizationRequest

        spec = self.spec
        self._require_grant("authorization_code")
        authorize = spec.authorize
        pending = PendingAuthorization(
            state=None if authorize.state == "unsupported" else (state or new_secret()),
            code_verifier=new_secret() if pkce_method(authorize) else None,
            nonce=(
                new_secret()
                if spec.protocol == "oidc" and spec.oidc.nonce != "unsupported"
                else None
            ),
        )
        params = oauth2_params(
            spec,
            client_id=self._client_id,
            redirect_uri=self.redirect_uri,
            scopes=scopes,
            options=options,
            pending=pending,
            placeholders=self._placeholders(),
        )
        url = finish_url(self._endpoint("authorize"), params, authorize)
        for hook in self._hook_functions("authorize_url"):
            url = hook(url)
        self._pending = pending
        return AuthorizationRequest(
            url=url,
            provider=spec.id,
            client_id=self._client_id,
            redirect_uri=self.redirect_uri or None,
            state=pending.state,
            code_verifier=pending.code_verifier,
            nonce=pending.nonce,
        )

    def _fetch_token(
        self,
        authorization_response: str | None = None,
        *,
        request: AuthorizationRequest | None = None,
        code: str | None = None,
        per_call: PerCall = DEFAULT,
    ) -> TokenT:
        """Exchange the callback (URL, query/fragment string or form_post body) or a code,
        checked against ``request`` (default: the client's pending authorization)."""
        from ..core.callback import authorization_code, callback_params, verify_state
        from .authorization_request import check_request

        spec = self.spec
        self._require_grant("authorization_code")
        callback = spec.callback
        redirect_uri = self.redirect_uri
        pending = self._pending
        if request is not None:
            request = check_request(request, provider=spec.id, client_id=self._client_id)
            redirect_uri = request.redirect_uri
            pending = PendingAuthorization(request.state, request.code_verifier, request.nonce)
        if code is None:
            if authorization_response is None:
                raise ValueError("pass authorization_response= (the callback) or code=")
            params = callback_params(authorization_response, callback.mode)
            self._check_callback_issuer(params)
            self._callback_errors(params)
            verify_state(
                params,
                pending.state,
                state_param=callback.state_param,
                support=spec.authorize.state,
            )
            code = authorization_code(params, callback.code_param)
            self._callback_values(params)
        rules = spec.token
        grant = {"grant_type": rules.grant_type, "code": code}
        if rules.send_redirect_uri and redirect_uri:
            grant["redirect_uri"] = redirect_uri
        if pending.code_verifier is not None:
            grant["code_verifier"] = pending.code_verifier
        elif spec.authorize.pkce == "required":
            raise ValueError(
                f"{spec.name} requires PKCE but there is no code_verifier: pass the "
                "AuthorizationRequest authorization_url() returned, "
                "fetch_token(callback, request=...)"
            )
        token = self._grant(grant, per_call)
        self._check_id_token(token, nonce=pending.nonce)
        self._pending = PendingAuthorization()
        if authorization_response is not None:  # values of this callback kept on the token
            captured = self._captured()
            for name, rule in callback.capture.items():
                if rule.on_token and name in captured:
                    token[name] = captured[name]
        return self._install(token, grant="authorization_code")

    def _check_callback_issuer(self, params: Mapping[str, str]) -> None:
        """RFC 9207 for OIDC specs: ``iss`` on the callback must be the spec's issuer (as
        rendered, or matching the issuer template a discovery hook set), and must be there
        when the discovered metadata says the provider sends it."""
        from ..core.callback import check_issuer

        if self.spec.protocol != "oidc" or self._issuer() is None:
            return
        if self._spec_url("token") is None:
            self._discovery()  # the exchange needs it next; it also says whether iss is sent
        metadata = self._issuer_metadata()
        assert metadata is not None
        check_issuer(
            params.get("iss"),
            expected=metadata.issuer,
            advertised=metadata.iss_parameter_supported,
            template=metadata.issuer_template,
        )

    def _client_credentials(
        self, *, scopes: Sequence[str] | None, notify: bool = False, per_call: PerCall = DEFAULT
    ) -> TokenT:
        from .authorization import requested_scopes
        from .scopes import join_scopes

        self._require_grant("client_credentials")
        grant = {"grant_type": "client_credentials"}
        chosen = requested_scopes(self.spec, scopes)
        if chosen:
            grant["scope"] = join_scopes(chosen, self.spec.scopes.separator)
        token = self._grant(grant, per_call)
        self._grant_scopes = scopes
        return self._install(token, grant="client_credentials", notify=notify)

    def _password(self, *, username: str, password: str, scopes: Sequence[str] | None) -> TokenT:
        from .authorization import requested_scopes
        from .scopes import join_scopes

        grant = {"grant_type": "password", "username": username, "password": password}
        chosen = requested_scopes(self.spec, scopes)
        if chosen:
            grant["scope"] = join_scopes(chosen, self.spec.scopes.separator)
        return self._install(self._grant(grant), grant="password")

    # -- refresh and exchanges -------------------------------------------------------------

    def _refresh(self, *, which: str | None = None, per_call: PerCall = DEFAULT) -> TokenT:
        """Trade the refresh token per ``refresh`` (rotation: may_omit keeps the old one);
        ``which`` names one of ``token.response.other_tokens`` to refresh instead."""
        from .authorization import requested_scopes
        from .scopes import join_scopes

        spec = self.spec
        rules = spec.refresh
        if not rules or not rules.supported:
            raise ValueError(f"{spec.name} does not issue refresh tokens")
        if which is not None:
            return self._refresh_other(which, rules, per_call)
        current = self._session.token or {}
        refresh_token = current.get("refresh_token")
        if not refresh_token:
            raise self._no_token("refresh()", "a refresh token")
        expired_at = current.get("refresh_token_expires_at")
        if isinstance(expired_at, (int, float)) and expired_at <= self._now():
            from .flow_errors import RefreshTokenExpiredError

            raise RefreshTokenExpiredError(spec.name, float(expired_at))
        refresh_token = str(refresh_token)
        self._session.refuse_spent(refresh_token)
        grant = {"grant_type": rules.grant_type, rules.token_param: refresh_token}
        if rules.send_scope:
            scope = self._session.token.get("scope") or requested_scopes(spec, None)
            if scope:
                grant["scope"] = (
                    scope
                    if isinstance(scope, str)
                    else join_scopes(list(scope), spec.scopes.separator)
                )
        if rules.send_redirect_uri and self.redirect_uri:
            grant["redirect_uri"] = self.redirect_uri
        call = self._token_call(
            self._spec_url("refresh") or self._endpoint("token"),
            grant,
            method=rules.method,
            encoding=rules.encoding,
            client_auth=rules.client_auth,
            headers=rules.headers,
            params=rules.params,
            where="refresh",
            request_point="refresh_token_request",
            per_call=per_call,
        )
        token = self._send_token_call(
            call,
            ("access_token_response", "refresh_token_response"),
            previous=self._session.token,
        )
        if "refresh_token" not in token and rules.rotation == "may_omit":
            token["refresh_token"] = str(refresh_token)
        self._check_id_token(token, nonce=None)
        return self._install(
            token,
            grant=self._last_grant or "refresh_token",
            renewed=True,
            notify=True,
            spent=refresh_token,
        )

    def _refresh_other(self, which: str, rules: RefreshView, per_call: PerCall) -> TokenT:
        """Refresh the other token ``which`` with its own refresh token; the main token and
        the rest of the client's token stay as they are."""
        from .token_response import other_token

        spec = self.spec
        others = spec.token.response.other_tokens
        if which not in others:
            known = ", ".join(sorted(others)) or "none"
            raise ValueError(f"{spec.name} has no other token {which!r}; other tokens: {known}")
        current = dict(self._session.token or {})
        pair = current.get(which)
        refresh_token = pair.get("refresh_token") if isinstance(pair, Mapping) else None
        if not refresh_token:
            raise self._no_token(f"refresh(which={which!r})", f"a {which} refresh token")
        expired_at = pair.get("refresh_token_expires_at") if isinstance(pair, Mapping) else None
        if isinstance(expired_at, (int, float)) and expired_at <= self._now():
            from .flow_errors import RefreshTokenExpiredError

            raise RefreshTokenExpiredError(f"{spec.name} {which}", float(expired_at))
        grant = {"grant_type": rules.grant_type, rules.token_param: str(refresh_token)}
        if rules.send_redirect_uri and self.redirect_uri:
            grant["redirect_uri"] = self.redirect_uri
        call = self._token_call(
            self._spec_url("refresh") or self._endpoint("token"),
            grant,
            method=rules.method,
            encoding=rules.encoding,
            client_auth=rules.client_auth,
            headers=rules.headers,
            params=rules.params,
            where="refresh",
            request_point="refresh_token_request",
            per_call=per_call,
        )
        answer = self._send_token_call(call, ("refresh_token_response",))
        renewed = other_token(answer, spec.token.response, spec.scopes, clock=self._clock)
        if "refresh_token" not in renewed and rules.rotation == "may_omit":
            renewed["refresh_token"] = str(refresh_token)
        current[which] = renewed
        return self._install(current, grant=self._last_grant or "refresh_token", renewed=True)

    def _exchange(
        self, name: str, *, token: str | None = None, per_call: PerCall = DEFAULT
    ) -> TokenT:
        """Run the spec's named exchange (Facebook's long-lived token) with the access token."""
        from .templates import render_url

        exchanges = self.spec.exchanges
        rules = exchanges.get(name)
        if rules is None:
            raise ValueError(
                f"unknown exchange {name!r}; known: {', '.join(sorted(exchanges)) or 'none'}"
            )
        current = token or self._session.access_token
        if not current:
            raise self._no_token(f"exchange {name!r}", "an access token (or token=)")
        url = (
            render_url(rules.url, self._placeholders(), where=f"exchanges.{name}.url")
            if rules.url
            else self._endpoint("token")
        )
        call = self._token_call(
            url,
            {"grant_type": rules.grant_type, rules.token_param: current},
            method=rules.method,
            encoding=rules.encoding,
            client_auth=rules.client_auth,
            headers={},
            params=rules.params,
            where=f"exchanges.{name}",
            request_point="access_token_request",
            per_call=per_call,
        )
        exchanged = self._send_token_call(
            call, ("access_token_response",), previous=self._session.token or None
        )
        return self._install(exchanged, grant=name, renewed=True)

    # -- device flow -----------------------------------------------------------------------

    def _device_authorization(
        self, *, scopes: Sequence[str] | None, per_call: PerCall = DEFAULT
    ) -> DeviceAuthorization:
        from ..core.endpoints import authorize_device
        from .authorization import requested_scopes
        from .scopes import join_scopes

        spec = self.spec
        self._require_grant("device_code")
        rules = spec.device
        chosen = requested_scopes(spec, scopes)
        flow = authorize_device(
            self._endpoint("device"),
            self._authentication(rules.client_auth),
            scope=join_scopes(chosen, spec.scopes.separator) if chosen else None,
            errors=spec.errors,
            response_paths=rules.response_paths,
            default_interval=rules.default_interval,
            prepare=self._preparation("device authorization", per_call),
        )
        return self._session.run_flow(flow)

    def _poll_device_token(
        self,
        device: DeviceAuthorization,
        *,
        cancel: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
        per_call: PerCall = DEFAULT,
    ) -> TokenT:
        from ..core.polling import poll_device_token

        rules = self.spec.device

        def token_call(grant: Mapping[str, str]) -> Call:
            return self._token_call(
                self._endpoint("token"),
                grant,
                client_auth=rules.client_auth,
                where="device",
                request_point="access_token_request",
                per_call=per_call,
            )

        polling = poll_device_token(
            device["device_code"],
            token_call,
            self._token_reader(("access_token_response",)),
            interval=device["interval"],
            expires_in=device["expires_in"],
            clock=self._clock,
            grant_type=rules.grant_type,
            code_param=rules.code_param or "device_code",
        )
        token = self._session.run_flow(polling, cancel=cancel, sleep=sleep)
        self._check_id_token(token, nonce=None)
        return self._install(token, grant="device_code")

    # -- revocation, introspection, profile ------------------------------------------------

    def _revoke(
        self,
        *,
        token: str | None = None,
        token_type_hint: str | None = None,
        per_call: PerCall = DEFAULT,
    ) -> None:
        """Revoke ``token`` (default: the refresh token, else the access token); revoking the
        client's own token also clears it, in the session and the token store."""
        from ..core.endpoints import revoke, token_to_revoke

        rules = self.spec.revocation
        chosen = token_to_revoke(
            token,
            token_type_hint,
            self._session.token,
            default=rules.default_token,
        )
        if chosen is None:
            raise self._no_token("revoke()", "an access or refresh token (or token=)")
        flow = revoke(
            self._endpoint("revoke", with_token=True),
            chosen,
            self._authentication(rules.client_auth),
            rules=_revocation_rules(rules),
            errors=self.spec.errors,
            prepare=self._preparation("revocation", per_call, "revoke_token_request"),
        )
        self._session.run_flow(flow)
        self._session.forget_revoked(chosen[0])

    def _introspect(
        self, *, token: str | None = None, per_call: PerCall = DEFAULT
    ) -> dict[str, Any]:
        """RFC 7662 introspection; the answer always has a boolean ``active``."""
        from ..core.endpoints import introspect

        token = token or self._session.access_token
        if not token:
            raise self._no_token("introspect()", "an access token (or token=)")
        flow = introspect(
            self._endpoint("introspect"),
            token,
            self._authentication("inherit"),
            errors=self.spec.errors,
            prepare=self._preparation("introspection", per_call),
        )
        return self._session.run_flow(flow)

    def _introspect_for_hook(self, token: str) -> dict[str, Any]:
        return self._introspect(token=token)

    def _userinfo(self, *, timeout: Timeout = None) -> dict[str, Any]:
        """The profile, as the spec's ``userinfo.fields`` ({name: typed value}); ``timeout``
        for its request (default: the client's)."""
        from .id_token import decode_claims
        from .userinfo import map_profile

        rules = self.spec.userinfo
        if rules is None:
            raise ValueError(f"{self.spec.name} declares no userinfo")
        self._require_token("userinfo()")
        if rules.source == "id_token":
            id_token = (self._session.token or {}).get("id_token")
            if not id_token:
                raise ValueError("the token has no id_token: sign in with the openid scope first")
            return map_profile(decode_claims(str(id_token))[1], rules)
        return self._profile_from_endpoint(
            self._endpoint("userinfo", with_token=True), timeout=timeout
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _require_grant(self, grant: str) -> None:
        if grant not in self.spec.grants:
            raise ValueError(
                f"{self.spec.name} does not support the {grant} grant "
                f"(grants: {', '.join(self.spec.grants)})"
            )

    def _request_secret(self) -> str | None:
        hooks = self._hook_functions("client_secret")
        if hooks:
            secret: str = hooks[0]()
            return secret
        return self._client_secret

    def _authenticate(self, call: Call, client_auth: str) -> None:
        from .authentication import authenticate
        from .templates import render_url

        rules = self.spec.token
        method = rules.client_auth if client_auth == "inherit" else client_auth
        assertion = rules.client_assertion
        audience = assertion.audience if assertion else None
        authenticate(
            call,
            method,
            self._identity,
            assertion=assertion,
            audience=(
                render_url(audience, self._placeholders(), where="token.client_assertion.audience")
                if audience
                else None
            ),
            include_client_id=rules.include_client_id,
            clock=self._clock,
        )

    def _token_call(
        self,
        url: str,
        grant: Mapping[str, str],
        *,
        where: str,
        request_point: HookPoint,
        method: str | None = None,
        encoding: Encoding | None = None,
        client_auth: str = "inherit",
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        per_call: PerCall = DEFAULT,
    ) -> Call:
        """A token-endpoint request: the token section's settings unless given explicitly."""
        from ..core.endpoints import token_request
        from ..core.http import JSON_ACCEPT
        from .templates import render_text

        rules = self.spec.token
        if method is None:
            method, encoding = rules.method, rules.encoding
        headers = rules.headers if headers is None else headers
        params = rules.params if params is None else params
        values = self._placeholders()
        rendered_headers = {
            name: render_text(template, values, where=f"{where}.headers.{name}", header=True)
            for name, template in headers.items()
        }
        rendered = {
            name: render_text(template, values, where=f"{where}.params.{name}")
            for name, template in params.items()
        }
        return token_request(
            url,
            {**rendered, **grant},
            self._authentication(client_auth),
            method=method,
            encoding=encoding,
            headers={**JSON_ACCEPT, **rendered_headers},
            prepare=self._preparation(where, per_call, request_point),
        )

    def _authentication(self, client_auth: str) -> Authenticate:
        """Adds this client's authentication by ``client_auth`` (``inherit``: the token
        section's) to a call, then gives the client parameters the provider's names."""

        def authenticate(call: Call) -> None:
            from ..core.http import rename

            self._authenticate(call, client_auth)
            call.params = rename(call.params, self.spec.token.param_names)

        return authenticate

    def _preparation(
        self, what: str, per_call: PerCall, hook_point: HookPoint | None = None
    ) -> Prepare:
        """The per-call options, then the spec's hooks at ``hook_point``, applied to a call."""

        def prepare(call: Call) -> Call:
            per_call.apply(call, what=what)
            for hook in self._hook_functions(hook_point) if hook_point else ():
                call = hook(call)
            return call

        return prepare

    def _send_token_call(
        self,
        call: Call,
        response_points: Sequence[HookPoint],
        *,
        previous: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._session.run_flow(
            self._token_exchange(call, response_points, previous=previous)
        )

    def _token_exchange(
        self,
        call: Call,
        response_points: Sequence[HookPoint],
        *,
        previous: Mapping[str, Any] | None = None,
    ) -> Flow[dict[str, Any]]:
        """The flow of one token request, its answer read by :meth:`_token_reader`."""
        from ..core.flow import exchange

        return exchange(call, self._token_reader(response_points, previous=previous))

    def _token_reader(
        self, response_points: Sequence[HookPoint], *, previous: Mapping[str, Any] | None = None
    ) -> Callable[[Response], dict[str, Any]]:
        """Reads a token answer: through the ``response_points`` hooks, then the spec's token
        rules."""
        from .token_response import parse_token_response

        def read(response: Response) -> dict[str, Any]:
            for point in response_points:
                for hook in self._hook_functions(point):
                    response = hook(response)
            return parse_token_response(response, self.spec, clock=self._clock, previous=previous)

        return read

    def _grant(self, grant: Mapping[str, str], per_call: PerCall = DEFAULT) -> dict[str, Any]:
        call = self._token_call(
            self._endpoint("token"),
            grant,
            where="token",
            request_point="access_token_request",
            per_call=per_call,
        )
        return self._send_token_call(call, ("access_token_response",))

    def _check_id_token(self, token: Mapping[str, Any], *, nonce: str | None) -> None:
        if self.spec.protocol != "oidc" or not token.get("id_token"):
            return
        from .id_token import check_id_token

        metadata = self._issuer_metadata()
        check_id_token(
            str(token["id_token"]),
            issuer=metadata.issuer if metadata else None,
            issuer_template=metadata.issuer_template if metadata else None,
            client_id=self._client_id,
            nonce=nonce,
            algorithms=self.spec.oidc.signing_algs,
            now=self._clock,
        )

    def _install(
        self,
        token: dict[str, Any],
        *,
        grant: str,
        renewed: bool = False,
        notify: bool = False,
        spent: str | None = None,
    ) -> TokenT:
        """Make ``token`` the client's, with the after_token fields and the callback values it
        keeps (carried from the previous token on renewal; after_token fetched when missing).

        ``notify``: a refresh (explicit or automatic) or a client-credentials token fetched
        anew on expiry, which also goes to ``token_updater``; ``spent``: the refresh token
        traded for it."""
        from .after_token import carry_added_fields, needs_steps, run_after_token

        if renewed:
            token = carry_added_fields(self.spec, token, self._session.token)
        if needs_steps(self.spec, token):
            token = run_after_token(
                self.spec,
                token,
                placeholders=self._placeholders,
                api_auth=self._api_auth,
                session=self._session,
            )
        self._checked_token(token)  # before the client keeps it or hands it on
        self._session.install(token, notify=notify, spent=spent)
        self._last_grant = grant
        installed = self.token
        assert installed is not None
        return installed


def _revocation_rules(section: RevocationView) -> Revocation:
    """A spec's ``revocation`` section as the core's revocation rules."""
    from ..core.endpoints import Revocation, SuccessBody

    body = section.success_body
    return Revocation(
        method=section.method,
        encoding=section.encoding,
        token_param=section.token_param,
        send_token_type_hint=section.send_token_type_hint,
        authenticate_with_token=section.authenticate_with_token,
        success_status=section.success_status,
        success_body=SuccessBody(body.path, body.value) if body else None,
    )


class _SpecRenewal:
    """The provider session's token source: the spec's refresh, or a new client-credentials
    token when the client got its token by that grant."""

    def __init__(self, provider: OAuth2Provider[Any]) -> None:
        self._provider = provider

    def can_renew(self) -> bool:
        provider = self._provider
        refresh = provider.spec.refresh
        token = provider._session.token or {}
        if refresh and refresh.supported and token.get("refresh_token"):
            return True
        return provider._last_grant == "client_credentials"

    def renew(self, auth: Any, transport: Mapping[str, Any]) -> dict[str, Any]:
        """Refresh (or fetch a new client-credentials token), install it and return it; the
        API request's ``auth`` and transport arguments do not apply to the spec's calls."""
        provider = self._provider
        refresh = provider.spec.refresh
        token = provider._session.token or {}
        if refresh and refresh.supported and token.get("refresh_token"):
            return dict(provider._refresh())
        return dict(provider._client_credentials(scopes=provider._grant_scopes, notify=True))
