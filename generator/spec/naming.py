"""Names the generated code derives from a spec."""

from __future__ import annotations

import keyword
import re

from runtime.spec import ProviderSpec

from . import kinds

# Keyword arguments the generated authorization_url has besides the spec's authorize.options
# (user_scopes and offline are the runtime's reserved options): an option must not reuse them.
AUTHORIZATION_URL_ARGUMENTS = frozenset(
    {"self", "scopes", "state", "request_token", "user_scopes", "offline"}
)


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
