"""OAuth 1 requests as a provider sees them: signatures checked independently by oauthlib's
server side, Authorization header parameters unescaped."""

from __future__ import annotations

from typing import Any

from oauthlib.oauth1.rfc5849 import signature, utils
from oauthlib.oauth1.rfc5849.endpoints.base import BaseEndpoint

from tests.support.http import as_text


def provider_view(sent: Any) -> Any:
    """Parse a sent request the way an oauthlib-based provider does."""
    endpoint: Any = BaseEndpoint(request_validator=None)
    headers = {name: as_text(value) for name, value in sent.headers.items()}
    return endpoint._create_request(sent.url, sent.method, as_text(sent.body) or "", headers)


def hmac_sha1_signed(sent: Any, client_secret: str, token_secret: str | None) -> bool:
    """Whether a sent request's HMAC-SHA1 signature verifies."""
    return bool(signature.verify_hmac_sha1(provider_view(sent), client_secret, token_secret))


def oauth_params(sent: Any) -> dict[str, str]:
    """The OAuth parameters of a sent request's Authorization header, unescaped."""
    pairs = utils.parse_authorization_header(as_text(sent.headers["Authorization"]))
    return {name: utils.unescape(value) for name, value in pairs}
