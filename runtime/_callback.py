"""Checks on an authorization response (the redirect back to the client) shared by
``OAuth2Session`` and the generated clients.

``response_parameters`` decodes the query or fragment (so ``%73tate`` is ``state``) and
``single_values`` refuses an OAuth parameter given more than once (RFC 6749 §3.1).

RFC 9207 (authorization server issuer identification): an authorization server that
advertises ``authorization_response_iss_parameter_supported`` puts its issuer identifier in
``iss`` on every authorization response; a client that knows which issuer it sent the user to
refuses a response without it or naming another issuer (a mix-up attack, RFC 9207 §2.4),
comparing the strings exactly. https://www.rfc-editor.org/rfc/rfc9207#section-2.4
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from .errors import IssuerMismatchError, RepeatedParameterError

# Parameters of authorization responses (RFC 6749 §4.1.2, §4.1.2.1, §4.2.2, §4.2.2.1; OIDC Core
# 3.2.2.5; RFC 9207), each of which must appear at most once.
OAUTH_RESPONSE_PARAMETERS = frozenset(
    {
        "code",
        "state",
        "iss",
        "error",
        "error_description",
        "error_uri",
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "refresh_token",
        "id_token",
    }
)
_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


def response_parameters(url: str, part: Literal["query", "fragment"]) -> dict[str, list[str]]:
    """Every value of every parameter in the URL's query or fragment, decoded."""
    parts = urlsplit(url)
    found: dict[str, list[str]] = {}
    for name, value in parse_qsl(getattr(parts, part), keep_blank_values=True):
        found.setdefault(name, []).append(value)
    return found


def single_values(params: dict[str, list[str]]) -> dict[str, str]:
    """One value per parameter; an OAuth parameter given twice is refused (RFC 6749 §3.1:
    "Request and response parameters MUST NOT be included more than once")."""
    for name in sorted(OAUTH_RESPONSE_PARAMETERS.intersection(params)):
        if len(params[name]) > 1:
            raise RepeatedParameterError(name)
    return {name: values[-1] for name, values in params.items()}


def check_issuer(
    received: str | None,
    *,
    expected: str | None,
    advertised: bool,
    template: str | None = None,
) -> None:
    """Refuse an authorization response whose ``iss`` does not identify ``expected``.

    ``received`` is the response's ``iss`` (None when absent). Without an ``expected`` issuer
    there is nothing to compare. ``iss`` must be present when the issuer's metadata
    ``advertised`` it, and when present it must equal ``expected``, or match ``template``, an
    issuer whose ``{claim}`` placeholders each stand for one path segment (Microsoft Entra's
    ``https://login.microsoftonline.com/{tid}/v2.0`` for multi-tenant apps).
    """
    if expected is None:
        return
    if received is None:
        if advertised:
            raise IssuerMismatchError(
                description=(
                    f"the authorization response has no 'iss' although the issuer {expected!r} "
                    f"says it sends one (authorization_response_iss_parameter_supported, "
                    f"RFC 9207): it may come from another authorization server"
                )
            )
        return
    if received == expected or (template is not None and _matches_template(received, template)):
        return
    shown = _bounded(received)
    raise IssuerMismatchError(
        description=(
            f"the authorization response comes from issuer {shown}, not from {expected!r} "
            f"that this client sent the user to (RFC 9207 mix-up defence)"
        )
    )


def _matches_template(received: str, template: str) -> bool:
    pieces = _PLACEHOLDER.split(template)
    pattern = "[^/?#]+".join(re.escape(piece) for piece in pieces)
    return re.fullmatch(pattern, received) is not None


def _bounded(value: str, limit: int = 100) -> str:
    """A repr of a value the response chose, bounded in length."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
