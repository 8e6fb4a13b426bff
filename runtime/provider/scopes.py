"""Scopes as one parameter value and back."""

from __future__ import annotations

import re
from collections.abc import Iterable


def join_scopes(scopes: Iterable[str], separator: str) -> str:
    """Scopes as one parameter value; ``%20`` is a space (percent-encoded on the wire)."""
    return (" " if separator == "%20" else separator).join(scopes)


def split_scopes(text: str, separator: str) -> list[str]:
    """Scopes in a string joined by ``separator`` (``%20`` also means a space)."""
    if separator in (" ", "%20"):
        return [item for item in re.split(r"\s+|%20", text) if item]
    if separator == "+":
        return [item for item in re.split(r"[\s+]+", text) if item]
    return [item.strip() for item in text.split(separator) if item.strip()]
