"""``OAuth2``: a requests ``AuthBase`` that adds an OAuth 2 token to each request."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import requests
from oauthlib.oauth2 import Client, WebApplicationClient

from ._redact import mask
from ._token_attach import BODY_TOKEN_PARAM, attach_token, strip_form_token
from ._transport import redirect_status
from .core.reading import header_of

_now = time.time
# requests' own rule for "this redirect leaves the host" (the mixin keeps no state).
_leaves_host: Callable[[str | None, str | None], bool] = (
    requests.sessions.SessionRedirectMixin().should_strip_auth
)


class OAuth2(requests.auth.AuthBase):
    """Adds ``token`` to requests made with ``requests.get(url, auth=OAuth2(...))``.

    Same constructor as requests-oauthlib: ``client`` is any oauthlib client; without one a
    ``WebApplicationClient(client_id, token=token)`` is made. Plain HTTP is refused except on
    loopback hosts (or with ``OAUTHLIB_INSECURE_TRANSPORT``). An expired token raises
    ``TokenExpiredError``; this class does not refresh (``OAuth2Session`` does).

    A token placed in the body (``default_token_placement="body"``) is taken off the
    request before requests follows a redirect to another host.

    The token is read once, when the auth is created: for a new token create a new ``OAuth2``
    (or let ``OAuth2Session`` manage tokens). That lets the common case, a Bearer token in the
    ``Authorization`` header, cost one header assignment per request.
    """

    def __init__(
        self,
        client_id: str | None = None,
        client: Client | None = None,
        token: dict[str, Any] | None = None,
    ) -> None:
        self._client: Client = client or WebApplicationClient(client_id, token=token)  # type: ignore[arg-type]
        if token:
            for key, value in token.items():
                setattr(self._client, key, value)
        self._bearer_header, self._fast_until = self._fast_path()

    def _fast_path(self) -> tuple[str, float]:
        """The ready ``Authorization`` value and until when it may be sent without further
        checks; ``-inf`` when oauthlib's general path is needed (other token types or
        placements, a custom client)."""
        client = self._client
        if (
            type(client).add_token is not Client.add_token
            or client.token_type.lower() != "bearer"
            or client.default_token_placement != "auth_header"
            or not client.access_token
        ):
            return "", -math.inf
        expires_at = getattr(client, "_expires_at", None)
        return "Bearer " + client.access_token, float(expires_at) if expires_at else math.inf

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        url = r.url or ""
        if url.startswith("https://") and self._fast_until > _now():
            r.headers["Authorization"] = self._bearer_header
            return r
        # Expired, plain HTTP (loopback or refused) or not a plain Bearer header: the general
        # path raises or attaches exactly as oauthlib would.
        r.url, headers, r.body = attach_token(
            self._client, r.url or "", r.method or "GET", r.body, r.headers
        )
        if headers is not r.headers:
            r.prepare_headers(headers)
        if self._client.default_token_placement == "body":
            register: Callable[[str, Callable[..., Any]], None] = r.register_hook
            register("response", self._strip_before_redirect)
        return r

    def _strip_before_redirect(
        self, response: requests.Response, **kwargs: Any
    ) -> requests.Response:
        """Response hook: when requests is about to follow a redirect to another host, take
        the body-placed token off the request it re-sends (a 307/308 keeps the body).

        requests builds the redirected request from the one already sent, so that object
        (``response.history[0].request``) is the one edited."""
        location = header_of(response, "Location")
        if redirect_status(response) is None or not location or response.request is None:
            return response
        if _leaves_host(response.url, urljoin(response.url, location)):
            token = self._client.access_token
            strip_form_token(
                response.request, names={BODY_TOKEN_PARAM}, values={token} if token else set()
            )
        return response

    def __repr__(self) -> str:
        client_id = getattr(self._client, "client_id", None)
        return f"OAuth2(client_id={client_id!r}, access_token={mask(self._client.access_token)})"
