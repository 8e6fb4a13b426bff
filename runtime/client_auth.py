"""Client authentication at the token, revocation, introspection and device endpoints.

A small registry maps RFC 8414 method names (``token_endpoint_auth_methods_supported``) to
functions that add the client's credentials to a request's headers and form body.
``register_client_auth`` adds provider-specific methods.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Protocol
from urllib.parse import quote_plus

from ._redact import mask
from ._transport import require_secure_url
from .jwt_assertions import (
    CLIENT_ASSERTION_TYPE,
    DEFAULT_LIFETIME,
    HMAC_ALGORITHMS,
    client_assertion,
    default_algorithm_for_key,
)

ClientAuthMethod = Literal[
    "client_secret_basic", "client_secret_post", "none", "client_secret_jwt", "private_key_jwt"
]

# RFC 8414 §2: a server that does not list its methods supports client_secret_basic only.
DEFAULT_SUPPORTED_METHODS: tuple[str, ...] = ("client_secret_basic",)


@dataclass(frozen=True, repr=False)
class ClientCredentials:
    """What a client can authenticate with. ``repr`` shows which secrets exist, never them.

    ``assertion_lifetime`` is the ``exp - iat`` of JWT assertions; ``assertion_audience``
    replaces the default ``aud`` (the endpoint URL) for servers that want their issuer there.
    """

    client_id: str
    client_secret: str | None = None
    private_key: str | bytes | None = None  # PEM
    key_id: str | None = None
    signing_alg: str | None = None
    assertion_lifetime: int = DEFAULT_LIFETIME
    assertion_audience: str | None = None

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)}, private_key={mask(self.private_key)}, "
            f"key_id={self.key_id!r}, signing_alg={self.signing_alg!r}, "
            f"assertion_lifetime={self.assertion_lifetime!r}, "
            f"assertion_audience={self.assertion_audience!r})"
        )


class ClientAuthFunction(Protocol):
    """Adds ``credentials`` to a request for ``endpoint`` by mutating ``headers``/``body``."""

    def __call__(
        self,
        credentials: ClientCredentials,
        *,
        endpoint: str,
        headers: MutableMapping[str, str],
        body: dict[str, str],
        now: Callable[[], float],
    ) -> None: ...


_registry: dict[str, ClientAuthFunction] = {}
CLIENT_AUTH_METHODS: Mapping[str, ClientAuthFunction] = MappingProxyType(_registry)


def register_client_auth(name: str, apply: ClientAuthFunction, *, replace: bool = False) -> None:
    """Make ``name`` usable with :func:`apply_client_auth`; ``replace=True`` to override one."""
    if not isinstance(name, str) or not name:
        raise ValueError("a client authentication method needs a non-empty name")
    if not callable(apply):
        raise TypeError(f"client authentication method {name!r} must be callable")
    if name in _registry and not replace:
        raise ValueError(
            f"client authentication method {name!r} is already registered; "
            f"pass replace=True to override it"
        )
    _registry[name] = apply


def apply_client_auth(
    method: str,
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float] = time.time,
) -> None:
    """Authenticate the request to ``endpoint`` with ``method`` by mutating headers and body.

    Raises ``ValueError`` for an unknown method or credentials the method cannot use, and
    oauthlib's ``InsecureTransportError`` for a plain-HTTP endpoint that is not loopback.
    """
    apply = _registry.get(method)
    if apply is None:
        raise ValueError(
            f"unknown client authentication method {method!r}; "
            f"known methods: {', '.join(sorted(_registry))}"
        )
    if not credentials.client_id:
        raise ValueError(f"client authentication {method!r} needs a client_id")
    require_secure_url(endpoint)
    apply(credentials, endpoint=endpoint, headers=headers, body=body, now=now)


def choose_client_auth(supported: Sequence[str] | None, credentials: ClientCredentials) -> str:
    """The strongest method the server supports that ``credentials`` can do.

    ``supported`` is the server's ``*_auth_methods_supported`` list; ``None`` means it
    published none, i.e. ``["client_secret_basic"]`` (RFC 8414 §2).
    """
    offered = DEFAULT_SUPPORTED_METHODS if supported is None else tuple(supported)
    usable = _usable_methods(credentials)
    for method in usable:
        if method in offered:
            return method
    raise ValueError(
        f"no client authentication method fits: the server supports {list(offered)}, "
        f"these credentials allow {list(usable)}"
    )


def _usable_methods(credentials: ClientCredentials) -> list[str]:
    methods = []
    if credentials.private_key:
        methods.append("private_key_jwt")
    if credentials.client_secret:
        methods += ["client_secret_basic", "client_secret_post", "client_secret_jwt"]
    methods.append("none")
    return methods


# -- the built-in methods ----------------------------------------------------------------------


def _clear_client_auth(headers: MutableMapping[str, str], body: dict[str, str]) -> None:
    # Another method may already have run on this request (a retry with a different method);
    # credentials must not be sent twice or in two forms.
    for field in ("client_secret", "client_assertion", "client_assertion_type"):
        body.pop(field, None)
    for name in [name for name in headers if name.lower() == "authorization"]:
        if headers[name][:6].lower() == "basic ":
            del headers[name]


def _require_secret(method: str, credentials: ClientCredentials) -> str:
    if not credentials.client_secret:
        raise ValueError(f"client authentication {method!r} needs a client_secret")
    return credentials.client_secret


def client_secret_basic(
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    """HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1)."""
    secret = _require_secret("client_secret_basic", credentials)
    _clear_client_auth(headers, body)
    user_pass = f"{quote_plus(credentials.client_id)}:{quote_plus(secret)}"
    headers["Authorization"] = "Basic " + base64.b64encode(user_pass.encode("ascii")).decode()


def client_secret_post(
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    """``client_id`` and ``client_secret`` in the form body (RFC 6749 §2.3.1)."""
    secret = _require_secret("client_secret_post", credentials)
    _clear_client_auth(headers, body)
    body["client_id"] = credentials.client_id
    body["client_secret"] = secret


def public_client(
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    """``none``: a public client identifies itself with ``client_id`` alone, never Basic."""
    _clear_client_auth(headers, body)
    body["client_id"] = credentials.client_id


def client_secret_jwt(
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    """An HMAC-signed assertion keyed with the client secret (RFC 7523 §2.2, OIDC Core §9)."""
    secret = _require_secret("client_secret_jwt", credentials)
    algorithm = credentials.signing_alg or "HS256"
    if algorithm not in HMAC_ALGORITHMS:
        raise ValueError(f"client_secret_jwt signs with HS256, HS384 or HS512, not {algorithm!r}")
    _add_assertion(credentials, secret, algorithm, endpoint, headers, body, now)


def private_key_jwt(
    credentials: ClientCredentials,
    *,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    """An assertion signed with the client's private key (RFC 7523 §2.2, OIDC Core §9)."""
    key = credentials.private_key
    if not key:
        raise ValueError("client authentication 'private_key_jwt' needs a private_key (PEM)")
    algorithm = credentials.signing_alg or default_algorithm_for_key(key)
    if algorithm in HMAC_ALGORITHMS:
        raise ValueError(
            f"private_key_jwt needs an asymmetric algorithm such as RS256, not {algorithm!r}"
        )
    _add_assertion(credentials, key, algorithm, endpoint, headers, body, now)


def _add_assertion(
    credentials: ClientCredentials,
    key: str | bytes,
    algorithm: str,
    endpoint: str,
    headers: MutableMapping[str, str],
    body: dict[str, str],
    now: Callable[[], float],
) -> None:
    assertion = client_assertion(
        client_id=credentials.client_id,
        audience=credentials.assertion_audience or endpoint,
        key=key,
        algorithm=algorithm,
        key_id=credentials.key_id,
        lifetime=credentials.assertion_lifetime,
        now=now,
    )
    _clear_client_auth(headers, body)
    body["client_id"] = credentials.client_id
    body["client_assertion_type"] = CLIENT_ASSERTION_TYPE
    body["client_assertion"] = assertion


register_client_auth("client_secret_basic", client_secret_basic)
register_client_auth("client_secret_post", client_secret_post)
register_client_auth("none", public_client)
register_client_auth("client_secret_jwt", client_secret_jwt)
register_client_auth("private_key_jwt", private_key_jwt)
