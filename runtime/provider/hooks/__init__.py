"""The registry of named hooks: the quirks that cannot be data, each implemented once.

``HOOKS`` maps a hook's name to its :class:`HookInfo` (point, description, function). Specs
name hooks per point (``hooks: {callback: [shopify_callback_hmac]}``); the generator validates
those names against this registry (``generator/hooks.py`` reads it), and the provider engine
runs them at their point in the listed order. Signatures per point: ``points.py``. Packages
outside the repository add hooks through the ``oauthgen.hooks`` entry points (``plugins.py``).
Heavy dependencies (PyJWT, cryptography, XML) are imported inside the hooks that use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from .apple import apple_client_secret_jwt, apple_form_post_user
from .bodies import (
    jsonp_token_response,
    jsonp_userinfo_response,
    strip_www_authenticate,
    xml_token_response,
)
from .dropbox import dropbox_rpc_userinfo
from .entra import entra_tenant_issuer
from .facebook import facebook_appsecret_proof
from .github import github_primary_email
from .host import HookHost
from .points import (
    EXCLUSIVE_HOOK_POINTS,
    HOOK_POINT_DESCRIPTIONS,
    HOOK_POINTS,
    HookInfo,
    HookPoint,
)
from .salesforce import salesforce_token_introspection
from .shopify import shopify_callback_hmac
from .slack import slack_split_tokens

__all__ = [
    "BUILTIN_HOOKS",
    "EXCLUSIVE_HOOK_POINTS",
    "HOOKS",
    "HOOK_POINTS",
    "HOOK_POINT_DESCRIPTIONS",
    "HookHost",
    "HookInfo",
    "HookPoint",
]

_REGISTERED = (
    HookInfo(
        "apple_client_secret_jwt",
        "client_secret",
        "Signs the short-lived ES256 JWT that Apple accepts as the client secret.",
        apple_client_secret_jwt,
        variables=("team_id",),
    ),
    HookInfo(
        "apple_form_post_user",
        "callback",
        "Reads the one-time `user` JSON that Apple form-posts with the first consent.",
        apple_form_post_user,
    ),
    HookInfo(
        "shopify_callback_hmac",
        "callback",
        "Verifies the HMAC Shopify adds to the callback query string.",
        shopify_callback_hmac,
    ),
    HookInfo(
        "slack_split_tokens",
        "access_token_response",
        "Keeps Slack's bot token and the user token under authed_user apart.",
        slack_split_tokens,
    ),
    HookInfo(
        "salesforce_token_introspection",
        "access_token_response",
        "Learns the token lifetime by introspection; Salesforce sends no expires_in.",
        salesforce_token_introspection,
    ),
    HookInfo(
        "strip_www_authenticate",
        "access_token_response",
        "Ignores a WWW-Authenticate header sent with a successful token response.",
        strip_www_authenticate,
    ),
    HookInfo(
        "xml_token_response",
        "access_token_response",
        "Parses a token response sent as XML.",
        xml_token_response,
    ),
    HookInfo(
        "jsonp_token_response",
        "access_token_response",
        "Unwraps a token response sent as JSONP, callback( {...} ).",
        jsonp_token_response,
    ),
    HookInfo(
        "facebook_appsecret_proof",
        "protected_request",
        "Adds appsecret_proof, an HMAC-SHA256 of the access token keyed by the app secret.",
        facebook_appsecret_proof,
    ),
    HookInfo(
        "dropbox_rpc_userinfo",
        "userinfo_request",
        "Fetches the profile through Dropbox's POST RPC with a JSON null body.",
        dropbox_rpc_userinfo,
    ),
    HookInfo(
        "github_primary_email",
        "userinfo_response",
        "Fills a missing email from /user/emails, using the primary verified address.",
        github_primary_email,
    ),
    HookInfo(
        "jsonp_userinfo_response",
        "userinfo_response",
        "Unwraps a profile sent as JSONP, callback( {...} ).",
        jsonp_userinfo_response,
    ),
    HookInfo(
        "entra_tenant_issuer",
        "discovery",
        "Replaces the literal {tenantid} in Microsoft Entra issuers with the token's tid.",
        entra_tenant_issuer,
    ),
)

BUILTIN_HOOKS: Mapping[str, HookInfo] = MappingProxyType({hook.name: hook for hook in _REGISTERED})


class _Registry(Mapping[str, HookInfo]):
    """The built-in hooks and those installed packages register (``plugins``), read on first use
    so importing the runtime does not scan every installed distribution."""

    def __init__(self) -> None:
        self._hooks: Mapping[str, HookInfo] | None = None

    def _all(self) -> Mapping[str, HookInfo]:
        if self._hooks is None:
            from .plugins import plugin_hooks

            self._hooks = MappingProxyType({**BUILTIN_HOOKS, **plugin_hooks(BUILTIN_HOOKS)})
        return self._hooks

    def reload(self) -> None:
        """Read the entry points again (after installing a plugin in a running process)."""
        self._hooks = None

    def __getitem__(self, name: str) -> HookInfo:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


HOOKS = _Registry()
"""Every hook a spec may name: built-in ones and ``oauthgen.hooks`` entry points."""
