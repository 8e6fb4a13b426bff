"""oauthgen runtime: a typed, requests-oauthlib compatible OAuth 1 and OAuth 2 client.

Change ``from requests_oauthlib import ...`` to ``from runtime import ...``; the names,
parameters and exceptions are the same, with requests-oauthlib's known bugs fixed.

The names below are imported on first use (PEP 562): importing oauthlib's OAuth 2 package
alone costs ~15 ms, which generated clients should only pay when they make a session.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import TokenEndpointError, TokenResponseParseError, TokenUpdated
    from .oauth1_auth import OAuth1
    from .oauth1_session import OAuth1Session
    from .oauth2_auth import OAuth2
    from .oauth2_session import OAuth2Session
    from .provider.authorization_request import AuthorizationRequest

__all__ = [
    "AuthorizationRequest",
    "OAuth1",
    "OAuth1Session",
    "OAuth2",
    "OAuth2Session",
    "TokenEndpointError",
    "TokenResponseParseError",
    "TokenUpdated",
]

_HOMES = {
    "AuthorizationRequest": ".provider.authorization_request",
    "OAuth1": ".oauth1_auth",
    "OAuth1Session": ".oauth1_session",
    "OAuth2": ".oauth2_auth",
    "OAuth2Session": ".oauth2_session",
    "TokenEndpointError": ".errors",
    "TokenResponseParseError": ".errors",
    "TokenUpdated": ".errors",
}

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
