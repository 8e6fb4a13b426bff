"""Test signing keys, generated once per test session."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes


@dataclass(frozen=True)
class KeyPair:
    pem: bytes
    public_key: PublicKeyTypes


def pair_of(private_key: PrivateKeyTypes) -> KeyPair:
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyPair(pem=pem, public_key=private_key.public_key())


def rsa_key() -> KeyPair:
    return pair_of(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key() -> KeyPair:
    return pair_of(ec.generate_private_key(ec.SECP256R1()))

