"""Registry of named runtime hooks a spec may reference.

Quirks that cannot be expressed as data get one implementation in the runtime, registered
under a name here; a spec only names them. YAML never contains code. The runtime implements
these later; this list is the contract the spec loader validates against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

HookPoint = Literal[
    "client_secret",
    "authorize_url",
    "callback",
    "access_token_request",
    "access_token_response",
    "refresh_token_request",
    "refresh_token_response",
    "protected_request",
    "revoke_token_request",
    "userinfo_request",
    "userinfo_response",
    "discovery",
]

HOOK_POINTS: tuple[HookPoint, ...] = get_args(HookPoint)

HOOK_POINT_DESCRIPTIONS: dict[HookPoint, str] = {
    "client_secret": "Produces the client secret sent to the token endpoint.",
    "authorize_url": "Adjusts the authorization URL after it is built.",
    "callback": "Reads or verifies extra data on the redirect back to the client.",
    "access_token_request": "Adjusts the authorization-code token request before it is sent.",
    "access_token_response": "Normalises the token endpoint's answer before it is parsed.",
    "refresh_token_request": "Adjusts the refresh request before it is sent.",
    "refresh_token_response": "Normalises the refresh answer before it is parsed.",
    "protected_request": "Adjusts every API request made with the token.",
    "revoke_token_request": "Adjusts the revocation request before it is sent.",
    "userinfo_request": "Replaces how the profile request is made.",
    "userinfo_response": "Completes or normalises the profile after it is fetched.",
    "discovery": "Repairs the provider's discovery document.",
}


@dataclass(frozen=True)
class HookInfo:
    name: str
    point: HookPoint
    description: str


HOOKS: tuple[HookInfo, ...] = (
    HookInfo(
        "apple_client_secret_jwt",
        "client_secret",
        "Signs the short-lived ES256 JWT that Apple accepts as the client secret.",
    ),
    HookInfo(
        "apple_form_post_user",
        "callback",
        "Reads the one-time `user` JSON that Apple form-posts with the first consent.",
    ),
    HookInfo(
        "shopify_callback_hmac",
        "callback",
        "Verifies the HMAC Shopify adds to the callback query string.",
    ),
    HookInfo(
        "slack_split_tokens",
        "access_token_response",
        "Keeps Slack's bot token and the user token under authed_user apart.",
    ),
    HookInfo(
        "salesforce_token_introspection",
        "access_token_response",
        "Learns the token lifetime by introspection; Salesforce sends no expires_in.",
    ),
    HookInfo(
        "strip_www_authenticate",
        "access_token_response",
        "Ignores a WWW-Authenticate header sent with a successful token response.",
    ),
    HookInfo(
        "xml_token_response",
        "access_token_response",
        "Parses a token response sent as XML.",
    ),
    HookInfo(
        "jsonp_token_response",
        "access_token_response",
        "Unwraps a token response sent as JSONP, callback( {...} ).",
    ),
    HookInfo(
        "facebook_appsecret_proof",
        "protected_request",
        "Adds appsecret_proof, an HMAC-SHA256 of the access token keyed by the app secret.",
    ),
    HookInfo(
        "dropbox_rpc_userinfo",
        "userinfo_request",
        "Fetches the profile through Dropbox's POST RPC with a JSON null body.",
    ),
    HookInfo(
        "github_primary_email",
        "userinfo_response",
        "Fills a missing email from /user/emails, using the primary verified address.",
    ),
    HookInfo(
        "jsonp_userinfo_response",
        "userinfo_response",
        "Unwraps a profile sent as JSONP, callback( {...} ).",
    ),
    HookInfo(
        "entra_tenant_issuer",
        "discovery",
        "Replaces the literal {tenantid} in Microsoft Entra issuers with the token's tid.",
    ),
)

EXCLUSIVE_HOOK_POINTS: frozenset[HookPoint] = frozenset({"client_secret", "userinfo_request"})
"""Points where a second hook would have nothing left to do: one replaces the whole step."""


def hook_names(point: HookPoint) -> tuple[str, ...]:
    return tuple(hook.name for hook in HOOKS if hook.point == point)


def find_hook(name: str) -> HookInfo | None:
    return next((hook for hook in HOOKS if hook.name == name), None)
