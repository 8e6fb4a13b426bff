"""Named runtime hooks per hook point; the registry is generator/hooks.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from .markers import HookNames, MaxItems, Unique
from .vocabulary import meta

ClientSecretHooks = Annotated[
    tuple[Annotated[str, HookNames("client_secret")], ...], Unique("hook"), MaxItems(1)
]
AuthorizeUrlHooks = Annotated[
    tuple[Annotated[str, HookNames("authorize_url")], ...], Unique("hook")
]
CallbackHooks = Annotated[tuple[Annotated[str, HookNames("callback")], ...], Unique("hook")]
AccessTokenRequestHooks = Annotated[
    tuple[Annotated[str, HookNames("access_token_request")], ...], Unique("hook")
]
AccessTokenResponseHooks = Annotated[
    tuple[Annotated[str, HookNames("access_token_response")], ...], Unique("hook")
]
RefreshTokenRequestHooks = Annotated[
    tuple[Annotated[str, HookNames("refresh_token_request")], ...], Unique("hook")
]
RefreshTokenResponseHooks = Annotated[
    tuple[Annotated[str, HookNames("refresh_token_response")], ...], Unique("hook")
]
ProtectedRequestHooks = Annotated[
    tuple[Annotated[str, HookNames("protected_request")], ...], Unique("hook")
]
RevokeTokenRequestHooks = Annotated[
    tuple[Annotated[str, HookNames("revoke_token_request")], ...], Unique("hook")
]
UserinfoRequestHooks = Annotated[
    tuple[Annotated[str, HookNames("userinfo_request")], ...], Unique("hook"), MaxItems(1)
]
UserinfoResponseHooks = Annotated[
    tuple[Annotated[str, HookNames("userinfo_response")], ...], Unique("hook")
]
DiscoveryHooks = Annotated[tuple[Annotated[str, HookNames("discovery")], ...], Unique("hook")]


@dataclass(frozen=True, kw_only=True)
class Hooks:
    """Named runtime hooks, listed per hook point (the registry is generator/hooks.py)."""

    client_secret: ClientSecretHooks = field(
        default=(), metadata=meta("Produces the client secret.")
    )
    authorize_url: AuthorizeUrlHooks = field(
        default=(), metadata=meta("Adjusts the authorization URL.")
    )
    callback: CallbackHooks = field(default=(), metadata=meta("Reads or verifies callback data."))
    access_token_request: AccessTokenRequestHooks = field(
        default=(), metadata=meta("Adjusts the token request.")
    )
    access_token_response: AccessTokenResponseHooks = field(
        default=(), metadata=meta("Normalises the token response.")
    )
    refresh_token_request: RefreshTokenRequestHooks = field(
        default=(), metadata=meta("Adjusts the refresh request.")
    )
    refresh_token_response: RefreshTokenResponseHooks = field(
        default=(), metadata=meta("Normalises the refresh response.")
    )
    protected_request: ProtectedRequestHooks = field(
        default=(), metadata=meta("Adjusts every API request.")
    )
    revoke_token_request: RevokeTokenRequestHooks = field(
        default=(), metadata=meta("Adjusts the revocation request.")
    )
    userinfo_request: UserinfoRequestHooks = field(
        default=(), metadata=meta("Replaces the profile request.")
    )
    userinfo_response: UserinfoResponseHooks = field(
        default=(), metadata=meta("Completes the profile.")
    )
    discovery: DiscoveryHooks = field(default=(), metadata=meta("Repairs the discovery document."))
