"""Names the generated code derives from a spec."""

from __future__ import annotations

import keyword
import re

from . import kinds
from .model import ProviderSpec


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
