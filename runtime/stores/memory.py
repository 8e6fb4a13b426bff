"""``MemoryTokenStore``: tokens in a dict, locks per key; for tests and single-process apps.

Tokens are kept as JSON text, so what ``load`` returns is always a fresh copy, and a token that
could not be saved by the file or Redis stores cannot be saved here either.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from .base import (
    DEFAULT_LOCK_TIMEOUT,
    KeyedThreadLocks,
    check_key,
    check_timeout,
    decode_token,
    encode_token,
)

__all__ = ["MemoryTokenStore"]


class MemoryTokenStore:
    """A process-local ``TokenStore``: the lock is exclusive between threads, not processes."""

    def __init__(self) -> None:
        self._tokens: dict[str, bytes] = {}
        self._tokens_guard = threading.Lock()
        self._locks = KeyedThreadLocks()

    def load(self, key: str) -> dict[str, Any] | None:
        check_key(key)
        with self._tokens_guard:
            data = self._tokens.get(key)
        return None if data is None else decode_token(data, f"memory token {key!r}")

    def save(self, key: str, token: Mapping[str, Any]) -> None:
        data = encode_token(token, f"key {check_key(key)!r}")
        with self._tokens_guard:
            self._tokens[key] = data

    def delete(self, key: str) -> None:
        check_key(key)
        with self._tokens_guard:
            self._tokens.pop(key, None)

    def lock(
        self, key: str, *, timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> AbstractContextManager[None]:
        return self._locks.hold(check_key(key), check_timeout(timeout), f"key {key!r}")

    def __repr__(self) -> str:
        with self._tokens_guard:
            count = len(self._tokens)
        return f"MemoryTokenStore({count} token{'' if count == 1 else 's'})"
