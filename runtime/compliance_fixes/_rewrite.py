"""The one place where a compliance fix replaces a token-endpoint response body.

requests keeps a response's body in the private ``Response._content``; every fix that needs a
different body goes through :func:`rewrite_token_response`, which decodes the body, hands a
copy of it to a small transform, and writes the result back as UTF-8 JSON with matching
``encoding`` and ``Content-Type`` so ``.text``, ``.json()`` and the headers stay consistent.

A body that does not decode (an HTML error page, an empty body) is left alone, so the session
reports it as an HTTP error instead of a fix crashing on ``json.loads``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import requests

TokenBody = dict[str, Any]
"""A decoded token-endpoint body."""

TokenTransform = Callable[[TokenBody], TokenBody]
"""Gets a deep copy of the decoded body; returns the body to pass on (may be the mutated input)."""


def decode_token_body(response: requests.Response, *, allow_form: bool = False) -> TokenBody | None:
    """The response body as a dict: a JSON object, else (``allow_form``) form-encoded pairs.

    Returns None when the body is neither, including JSON that is not an object.
    """
    return _decode(response.text, allow_form)[0]


def _decode(text: str, allow_form: bool) -> tuple[TokenBody | None, bool]:
    """``(body, is_json)`` for a response text; ``body`` is None when it does not decode."""
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        return (value if isinstance(value, dict) else None), True
    stripped = text.strip()
    if not allow_form or not stripped:
        return None, False
    pairs = parse_qsl(stripped, keep_blank_values=True)
    return (dict(pairs) if pairs else None), False


def rewrite_token_response(
    response: requests.Response,
    transform: TokenTransform,
    *,
    allow_form: bool = False,
) -> requests.Response:
    """Apply ``transform`` to the decoded body of ``response`` and store the result as JSON.

    With ``allow_form`` a form-encoded body is accepted too and always re-serialised as JSON.
    A JSON body the transform leaves unchanged is not rewritten. Returns ``response``.
    """
    original, is_json = _decode(response.text, allow_form)
    if original is None:
        return response
    rewritten = transform(copy.deepcopy(original))
    if is_json and rewritten == original:
        return response
    _replace_json_body(response, rewritten)
    return response


def _replace_json_body(response: requests.Response, body: TokenBody) -> None:
    content = json.dumps(body).encode("utf-8")
    response._content = content
    response.encoding = "utf-8"
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(content))
