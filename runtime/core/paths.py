"""Field paths into JSON documents: dot-separated keys, each optionally followed by
``[index]``: ``authed_user.access_token``, ``data[0]``, ``errors[0].errorType``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[0-9]+\])*)")
_INDEX = re.compile(r"\[([0-9]+)\]")
MISSING: Any = object()
"""Returned by :func:`get_path` when the path leads nowhere."""


def get_path(document: object, path: str) -> Any:
    """The value at ``path`` in ``document``, or :data:`MISSING`."""
    value: Any = document
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            raise ValueError(f"invalid field path {path!r}")
        if not isinstance(value, Mapping) or match.group(1) not in value:
            return MISSING
        value = value[match.group(1)]
        for index in _INDEX.findall(match.group(2)):
            if not isinstance(value, list) or int(index) >= len(value):
                return MISSING
            value = value[int(index)]
    return value
