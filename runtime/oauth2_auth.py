"""``OAuth2``: a requests ``AuthBase`` that adds an OAuth 2 token to each request."""

from __future__ import annotations

from typing import Any

import requests
from oauthlib.oauth2 import Client, WebApplicationClient

from ._redact import mask
from ._token_attach import attach_token


class OAuth2(requests.auth.AuthBase):
    """Adds ``token`` to requests made with ``requests.get(url, auth=OAuth2(...))``.

    Same constructor as requests-oauthlib: ``client`` is any oauthlib client; without one a
    ``WebApplicationClient(client_id, token=token)`` is made. Plain HTTP is refused except on
    loopback hosts (or with ``OAUTHLIB_INSECURE_TRANSPORT``). An expired token raises
    ``TokenExpiredError``; this class does not refresh (``OAuth2Session`` does).
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

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.url, headers, r.body = attach_token(
            self._client, r.url or "", r.method or "GET", r.body, r.headers
        )
        if headers is not r.headers:
            r.prepare_headers(headers)
        return r

    def __repr__(self) -> str:
        client_id = getattr(self._client, "client_id", None)
        return f"OAuth2(client_id={client_id!r}, access_token={mask(self._client.access_token)})"
