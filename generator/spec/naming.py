"""Names the generated code derives from a spec, and the names it already uses.

The IR builder takes its names from here and the spec checks (``checks/names.py``) refuse a
spec whose names would clash with them, so a spec that loads always builds.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping

from runtime.spec import ProviderSpec

from . import kinds

# What a generated module may import, by name: the module it comes from. The IR builder
# imports nothing else.
MODULE_IMPORTS: Mapping[str, str] = {
    "TYPE_CHECKING": "typing",
    "Any": "typing",
    "ClassVar": "typing",
    "Final": "typing",
    "Literal": "typing",
    "TypedDict": "typing",
    "Callable": "collections.abc",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "Required": "typing_extensions",
    "AuthorizationRequest": "runtime.provider",
    "OAuth1Provider": "runtime.provider",
    "OAuth2Provider": "runtime.provider",
    "RuntimeSpec": "runtime.provider",
    "Shape": "runtime.provider",
    "PerCall": "runtime.provider",
    "threading": "threading",
    "DeviceAuthorization": "runtime.device",
    "TokenStore": "runtime.stores",
}
# Every name a generated module binds besides the classes derived from the spec.
MODULE_NAMES = frozenset({*MODULE_IMPORTS, "annotations", "Scope", "Scopes", "_SPEC", "__all__"})

# Keyword arguments the generated authorization_url has besides the spec's authorize.options
# (user_scopes and offline are the runtime's reserved options): an option must not reuse them.
AUTHORIZATION_URL_ARGUMENTS = frozenset(
    {"self", "scopes", "state", "request_token", "user_scopes", "offline"}
)
# The per-call arguments of a flow method; fetch_request_token has them beside its options.
PER_CALL_ARGUMENTS = ("timeout", "extra")
FETCH_REQUEST_TOKEN_ARGUMENTS = frozenset({"self", *PER_CALL_ARGUMENTS})
# The generated __init__'s own arguments (some only for some specs), and the names its body
# uses; the spec's variables become its other keyword arguments.
_OAUTH1_INIT_ARGUMENTS = frozenset(
    {"self", "client_key", "client_secret", "callback_uri", "environment", "token", "rsa_key"}
)
_OAUTH2_INIT_ARGUMENTS = frozenset(
    {
        "self", "client_id", "client_secret", "redirect_uri", "environment", "token",
        "token_store", "token_store_key", "token_updater", "private_key", "key_id", "rsa_key",
    }
)  # fmt: skip
_INIT_BODY_NAMES = frozenset({"super"})

# Token fields the client reads itself, so the spec cannot declare them again.
STANDARD_TOKEN_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "expires_in",
        "expires_at",
        "refresh_token_expires_in",
        "refresh_token_expires_at",
        "token_type",
        "scope",
        "id_token",
    }
)
STANDARD_OAUTH1_TOKEN_FIELDS = frozenset(
    {"oauth_token", "oauth_token_secret", "oauth_callback_confirmed"}
)


def init_arguments(spec: ProviderSpec) -> frozenset[str]:
    """Names the generated ``__init__`` uses for itself: a variable must not reuse them."""
    own = _OAUTH1_INIT_ARGUMENTS if spec.protocol == "oauth1" else _OAUTH2_INIT_ARGUMENTS
    return own | _INIT_BODY_NAMES


def has_callback_captures(spec: ProviderSpec) -> bool:
    """Whether the client keeps values captured from the callback (``captured()``)."""
    if not spec.callback.capture:
        return False
    return spec.protocol == "oauth1" or "authorization_code" in spec.grants


def generated_class_names(spec: ProviderSpec) -> dict[str, str]:
    """The classes a generated module defines, by role: ``client``, ``token``, ``profile``,
    ``callback``, ``request_token`` and ``other_token:<name>``."""
    base = class_name(spec)
    names = {"client": base, "token": f"{base}Token"}
    if spec.userinfo is not None:
        names["profile"] = f"{base}Profile"
    if has_callback_captures(spec):
        names["callback"] = f"{base}Callback"
    if spec.protocol == "oauth1":
        names["request_token"] = f"{base}RequestToken"
    else:
        for other in spec.token.response.other_tokens:
            pascal = "".join(part.capitalize() for part in other.split("_"))
            names[f"other_token:{other}"] = f"{base}{pascal}Token"
    return names


def derive_class_name(display_name: str) -> str | None:
    """``"Microsoft Entra ID"`` -> ``"MicrosoftEntraID"``; None when no valid name results."""
    words = re.findall(r"[A-Za-z0-9]+", display_name)
    candidate = "".join(word[0].upper() + word[1:] for word in words)
    if re.fullmatch(kinds.CLASS_NAME.pattern, candidate) and not keyword.iskeyword(candidate):
        return candidate
    return None


def class_name(spec: ProviderSpec) -> str:
    """The generated client class name; the loader guarantees one exists."""
    name = spec.class_name or derive_class_name(spec.name)
    if name is None:
        raise ValueError(f"spec {spec.id!r} has no usable class name")
    return name


def scope_constant_names(scopes: list[str]) -> dict[str, str]:
    """An UPPER_SNAKE constant name per scope, unique, deterministic for a given list.

    ``"read:user"`` -> ``READ_USER``; a URL scope loses its scheme and host
    (``https://www.googleapis.com/auth/drive.file`` -> ``AUTH_DRIVE_FILE``); a name two scopes
    would share gets ``_2``, ``_3``... in the sorted order of the scopes.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for scope in sorted(scopes):
        text = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", "", scope)
        base = "_".join(re.findall(r"[A-Za-z0-9]+", text)).upper() or "SCOPE"
        if base[0].isdigit():
            base = f"SCOPE_{base}"
        name, counter = base, 1
        while name in taken:
            counter += 1
            name = f"{base}_{counter}"
        taken.add(name)
        names[scope] = name
    return names
