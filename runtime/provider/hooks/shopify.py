"""Shopify signs its callbacks: ``hmac`` is HMAC-SHA256 of the other parameters."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from ..flow_errors import CallbackSignatureError
from .host import HookHost

_SHOP = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com")


def shopify_callback_hmac(host: HookHost, params: Mapping[str, str]) -> dict[str, Any]:
    """Verify ``hmac`` (keyed with the client secret, over the remaining parameters sorted by
    name, joined as ``k=v&...``) and that ``shop`` is a myshopify.com host."""
    secret = host.client_secret
    if not secret:
        raise CallbackSignatureError(description="verifying Shopify's hmac needs the client secret")
    received = params.get("hmac")
    if not received:
        raise CallbackSignatureError(description="the Shopify callback carries no hmac")
    message = "&".join(
        f"{name}={value}"
        for name, value in sorted(params.items())
        if name not in ("hmac", "signature")
    )
    expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise CallbackSignatureError(description="the Shopify callback's hmac does not verify")
    shop = params.get("shop")
    if shop is not None and not _SHOP.fullmatch(shop):
        raise CallbackSignatureError(
            description="the Shopify callback names a shop outside myshopify.com"
        )
    return {}
