"""Douban: the token answer may lack ``token_type``, and the API reads the token from the query.

The fix adds ``token_type: Bearer`` when it is missing and switches the session's client to
query placement. requests-oauthlib's version assigned the placement to a misspelt session
attribute, so its tokens kept going in the header; here the client really is switched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def _default_bearer(token: TokenBody) -> TokenBody:
    token.setdefault("token_type", "Bearer")
    return token


def _douban_token(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _default_bearer)


def douban_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Default Bearer token type and query placement for Douban; returns ``session``."""
    session._client.default_token_placement = "query"
    session.register_compliance_hook("access_token_response", _douban_token)
    return session
