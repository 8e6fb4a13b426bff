"""What an authorization URL leaves behind for its callback to be checked against."""

from __future__ import annotations

from typing import NamedTuple


class PendingAuthorization(NamedTuple):
    """State, PKCE verifier and nonce of the last authorization URL.

    The client's own memory of its last authorization request, for ``fetch_token`` without
    ``request=``; a web app keeps the ``AuthorizationRequest`` instead (``authorization_request``).
    """

    state: str | None = None
    code_verifier: str | None = None
    nonce: str | None = None
