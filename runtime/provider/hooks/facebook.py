"""Facebook's ``appsecret_proof``: HMAC-SHA256 of the access token keyed by the app secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from oauthlib.common import add_params_to_uri

from .host import HookHost


def facebook_appsecret_proof(
    host: HookHost, url: str, headers: dict[str, Any] | None, data: Any
) -> tuple[str, dict[str, Any] | None, Any]:
    """Add ``appsecret_proof`` to the query of every API request that carries the token."""
    secret = host.client_secret
    token = host.access_token
    if not secret or not token or "appsecret_proof=" in url:
        return url, headers, data
    proof = hmac.new(secret.encode(), str(token).encode(), hashlib.sha256).hexdigest()
    return add_params_to_uri(url, [("appsecret_proof", proof)]), headers, data
