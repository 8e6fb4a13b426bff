"""Errors of a flow the provider engine adds to ``runtime.errors``.

Each derives from oauthlib's ``OAuth2Error``, so existing ``except`` clauses keep catching it.
Messages name fields and URLs, never token values.
"""

from __future__ import annotations

import time

from oauthlib.oauth2.rfc6749.errors import InvalidGrantError, OAuth2Error

from ..errors import CallbackError
from ..errors import CallbackValueError as CallbackValueError
from ..errors import ProviderResponseError as ProviderResponseError
from .errors import FieldTypeError


class CallbackSignatureError(CallbackError):
    """The callback's signature (Shopify's hmac) does not verify."""

    error = "invalid_callback_signature"


class IdTokenError(OAuth2Error):
    """The id_token is malformed or its claims do not fit this client (OIDC Core 3.1.3.7)."""

    error = "invalid_id_token"


class RefreshTokenExpiredError(InvalidGrantError):
    """The refresh token's own lifetime (reported by the provider) has passed: nothing was sent,
    and the user must sign in again. An ``InvalidGrantError``, which is what the provider would
    have answered."""

    def __init__(self, provider: str, expired_at: float) -> None:
        moment = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expired_at))
        super().__init__(
            description=f"the {provider} refresh token expired at {moment}; sign the user in again"
        )
        self.expired_at = expired_at


class ShapeError(ProviderResponseError, FieldTypeError):
    """A value a client method returns does not fit its ``TypedDict``: a required field is
    missing or a field holds another kind of value.

    ``shape`` names the ``TypedDict`` (``GitHubToken``), ``field`` the key (dotted below a nested
    one, ``""`` for the value itself) and ``problem`` what was wrong; no message carries a value.
    Also a ``ValueError`` (``FieldTypeError``), like the other unreadable answers.
    """

    error = "invalid_response_shape"

    def __init__(self, shape: str, field: str, problem: str) -> None:
        where = f"{shape} field {field!r}" if field else shape
        super().__init__(where, None, problem)
        self.shape = shape
        self.field = field
        self.problem = problem
