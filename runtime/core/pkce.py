"""PKCE (RFC 7636) and the random values of an authorization request.

One verifier generator, one challenge and one verifier check, shared by ``OAuth2Session`` and
the generated clients. https://www.rfc-editor.org/rfc/rfc7636#section-4.1
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

# RFC 7636 section 4.1: code-verifier = 43*128unreserved (ALPHA / DIGIT / "-" / "." / "_" / "~").
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
CHALLENGE_METHODS = ("S256", "plain")


def new_secret() -> str:
    """64 characters of URL-safe randomness (384 bits): a state, nonce or PKCE verifier.

    Its alphabet (letters, digits, ``-`` and ``_``) is within the verifier's, so it is a valid
    ``code_verifier`` as it is.
    """
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str, method: str) -> str:
    """The ``code_challenge`` of ``verifier`` for ``method`` (``S256`` or ``plain``)."""
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    if method == "plain":
        return verifier
    raise ValueError(f"unknown PKCE code_challenge_method {method!r}: use 'S256' or 'plain'")


def check_verifier(verifier: str) -> str:
    """``verifier`` itself, or a ``ValueError`` saying what RFC 7636 requires of it.

    The message never repeats the value: a verifier is a secret until the exchange is done.
    """
    if not isinstance(verifier, str):
        raise TypeError(f"a PKCE code_verifier must be a str, not {type(verifier).__name__}")
    if _VERIFIER.fullmatch(verifier) is None:
        found = (
            f"{len(verifier)} characters"
            if not 43 <= len(verifier) <= 128
            else "a character outside that alphabet"
        )
        raise ValueError(
            f"a PKCE code_verifier must be 43 to 128 characters from A-Z, a-z, 0-9 and "
            f"'-._~' (RFC 7636 section 4.1); this one has {found}"
        )
    return verifier
