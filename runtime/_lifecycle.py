"""When a token needs renewing, and making sure only one renewal runs at a time.

Threads of one process share a lock; with a token store, processes (and machines, for Redis)
share the store's lock as well. Whoever gets the lock second finds the token already renewed
and adopts it, so a rotating refresh token is spent exactly once.

A refresh token this session has traded for a rotated one is remembered as spent (a keyed
digest, never the token): a stored token still carrying it is stale and is not adopted, and
it is never sent again. When saving a new token fails, the session keeps it, saves it first
on its next request or renewal, and raises ``TokenStoreError`` once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .stores import TokenStore

log = logging.getLogger(__name__)

TokenDict = dict[str, Any]
DEFAULT_LEEWAY = 60.0
SPENT_REFRESH_TOKENS_KEPT = 32
"""How many spent refresh tokens (as digests) a session remembers."""
MAX_LIFETIME = 2**31 - 1
"""Longest lifetime believed (about 68 years); longer ones are capped to it."""

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class LifetimeError(ValueError):
    """A token lifetime field that is not a number of seconds; ``field`` names it."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"the token lifetime at {field!r} is not a number of seconds: {type(value).__name__}"
        )
        self.field = field


def seconds_value(value: object, field: str = "expires_in") -> float | None:
    """``value`` as a number; None when absent (``None`` or ``""``).

    Numbers and decimal strings (``"3600"``, ``" 3600.5 "``, ``"-1"``) are numbers; anything
    else (``"soon"``, ``"inf"``, ``[]``, ``{}``, ``True``, NaN, infinity) raises
    ``LifetimeError`` naming ``field``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LifetimeError(field, value)
    if isinstance(value, int):  # JSON integers have no size limit: 10**400 is just huge
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)  # a very long numeral becomes infinity: capped later
    raise LifetimeError(field, value)


def whole_seconds(seconds: float) -> int:
    """A lifetime in whole seconds: rounded down (a positive one to at least 1 s, so it never
    reads as 0), within ``±MAX_LIFETIME``."""
    if seconds >= MAX_LIFETIME:
        return MAX_LIFETIME
    if seconds <= -MAX_LIFETIME:
        return -MAX_LIFETIME
    return max(1, math.floor(seconds)) if seconds > 0 else math.floor(seconds)


def lifetime(value: object, field: str = "expires_in", *, per_second: float = 1) -> int | None:
    """The lifetime a token answer reports in ``value`` (``expires_in``), in whole seconds.

    The one rule for every token the runtime receives (RFC 6749 section 5.1: the lifetime in
    seconds):

    * absent (``None``, ``""``) or ``0``: unknown lifetime, returns None. The token gets no
      expiry and is renewed when the server rejects it (a 401), as oauthlib and
      requests-oauthlib treat 0; a provider spec may assume a ``default_lifetime`` instead;
    * a number or decimal string, in units of ``1 / per_second`` seconds (``per_second=1000``
      for milliseconds): rounded down to whole seconds (``"3600.5"`` is 3600), so a token is
      never thought valid longer than the server said, except that a positive lifetime is at
      least 1 s; negative means already expired; capped at ``MAX_LIFETIME``;
    * anything else (``"soon"``, ``[]``, ``{}``, booleans, NaN, infinity) raises
      ``LifetimeError`` (a ``ValueError``) naming ``field``.
    """
    number = seconds_value(value, field)
    if number is None or number == 0:
        return None
    return whole_seconds(number / per_second)


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
        # The newest token when saving it to the store failed; saved before anything else.
        self.unsaved: TokenDict | None = None
        self._spent: OrderedDict[bytes, None] = OrderedDict()
        self._digest_key = secrets.token_bytes(32)

    # -- spent refresh tokens ---------------------------------------------------------------

    def _digest(self, refresh_token: str) -> bytes:
        return hmac.new(self._digest_key, refresh_token.encode(), hashlib.sha256).digest()

    def spend(self, refresh_token: str) -> None:
        """Remember that ``refresh_token`` was traded for a rotated one."""
        self._spent[self._digest(refresh_token)] = None
        while len(self._spent) > SPENT_REFRESH_TOKENS_KEPT:
            self._spent.popitem(last=False)

    def is_spent(self, refresh_token: object) -> bool:
        """True for a refresh token this session already traded for a rotated one."""
        return isinstance(refresh_token, str) and self._digest(refresh_token) in self._spent

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

    def is_expired(self, token: Mapping[str, Any]) -> bool:
        deadline = expires_at(token)
        return deadline is not None and deadline <= self.clock()

    def effective_leeway(self, token: Mapping[str, Any]) -> float:
        """``leeway``, but at most half the token's lifetime (its ``expires_in``).

        A token that lives shorter than the leeway would otherwise need renewing the moment
        it arrives, so every request would refresh it. Clamped, a short-lived token is renewed
        once per lifetime, in its second half.
        """
        value = token.get("expires_in")
        if type(value) is int:  # the common case, already normalised: no parsing
            seconds: int | None = value
        else:
            try:
                seconds = lifetime(value)
            except LifetimeError:
                seconds = None
        if seconds is None or seconds <= 0:
            return self.leeway
        return min(self.leeway, seconds / 2)

    def needs_renewal(
        self,
        token: Mapping[str, Any],
        deadline: float | None = None,
        *,
        now: float | None = None,
    ) -> bool:
        """True once the token is within its effective leeway of its expiry (or past it).

        ``deadline`` stands in when the token carries only a relative ``expires_in``; ``now``
        (default: the clock) lets one reading of the clock decide several things.
        """
        found = expires_at(token)
        deadline = found if found is not None else deadline
        if deadline is None:
            return False
        now = self.clock() if now is None else now
        return deadline - self.effective_leeway(token) <= now

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
