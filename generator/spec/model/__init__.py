"""The provider spec format, as frozen dataclasses.

These classes are the single source of truth: the loader validates YAML against their type
hints (``spec/convert.py``) and the JSON Schema is derived from them (``spec/schema.py``).
Field docs live in ``metadata["doc"]``; ``metadata["protocols"]`` limits a key to some
protocols; string kinds (identifier, URL, scope name, ...) come from ``typing.Annotated``.

Each way providers differ has its section: variables, environments and endpoints; scopes and
authorize; callback; token and token.response; errors; refresh and exchanges; api; userinfo;
revocation; device; oauth1. What cannot be data is a named hook.
"""

from .authorize import Authorize, AuthorizeOption, Callback, CallbackErrors, CapturedValue, Scopes
from .hooks import Hooks
from .lifecycle import AfterTokenStep, DeviceFlow, Exchange, Refresh, Revocation, SuccessBody
from .protocols import OAuth1, OAuth1AccessToken, OAuth1RequestToken, Oidc
from .provider import ProviderSpec
from .resources import Api, Userinfo
from .tokens import (
    ClientAssertion,
    ErrorShape,
    Expiry,
    OtherToken,
    RefreshExpiry,
    ScopeEcho,
    SuccessFlag,
    TokenRequest,
    TokenResponse,
    TokenTypeRule,
    TypedField,
)
from .variables import Endpoints, Environment, Variable
from .vocabulary import (
    OAUTH2_FAMILY,
    PROTOCOLS,
    BodyEncoding,
    ClientAuth,
    FieldType,
    Grant,
    HttpMethod,
    Protocol,
)

__all__ = [
    "OAUTH2_FAMILY",
    "PROTOCOLS",
    "AfterTokenStep",
    "Api",
    "Authorize",
    "AuthorizeOption",
    "BodyEncoding",
    "Callback",
    "CallbackErrors",
    "CapturedValue",
    "ClientAssertion",
    "ClientAuth",
    "DeviceFlow",
    "Endpoints",
    "Environment",
    "ErrorShape",
    "Exchange",
    "Expiry",
    "FieldType",
    "Grant",
    "Hooks",
    "HttpMethod",
    "OAuth1",
    "OAuth1AccessToken",
    "OAuth1RequestToken",
    "Oidc",
    "OtherToken",
    "Protocol",
    "ProviderSpec",
    "Refresh",
    "RefreshExpiry",
    "Revocation",
    "ScopeEcho",
    "Scopes",
    "SuccessBody",
    "SuccessFlag",
    "TokenRequest",
    "TokenResponse",
    "TokenTypeRule",
    "TypedField",
    "Userinfo",
    "Variable",
]
