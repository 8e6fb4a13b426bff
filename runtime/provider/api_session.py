"""The session API calls go through: the provider's token placement and renewal.

* :class:`ApiAuth` places the access token as ``api`` says: a header (``token_name``, default
  ``Authorization``, with ``token_scheme``, e.g. ``token`` or ``Bearer``, or bare), a query
  parameter or a form-body parameter (default name ``access_token``), and adds ``api.headers``
  and ``api.query`` to every request that carries the token.
* :class:`SpecTokenClient` is the oauthlib client whose ``add_token`` does that, which is the
  extension point ``OAuth2Session`` honours for custom placement.
* :class:`ProviderSession` renews through the token source the provider plugs in (its refresh
  rules, or a new client-credentials token) instead of the stock refresh, and on a redirect
  to another host strips every header that carries the token, not only ``Authorization``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from oauthlib.common import add_params_to_uri, urldecode
from oauthlib.oauth2 import WebApplicationClient
from oauthlib.oauth2.rfc6749.errors import TokenExpiredError

from .._token_attach import Expiry, client_expiry, token_expired
from .._transport import require_secure_url, without_query
from ..token_session import TokenSession, TokenSource
from .spec_view import ApiView
from .templates import Placeholders, render_text

PlaceholdersFor = Callable[[Mapping[str, Any]], Placeholders]
SECRET_PLACEHOLDER = "{client_secret}"


def _lacks_fields(template: str, token: Mapping[str, Any]) -> bool:
    return any(
        name.startswith("token.") and name[len("token.") :] not in token
        for name in re.findall(r"\{([^{}]*)\}", template)
    )


class ApiAuth:
    """How ``api`` puts the token and the companion headers/query on a request."""

    def __init__(
        self,
        api: ApiView,
        placeholders: PlaceholdersFor,
        secret_hosts: Callable[[], frozenset[str]] = frozenset,
    ) -> None:
        self.placement: str = api.token_placement
        default_name = "Authorization" if self.placement == "header" else "access_token"
        self.name: str = api.token_name or default_name
        self.scheme: str | None = api.token_scheme
        self.headers: Mapping[str, str] = api.headers
        self.query: Mapping[str, str] = api.query
        self._placeholders = placeholders
        self._secret_hosts = secret_hosts

    def _to_provider(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return bool(host) and host in self._secret_hosts()

    @property
    def token_headers(self) -> frozenset[str]:
        """Header names (lowercase) that may carry the token, stripped on cross-host redirects."""
        names = {name.lower() for name, value in self.headers.items() if "{" in value}
        if self.placement == "header":
            names.add(self.name.lower())
        return frozenset(names)

    def apply(
        self,
        url: str,
        body: Any,
        headers: dict[str, str] | None,
        token: Mapping[str, Any],
        access_token: str,
        *,
        skip_missing_fields: bool = False,
    ) -> tuple[str, dict[str, str], Any]:
        """The request with the token and ``api``'s companions; ``skip_missing_fields`` leaves
        out companions naming token fields the token lacks yet (the after_token calls that
        fetch those fields)."""
        values = self._placeholders(token)
        headers = dict(headers or {})
        for name, template in self.headers.items():
            if SECRET_PLACEHOLDER in template and not self._to_provider(url):
                continue  # the client secret goes to the provider's own API hosts only
            if skip_missing_fields and _lacks_fields(template, token):
                continue
            headers[name] = render_text(template, values, where=f"api.headers.{name}", header=True)
        query = [
            (name, render_text(template, values, where=f"api.query.{name}"))
            for name, template in self.query.items()
            if not (skip_missing_fields and _lacks_fields(template, token))
        ]
        if self.placement == "header":
            headers[self.name] = f"{self.scheme} {access_token}" if self.scheme else access_token
        elif self.placement == "body" and (body is None or body == "" or isinstance(body, dict)):
            body = {**(body or {}), self.name: access_token}
        elif self.placement == "body" and isinstance(body, str) and _is_form(body):
            body = f"{body}&{urlencode([(self.name, access_token)])}"
        else:  # query placement, or a body that cannot take a form parameter (JSON, bytes)
            query.append((self.name, access_token))
        if query:
            url = add_params_to_uri(url, query)
        return url, headers, body


def _is_form(body: str) -> bool:
    try:
        urldecode(body)
    except ValueError:
        return False
    return True


class SpecTokenClient(WebApplicationClient):
    """An oauthlib client that attaches the token per :class:`ApiAuth`.

    ``add_token`` takes ``now`` (a clock) and ``expiry`` (the session's typed token) from the
    session, so the reading of the clock and the expiry that decided against a renewal also
    decide the expiry check here.
    """

    add_token_takes_now = True

    def __init__(
        self,
        client_id: str,
        *,
        api_auth: ApiAuth,
        clock: Callable[[], float],
        token: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(client_id, token=token)
        self.api_auth = api_auth
        self.clock = clock

    @property
    def token_header_names(self) -> frozenset[str]:
        """Headers (lowercase) that carry the token or a value made from it: the session
        drops them on a redirect to another host."""
        return self.api_auth.token_headers

    @property
    def token_body_names(self) -> frozenset[str]:
        """The body parameter of the token when the spec puts it there (dropped likewise)."""
        auth = self.api_auth
        return frozenset({auth.name}) if auth.placement == "body" else frozenset()

    def add_token(
        self,
        uri: str,
        http_method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        token_placement: str | None = None,
        now: Callable[[], float] | None = None,
        expiry: Expiry | None = None,
        **kwargs: Any,
    ) -> tuple[str, Any, Any]:
        require_secure_url(uri)
        access_token = self.access_token or self.token.get("access_token")
        if not access_token:
            raise ValueError("Missing access token.")
        if token_expired((expiry or client_expiry(self))(access_token), now or self.clock):
            raise TokenExpiredError()
        return self.api_auth.apply(uri, body, headers, self.token, access_token)


class ProviderSession(TokenSession):
    """The session of a generated provider client: a :class:`~runtime.token_session.TokenSession`
    whose client places the token as the provider's spec says and whose token source is the
    provider's renewal (its refresh rules, or a new client-credentials token).

    The provider client runs the flows; this session only carries their token to API calls.
    An automatic renewal without ``token_updater`` or store keeps the new token in the
    session (the provider client owns the token), where ``OAuth2Session`` raises
    ``TokenUpdated``.
    """

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """As ``TokenSession.request``; a ``json=`` body is encoded here, so body placement
        sees it and puts the token in the query instead of replacing the JSON.

        An API call (any request but the client's own token-endpoint calls) without a token
        raises ``NoTokenError`` instead of going out unauthenticated.
        """
        withhold = kwargs.get("withhold_token", args[2] if len(args) > 2 else False)
        if not withhold and not self.token:
            from ..errors import NoTokenError

            raise NoTokenError(f"the API call to {without_query(str(url))}")
        payload = kwargs.pop("json", None)
        if payload is not None and not args and kwargs.get("data") is None:
            kwargs["data"] = json.dumps(payload).encode("utf-8")
            headers = dict(kwargs.get("headers") or {})
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
            kwargs["headers"] = headers
        elif payload is not None:
            kwargs["json"] = payload
        return super().request(method, url, *args, **kwargs)

    def refresh_token(self) -> dict[str, Any]:
        """Renew the token now, as the provider's spec says (its refresh, or a new
        client-credentials token); the client's ``refresh()`` takes per-call options."""
        return self._renewal.renew(None, {})


def make_session(
    *,
    client_id: str,
    api_auth: ApiAuth,
    token: dict[str, Any] | None,
    leeway: float,
    clock: Callable[[], float],
    token_store: Any,
    token_store_key: str | None,
    token_updater: Callable[[dict[str, Any]], object] | None,
    timeout: Any,
    token_source: TokenSource,
) -> ProviderSession:
    client = SpecTokenClient(client_id, api_auth=api_auth, clock=clock, token=token)
    return ProviderSession(
        client,
        token=token,
        token_source=token_source,
        token_updater=token_updater,
        leeway=leeway,
        clock=clock,
        token_store=token_store,
        token_store_key=token_store_key,
        timeout=timeout,
    )
