"""Signed JWT assertions (RFC 7523): client authentication and the JWT bearer grant.

PyJWT and cryptography are optional (``pip install 'oauthgen[rsa]'``) and imported only when an
assertion is signed. Parsed PEM keys are cached by their bytes, so signing the same key again
costs only the signature.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEFAULT_LIFETIME = 300

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
# Asymmetric JWS algorithm -> the private keys that can sign it (RFC 7518 §3.3-3.5, RFC 8037,
# RFC 8812 §3.2): ES* algorithms are bound to one curve each.
_KEY_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), frozenset({"RSA"})),
    "ES256": frozenset({"EC (secp256r1)"}),
    "ES384": frozenset({"EC (secp384r1)"}),
    "ES512": frozenset({"EC (secp521r1)"}),
    "ES256K": frozenset({"EC (secp256k1)"}),
    "EdDSA": frozenset({"Ed25519", "Ed448"}),
}
_DEFAULT_ALGORITHM_PREFERENCE = ("RS256", "ES256", "ES384", "ES512", "ES256K", "EdDSA")
SUPPORTED_ALGORITHMS = frozenset(HMAC_ALGORITHMS | _KEY_KINDS.keys())

_REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "iat", "exp", "jti"})
_INSTALL_HINT = "pip install 'oauthgen[rsa]'"


def client_assertion(
    *,
    client_id: str,
    audience: str,
    key: str | bytes,
    algorithm: str = "RS256",
    key_id: str | None = None,
    lifetime: int = DEFAULT_LIFETIME,
    extra_claims: Mapping[str, Any] | None = None,
    now: Callable[[], float] = time.time,
) -> str:
    """A ``client_assertion`` for ``client_secret_jwt``/``private_key_jwt`` (RFC 7523 §2.2).

    ``iss`` and ``sub`` are the client id, ``aud`` the endpoint (or issuer) it is sent to.
    ``key`` is the client secret for HS* algorithms and a PEM private key otherwise.
    """
    return _signed_assertion(
        issuer=client_id,
        subject=client_id,
        audience=audience,
        key=key,
        algorithm=algorithm,
        key_id=key_id,
        lifetime=lifetime,
        extra_claims=extra_claims,
        now=now,
    )


def jwt_bearer_grant_assertion(
    *,
    issuer: str,
    subject: str,
    audience: str,
    key: str | bytes,
    algorithm: str = "RS256",
    key_id: str | None = None,
    lifetime: int = DEFAULT_LIFETIME,
    extra_claims: Mapping[str, Any] | None = None,
    now: Callable[[], float] = time.time,
) -> str:
    """The ``assertion`` for ``grant_type=`` :data:`JWT_BEARER_GRANT_TYPE` (RFC 7523 §2.1).

    ``extra_claims`` adds provider-specific claims (such as Google's ``scope``); it may not
    replace the registered claims this function sets.
    """
    return _signed_assertion(
        issuer=issuer,
        subject=subject,
        audience=audience,
        key=key,
        algorithm=algorithm,
        key_id=key_id,
        lifetime=lifetime,
        extra_claims=extra_claims,
        now=now,
    )


def default_algorithm_for_key(key: str | bytes) -> str:
    """The usual JWS algorithm for a PEM private key: RS256, ES256/384/512/256K or EdDSA."""
    kind = _key_kind(load_private_key(key))
    for algorithm in _DEFAULT_ALGORITHM_PREFERENCE:
        if kind in _KEY_KINDS[algorithm]:
            return algorithm
    raise ValueError(f"no supported JWS algorithm signs with a private key of type {kind}")


def load_private_key(key: str | bytes) -> PrivateKeyTypes:
    """Parse an unencrypted PEM private key, cached by its bytes."""
    try:
        import cryptography  # noqa: F401
    except ImportError as exc:
        raise _missing_extra("signing with a private key", exc) from exc
    return _load_pem(key.encode("utf-8") if isinstance(key, str) else key)


@lru_cache(maxsize=32)
def _load_pem(pem: bytes) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem, password=None)
    except TypeError:  # cryptography's way of saying "encrypted, and no password given"
        raise ValueError(
            "the private key PEM is encrypted; pass an unencrypted PEM private key"
        ) from None
    except ValueError:
        # The parser's message is dropped on purpose: nothing about the key goes into errors.
        raise ValueError(
            "the private key is not a valid PEM private key ('-----BEGIN PRIVATE KEY-----' ...)"
        ) from None


def _signed_assertion(
    *,
    issuer: str,
    subject: str,
    audience: str,
    key: str | bytes,
    algorithm: str,
    key_id: str | None,
    lifetime: int,
    extra_claims: Mapping[str, Any] | None,
    now: Callable[[], float],
) -> str:
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
        raise ValueError(f"assertion lifetime must be a positive int of seconds, not {lifetime!r}")
    for name, value in (("issuer", issuer), ("subject", subject), ("audience", audience)):
        if not value:
            raise ValueError(f"a JWT assertion needs a non-empty {name}")
    if not key:
        raise ValueError(f"a JWT assertion signed with {algorithm} needs a key")
    overridden = sorted(_REGISTERED_CLAIMS.intersection(extra_claims or {}))
    if overridden:
        raise ValueError(f"extra_claims may not set the registered claims {overridden}")

    issued_at = int(now())
    claims: dict[str, Any] = {
        **(extra_claims or {}),
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "jti": secrets.token_urlsafe(24),
    }
    headers = {"kid": key_id} if key_id else None
    return _sign(claims, key, algorithm, headers)


def _sign(
    claims: dict[str, Any], key: str | bytes, algorithm: str, headers: dict[str, Any] | None
) -> str:
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValueError(
            f"unsupported JWT signing algorithm {algorithm!r}; "
            f"use one of {', '.join(sorted(SUPPORTED_ALGORITHMS))}"
        )
    try:
        import jwt
    except ImportError as exc:
        raise _missing_extra(f"signing a {algorithm} JWT", exc) from exc
    signing_key: Any
    if algorithm in HMAC_ALGORITHMS:
        signing_key = key.encode("utf-8") if isinstance(key, str) else key
    else:
        signing_key = load_private_key(key)
        _check_key_fits(algorithm, signing_key)
    token: str = jwt.encode(claims, signing_key, algorithm=algorithm, headers=headers)
    return token


def _check_key_fits(algorithm: str, private_key: PrivateKeyTypes) -> None:
    kind = _key_kind(private_key)
    if kind not in _KEY_KINDS[algorithm]:
        raise ValueError(f"cannot sign {algorithm} JWTs with a private key of type {kind}")


def _key_kind(private_key: PrivateKeyTypes) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RSA"
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return f"EC ({private_key.curve.name})"
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "Ed25519"
    if isinstance(private_key, ed448.Ed448PrivateKey):
        return "Ed448"
    return type(private_key).__name__


def _missing_extra(purpose: str, cause: ImportError) -> ImportError:
    return ImportError(f"{purpose} needs PyJWT and cryptography: {_INSTALL_HINT}", name=cause.name)
