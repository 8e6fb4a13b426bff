"""Query-string helpers for the fixes that move the access token out of the header."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from oauthlib.common import add_params_to_uri


def query_has_value(url: str, name: str) -> bool:
    """True when ``url``'s query gives ``name`` a non-empty value."""
    return bool(parse_qs(urlsplit(url).query).get(name))


def add_query_param(url: str, name: str, value: str) -> str:
    """``url`` with ``name=value`` appended to its query (the fragment is kept)."""
    return add_params_to_uri(url, [(name, value)])
