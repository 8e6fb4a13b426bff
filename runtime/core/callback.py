"""The authorization response (the redirect back to the client), read and checked once.

Shared by ``OAuth2Session`` and the generated clients:

* :func:`callback_params` reads the parameters from a callback URL, or from the bare parameter
  string (``code=...&state=...``) or a ``form_post`` body, decoded (so ``%73tate`` is
  ``state``), refusing a parameter given more than once (RFC 6749 section 3.1).
* :func:`verify_state` ties the response to the request: a state that was sent must come back
  equal (compared in constant time), and a state that comes back must have been sent.
* :func:`authorization_code` reads the code.
* :func:`check_issuer` is RFC 9207's mix-up defence: a client that knows which issuer it sent
  the user to refuses a response naming another, or lacking ``iss`` when the issuer says it
  always sends one. https://www.rfc-editor.org/rfc/rfc9207#section-2.4
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Collection, Mapping
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from oauthlib.oauth2.rfc6749.errors import MissingCodeError

from .._transport import require_secure_url
from ..errors import IssuerMismatchError, RepeatedParameterError, StateMismatchError

CallbackMode = Literal["query", "fragment", "form_post"]

# Parameters of authorization responses (RFC 6749 sections 4.1.2, 4.1.2.1, 4.2.2, 4.2.2.1;
# OIDC Core 3.2.2.5; RFC 9207), each of which must appear at most once.
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
UNCHECKED_STATE_HINT = (
    "pass the AuthorizationRequest authorization_url() returned, fetch_token(callback, request=...)"
)
_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


def callback_params(
    response: str, mode: CallbackMode, *, single: Collection[str] | None = None
) -> dict[str, str]:
    """The callback's parameters, one value each.

    ``response`` is the callback URL (``https://app/cb?...``, or a native app's private-use
    scheme ``com.example.app:/cb?...``, RFC 8252 section 7.1) or the parameter string itself;
    ``mode`` says which part of a URL holds them. A name in ``single`` (every name when None)
    given twice raises :class:`~runtime.errors.RepeatedParameterError`; any other repeated name
    keeps its last value.
    """
    text = response.strip()
    parts = urlsplit(text)
    # A URL, not a parameter string whose values hold ":" (code=a:b).
    if parts.scheme and (parts.netloc or parts.path.startswith("/")):
        if parts.scheme.lower() in ("http", "https"):
            require_secure_url(text)
        if mode == "fragment":
            text = parts.fragment
        elif mode == "form_post":
            text = parts.query or parts.fragment
        else:
            text = parts.query
    params: dict[str, str] = {}
    for name, value in parse_qsl(text.lstrip("?#"), keep_blank_values=True):
        if name in params and (single is None or name in single):
            raise RepeatedParameterError(name)
        params[name] = value
    return params


def verify_state(
    params: Mapping[str, str],
    expected: str | None,
    *,
    state_param: str = "state",
    support: str = "supported",
    unchecked_hint: str = UNCHECKED_STATE_HINT,
) -> None:
    """Check the echoed state against the one sent.

    A state that was sent must come back, whether the provider says it is required or only
    supported; a state that comes back with none to check it against is refused too (the
    response may belong to another sign-in), ``unchecked_hint`` saying how to pass it.
    ``support="unsupported"`` (a provider that never echoes one) skips the check.
    """
    if support == "unsupported":
        return
    received = params.get(state_param)
    if received is None:
        if expected is not None:
            raise StateMismatchError(
                description=f"the callback has no {state_param!r}; it cannot be tied to this client"
            )
        return
    if expected is None:
        raise StateMismatchError(
            description=(
                f"the callback carries a state but there is none to check it against: "
                f"{unchecked_hint}"
            )
        )
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise StateMismatchError()


def authorization_code(params: Mapping[str, str], code_param: str = "code") -> str:
    """The code of a successful callback."""
    code = params.get(code_param)
    if not code:
        raise MissingCodeError(description=f"the callback has no {code_param!r} parameter")
    return code


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
    raise IssuerMismatchError(
        description=(
            f"the authorization response comes from issuer {_bounded(received)}, not from "
            f"{expected!r} that this client sent the user to (RFC 9207 mix-up defence)"
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
