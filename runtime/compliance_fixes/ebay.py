"""eBay: ``token_type`` is ``"Application Access Token"`` or ``"User Access Token"``.

oauthlib does not know those types, so the session could not attach the token. The fix
renames both to ``Bearer`` in the access-token and refresh-token answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session

_EBAY_TOKEN_TYPES = frozenset({"Application Access Token", "User Access Token"})


def _bearer_token_type(token: TokenBody) -> TokenBody:
    if token.get("token_type") in _EBAY_TOKEN_TYPES:
        token["token_type"] = "Bearer"
    return token


def _ebay_token(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _bearer_token_type)


def ebay_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Rename eBay's token types to ``Bearer``; returns ``session``."""
    session.register_compliance_hook("access_token_response", _ebay_token)
    session.register_compliance_hook("refresh_token_response", _ebay_token)
    return session
