"""Mailchimp: the token answer has ``"scope": null`` and ``"expires_in": 0``.

A null scope is dropped (so oauthlib does not compare it with the requested scope), and an
``expires_in`` of 0 becomes 3600. Mailchimp tokens do not actually expire; 3600 is the value
requests-oauthlib chose and is kept for compatibility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session

_SUBSTITUTE_LIFETIME = 3600


def _fix_scope_and_lifetime(token: TokenBody) -> TokenBody:
    if "scope" in token and token["scope"] is None:
        del token["scope"]
    expires_in = token.get("expires_in")
    if expires_in is not None and not isinstance(expires_in, bool) and expires_in in (0, "0"):
        token["expires_in"] = _SUBSTITUTE_LIFETIME
    return token


def _mailchimp_token(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _fix_scope_and_lifetime)


def mailchimp_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Drop Mailchimp's null scope and replace its zero lifetime; returns ``session``."""
    session.register_compliance_hook("access_token_response", _mailchimp_token)
    return session
