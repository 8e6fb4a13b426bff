"""PKCE code challenges (https://www.rfc-editor.org/rfc/rfc7636#section-4.2)."""

from __future__ import annotations

import base64
import hashlib


def s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
