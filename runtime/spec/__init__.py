"""The provider spec format, as frozen dataclasses: one model for the generator and the runtime.

These classes are the single source of truth: the generator's loader validates YAML against
their type hints (``generator/spec/convert.py``) and derives the JSON Schema from them
(``generator/spec/schema.py``). A generated client embeds its spec as plain data, typed by
``TypedDict`` classes written from these ones (``runtime/provider/spec_types.py``), and the
runtime reads it through light read-only views, also written from them
(``runtime/provider/spec_view.py``: ``spec.token.response.format``), so mypy checks every field
it reads: creating these dataclasses costs ~25 ms (Python 3.11), more than a client module may
add to an import, so the runtime never imports this package.

Field docs live in ``metadata["doc"]``; ``metadata["protocols"]`` limits a key to some
protocols; string kinds (identifier, URL, scope name, ...) and other constraints are
``typing.Annotated`` markers (``runtime.spec.markers``).

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
