"""Reading what a client sent: query strings, form bodies, Basic credentials."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit


def as_text(value: Any) -> Any:
    """``value`` as text when it is bytes (requests-oauthlib sends some headers as bytes)."""
    return value.decode() if isinstance(value, bytes) else value


def query(url: str) -> dict[str, list[str]]:
    """The query parameters of ``url``, blank values kept."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def form(body: str | bytes | None) -> dict[str, list[str]]:
    """The parameters of a form-encoded body, blank values kept; no body is no parameters."""
    return parse_qs(as_text(body) or "", keep_blank_values=True)


def basic(user: str, password: str) -> str:
    """The ``Authorization`` value for HTTP Basic (https://www.rfc-editor.org/rfc/rfc7617)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
