"""Attaching an OAuth 2 access token to an outgoing request, and taking it off a redirect.

oauthlib's ``Client.add_token`` rebuilds a dict of token types and re-checks the transport on
every call. The common case (a Bearer token in the Authorization header) is a single header
assignment here; a body-placed token is added to a dict or list of pairs here (oauthlib only
handles an encoded string); everything else goes through oauthlib's token-type handlers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, MutableMapping
from typing import TYPE_CHECKING, Any

from oauthlib.common import urldecode
from oauthlib.oauth2 import Client
from oauthlib.oauth2.rfc6749.errors import TokenExpiredError

from ._transport import require_secure_url

if TYPE_CHECKING:
    import requests

_OAUTHLIB_ADD_TOKEN = Client.add_token
BODY_TOKEN_PARAM = "access_token"  # RFC 6750 §2.2

Attached = tuple[str, Any, Any]


Expiry = Callable[[str | None], "float | None"]


def client_expiry(client: Client) -> Expiry:
    """oauthlib's record of the expiry: ``_expires_at``, set on the client from the token.
    For an ``OAuth2`` auth built on any oauthlib client; a session passes its typed token."""
    return lambda access_token: getattr(client, "_expires_at", None)


def token_expired(expires_at: float | None, now: Callable[[], float] = time.time) -> bool:
    """oauthlib's rule: expired once the absolute expiry is in the past."""
    return bool(expires_at and expires_at < now())


def attach_token(
    client: Client,
    url: str,
    method: str,
    body: Any,
    headers: MutableMapping[str, Any] | None,
    now: Callable[[], float] = time.time,
    expiry: Expiry | None = None,
) -> Attached:
    """Return ``(url, headers, body)`` carrying ``client``'s token; raise if it expired.

    ``expiry`` maps the access token being attached to its absolute expiry (default: what
    oauthlib recorded on ``client``).
    """
    if not url.startswith("https://"):
        require_secure_url(url)
    expiry = expiry or client_expiry(client)
    if type(client).add_token is not _OAUTHLIB_ADD_TOKEN:
        # A client class with its own add_token keeps full control (and oauthlib's checks);
        # one that declares ``add_token_takes_now`` judges expiry by the caller's clock and
        # record of the expiry.
        if getattr(client, "add_token_takes_now", False):
            add_token: Callable[..., Attached] = client.add_token
            return add_token(
                url, http_method=method, body=body, headers=headers, now=now, expiry=expiry
            )
        return client.add_token(url, http_method=method, body=body, headers=headers)  # type: ignore[arg-type]
    # Read the token before its expiry: a concurrent token swap writes them the other way
    # round, so a torn read can only pair the old token with the new expiry.
    access_token = client.access_token or client.token.get("access_token")
    if token_expired(expiry(access_token), now):
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
    if token_type == "bearer" and placement == "body" and isinstance(body, (dict, list, tuple)):
        return url, headers, with_form_param(body, BODY_TOKEN_PARAM, access_token)
    handlers = {name.lower(): handler for name, handler in client.token_types.items()}
    handler = handlers.get(token_type)
    if handler is None:
        raise ValueError(f"Unsupported token type: {client.token_type}")
    return handler(url, method, body, headers, placement)  # type: ignore[call-arg, arg-type]  # stub is narrower than oauthlib


def with_form_param(
    data: dict[str, Any] | list[Any] | tuple[Any, ...], name: str, value: str
) -> Any:
    """A copy of form ``data`` (a dict or pairs) with ``name=value``; the caller's data is
    left as it was, so it does not carry the token into its next request."""
    if isinstance(data, dict):
        return {**data, name: value}
    return [*[pair for pair in data if pair[0] != name], (name, value)]


def strip_form_token(
    prepared: requests.PreparedRequest, *, names: Collection[str], values: Collection[str]
) -> None:
    """Remove from a form-encoded body every parameter named in ``names`` or whose value is
    in ``values`` (the access tokens), re-encoding the body and its length.

    For redirects to another host (RFC 6750 §5.3: tokens must not reach other parties);
    bodies that are not form-encoded text are left alone.
    """
    body = prepared.body
    if not body or not isinstance(body, (str, bytes)):
        return
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        pairs = urldecode(text)
    except ValueError:  # UnicodeDecodeError included: not a form
        return
    kept = [(name, value) for name, value in pairs if name not in names and value not in values]
    if len(kept) == len(pairs):
        return
    prepared.headers.pop("Content-Length", None)
    prepared.prepare_body(kept, None)
