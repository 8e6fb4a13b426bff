"""Protocol-specific sections: OpenID Connect and OAuth 1.0a."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .authorize import AuthorizeOption
from .markers import MinItems, Unique
from .tokens import TypedField
from .vocabulary import (
    ArgumentName,
    ClientParams,
    HttpMethod,
    ParamName,
    ParamValue,
    SnakeName,
    Support,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class Oidc:
    """OpenID Connect details."""

    nonce: Support = field(default="supported", metadata=meta("Whether nonce is sent."))
    signing_algs: Annotated[
        tuple[Literal["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"], ...],
        Unique("algorithm"),
        MinItems(1),
    ] = field(default=("RS256",), metadata=meta("Accepted id_token signature algorithms."))
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class OAuth1RequestToken:
    """The temporary-credentials step."""

    method: HttpMethod = field(default="POST", metadata=meta("HTTP method."))
    params: ClientParams = field(default_factory=dict, metadata=meta("Extra parameters."))
    options: Mapping[ArgumentName, AuthorizeOption] = field(
        default_factory=dict,
        metadata=meta("Typed optional arguments of fetch_request_token (x_auth_access_type)."),
    )


@dataclass(frozen=True, kw_only=True)
class OAuth1AccessToken:
    """The token-credentials step."""

    method: HttpMethod = field(default="POST", metadata=meta("HTTP method."))
    send_verifier: bool = field(default=True, metadata=meta("Send oauth_verifier."))
    extra: Mapping[SnakeName, TypedField] = field(
        default_factory=dict, metadata=meta("Provider fields kept on the token (screen_name).")
    )


@dataclass(frozen=True, kw_only=True)
class OAuth1:
    """OAuth 1.0a signing and steps."""

    signature_method: Literal[
        "HMAC-SHA1",
        "HMAC-SHA256",
        "HMAC-SHA512",
        "RSA-SHA1",
        "RSA-SHA256",
        "RSA-SHA512",
        "PLAINTEXT",
    ] = field(default="HMAC-SHA1", metadata=meta("oauth_signature_method."))
    signature_type: Literal["header", "query", "body"] = field(
        default="header", metadata=meta("Where the OAuth parameters go.")
    )
    realm: ParamValue | None = field(default=None, metadata=meta("realm of the header."))
    callback_param: ParamName | None = field(
        default=None, metadata=meta("Also send the callback on the authorize step under this name.")
    )
    request_token: OAuth1RequestToken = field(
        default_factory=OAuth1RequestToken, metadata=meta("Temporary credentials step.")
    )
    access_token: OAuth1AccessToken = field(
        default_factory=OAuth1AccessToken, metadata=meta("Token credentials step.")
    )
    unconfirmed: bool = unconfirmed_field()
