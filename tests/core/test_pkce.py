"""The one PKCE implementation (RFC 7636), stepped without HTTP."""

from __future__ import annotations

import pytest

from runtime.core.pkce import check_verifier, code_challenge, new_secret
from tests.support.pkce import s256


def test_the_s256_challenge_is_rfc_7636s_example() -> None:
    # RFC 7636 appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier, "S256") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert code_challenge(verifier, "plain") == verifier


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PKCE code_challenge_method 'S512'"):
        code_challenge("v" * 43, "S512")


def test_new_secrets_are_valid_verifiers_and_differ() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert check_verifier(secret) == secret
        assert code_challenge(secret, "S256") == s256(secret)


@pytest.mark.parametrize(
    ("verifier", "found"),
    [
        ("v" * 42, "42 characters"),
        ("v" * 129, "129 characters"),
        ("v" * 42 + "+", "a character outside that alphabet"),
        ("v" * 42 + " ", "a character outside that alphabet"),
    ],
)
def test_a_verifier_outside_rfc_7636_is_refused_without_repeating_it(
    verifier: str, found: str
) -> None:
    with pytest.raises(ValueError, match=found) as info:
        check_verifier(verifier)
    assert verifier not in str(info.value)


def test_the_bounds_and_every_allowed_character_pass() -> None:
    for verifier in ("a" * 43, "Z" * 128, "AZaz09-._~" * 5):
        assert check_verifier(verifier) == verifier
