"""The token request, parsing its response, and error shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .markers import IntRange, MinItems, Unique
from .vocabulary import (
    BodyEncoding,
    ClientAuth,
    ClientHeaders,
    ClientParams,
    EndpointUrl,
    FieldPath,
    FieldType,
    HttpMethod,
    ParamName,
    ParamValue,
    ScopeSeparator,
    Seconds,
    SnakeName,
    StandardTokenField,
    Text,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class TypedField:
    """A typed value read from a JSON document (token extras, profile fields)."""

    type: FieldType = field(default="str", metadata=meta("Python type of the value."))
    path: FieldPath | None = field(
        default=None, metadata=meta("Where the value is in the document; default: the name.")
    )
    required: bool = field(default=False, metadata=meta("Whether the document always has it."))
    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))


@dataclass(frozen=True, kw_only=True)
class Expiry:
    """How the token lifetime is reported."""

    path: FieldPath = field(
        default="expires_in", metadata=meta("Field holding the lifetime or the expiry time.")
    )
    kind: Literal["relative", "absolute"] = field(
        default="relative",
        metadata=meta("relative: seconds from now (expires_in); absolute: a Unix time."),
    )
    unit: Literal["seconds", "milliseconds"] = field(
        default="seconds", metadata=meta("Unit of the value.")
    )
    zero_means_never: bool = field(
        default=False,
        metadata=meta(
            "Treat 0 as no expiry even when default_lifetime is set (otherwise 0 counts as a "
            "missing lifetime)."
        ),
    )
    default_lifetime: Seconds | None = field(
        default=None, metadata=meta("Lifetime assumed when the field is missing or 0.")
    )


@dataclass(frozen=True, kw_only=True)
class RefreshExpiry:
    """How the refresh token's own lifetime is reported (GitHub, LinkedIn)."""

    path: FieldPath = field(
        default="refresh_token_expires_in",
        metadata=meta("Field holding the refresh token's lifetime or expiry time."),
    )
    kind: Literal["relative", "absolute"] = field(
        default="relative",
        metadata=meta("relative: seconds from now; absolute: a Unix time."),
    )
    unit: Literal["seconds", "milliseconds"] = field(
        default="seconds", metadata=meta("Unit of the value.")
    )


@dataclass(frozen=True, kw_only=True)
class OtherToken:
    """A second token in the same answer, with its own refresh token and expiry (Slack's user
    token under authed_user, beside the bot token)."""

    path: FieldPath = field(
        metadata=meta(
            "Where its fields are (access_token, refresh_token, expires_in, scope, token_type)."
        )
    )
    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))


@dataclass(frozen=True, kw_only=True)
class TokenTypeRule:
    """token_type fixes."""

    default: ParamValue = field(default="Bearer", metadata=meta("Used when token_type is missing."))
    override: ParamValue | None = field(
        default=None, metadata=meta("Replaces whatever token_type says (eBay).")
    )


@dataclass(frozen=True, kw_only=True)
class ScopeEcho:
    """How granted scopes come back."""

    path: FieldPath = field(default="scope", metadata=meta("Field with the granted scopes."))
    format: Literal["string", "list"] = field(
        default="string", metadata=meta("A separated string or a JSON list.")
    )
    separator: ScopeSeparator | None = field(
        default=None, metadata=meta("Separator of a string; default: scopes.separator.")
    )
    known_names: bool = field(
        default=False,
        metadata=meta(
            "The provider answers with names from scopes.known, spelled as requested: the "
            "token's scope is then typed list[Scope], and a name outside the list is an error. "
            "Leave it false when the answer may spell scopes otherwise (as URLs)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class TokenResponse:
    """Parsing the token endpoint's answer."""

    format: Literal["json", "form", "auto"] = field(
        default="auto", metadata=meta("Body format; auto decides by Content-Type.")
    )
    key_case: Literal["as_sent", "camel_to_snake"] = field(
        default="as_sent",
        metadata=meta("camel_to_snake: read accessToken as access_token."),
    )
    paths: Mapping[StandardTokenField, FieldPath] = field(
        default_factory=dict,
        metadata=meta("Where standard fields are when not at the top (authed_user.access_token)."),
    )
    fallback_paths: Mapping[
        StandardTokenField, Annotated[tuple[FieldPath, ...], Unique("path"), MinItems(1)]
    ] = field(
        default_factory=dict,
        metadata=meta(
            "Where else a standard field may be, tried in order when it is missing "
            "(expires_in: [expires])."
        ),
    )
    expires: Expiry = field(default_factory=Expiry, metadata=meta("Token lifetime."))
    refresh_expires: RefreshExpiry | None = field(
        default=None,
        metadata=meta(
            "The refresh token's lifetime, when the provider reports one; the token then holds "
            "refresh_token_expires_in and refresh_token_expires_at, and an expired refresh token "
            "is never sent."
        ),
    )
    token_type: TokenTypeRule = field(
        default_factory=TokenTypeRule, metadata=meta("token_type defaults.")
    )
    scope: ScopeEcho = field(default_factory=ScopeEcho, metadata=meta("Granted scopes."))
    extra: Mapping[SnakeName, TypedField] = field(
        default_factory=dict, metadata=meta("Provider fields kept on the token, typed.")
    )
    other_tokens: Mapping[SnakeName, OtherToken] = field(
        default_factory=dict,
        metadata=meta(
            "Other tokens in the answer, each kept as a typed sub-token under its name and "
            "refreshed on its own with refresh(which=<name>)."
        ),
    )
    unconfirmed: bool = unconfirmed_field()


JwsAlgorithm = Literal[
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "HS256",
    "HS384",
    "HS512",
]


@dataclass(frozen=True, kw_only=True)
class ClientAssertion:
    """The signed JWT that authenticates the client (RFC 7523)."""

    signing_alg: JwsAlgorithm = field(
        default="RS256",
        metadata=meta("JWS algorithm; HS* for client_secret_jwt, the others for private_key_jwt."),
    )
    audience: EndpointUrl | None = field(
        default=None, metadata=meta("The aud claim; default: the token endpoint.")
    )
    lifetime_seconds: Annotated[int, IntRange(1, 3600)] = field(
        default=300, metadata=meta("How long each assertion is valid.")
    )


@dataclass(frozen=True, kw_only=True)
class TokenRequest:
    """The authorization-code token request."""

    client_auth: ClientAuth = field(
        default="client_secret_basic", metadata=meta("How the client authenticates.")
    )
    include_client_id: bool = field(
        default=False, metadata=meta("Also send client_id in the body with Basic auth.")
    )
    client_assertion: ClientAssertion | None = field(
        default=None, metadata=meta("JWT settings for private_key_jwt and client_secret_jwt.")
    )
    method: HttpMethod = field(default="POST", metadata=meta("HTTP method."))
    encoding: BodyEncoding | None = field(
        default=None,
        metadata=meta("Where parameters go; default: form for POST, query for GET."),
    )
    headers: ClientHeaders = field(default_factory=dict, metadata=meta("Extra headers."))
    params: ClientParams = field(default_factory=dict, metadata=meta("Extra parameters."))
    param_names: Mapping[
        Literal[
            "client_id", "client_secret", "code", "redirect_uri", "grant_type", "code_verifier"
        ],
        ParamName,
    ] = field(default_factory=dict, metadata=meta("Renamed standard parameters."))
    send_redirect_uri: bool = field(default=True, metadata=meta("Send redirect_uri."))
    grant_type: ParamValue = field(
        default="authorization_code", metadata=meta("grant_type for the code exchange.")
    )
    response: TokenResponse = field(
        default_factory=TokenResponse, metadata=meta("Parsing the answer.")
    )
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class SuccessFlag:
    """A field that says whether the call worked (Slack: ok: true)."""

    path: FieldPath = field(metadata=meta("Field holding the flag."))
    value: bool | int | str = field(default=True, metadata=meta("Value meaning success."))


@dataclass(frozen=True, kw_only=True)
class ErrorShape:
    """Where errors are in token endpoint answers."""

    in_success_body: bool = field(
        default=True, metadata=meta("An error field in a 200 answer is still an error.")
    )
    code_path: FieldPath = field(default="error", metadata=meta("Error code field."))
    message_path: FieldPath | None = field(
        default="error_description", metadata=meta("Error message field.")
    )
    success_flag: SuccessFlag | None = field(
        default=None, metadata=meta("A flag field marking success.")
    )
    unconfirmed: bool = unconfirmed_field()
