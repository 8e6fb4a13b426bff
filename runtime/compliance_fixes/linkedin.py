"""LinkedIn: its token answer historically had no ``token_type``.

requests-oauthlib removed this fix in 1.3.1 while its LinkedIn tutorial still imports it, so it
is provided again. It adds ``token_type: Bearer`` when missing and does nothing otherwise
(the token stays in the Authorization header, which is what LinkedIn's v2 API reads; the old
fix's ``oauth2_access_token`` query parameter belonged to the retired v1 API).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def _default_bearer(token: TokenBody) -> TokenBody:
    if "access_token" in token:
        token.setdefault("token_type", "Bearer")
    return token


def _linkedin_token(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _default_bearer)


def linkedin_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Default LinkedIn's missing token type to Bearer; returns ``session``."""
    session.register_compliance_hook("access_token_response", _linkedin_token)
    session.register_compliance_hook("refresh_token_response", _linkedin_token)
    return session
