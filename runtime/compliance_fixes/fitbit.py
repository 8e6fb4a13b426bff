"""Fitbit: errors come as ``{"errors": [{"errorType": ..., "message": ...}]}``.

Without an RFC 6749 ``error`` member oauthlib cannot tell which error it is. The fix copies the
first ``errorType`` to ``error`` (and its ``message`` to ``error_description`` when there is
none), so a bad grant raises ``InvalidGrantError`` and so on, for both the access-token and
the refresh-token answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from ._rewrite import TokenBody, rewrite_token_response

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def _lift_first_error(body: TokenBody) -> TokenBody:
    errors = body.get("errors")
    if "error" in body or not isinstance(errors, list) or not errors:
        return body
    first = errors[0]
    if not isinstance(first, dict) or "errorType" not in first:
        return body
    body["error"] = first["errorType"]
    if "error_description" not in body and isinstance(first.get("message"), str):
        body["error_description"] = first["message"]
    return body


def _fitbit_errors(response: requests.Response) -> requests.Response:
    return rewrite_token_response(response, _lift_first_error)


def fitbit_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Map Fitbit's ``errors`` list to an RFC 6749 ``error``; returns ``session``."""
    session.register_compliance_hook("access_token_response", _fitbit_errors)
    session.register_compliance_hook("refresh_token_response", _fitbit_errors)
    return session
