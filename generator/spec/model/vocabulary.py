"""Shared vocabulary of the spec model: literal choices, annotated string kinds, field metadata.

Annotated aliases attach a value kind (``spec/kinds.py``) to ``str``; the loader checks it
and the JSON Schema exports it, from this one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Literal

from .. import kinds
from ..kinds import IntRange, Unique

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

ProviderId = Annotated[str, kinds.PROVIDER_ID]
SnakeName = Annotated[str, kinds.SNAKE_NAME]
ArgumentName = Annotated[str, kinds.ARGUMENT_NAME]
ClassName = Annotated[str, kinds.CLASS_NAME]
DisplayName = Annotated[str, kinds.DISPLAY_NAME]
Text = Annotated[str, kinds.TEXT]
ScopeName = Annotated[str, kinds.SCOPE_NAME]
HeaderName = Annotated[str, kinds.HEADER_NAME]
ParamName = Annotated[str, kinds.PARAM_NAME]
TokenName = Annotated[str, kinds.TOKEN_NAME]
AuthScheme = Annotated[str, kinds.AUTH_SCHEME]
FieldPath = Annotated[str, kinds.FIELD_PATH]
ParamValue = Annotated[str, kinds.PARAM_VALUE]
ClientValue = Annotated[str, kinds.CLIENT_VALUE]
TokenValue = Annotated[str, kinds.TOKEN_VALUE]
ApiHeaderValue = Annotated[str, kinds.API_HEADER_VALUE]
PlainUrl = Annotated[str, kinds.PLAIN_URL]
EndpointUrl = Annotated[str, kinds.ENDPOINT_URL]
TokenUrl = Annotated[str, kinds.TOKEN_URL]
Regex = Annotated[str, kinds.REGEX]
Fragment = Annotated[str, kinds.FRAGMENT]
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
