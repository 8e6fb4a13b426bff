"""Masking of secrets for reprs, logs and error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_QUERY_STRING = re.compile(r"\?[^\s'\")]*")

SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "code_verifier",
        "password",
        "assertion",
        "client_assertion",
        "device_code",
        "oauth_token_secret",
        "oauth_verifier",
        "token",
    }
)


def mask(value: object) -> str:
    """A stand-in that says a value exists without showing any of it."""
    if value is None or value == "":
        return repr(value)
    return "'***'"


def masked_mapping(data: Mapping[str, Any]) -> str:
    """``{'access_token': '***', 'token_type': 'Bearer'}``: secrets hidden, shape kept."""
    items = ", ".join(
        f"{key!r}: {mask(value) if key in SECRET_KEYS else repr(value)}"
        for key, value in data.items()
    )
    return "{" + items + "}"


def redact_query_strings(error: object) -> str:
    """``str(error)`` with every URL query string replaced: they may carry credentials."""
    return _QUERY_STRING.sub("?<redacted>", str(error))
