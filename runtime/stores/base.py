"""The ``TokenStore`` protocol, its errors, and helpers the stores share.

A store keeps one token (a JSON object) per key and offers an exclusive lock per key. Sessions
use it for single-flight refresh::

    with store.lock(key):
        token = store.load(key)          # someone else may have refreshed already
        if still_expired(token):
            token = refresh(token)
            store.save(key, token)

The lock is exclusive across threads and processes (and machines, for a networked store) for
that key only, and it is not re-entrant: taking it again while holding it waits and times out.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "InsecureTokenDirectoryError",
    "KeyedThreadLocks",
    "TokenStore",
    "TokenStoreCorruptError",
    "TokenStoreError",
    "TokenStoreLockTimeout",
    "check_key",
    "check_timeout",
    "decode_token",
    "encode_token",
    "with_absolute_expiry",
]

DEFAULT_LOCK_TIMEOUT = 30.0


class TokenStoreError(Exception):
    """A token store could not do what was asked. Messages never contain token contents."""


class TokenStoreCorruptError(TokenStoreError):
    """A stored token is unreadable: the message names the file or key and what is wrong."""


class InsecureTokenDirectoryError(TokenStoreError):
    """The token directory is writable by other users, or belongs to another user: whoever
    can write there can replace tokens or plant links. The message names the directory and
    the fix."""


class TokenStoreLockTimeout(TokenStoreError):
    """The lock for a key was not acquired within the timeout."""


@runtime_checkable
class TokenStore(Protocol):
    """Persistence for OAuth tokens, one JSON object per key, plus a per-key lock."""

    def load(self, key: str) -> dict[str, Any] | None:
        """The token saved under ``key``, or ``None`` when there is none."""
        ...

    def save(self, key: str, token: Mapping[str, Any]) -> None:
        """Replace the token under ``key`` atomically (readers see the old or the new one)."""
        ...

    def delete(self, key: str) -> None:
        """Forget the token under ``key``; deleting a missing key is not an error."""
        ...

    def lock(
        self, key: str, *, timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> AbstractContextManager[None]:
        """Hold the exclusive lock for ``key``; ``TokenStoreLockTimeout`` after ``timeout`` s."""
        ...


def check_key(key: object) -> str:
    """Return ``key`` if it is a ``str``; any string is a valid key (stores escape or hash it)."""
    if not isinstance(key, str):
        raise TypeError(f"token store keys are str, not {type(key).__name__}")
    return key


def check_timeout(timeout: float) -> float:
    """A lock timeout in seconds: finite or infinite, never negative or NaN."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0:
        raise ValueError(f"lock timeout must be a number of seconds >= 0, got {timeout!r}")
    return float(timeout)


def with_absolute_expiry(token: Mapping[str, Any], now: float | None = None) -> dict[str, Any]:
    """A copy of ``token`` with an absolute ``expires_at`` (epoch seconds).

    ``expires_in`` is relative to the moment the token was received, so a token reloaded later
    from a store would look fresh again (requests-oauthlib #561). When the token has a numeric
    ``expires_in`` and no ``expires_at``, ``expires_at = now + expires_in`` is added; an existing
    ``expires_at`` is kept as it is.
    """
    stored = dict(token)
    if "expires_at" not in stored:
        expires_in = _seconds(stored.get("expires_in"))
        if expires_in is not None:
            stored["expires_at"] = (time.time() if now is None else now) + expires_in
    return stored


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return seconds if math.isfinite(seconds) else None


def encode_token(token: Mapping[str, Any], where: str) -> bytes:
    """Serialise a token for storage (adds ``expires_at``); ``where`` names the key in errors."""
    if not isinstance(token, Mapping):
        raise TypeError(f"a token is a mapping, not {type(token).__name__}")
    try:
        text = json.dumps(with_absolute_expiry(token), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except UnicodeEncodeError:  # its message would quote the token's text
        raise TokenStoreError(
            f"cannot store the token for {where}: it contains a lone surrogate, not valid Unicode"
        ) from None
    except (TypeError, ValueError) as exc:
        # json's messages name the offending type ("Object of type X ..."), never the value.
        raise TokenStoreError(f"cannot store the token for {where}: {exc}") from None


def decode_token(data: bytes | str, where: str) -> dict[str, Any]:
    """Parse stored data into a token, or raise ``TokenStoreCorruptError`` naming ``where``."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise TokenStoreCorruptError(
            f"{where} is corrupt: not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    if not text.strip():
        raise TokenStoreCorruptError(f"{where} is corrupt: it is empty")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        # exc.msg, lineno and colno describe the syntax error without quoting the document.
        raise TokenStoreCorruptError(
            f"{where} is corrupt: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise TokenStoreCorruptError(f"{where} is corrupt: JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise TokenStoreCorruptError(
            f"{where} is corrupt: expected a JSON object, found {_json_kind(value)}"
        )
    return value


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"


class _KeyedLock:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class KeyedThreadLocks:
    """One ``threading.Lock`` per key, created on demand and dropped when nobody uses it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, _KeyedLock] = {}

    @contextmanager
    def hold(self, key: str, timeout: float, describe: str | None = None) -> Iterator[None]:
        """Hold the lock for ``key`` or raise ``TokenStoreLockTimeout`` after ``timeout`` s."""
        with self._guard:
            entry = self._locks.get(key)
            if entry is None:
                entry = self._locks[key] = _KeyedLock()
            entry.users += 1
        try:
            if not entry.lock.acquire(timeout=min(timeout, threading.TIMEOUT_MAX)):
                raise TokenStoreLockTimeout(
                    f"timed out after {timeout:g} s waiting for the lock on {describe or repr(key)}"
                )
            try:
                yield
            finally:
                entry.lock.release()
        finally:
            with self._guard:
                entry.users -= 1
                if entry.users == 0:
                    del self._locks[key]

    def __len__(self) -> int:
        with self._guard:
            return len(self._locks)
