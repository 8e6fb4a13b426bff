"""Sign in with Apple: the client secret is a signed JWT, and the name arrives only once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...jwt_assertions import jwt_bearer_grant_assertion
from ..flow_errors import CallbackValueError
from .host import HookHost

APPLE_AUDIENCE = "https://appleid.apple.com"
SECRET_LIFETIME = 300


def apple_client_secret_jwt(host: HookHost) -> str:
    """An ES256 JWT (iss: team_id, sub: client_id, aud: Apple, kid: key_id) as the secret.

    Needs ``private_key`` (the .p8 PEM), ``key_id`` and the ``team_id`` variable.
    """
    if not host.private_key or not host.key_id:
        raise ValueError("apple_client_secret_jwt needs private_key= (the .p8 key) and key_id=")
    return jwt_bearer_grant_assertion(
        issuer=str(host.variable("team_id")),
        subject=host.client_id,
        audience=APPLE_AUDIENCE,
        key=host.private_key,
        algorithm="ES256",
        key_id=host.key_id,
        lifetime=SECRET_LIFETIME,
        now=host.now,
    )


def apple_form_post_user(host: HookHost, params: Mapping[str, str]) -> dict[str, Any]:
    """The ``user`` JSON (name, email) Apple form-posts with the first consent only."""
    raw = params.get("user")
    if not raw:
        return {}
    try:
        user = json.loads(raw)
    except ValueError:
        raise CallbackValueError("user", "Apple's 'user' callback value is not JSON") from None
    if not isinstance(user, dict):
        raise CallbackValueError("user", "Apple's 'user' callback value is not a JSON object")
    return {"user": user}
