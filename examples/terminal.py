"""The terminal half of the tutorials: show the authorization URL, read back the callback.

Each tutorial in this folder is one provider's requests-oauthlib tutorial rewritten on its
generated client. Run one with the provider's credentials in the environment, e.g.::

    GITHUB_CLIENT_ID=... GITHUB_CLIENT_SECRET=... python examples/github_tutorial.py

open the printed URL, approve, and paste the URL your browser lands on (the redirect URI
registered with the provider; the page there need not load).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

Ask = Callable[[str], str]
Say = Callable[..., None]


def credential(provider: str, name: str, default: str | None = None) -> str:
    """``<PROVIDER>_<NAME>`` from the environment, with a clear error when it is missing."""
    variable = f"{provider.upper()}_{name.upper()}"
    value = os.environ.get(variable, default)
    if value is None or (default is None and not value):
        raise SystemExit(f"set {variable} (see the provider's app settings)")
    return value


def sign_in(client: Any, ask: Ask = input, say: Say = print, **authorize: Any) -> None:
    """OAuth 2: send the user to the provider, then exchange the callback for a token.

    Any: the generated client classes share this shape (authorization_url returning an
    AuthorizationRequest, fetch_token taking the callback and that request) without a common
    base type.
    """
    sign_in = client.authorization_url(**authorize)
    say("Please go here and authorize:", sign_in.url)
    client.fetch_token(ask("Paste the full redirect URL here: "), request=sign_in)


def sign_in_oauth1(client: Any, ask: Ask = input, say: Say = print) -> None:
    """OAuth 1.0a: request token, the user's approval, then the access token."""
    client.fetch_request_token()
    say("Please go here and authorize:", client.authorization_url())
    client.fetch_access_token(authorization_response=ask("Paste the full redirect URL here: "))
