"""oauthgen runtime: a typed, requests-oauthlib compatible OAuth 1 and OAuth 2 client.

Change ``from requests_oauthlib import ...`` to ``from runtime import ...``; the names,
parameters and exceptions are the same, with requests-oauthlib's known bugs fixed.
"""

import logging

from .errors import TokenEndpointError, TokenResponseParseError, TokenUpdated
from .oauth1_auth import OAuth1
from .oauth1_session import OAuth1Session
from .oauth2_auth import OAuth2
from .oauth2_session import OAuth2Session

__all__ = [
    "OAuth1",
    "OAuth1Session",
    "OAuth2",
    "OAuth2Session",
    "TokenEndpointError",
    "TokenResponseParseError",
    "TokenUpdated",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
