"""The token value: absolute expiry, effective leeway, renewal decision (no HTTP)."""

from __future__ import annotations

import pytest

from runtime.core.token import Token
from tests.support.clocks import Clock

NOW = 1_700_000_000.0


def test_the_absolute_expiry_wins_over_the_relative_lifetime() -> None:
    token = Token.from_mapping({"access_token": "a", "expires_in": 3600, "expires_at": NOW + 10})
    assert (token.access_token, token.expires_at, token.lifetime) == ("a", NOW + 10, 3600)


def test_a_relative_lifetime_counts_from_the_clock_given() -> None:
    assert Token.from_mapping({"expires_in": "90"}, clock=Clock(NOW)).expires_at == NOW + 90
    assert Token.from_mapping({"expires_in": 90}).expires_at is None  # no clock, no guess


def test_a_token_without_expiry_never_needs_renewal() -> None:
    token = Token.from_mapping({"access_token": "a"})
    assert not token.needs_renewal(NOW + 10**9)
    assert not token.is_expired(NOW + 10**9)


@pytest.mark.parametrize(
    ("expires_in", "leeway"),
    [(2, 1), ("90", 45), (3600, 60), (None, 60), ("soon", 60), (0, 60)],
)
def test_the_leeway_is_at_most_half_the_lifetime(expires_in: object, leeway: float) -> None:
    assert Token.from_mapping({"expires_in": expires_in}).effective_leeway(60) == leeway


def test_renewal_is_due_within_the_effective_leeway_of_the_expiry() -> None:
    token = Token.from_mapping({"expires_in": 3600, "expires_at": NOW + 3600})
    assert not token.needs_renewal(NOW + 3600 - 61, leeway=60)
    assert token.needs_renewal(NOW + 3600 - 60, leeway=60)
    short = Token.from_mapping({"expires_in": 10, "expires_at": NOW + 10})
    assert not short.needs_renewal(NOW + 4, leeway=60)  # not renewed on first use
    assert short.needs_renewal(NOW + 5, leeway=60)
    assert short.is_expired(NOW + 10) and not short.is_expired(NOW + 9.9)
