"""Per-deployment values and the provider's URLs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .markers import MinItems, Unique
from .vocabulary import (
    OAUTH2_FAMILY,
    ArgumentName,
    EndpointUrl,
    Regex,
    Text,
    TokenUrl,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class Variable:
    """A per-deployment value (tenant, shop, host, api_version) used as {name} in templates.

    It becomes a typed keyword argument of the generated client; without a default it is
    required.
    """

    type: Literal["str", "int", "url"] = field(
        default="str",
        metadata=meta(
            "Python type of the value; url: a whole https base URL that starts URLs "
            "(GitHub Enterprise Server's https://HOST/api/v3), passed as a str."
        ),
    )
    choices: Annotated[tuple[str | int, ...], Unique("choice")] = field(
        default=(), metadata=meta("Allowed values; the argument is typed as a Literal of them.")
    )
    default: str | int | None = field(
        default=None, metadata=meta("Value used when the caller passes none.")
    )
    pattern: Regex | None = field(
        default=None, metadata=meta("Regular expression a str value must fully match.")
    )
    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))


@dataclass(frozen=True, kw_only=True)
class Environment:
    """A named deployment (e.g. sandbox) that overrides variable defaults."""

    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))
    variables: Annotated[Mapping[ArgumentName, str | int], MinItems(1)] = field(
        metadata=meta("Declared variables and the values this environment gives them.")
    )


@dataclass(frozen=True, kw_only=True)
class Endpoints:
    """Every URL of the provider; each may use {variable} placeholders."""

    authorize: EndpointUrl | None = field(
        default=None, metadata=meta("Authorization endpoint (OAuth1: the user authorization URL).")
    )
    token: EndpointUrl | None = field(
        default=None, metadata=meta("Token endpoint.", protocols=OAUTH2_FAMILY)
    )
    refresh: EndpointUrl | None = field(
        default=None,
        metadata=meta("Refresh endpoint when it differs from token.", protocols=OAUTH2_FAMILY),
    )
    revoke: TokenUrl | None = field(default=None, metadata=meta("Revocation endpoint."))
    introspect: EndpointUrl | None = field(
        default=None,
        metadata=meta("Token introspection endpoint (RFC 7662).", protocols=OAUTH2_FAMILY),
    )
    device: EndpointUrl | None = field(
        default=None,
        metadata=meta("Device authorization endpoint (RFC 8628).", protocols=OAUTH2_FAMILY),
    )
    userinfo: TokenUrl | None = field(
        default=None, metadata=meta("Profile endpoint; may use {access_token} or {token.field}.")
    )
    issuer: EndpointUrl | None = field(
        default=None,
        metadata=meta("Issuer identifier (OIDC / RFC 8414).", protocols=OAUTH2_FAMILY),
    )
    discovery: EndpointUrl | None = field(
        default=None,
        metadata=meta(
            "Discovery document URL; default: {issuer}/.well-known/openid-configuration.",
            protocols=OAUTH2_FAMILY,
        ),
    )
    request_token: EndpointUrl | None = field(
        default=None, metadata=meta("OAuth1 temporary credentials URL.", protocols=("oauth1",))
    )
    access_token: EndpointUrl | None = field(
        default=None, metadata=meta("OAuth1 token credentials URL.", protocols=("oauth1",))
    )
    unconfirmed: bool = unconfirmed_field()
