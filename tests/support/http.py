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


def single_valued(text: str) -> dict[str, str]:
    """A query string or form body as a dict, failing on a parameter sent more than once."""
    parsed = parse_qs(text, keep_blank_values=True)
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    assert not repeated, f"parameters sent more than once: {repeated}"
    return {name: values[0] for name, values in parsed.items()}


def query_values(url: str) -> dict[str, str]:
    """The query parameters of ``url``, each sent once."""
    return single_valued(urlsplit(url).query)


def form_values(body: str | bytes | None) -> dict[str, str]:
    """The parameters of a form-encoded body, each sent once."""
    return single_valued(as_text(body) or "")


def basic(user: str, password: str) -> str:
    """The ``Authorization`` value for HTTP Basic (https://www.rfc-editor.org/rfc/rfc7617)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
