"""Renewing a token once: single-flight renewal, the store, spent and refused refresh tokens.

When a token needs renewing is the token value's rule (``runtime.core.token``, re-exported
here).

Threads of one process share a lock; with a token store, processes (and machines, for Redis)
share the store's lock as well. Whoever gets the lock second finds the token already renewed
and adopts it, so a rotating refresh token is spent exactly once.

A refresh token this session has traded for a rotated one is remembered as spent (a keyed
digest, never the token): a stored token still carrying it is stale and is not adopted, and
it is never sent again; one the server refused (``invalid_grant``) is not sent again either.
When saving a new token fails, the session keeps it, saves it first on its next request or
renewal, and raises ``TokenStoreError`` once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from .core.token import (
    DEFAULT_LEEWAY,
    MAX_LIFETIME,
    LifetimeError,
    Token,
    expires_at,
    lifetime,
    seconds_value,
    whole_seconds,
)

if TYPE_CHECKING:
    from .stores import TokenStore

__all__ = [
    "DEFAULT_LEEWAY",
    "MAX_LIFETIME",
    "SPENT_REFRESH_TOKENS_KEPT",
    "LifetimeError",
    "TokenLifecycle",
    "expires_at",
    "lifetime",
    "seconds_value",
    "whole_seconds",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

TokenDict = dict[str, Any]
SPENT_REFRESH_TOKENS_KEPT = 32
"""How many spent refresh tokens (as digests) a session remembers."""
# Keys the refresh-token digests; they never leave the process, so one key serves every session.
_DIGEST_KEY = secrets.token_bytes(32)


class TokenLifecycle:
    """Expiry arithmetic with an injectable clock, and single-flight renewal."""

    # Class-level defaults until first needed: most sessions never renew, rotate a refresh
    # token or fail to save one, and a held session should not pay for them.
    _spent_digests: OrderedDict[bytes, None] | None = None
    # The newest token when saving it to the store failed; saved before anything else.
    unsaved: TokenDict | None = None
    # The refresh token the server answered invalid_grant to, as a digest.
    _rejected: bytes | None = None

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

    @property
    def _spent(self) -> OrderedDict[bytes, None]:
        """Digests of the refresh tokens spent, oldest first (setdefault: created once)."""
        spent = self._spent_digests
        if spent is None:
            spent = self.__dict__.setdefault("_spent_digests", OrderedDict())
        return spent

    @property
    def _lock(self) -> threading.Lock:
        """The renewal lock of the session's threads (setdefault: created once)."""
        lock: threading.Lock | None = self.__dict__.get("_renewal_lock")
        if lock is None:
            lock = self.__dict__.setdefault("_renewal_lock", threading.Lock())
        return lock

    # -- spent refresh tokens ---------------------------------------------------------------

    def _digest(self, refresh_token: str) -> bytes:
        return hmac.new(_DIGEST_KEY, refresh_token.encode(), hashlib.sha256).digest()

    def spend(self, refresh_token: str) -> None:
        """Remember that ``refresh_token`` was traded for a rotated one."""
        spent = self._spent
        spent[self._digest(refresh_token)] = None
        while len(spent) > SPENT_REFRESH_TOKENS_KEPT:
            spent.popitem(last=False)

    def is_spent(self, refresh_token: object) -> bool:
        """True for a refresh token this session already traded for a rotated one."""
        spent = self._spent_digests
        if not spent or not isinstance(refresh_token, str):
            return False
        return self._digest(refresh_token) in spent

    # -- persistence ------------------------------------------------------------------------

    def save(self, token: TokenDict) -> None:
        """Save ``token`` to the store (if any). On failure the token is kept as ``unsaved``
        and ``TokenStoreError`` says so; the next request or renewal saves it first."""
        if self.store is None:
            return
        try:
            self.store.save(self.store_key, token)
        except Exception as error:
            from .stores.base import TokenStoreError

            self.unsaved = token
            raise TokenStoreError(
                f"could not save the new token under key {self.store_key!r} "
                f"({type(error).__name__}); the session keeps it and saves it again on its "
                "next request"
            ) from error
        self.unsaved = None

    def retry_save(self) -> None:
        """Save the token a failed save left behind, unless the store meanwhile holds one with
        a refresh token this session never spent (a newer one from elsewhere). A failure is
        logged and retried on the next call; the request goes ahead with the kept token."""
        token, store = self.unsaved, self.store
        if token is None or store is None:
            return
        try:
            with store.lock(self.store_key):
                stored = store.load(self.store_key)
                if stored is None or self._is_stale(stored, token):
                    store.save(self.store_key, token)
        except Exception as error:
            log.warning(
                "the token store still cannot save the newest token under key %r (%s); "
                "retrying on the next request",
                self.store_key,
                type(error).__name__,
            )
            return
        self.unsaved = None

    def _is_stale(self, stored: Mapping[str, Any], newest: Mapping[str, Any]) -> bool:
        refresh_token = stored.get("refresh_token")
        return (
            not refresh_token
            or refresh_token == newest.get("refresh_token")
            or self.is_spent(refresh_token)
        )

    def stamp(self, token: TokenDict) -> TokenDict:
        """Turn a relative ``expires_in`` into an absolute ``expires_at`` as of now."""
        seconds = lifetime(token.get("expires_in"))
        if seconds is not None:
            token["expires_at"] = round(self.clock()) + seconds
        return token

    def needs_renewal(self, token: Mapping[str, Any] | Token, *, now: float | None = None) -> bool:
        """True once ``token`` is within its effective leeway of its expiry (or past it);
        ``now`` (default: the clock) lets one reading of the clock decide several things."""
        value = token if isinstance(token, Token) else Token.from_mapping(token)
        return value.needs_renewal(self.clock() if now is None else now, self.leeway)

    def refresh_unless_rejected(self, refresh_token: object, refresh: Callable[[], T]) -> T:
        """``refresh()``, unless the server already answered ``invalid_grant`` to this
        ``refresh_token`` (remembered as a keyed digest): then the user has to authorize
        again and sending it once more would only be refused again."""
        digest = self._digest(refresh_token) if isinstance(refresh_token, str) else None
        if digest is not None and digest == self._rejected:
            raise InvalidGrantError(
                description=(
                    "the server already rejected this refresh token; the user has to "
                    "authorize again"
                )
            )
        try:
            return refresh()
        except InvalidGrantError:
            if digest is not None:
                self._rejected = digest
            raise

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
                # Adopt even an expired stored token: it carries the newest refresh token,
                # unless it carries one this session spent (a save failed: ours is newer).
                if (
                    stored is not None
                    and self.unsaved is None
                    and not self.is_spent(stored.get("refresh_token"))
                ):
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
