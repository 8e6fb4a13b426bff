"""The token value: its one lifetime rule, its absolute expiry and its renewal decision.

Every token the runtime receives, from ``OAuth2Session`` or a provider spec, goes through
:func:`lifetime`; the session keeps a :class:`Token` beside the dict it exposes, so the
per-request question "renew first?" is answered from an absolute expiry without parsing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_LEEWAY = 60.0
"""Seconds before expiry a token is renewed (at most half its lifetime)."""
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


@dataclass(frozen=True, slots=True)
class Token:
    """What renewal decisions need of a token: its access token, its absolute expiry
    (epoch seconds, None when it does not expire) and its lifetime in seconds."""

    access_token: str | None = None
    expires_at: float | None = None
    lifetime: int | None = None

    @classmethod
    def from_mapping(
        cls, token: Mapping[str, Any], *, clock: Callable[[], float] | None = None
    ) -> Token:
        """The value of a token dict. Its ``expires_at`` wins; a token with only a relative
        ``expires_in`` expires that long after ``clock()`` (when a clock is given). A
        lifetime that is not a number counts as unknown here: the token readers reject it
        when the token arrives."""
        try:
            seconds = lifetime(token.get("expires_in"))
        except LifetimeError:
            seconds = None
        deadline = expires_at(token)
        if deadline is None and seconds is not None and clock is not None:
            deadline = clock() + seconds
        access_token = token.get("access_token")
        return cls(access_token if isinstance(access_token, str) else None, deadline, seconds)

    def effective_leeway(self, leeway: float) -> float:
        """``leeway``, but at most half the token's lifetime.

        A token that lives shorter than the leeway would otherwise need renewing the moment
        it arrives, so every request would refresh it. Clamped, a short-lived token is
        renewed once per lifetime, in its second half.
        """
        if self.lifetime is None or self.lifetime <= 0:
            return leeway
        return min(leeway, self.lifetime / 2)

    def is_expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def needs_renewal(self, now: float, leeway: float = DEFAULT_LEEWAY) -> bool:
        """True once the token is within its effective leeway of its expiry (or past it)."""
        if self.expires_at is None:
            return False
        return self.expires_at - self.effective_leeway(leeway) <= now
