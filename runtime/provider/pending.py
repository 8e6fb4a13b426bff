"""What an authorization URL leaves behind for its callback to be checked against."""

from __future__ import annotations

from typing import NamedTuple


class PendingAuthorization(NamedTuple):
    """State, PKCE verifier and nonce of the last authorization URL.

    A web app keeps them in its session between the redirect and the callback and hands them
    to ``resume_authorization`` in the callback's request.
    """

    state: str | None = None
    code_verifier: str | None = None
    nonce: str | None = None
