"""RFC 7523 assertions: every claim and header checked by decoding with PyJWT."""

from __future__ import annotations

import sys
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from runtime import jwt_assertions
from runtime.jwt_assertions import (
    CLIENT_ASSERTION_TYPE,
    JWT_BEARER_GRANT_TYPE,
    client_assertion,
    default_algorithm_for_key,
    jwt_bearer_grant_assertion,
)
from tests.runtime.keys import KeyPair, pair_of

NOW = 1_700_000_000.75
TOKEN_URL = "https://as.example/oauth2/token"
SECRET = "a-client-secret-that-is-at-least-64-bytes-long-for-hs512-0123456789"




def decode(token: str, key: Any, algorithm: str, audience: str = TOKEN_URL) -> dict[str, Any]:
    # A fixed clock in the past keeps claims exact; expiry is checked by comparing numbers.
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=[algorithm], audience=audience, options={"verify_exp": False}
    )
    return claims


def test_constants() -> None:
    assert JWT_BEARER_GRANT_TYPE == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert CLIENT_ASSERTION_TYPE == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def test_rs256_client_assertion_claims_and_header(rsa_key: KeyPair) -> None:
    token = client_assertion(
        client_id="client-1", audience=TOKEN_URL, key=rsa_key.pem, key_id="k1", now=lambda: NOW
    )
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": "k1"}
    claims = decode(token, rsa_key.public_key, "RS256")
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}
    assert claims["iss"] == claims["sub"] == "client-1"
    assert claims["aud"] == TOKEN_URL
    assert claims["iat"] == 1_700_000_000
    assert claims["exp"] == 1_700_000_300
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 22


def test_jti_is_unique_per_assertion(rsa_key: KeyPair) -> None:
    jtis = {
        decode(
            client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem),
            rsa_key.public_key,
            "RS256",
        )["jti"]
        for _ in range(20)
    }
    assert len(jtis) == 20


def test_no_kid_header_without_key_id(rsa_key: KeyPair) -> None:
    token = client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem)
    assert "kid" not in jwt.get_unverified_header(token)


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"])
def test_rsa_algorithms(rsa_key: KeyPair, algorithm: str) -> None:
    token = client_assertion(
        client_id="c", audience=TOKEN_URL, key=rsa_key.pem, algorithm=algorithm
    )
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert decode(token, rsa_key.public_key, algorithm)["sub"] == "c"


def test_es256_with_ec_key_and_str_pem(ec_key: KeyPair) -> None:
    token = client_assertion(
        client_id="c", audience=TOKEN_URL, key=ec_key.pem.decode(), algorithm="ES256", key_id="ec"
    )
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "typ": "JWT", "kid": "ec"}
    assert decode(token, ec_key.public_key, "ES256")["iss"] == "c"


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_hmac_with_secret(algorithm: str) -> None:
    token = client_assertion(
        client_id="c", audience=TOKEN_URL, key=SECRET, algorithm=algorithm, now=lambda: NOW
    )
    claims = decode(token, SECRET, algorithm)
    assert (claims["iss"], claims["sub"], claims["iat"]) == ("c", "c", 1_700_000_000)


def test_lifetime_is_configurable(rsa_key: KeyPair) -> None:
    token = client_assertion(
        client_id="c", audience=TOKEN_URL, key=rsa_key.pem, lifetime=60, now=lambda: NOW
    )
    claims = decode(token, rsa_key.public_key, "RS256")
    assert claims["exp"] - claims["iat"] == 60


@pytest.mark.parametrize("lifetime", [0, -5, 1.5, True])
def test_bad_lifetime(rsa_key: KeyPair, lifetime: Any) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem, lifetime=lifetime)


def test_jwt_bearer_grant_assertion(rsa_key: KeyPair) -> None:
    token = jwt_bearer_grant_assertion(
        issuer="svc@project.example",
        subject="user@example.com",
        audience=TOKEN_URL,
        key=rsa_key.pem,
        key_id="svc-key",
        lifetime=3600,
        extra_claims={"scope": "read write"},
        now=lambda: NOW,
    )
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT", "kid": "svc-key"}
    claims = decode(token, rsa_key.public_key, "RS256")
    assert claims["iss"] == "svc@project.example"
    assert claims["sub"] == "user@example.com"
    assert claims["aud"] == TOKEN_URL
    assert claims["iat"] == 1_700_000_000
    assert claims["exp"] == 1_700_003_600
    assert claims["scope"] == "read write"
    assert claims["jti"]


def test_jwt_bearer_grant_with_ec_key(ec_key: KeyPair) -> None:
    token = jwt_bearer_grant_assertion(
        issuer="i", subject="s", audience=TOKEN_URL, key=ec_key.pem, algorithm="ES256"
    )
    assert decode(token, ec_key.public_key, "ES256")["sub"] == "s"


@pytest.mark.parametrize("claim", ["iss", "sub", "aud", "exp", "iat", "jti"])
def test_extra_claims_cannot_replace_registered_ones(rsa_key: KeyPair, claim: str) -> None:
    with pytest.raises(ValueError, match=claim):
        jwt_bearer_grant_assertion(
            issuer="i", subject="s", audience=TOKEN_URL, key=rsa_key.pem, extra_claims={claim: 1}
        )


@pytest.mark.parametrize("missing", ["issuer", "subject", "audience"])
def test_empty_identity_claims_refused(rsa_key: KeyPair, missing: str) -> None:
    kwargs: dict[str, Any] = {"issuer": "i", "subject": "s", "audience": TOKEN_URL, missing: ""}
    with pytest.raises(ValueError, match=missing):
        jwt_bearer_grant_assertion(key=rsa_key.pem, **kwargs)


def test_key_type_must_fit_algorithm(rsa_key: KeyPair, ec_key: KeyPair) -> None:
    with pytest.raises(
        ValueError, match=r"cannot sign RS256 JWTs with a private key of type EC \(secp256r1\)"
    ):
        client_assertion(client_id="c", audience=TOKEN_URL, key=ec_key.pem, algorithm="RS256")
    with pytest.raises(ValueError, match="cannot sign ES256 JWTs with a private key of type RSA"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem, algorithm="ES256")
    with pytest.raises(
        ValueError, match=r"cannot sign ES384 JWTs with a private key of type EC \(secp256r1\)"
    ):
        client_assertion(client_id="c", audience=TOKEN_URL, key=ec_key.pem, algorithm="ES384")


@pytest.mark.parametrize("algorithm", ["none", "HS1", "rs256", ""])
def test_unsupported_algorithm(rsa_key: KeyPair, algorithm: str) -> None:
    with pytest.raises(ValueError, match="unsupported JWT signing algorithm"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem, algorithm=algorithm)


def test_invalid_pem_error_shows_nothing_of_the_key() -> None:
    bogus = "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ValueError, match="not a valid PEM private key") as caught:
        client_assertion(client_id="c", audience=TOKEN_URL, key=bogus)
    assert "TOPSECRETMATERIAL" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_encrypted_pem_is_refused_clearly() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass"),
    )
    with pytest.raises(ValueError, match="encrypted"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=pem, algorithm="ES256")


def test_missing_key() -> None:
    with pytest.raises(ValueError, match="needs a key"):
        client_assertion(client_id="c", audience=TOKEN_URL, key="")


def test_parsed_keys_are_cached(rsa_key: KeyPair) -> None:
    client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem)
    hits = jwt_assertions._load_pem.cache_info().hits
    client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem)
    client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem.decode())
    assert jwt_assertions._load_pem.cache_info().hits == hits + 2


def test_default_algorithm_for_key(rsa_key: KeyPair, ec_key: KeyPair) -> None:
    assert default_algorithm_for_key(rsa_key.pem) == "RS256"
    assert default_algorithm_for_key(ec_key.pem) == "ES256"
    p384 = pair_of(ec.generate_private_key(ec.SECP384R1()))
    assert default_algorithm_for_key(p384.pem) == "ES384"
    assert default_algorithm_for_key(pair_of(ed25519.Ed25519PrivateKey.generate()).pem) == "EdDSA"


def test_eddsa() -> None:
    pair = pair_of(ed25519.Ed25519PrivateKey.generate())
    token = client_assertion(client_id="c", audience=TOKEN_URL, key=pair.pem, algorithm="EdDSA")
    assert decode(token, pair.public_key, "EdDSA")["iss"] == "c"


def test_missing_pyjwt_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthgen\[rsa\]'"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=SECRET, algorithm="HS256")


def test_missing_cryptography_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, rsa_key: KeyPair
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthgen\[rsa\]'"):
        client_assertion(client_id="c", audience=TOKEN_URL, key=rsa_key.pem)
