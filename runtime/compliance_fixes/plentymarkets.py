"""plentymarkets: the token answer uses camelCase keys (``accessToken``, ``expiresIn``...).

On a successful (200) JSON answer every key is converted to snake_case, so oauthlib finds
``access_token``, ``token_type``, ``expires_in`` and ``refresh_token``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session

# "accessToken" -> "access_Token"; "userID" -> "user_ID"; "HTTPStatus" -> "HTTP_Status".
_LOWER_THEN_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ACRONYM_THEN_WORD = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")


def camel_to_snake(name: str) -> str:
    """``expiresIn`` -> ``expires_in``; names already in snake_case are unchanged."""
    return _ACRONYM_THEN_WORD.sub("_", _LOWER_THEN_UPPER.sub("_", name)).lower()


def _snake_case_keys(token: TokenBody) -> TokenBody:
    return {camel_to_snake(key): value for key, value in token.items()}


def _plentymarkets_token(response: requests.Response) -> requests.Response:
    if response.status_code != 200:
        return response
    return rewrite_token_response(response, _snake_case_keys)


def plentymarkets_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Convert plentymarkets' camelCase token keys to snake_case; returns ``session``."""
    session.register_compliance_hook("access_token_response", _plentymarkets_token)
    return session
