"""Calling the API with the token, and the user profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .markers import MinItems
from .tokens import TypedField
from .vocabulary import (
    ApiHeaderValue,
    AuthScheme,
    FieldPath,
    HeaderName,
    HttpMethod,
    ParamName,
    SnakeName,
    TokenName,
    TokenUrl,
    TokenValue,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class Api:
    """How API requests carry the token."""

    base_url: TokenUrl | None = field(
        default=None, metadata=meta("Base URL of the API; may use {token.field} (instance_url).")
    )
    token_placement: Literal["header", "query", "body"] = field(
        default="header", metadata=meta("Where the access token goes.")
    )
    token_name: TokenName | None = field(
        default=None,
        metadata=meta("Header or parameter name; default: Authorization / access_token."),
    )
    token_scheme: AuthScheme | None = field(
        default="Bearer", metadata=meta("Scheme before the token in a header; null: bare token.")
    )
    headers: Mapping[HeaderName, ApiHeaderValue] = field(
        default_factory=dict,
        metadata=meta(
            "Headers sent on every API call (Client-Id). Only these may use {client_secret} "
            "(Etsy's x-api-key), and such a header goes to the hosts of api.base_url and "
            "endpoints.userinfo only."
        ),
    )
    query: Mapping[ParamName, TokenValue] = field(
        default_factory=dict, metadata=meta("Query parameters sent on every API call.")
    )
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class Userinfo:
    """Fetching the user's profile."""

    source: Literal["endpoint", "id_token"] = field(
        default="endpoint",
        metadata=meta("endpoint: call endpoints.userinfo; id_token: its claims."),
    )
    method: HttpMethod = field(default="GET", metadata=meta("HTTP method."))
    headers: Mapping[HeaderName, TokenValue] = field(
        default_factory=dict, metadata=meta("Extra headers.")
    )
    params: Mapping[ParamName, TokenValue] = field(
        default_factory=dict, metadata=meta("Extra parameters (fields=id,name).")
    )
    root: FieldPath | None = field(
        default=None, metadata=meta("Where the profile is inside the answer (data[0]).")
    )
    id_field: SnakeName = field(default="id", metadata=meta("Field holding the stable user id."))
    fields: Annotated[Mapping[SnakeName, TypedField], MinItems(1)] = field(
        metadata=meta("Profile fields; they form the typed profile.")
    )
    unconfirmed: bool = unconfirmed_field()
