"""Reading answers from token-type endpoints (token, device, revocation, introspection)."""

from __future__ import annotations

import json
from typing import Any

import requests
from oauthlib.common import urldecode

from ._response_reading import is_error_status, text_of
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

    The body decides first: an OAuth ``error`` wins whatever the status (some servers answer
    errors with 200). The status is the fallback: a non-2xx without an error is
    ``TokenEndpointError``; an answer without a real status (a test's ``MagicMock``) is read
    by its body alone, as requests-oauthlib did. A body that is neither JSON nor a form is
    ``TokenResponseParseError`` unless ``allow_empty`` and the body is empty.
    """
    text = text_of(response)
    params = decode_body(text)
    if params is not None and params.get("error"):
        raise oauth2_error_from_body(params, response)
    if is_error_status(response):
        raise TokenEndpointError(response)
    if params is None:
        if allow_empty and not text.strip():
            return {}
        raise TokenResponseParseError(response, "expected a JSON object or form-encoded parameters")
    return params
