"""After the first token: refresh, exchanges, revocation, device flow (G, J, K)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .markers import IntRange, MinItems, Unique
from .tokens import TypedField
from .vocabulary import (
    BodyEncoding,
    ClientAuthOrInherit,
    ClientHeaders,
    ClientParams,
    DeviceResponseField,
    EndpointUrl,
    FieldPath,
    HeaderName,
    HttpMethod,
    HttpStatus,
    ParamName,
    ParamValue,
    ScopeList,
    Seconds,
    SnakeName,
    Text,
    TokenUrl,
    TokenValue,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class Refresh:
    """Refreshing tokens."""

    supported: bool = field(default=True, metadata=meta("Whether refresh tokens are issued."))
    rotation: Literal["may_omit", "rotating"] = field(
        default="may_omit",
        metadata=meta(
            "may_omit: keep the old refresh token if none returned; rotating: single use."
        ),
    )
    requires_scopes: ScopeList = field(
        default=(), metadata=meta("Scopes needed to get a refresh token (offline_access).")
    )
    requires_params: Mapping[ParamName, ParamValue] = field(
        default_factory=dict,
        metadata=meta("Authorization parameters needed to get one (access_type: offline)."),
    )
    client_auth: ClientAuthOrInherit = field(
        default="inherit", metadata=meta("Client authentication; inherit: as token.")
    )
    method: HttpMethod = field(default="POST", metadata=meta("HTTP method."))
    encoding: BodyEncoding | None = field(
        default=None, metadata=meta("Where parameters go; default: form for POST, query for GET.")
    )
    grant_type: ParamValue = field(default="refresh_token", metadata=meta("grant_type value."))
    token_param: ParamName = field(
        default="refresh_token", metadata=meta("Parameter carrying the refresh token.")
    )
    headers: ClientHeaders = field(default_factory=dict, metadata=meta("Extra headers."))
    params: ClientParams = field(default_factory=dict, metadata=meta("Extra parameters."))
    send_scope: bool = field(default=False, metadata=meta("Send the scope again."))
    send_redirect_uri: bool = field(default=False, metadata=meta("Send redirect_uri (Reddit)."))
    leeway_seconds: Seconds = field(default=60, metadata=meta("Refresh this long before expiry."))
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """A non-standard token exchange (long-lived tokens)."""

    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))
    url: EndpointUrl | None = field(default=None, metadata=meta("Default: endpoints.token."))
    method: HttpMethod = field(default="POST", metadata=meta("HTTP method."))
    encoding: BodyEncoding | None = field(
        default=None, metadata=meta("Where parameters go; default: form for POST, query for GET.")
    )
    grant_type: ParamValue = field(metadata=meta("grant_type value (fb_exchange_token)."))
    token_param: ParamName = field(
        default="access_token", metadata=meta("Parameter carrying the current access token.")
    )
    client_auth: ClientAuthOrInherit = field(
        default="inherit", metadata=meta("Client authentication; inherit: as token.")
    )
    params: ClientParams = field(default_factory=dict, metadata=meta("Extra parameters."))
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class AfterTokenStep:
    """A documented call made right after sign-in, whose answer fills token fields (Atlassian's
    cloud id, Xero's tenant id, Mailchimp's data centre), usable later as {token.<name>}."""

    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))
    url: TokenUrl = field(metadata=meta("The URL; may use {variable} and earlier token fields."))
    method: Literal["GET", "POST"] = field(default="GET", metadata=meta("HTTP method."))
    headers: Mapping[HeaderName, TokenValue] = field(
        default_factory=dict, metadata=meta("Extra headers; may use {access_token}.")
    )
    send_token: bool = field(
        default=True,
        metadata=meta(
            "Attach the access token as api says; false: the headers carry it themselves "
            "(Mailchimp's `Authorization: OAuth {access_token}`)."
        ),
    )
    keep: Annotated[Mapping[SnakeName, TypedField], MinItems(1)] = field(
        metadata=meta(
            "Token fields read from the answer (a JSON list answer is read as {items: [...]}, "
            "so paths start with items[0])."
        )
    )
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class SuccessBody:
    """A value a successful answer must hold (Facebook answers `true`; Slack `revoked: true`)."""

    path: FieldPath | None = field(
        default=None, metadata=meta("Field holding the value; null: the whole JSON body.")
    )
    value: bool | int | str = field(default=True, metadata=meta("The value meaning success."))


@dataclass(frozen=True, kw_only=True)
class Revocation:
    """Revoking tokens."""

    method: Literal["POST", "GET", "DELETE"] = field(default="POST", metadata=meta("HTTP method."))
    encoding: BodyEncoding | None = field(
        default=None,
        metadata=meta(
            "Where parameters go (json: a JSON body, as GitHub's DELETE wants); "
            "default: form for POST, query for GET and DELETE."
        ),
    )
    token_param: ParamName | None = field(
        default="token", metadata=meta("Parameter carrying the token; null: not sent as one.")
    )
    default_token: Literal["refresh_token", "access_token"] = field(
        default="refresh_token",
        metadata=meta(
            "What revoke() revokes when called without a token: the refresh token when there "
            "is one (which ends the grant at most providers), or always the access token."
        ),
    )
    send_token_type_hint: bool = field(default=True, metadata=meta("Send token_type_hint."))
    client_auth: ClientAuthOrInherit = field(
        default="inherit", metadata=meta("Client authentication; inherit: as token.")
    )
    authenticate_with_token: bool = field(
        default=False, metadata=meta("Send the access token as API auth (Dropbox).")
    )
    success_status: Annotated[tuple[HttpStatus, ...], Unique("status"), MinItems(1)] = field(
        default=(200,), metadata=meta("HTTP statuses meaning success.")
    )
    success_body: SuccessBody | None = field(
        default=None,
        metadata=meta("A value the answer must also hold; without it any body is a success."),
    )
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class DeviceFlow:
    """Device authorization grant details."""

    client_auth: ClientAuthOrInherit = field(
        default="inherit", metadata=meta("Client authentication; inherit: as token.")
    )
    grant_type: ParamValue = field(
        default="urn:ietf:params:oauth:grant-type:device_code",
        metadata=meta("grant_type used when polling."),
    )
    code_param: ParamName = field(
        default="device_code",
        metadata=meta("Parameter carrying the device code when polling (Yandex: code)."),
    )
    response_paths: Mapping[DeviceResponseField, FieldPath] = field(
        default_factory=dict,
        metadata=meta("Renamed answer fields (verification_uri: verification_url)."),
    )
    default_interval: Annotated[int, IntRange(1, 3600)] = field(
        default=5, metadata=meta("Polling interval when the answer has none.")
    )
    unconfirmed: bool = unconfirmed_field()
