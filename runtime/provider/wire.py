"""Requests as data: a :class:`Call` is built from the spec, adjusted by hooks, then sent.

Also builds authorization URLs, where some parameters must stay unencoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from .._transport import require_secure_url, without_redirects

Encoding = Literal["form", "json", "query"]
JSON_ACCEPT = {"Accept": "application/json"}


@dataclass
class Call:
    """One request: where ``params`` go is decided by ``encoding`` (form body, JSON, query)."""

    method: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    encoding: Encoding = "form"


def default_encoding(method: str, encoding: str | None) -> Encoding:
    """The spec's encoding, else form for POST and query for GET/DELETE."""
    if encoding in ("form", "json", "query"):
        return encoding  # type: ignore[return-value]
    return "form" if method.upper() == "POST" else "query"


def send(
    session: requests.Session,
    call: Call,
    *,
    withhold_token: bool = True,
    follow_redirects: bool = False,
) -> requests.Response:
    """Send ``call`` through ``session``; with ``withhold_token`` a provider session sends it
    as a token-endpoint request (no access token; network errors without query secrets).

    Unless ``follow_redirects`` (API calls such as userinfo), a 3xx answer is not followed and
    raises ``TokenEndpointRedirectError``: token-type requests carry credentials."""
    require_secure_url(call.url)
    kwargs: dict[str, Any] = {"headers": dict(call.headers)}
    if call.encoding == "json":
        kwargs["json"] = dict(call.params)
    elif call.encoding == "form":
        kwargs["data"] = dict(call.params)
    else:
        kwargs["params"] = dict(call.params)
    endpoint_request = getattr(session, "endpoint_request", None)
    if withhold_token and endpoint_request is not None:
        response: requests.Response = endpoint_request(call.method.upper(), call.url, **kwargs)
        return response
    if follow_redirects:
        return session.request(call.method.upper(), call.url, **kwargs)
    return without_redirects(session.request, call.url, call.method.upper(), call.url, **kwargs)


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


def rename(params: dict[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """``params`` with standard names replaced by the provider's (``client_id`` -> ``appid``)."""
    return {names.get(name, name): value for name, value in params.items()}
