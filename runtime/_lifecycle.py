"""When a token needs renewing, and making sure only one renewal runs at a time.

Threads of one process share a lock; with a token store, processes (and machines, for Redis)
share the store's lock as well. Whoever gets the lock second finds the token already renewed
and adopts it, so a rotating refresh token is spent exactly once.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .stores import TokenStore

TokenDict = dict[str, Any]
DEFAULT_LEEWAY = 60.0


def expires_at(token: Mapping[str, Any]) -> float | None:
    """The absolute expiry of ``token`` (epoch seconds), or None when it does not expire."""
    value = token.get("expires_at")
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class TokenLifecycle:
    """Expiry arithmetic with an injectable clock, and single-flight renewal."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        leeway: float = DEFAULT_LEEWAY,
        store: TokenStore | None = None,
        store_key: str | None = None,
    ) -> None:
        if leeway < 0:
            raise ValueError(f"leeway must be >= 0 seconds, not {leeway!r}")
        if store is not None and not store_key:
            raise ValueError("a token store needs a key: pass token_store_key= or client_id=")
        self.clock = clock
        self.leeway = leeway
        self.store = store
        self.store_key = store_key or ""
        self._lock = threading.Lock()

    def stamp(self, token: TokenDict) -> TokenDict:
        """Turn a relative ``expires_in`` into an absolute ``expires_at`` as of now."""
        expires_in = token.get("expires_in")
        if expires_in is not None and expires_in != "":
            with contextlib.suppress(TypeError, ValueError):
                token["expires_at"] = round(self.clock()) + int(float(expires_in))
        return token

    def is_expired(self, token: Mapping[str, Any]) -> bool:
        deadline = expires_at(token)
        return deadline is not None and deadline <= self.clock()

    def needs_renewal(self, token: Mapping[str, Any], deadline: float | None = None) -> bool:
        """True once the token is within ``leeway`` seconds of its expiry (or past it).

        ``deadline`` stands in when the token carries only a relative ``expires_in``.
        """
        found = expires_at(token)
        deadline = found if found is not None else deadline
        return deadline is not None and deadline - self.leeway <= self.clock()

    def renew(
        self,
        stale_access_token: str | None,
        current: Callable[[], TokenDict],
        adopt: Callable[[TokenDict], None],
        do_renew: Callable[[], TokenDict],
    ) -> bool:
        """Renew the token that carried ``stale_access_token``, unless someone already did.

        ``current`` reads the session's token, ``adopt`` installs one renewed elsewhere,
        ``do_renew`` performs the renewal (and persists it). Returns True when this call
        renewed, False when it adopted another thread's or process's result.
        """
        with self._lock:
            if self._renewed_elsewhere(current(), stale_access_token):
                return False
            if self.store is None:
                do_renew()
                return True
            with self.store.lock(self.store_key):
                stored = self.store.load(self.store_key)
                if stored is not None:
                    # Adopt even a stale stored token: it carries the newest refresh token.
                    adopt(stored)
                    if self._renewed_elsewhere(stored, stale_access_token):
                        return False
                do_renew()
                return True

    def _renewed_elsewhere(self, token: Mapping[str, Any], stale_access_token: str | None) -> bool:
        access_token = token.get("access_token")
        return (
            bool(access_token)
            and access_token != stale_access_token
            and not self.needs_renewal(token)
        )
