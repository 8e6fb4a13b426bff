"""Shared vocabulary of the spec model: literal choices, annotated string kinds, field metadata.

Annotated aliases attach a named value kind (``markers.Kind``) to ``str``; the generator's loader
checks it and its JSON Schema exports it, from this one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Literal

from .markers import IntRange, Kind, Unique

Protocol = Literal["oauth1", "oauth2", "oidc"]
PROTOCOLS: tuple[Protocol, ...] = ("oauth1", "oauth2", "oidc")
OAUTH2_FAMILY: tuple[Protocol, ...] = ("oauth2", "oidc")

Grant = Literal["authorization_code", "client_credentials", "device_code"]
HttpMethod = Literal["GET", "POST"]
BodyEncoding = Literal["form", "json", "query"]
ClientAuth = Literal[
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "client_secret_bearer",
    "public_basic",
    "none",
]
ClientAuthOrInherit = Literal[
    "inherit",
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "client_secret_bearer",
    "public_basic",
    "none",
]
Support = Literal["required", "supported", "unsupported"]
ScopeSeparator = Literal[" ", ",", "+", ";", "|", "%20"]
FieldType = Literal["str", "int", "float", "bool", "list[str]", "dict", "json"]
StandardTokenField = Literal[
    "access_token", "refresh_token", "expires_in", "token_type", "scope", "id_token"
]
DeviceResponseField = Literal[
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
    "expires_in",
    "interval",
]

ProviderId = Annotated[str, Kind("provider_id")]
SnakeName = Annotated[str, Kind("snake_name")]
ArgumentName = Annotated[str, Kind("argument_name")]
ClassName = Annotated[str, Kind("class_name")]
DisplayName = Annotated[str, Kind("display_name")]
Text = Annotated[str, Kind("text")]
ScopeName = Annotated[str, Kind("scope_name")]
HeaderName = Annotated[str, Kind("header_name")]
ParamName = Annotated[str, Kind("param_name")]
TokenName = Annotated[str, Kind("token_name")]
AuthScheme = Annotated[str, Kind("auth_scheme")]
FieldPath = Annotated[str, Kind("field_path")]
ParamValue = Annotated[str, Kind("param_value")]
ClientValue = Annotated[str, Kind("client_value")]
TokenValue = Annotated[str, Kind("token_value")]
ApiHeaderValue = Annotated[str, Kind("api_header_value")]
PlainUrl = Annotated[str, Kind("plain_url")]
EndpointUrl = Annotated[str, Kind("endpoint_url")]
TokenUrl = Annotated[str, Kind("token_url")]
Regex = Annotated[str, Kind("regex")]
Fragment = Annotated[str, Kind("fragment")]
HttpStatus = Annotated[int, IntRange(100, 599)]
Seconds = Annotated[int, IntRange(0, 10 * 365 * 24 * 3600)]
ScopeList = Annotated[tuple[ScopeName, ...], Unique("scope")]
ClientParams = Mapping[ParamName, ClientValue]
ClientHeaders = Mapping[HeaderName, ClientValue]


def meta(doc: str, *, protocols: tuple[Protocol, ...] | None = None) -> dict[str, object]:
    """Field metadata: its documentation and, optionally, the protocols it applies to."""
    return {"doc": doc, "protocols": protocols}


def unconfirmed_field() -> bool:
    return field(
        default=False,
        metadata=meta(
            "True when the facts in this section are not confirmed by any listed source."
        ),
    )
