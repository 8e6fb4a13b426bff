"""Instagram (legacy API): the token is expected as the ``access_token`` query parameter.

The fix appends ``access_token=<access token>`` to the URL of each request that carries the
session's token, unless the URL already has one. The Authorization header is still sent.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from ._params import add_query_param, query_has_value

if TYPE_CHECKING:
    from ..oauth2_session import OAuth2Session


def instagram_compliance_fix(session: OAuth2Session) -> OAuth2Session:
    """Add the access token to the query of protected requests; returns ``session``."""

    def _access_token_param(
        url: str, headers: MutableMapping[str, Any] | None, data: Any
    ) -> tuple[str, MutableMapping[str, Any] | None, Any]:
        access_token = session.access_token
        if not access_token or query_has_value(url, "access_token"):
            return url, headers, data
        return add_query_param(url, "access_token", access_token), headers, data

    session.register_compliance_hook("protected_request", _access_token_param)
    return session
