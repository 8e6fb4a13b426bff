"""The authorization request (RFC 6749 section 4.1.1): its parameters and its URL, built once.

``OAuth2Session.authorization_url`` and the generated clients' ``authorization_url`` both
build their URL here. They differ only in data: the generated clients rename parameters,
leave some unencoded or put them in the fragment as a provider requires, and encode spaces
as ``%20``; ``OAuth2Session`` encodes the whole query as oauthlib does (``+`` for spaces,
the URL's own query re-encoded), so its URLs stay byte-for-byte what requests-oauthlib
produced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urlparse, urlsplit, urlunparse, urlunsplit

QueryStyle = Literal["percent", "form"]
"""``percent``: the URL's query kept as it is, parameters added with ``%20`` for spaces (the
generated clients). ``form``: the whole query re-encoded as an HTML form (``+`` for spaces),
as oauthlib builds it (``OAuth2Session``)."""


def authorization_params(
    client_id: str,
    *,
    response_type: str | None = "code",
    redirect_uri: str | None = None,
    scopes: Sequence[tuple[str, str]] = (),
    state: str | None = None,
    challenge: tuple[str, str] | None = None,
    nonce: str | None = None,
    response_mode: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The standard parameters of an authorization request, in RFC 6749's order.

    ``scopes`` are ``(parameter, joined scopes)`` pairs (``scope``, and a provider's second
    scope parameter such as Slack's ``user_scope``); ``challenge`` is PKCE's
    ``(code_challenge, code_challenge_method)``; ``names`` renames ``response_type``,
    ``client_id``, ``redirect_uri`` or ``state`` for a provider that spells them otherwise.
    """
    renamed = names or {}
    params: list[tuple[str, str]] = []
    if response_type is not None:
        params.append((renamed.get("response_type", "response_type"), response_type))
    params.append((renamed.get("client_id", "client_id"), client_id))
    if redirect_uri is not None:
        params.append((renamed.get("redirect_uri", "redirect_uri"), redirect_uri))
    params.extend(scopes)
    if state is not None:
        params.append((renamed.get("state", "state"), state))
    if challenge is not None:
        params.append(("code_challenge", challenge[0]))
        params.append(("code_challenge_method", challenge[1]))
    if nonce is not None:
        params.append(("nonce", nonce))
    if response_mode is not None:
        params.append(("response_mode", response_mode))
    return params


def authorization_url(
    endpoint: str,
    params: Iterable[tuple[str, str]],
    *,
    style: QueryStyle = "percent",
    unencoded: Iterable[str] = (),
    fragment: str | None = None,
    omit_empty: bool = False,
) -> str:
    """``endpoint`` with ``params`` added to its query.

    ``omit_empty`` drops parameters whose value is ``""``; in the ``percent`` style, names in
    ``unencoded`` are written as they are and ``fragment`` becomes the URL's ``#fragment``.
    """
    pairs = [(name, value) for name, value in params if not (omit_empty and value == "")]
    if style == "form":
        scheme, netloc, path, parameters, query, own_fragment = urlparse(endpoint)
        query = urlencode([*parse_qsl(query, keep_blank_values=True), *pairs])
        return urlunparse((scheme, netloc, path, parameters, query, own_fragment))
    raw = frozenset(unencoded)
    encoded = [
        f"{quote(name, safe='')}={value if name in raw else quote(value, safe='')}"
        for name, value in pairs
    ]
    parts = urlsplit(endpoint)
    query = "&".join(([parts.query] if parts.query else []) + encoded)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, fragment or parts.fragment))
