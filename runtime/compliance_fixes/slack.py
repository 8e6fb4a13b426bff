"""Slack (legacy Web API): the token is read from a ``token`` parameter, not only the header.

For each request that carries the session's token the fix adds ``token=<access token>``:
to the form data when the data is a dict or absent (so a GET gets a form body, as with
requests-oauthlib), otherwise to the URL query. A ``token`` already present in the query or in
the data dict is left alone, so callers can override it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from ._params import add_query_param, query_has_value

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def slack_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Send the access token as Slack's ``token`` parameter too; returns ``session``."""

    def _token_param(
        url: str, headers: MutableMapping[str, Any] | None, data: Any
    ) -> tuple[str, MutableMapping[str, Any] | None, Any]:
        if query_has_value(url, "token"):
            return url, headers, data
        if isinstance(data, dict) and data.get("token"):
            return url, headers, data
        access_token = session.access_token
        if not access_token:
            return url, headers, data
        if not data:
            return url, headers, {"token": access_token}
        if isinstance(data, dict):
            # A copy: the caller's dict must not keep this token for its next request.
            return url, headers, {**data, "token": access_token}
        return add_query_param(url, "token", access_token), headers, data

    session.register_compliance_hook("protected_request", _token_param)
    return session
