"""Salesforce sends no ``expires_in``; introspection tells the token's expiry."""

from __future__ import annotations

from typing import Any

import requests

from ...compliance_fixes._rewrite import rewrite_token_response
from .host import HookHost


def salesforce_token_introspection(
    host: HookHost, response: requests.Response
) -> requests.Response:
    """Add ``expires_in`` from introspection's ``exp`` when the answer has a token and no expiry."""

    def add_expiry(body: dict[str, Any]) -> dict[str, Any]:
        token = body.get("access_token")
        if not token or body.get("expires_in") not in (None, "") or body.get("error"):
            return body
        answer = host.introspect(str(token))
        expiry = answer.get("exp")
        if (
            answer.get("active")
            and isinstance(expiry, (int, float))
            and not isinstance(expiry, bool)
        ):
            body["expires_in"] = max(0, int(expiry - host.now()))
        return body

    if not 200 <= response.status_code < 300:
        return response
    return rewrite_token_response(response, add_expiry)
