"""Weibo: the token answer has no ``token_type``, and the API reads the token from the query.

The fix sets ``token_type`` to ``Bearer`` in the answer and switches the session's client to
query placement, so protected requests carry ``?access_token=...``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def _force_bearer(token: TokenBody) -> TokenBody:
    token["token_type"] = "Bearer"
    return token


def _weibo_token(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _force_bearer)


def weibo_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Bearer token type and query placement for Weibo; returns ``session``."""
    session._client.default_token_placement = "query"
    session.register_compliance_hook("access_token_response", _weibo_token)
    return session
