"""Authorization URLs, where some parameters must stay unencoded.

Requests themselves are :class:`runtime.core.http.Call` values, sent by
``runtime._requests_calls.send_call``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlsplit, urlunsplit


def build_url(
    base: str,
    params: Iterable[tuple[str, str]],
    *,
    unencoded: Iterable[str] = (),
    fragment: str | None = None,
) -> str:
    """``base`` with ``params`` added to its query (``%20`` for spaces), names in
    ``unencoded`` written as they are, and ``fragment`` as its ``#fragment``."""
    raw = frozenset(unencoded)
    pairs = [
        f"{quote(name, safe='')}={value if name in raw else quote(value, safe='')}"
        for name, value in params
    ]
    parts = urlsplit(base)
    query = "&".join(([parts.query] if parts.query else []) + pairs)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, fragment or parts.fragment))
