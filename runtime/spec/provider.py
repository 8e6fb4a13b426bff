"""The whole provider spec: the root of the model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .authorize import Authorize, Callback, Scopes
from .hooks import Hooks
from .lifecycle import AfterTokenStep, DeviceFlow, Exchange, Refresh, Revocation
from .markers import MinItems, Unique
from .protocols import OAuth1, Oidc
from .resources import Api, Userinfo
from .tokens import ErrorShape, TokenRequest
from .variables import Endpoints, Environment, Variable
from .vocabulary import (
    OAUTH2_FAMILY,
    ArgumentName,
    ClassName,
    DisplayName,
    Grant,
    PlainUrl,
    Protocol,
    ProviderId,
    SnakeName,
    Text,
    meta,
)


@dataclass(frozen=True, kw_only=True)
class ProviderSpec:
    """One OAuth provider, described as data."""

    spec: Literal[1] = field(metadata=meta("Version of this spec format."))
    id: ProviderId = field(metadata=meta("Module name: generated/<id>/."))
    name: DisplayName = field(metadata=meta("Human-readable provider name."))
    class_name: ClassName | None = field(
        default=None, metadata=meta("Generated class name; default: derived from name.")
    )
    protocol: Protocol = field(metadata=meta("oauth1, oauth2 or oidc."))
    description: Text | None = field(default=None, metadata=meta("Shown in the module docstring."))
    docs: PlainUrl = field(metadata=meta("The provider's OAuth documentation."))
    sources: Annotated[tuple[PlainUrl, ...], Unique("source"), MinItems(1)] = field(
        metadata=meta("Where the facts in this spec come from.")
    )
    grants: Annotated[tuple[Grant, ...], Unique("grant"), MinItems(1)] = field(
        default=("authorization_code",),
        metadata=meta("OAuth2 grants the provider supports.", protocols=OAUTH2_FAMILY),
    )
    variables: Mapping[ArgumentName, Variable] = field(
        default_factory=dict, metadata=meta("Per-deployment values used as {name}.")
    )
    environments: Mapping[SnakeName, Environment] = field(
        default_factory=dict, metadata=meta("Named variable overrides (sandbox).")
    )
    endpoints: Endpoints = field(metadata=meta("Provider URLs."))
    scopes: Scopes = field(default_factory=Scopes, metadata=meta("Scopes."))
    authorize: Authorize = field(default_factory=Authorize, metadata=meta("Authorization request."))
    callback: Callback = field(default_factory=Callback, metadata=meta("Redirect back."))
    token: TokenRequest = field(
        default_factory=TokenRequest, metadata=meta("Token request.", protocols=OAUTH2_FAMILY)
    )
    errors: ErrorShape = field(default_factory=ErrorShape, metadata=meta("Error answers."))
    refresh: Refresh | None = field(
        default=None, metadata=meta("Refresh rules; absent: no refresh.", protocols=OAUTH2_FAMILY)
    )
    exchanges: Mapping[SnakeName, Exchange] = field(
        default_factory=dict, metadata=meta("Extra token exchanges.", protocols=OAUTH2_FAMILY)
    )
    after_token: Mapping[SnakeName, AfterTokenStep] = field(
        default_factory=dict,
        metadata=meta(
            "Calls made after sign-in, in order, whose answers fill token fields; a refreshed "
            "token keeps the fields (they describe the account, not the token).",
            protocols=OAUTH2_FAMILY,
        ),
    )
    device: DeviceFlow = field(
        default_factory=DeviceFlow,
        metadata=meta("Device flow details (grant device_code).", protocols=OAUTH2_FAMILY),
    )
    revocation: Revocation = field(
        default_factory=Revocation, metadata=meta("Revocation details (endpoints.revoke).")
    )
    api: Api = field(default_factory=Api, metadata=meta("API calls with the token."))
    userinfo: Userinfo | None = field(default=None, metadata=meta("User profile."))
    oidc: Oidc = field(
        default_factory=Oidc, metadata=meta("OpenID Connect details.", protocols=("oidc",))
    )
    oauth1: OAuth1 = field(
        default_factory=OAuth1, metadata=meta("OAuth 1.0a details.", protocols=("oauth1",))
    )
    hooks: Hooks = field(default_factory=Hooks, metadata=meta("Named runtime hooks."))
