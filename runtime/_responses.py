"""Reading answers from token-type endpoints (token, device, revocation, introspection)."""

from __future__ import annotations

import json
from typing import Any

import requests
from oauthlib.common import urldecode

from .errors import TokenEndpointError, TokenResponseParseError, oauth2_error_from_body


def decode_body(text: str) -> dict[str, Any] | None:
    """A body as a dict (a JSON object, else form-encoded parameters), or None if neither."""
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        return value if isinstance(value, dict) else None
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return dict(urldecode(stripped))
    except ValueError:
        return None


def checked_params(response: requests.Response, *, allow_empty: bool = False) -> dict[str, Any]:
    """The parameters of a successful answer; the matching typed error for anything else.

    An OAuth ``error`` wins whatever the status (some servers answer errors with 200); a
    non-2xx without one is ``TokenEndpointError``; a 2xx that is neither JSON nor a form is
    ``TokenResponseParseError`` unless ``allow_empty`` and the body is empty.
    """
    params = decode_body(response.text)
    if params is not None and params.get("error"):
        raise oauth2_error_from_body(params, response)
    if not 200 <= response.status_code < 300:
        raise TokenEndpointError(response)
    if params is None:
        if allow_empty and not response.text.strip():
            return {}
        raise TokenResponseParseError(response, "expected a JSON object or form-encoded parameters")
    return params
