"""Facebook: old Graph API versions answer the token request with a form-encoded body.

Such an answer has status 200 and ``Content-Type: text/plain``, names the lifetime ``expires``
rather than ``expires_in`` and carries no ``token_type``. The fix turns it into the JSON token
oauthlib expects. Answers declared as JSON, and any non-200 answer, pass through untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def _normalise(token: TokenBody) -> TokenBody:
    if "expires" in token and "expires_in" not in token:
        token["expires_in"] = token["expires"]
    token["token_type"] = "Bearer"
    return token


def _form_token_to_json(response: requests.Response) -> requests.Response:
    content_type = response.headers.get("Content-Type", "")
    if "application/json" in content_type:
        return response
    if "text/plain" not in content_type or response.status_code != 200:
        return response
    return rewrite_token_response(response, _normalise, allow_form=True)


def facebook_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Accept Facebook's ``text/plain`` form-encoded token answer; returns ``session``."""
    session.register_compliance_hook("access_token_response", _form_token_to_json)
    return session
