"""Reading and checking an OpenID Connect id_token's claims (OIDC Core 3.1.3.7).

The id_token comes straight from the token endpoint over TLS, which OIDC Core 3.1.3.7 (6)
accepts in place of checking its signature; the claims are always checked: ``iss`` (against
the issuer, or an issuer template such as Entra's ``.../{tid}/v2.0`` filled from the claims),
``aud``/``azp``, ``exp``, ``nonce`` (when one was sent), and the header's ``alg`` must be one of
``oidc.signing_algs``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from .flow_errors import IdTokenError

CLOCK_SKEW = 120
_CLAIM = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _segment(data: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError):
        raise IdTokenError(
            description="the id_token is not a JWT (bad base64url or JSON)"
        ) from None


def decode_claims(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a compact JWS, without verifying the signature."""
    parts = id_token.split(".")
    if len(parts) != 3:
        raise IdTokenError(description="the id_token is not a JWT (it needs three parts)")
    header, claims = _segment(parts[0]), _segment(parts[1])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise IdTokenError(description="the id_token header and claims must be JSON objects")
    return header, claims


def expected_issuer(issuer: str, template: str | None, claims: dict[str, Any]) -> str:
    """The issuer the claims must carry; a template's ``{claim}`` is filled from them."""
    if template is None:
        return issuer

    def fill(match: re.Match[str]) -> str:
        value = claims.get(match.group(1))
        if not isinstance(value, str) or not value:
            raise IdTokenError(description=f"the id_token lacks the {match.group(1)!r} claim")
        return value

    return _CLAIM.sub(fill, template)


def check_id_token(
    id_token: str,
    *,
    issuer: str | None,
    issuer_template: str | None,
    client_id: str,
    nonce: str | None,
    algorithms: Sequence[str],
    now: Callable[[], float],
) -> dict[str, Any]:
    """The claims, once they pass the checks above; IdTokenError naming the first failure."""
    header, claims = decode_claims(id_token)
    if header.get("alg") not in algorithms:
        raise IdTokenError(
            description=f"id_token alg {header.get('alg')!r} is not one of {list(algorithms)}"
        )
    if issuer is not None:
        wanted = expected_issuer(issuer, issuer_template, claims)
        if claims.get("iss") != wanted:
            raise IdTokenError(description=f"id_token iss is not the expected issuer {wanted!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise IdTokenError(description="id_token aud does not include this client_id")
    if len(audiences) > 1 and claims.get("azp") not in (None, client_id):
        raise IdTokenError(description="id_token azp is another client")
    expiry = claims.get("exp")
    if not isinstance(expiry, (int, float)) or isinstance(expiry, bool):
        raise IdTokenError(description="id_token has no numeric exp claim")
    if expiry + CLOCK_SKEW < now():
        raise IdTokenError(description="the id_token has expired")
    if nonce is not None and claims.get("nonce") != nonce:
        raise IdTokenError(description="id_token nonce does not match the one sent")
    return claims
