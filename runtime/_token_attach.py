"""Attaching an OAuth 2 access token to an outgoing request.

oauthlib's ``Client.add_token`` rebuilds a dict of token types and re-checks the transport on
every call. The common case (a Bearer token in the Authorization header) is a single header
assignment here; everything else goes through oauthlib's token-type handlers unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from typing import Any

from oauthlib.oauth2 import Client
from oauthlib.oauth2.rfc6749.errors import TokenExpiredError

from ._transport import require_secure_url

_OAUTHLIB_ADD_TOKEN = Client.add_token

Attached = tuple[str, Any, Any]


def token_expired(client: Client, now: Callable[[], float] = time.time) -> bool:
    """oauthlib's rule: expired once ``_expires_at`` (set from the token) is in the past."""
    expires_at = getattr(client, "_expires_at", None)
    return bool(expires_at and expires_at < now())


def attach_token(
    client: Client,
    url: str,
    method: str,
    body: Any,
    headers: MutableMapping[str, Any] | None,
    now: Callable[[], float] = time.time,
) -> Attached:
    """Return ``(url, headers, body)`` carrying ``client``'s token; raise if it expired."""
    if not url.startswith("https://"):
        require_secure_url(url)
    if type(client).add_token is not _OAUTHLIB_ADD_TOKEN:
        # A client class with its own add_token keeps full control (and oauthlib's checks);
        # one that declares ``add_token_takes_now`` judges expiry by the caller's clock.
        if getattr(client, "add_token_takes_now", False):
            add_token: Callable[..., Attached] = client.add_token
            return add_token(url, http_method=method, body=body, headers=headers, now=now)
        return client.add_token(url, http_method=method, body=body, headers=headers)  # type: ignore[arg-type]
    # Read the token before its expiry: a concurrent token swap writes them the other way
    # round, so a torn read can only pair the old token with the new expiry.
    access_token = client.access_token or client.token.get("access_token")
    if token_expired(client, now):
        raise TokenExpiredError()
    if not access_token:
        raise ValueError("Missing access token.")
    token_type = client.token_type.lower()
    placement = client.default_token_placement
    if token_type == "bearer" and placement == "auth_header":
        if headers is None:
            headers = {}
        headers["Authorization"] = "Bearer " + access_token
        return url, headers, body
    handlers = {name.lower(): handler for name, handler in client.token_types.items()}
    handler = handlers.get(token_type)
    if handler is None:
        raise ValueError(f"Unsupported token type: {client.token_type}")
    return handler(url, method, body, headers, placement)  # type: ignore[call-arg, arg-type]  # stub is narrower than oauthlib
