"""Client authentication of a token-type :class:`~runtime.core.http.Call`.

The spec's ``client_auth`` names map onto ``runtime.client_auth``'s registry; the two it lacks
are applied here: ``client_secret_bearer`` (Stripe: the secret as a Bearer token) and
``public_basic`` (Reddit's installed apps: HTTP Basic with the client id and an empty password
when there is no secret). A method that
needs a secret falls back to ``none`` (client_id in the body) when the client has no secret, so
public clients with PKCE work against specs whose default is ``client_secret_basic``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus

from ..client_auth import ClientCredentials, apply_client_auth
from ..core.http import Call
from ..jwt_assertions import DEFAULT_LIFETIME
from .spec_view import ClientAssertionView

_NEEDS_SECRET = frozenset(
    {"client_secret_basic", "client_secret_post", "client_secret_jwt", "client_secret_bearer"}
)


@dataclass(frozen=True)
class ClientIdentity:
    """The client's credentials; ``secret`` is called per request (a hook may mint it)."""

    client_id: str
    secret: Callable[[], str | None]
    private_key: str | bytes | None = None
    key_id: str | None = None


def authenticate(
    call: Call,
    method: str,
    identity: ClientIdentity,
    *,
    assertion: ClientAssertionView | None,
    audience: str | None,
    include_client_id: bool,
    clock: Callable[[], float],
) -> None:
    """Add the client's authentication to ``call`` (headers and params) with ``method``."""
    if method == "public_basic":
        secret = identity.secret()
        method = "client_secret_basic" if secret else method
    else:
        secret = identity.secret() if method in _NEEDS_SECRET else None
    if method in _NEEDS_SECRET and not secret:
        method = "none"
    if method == "public_basic":
        user_pass = f"{quote_plus(identity.client_id)}:".encode()
        call.headers["Authorization"] = "Basic " + base64.b64encode(user_pass).decode("ascii")
    elif method == "client_secret_bearer":
        call.headers["Authorization"] = f"Bearer {secret}"
    else:
        credentials = ClientCredentials(
            client_id=identity.client_id,
            client_secret=secret,
            private_key=identity.private_key,
            key_id=identity.key_id,
            signing_alg=assertion.signing_alg if assertion else None,
            assertion_lifetime=(assertion.lifetime_seconds if assertion else 0) or DEFAULT_LIFETIME,
            assertion_audience=audience,
        )
        apply_client_auth(
            method,
            credentials,
            endpoint=call.url,
            headers=call.headers,
            body=call.params,
            now=clock,
        )
    if include_client_id:
        call.params.setdefault("client_id", identity.client_id)
