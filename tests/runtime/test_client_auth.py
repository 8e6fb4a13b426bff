"""Client authentication registry: each built-in method, the chooser and secret hygiene."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any
from urllib.parse import unquote_plus

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth2 import InsecureTransportError

from runtime import client_auth
from runtime.client_auth import (
    CLIENT_AUTH_METHODS,
    ClientCredentials,
    apply_client_auth,
    choose_client_auth,
    register_client_auth,
)
from tests.runtime.keys import KeyPair

TOKEN_URL = "https://as.example/oauth2/token"
NOW = 1_700_000_000.0
SECRET = "s3cr3t-value-long-enough-for-hmac-sha256-keys!!"
PLAIN_SECRET = "plain-secret_0123.abc"  # nothing form-urlencoding would change
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BUILT_INS = {
    "client_secret_basic",
    "client_secret_post",
    "none",
    "client_secret_jwt",
    "private_key_jwt",
}




@pytest.fixture(autouse=True)
def _strict_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)


def apply(
    method: str, credentials: ClientCredentials, endpoint: str = TOKEN_URL, **body: str
) -> tuple[dict[str, str], dict[str, str]]:
    headers: dict[str, str] = {"Accept": "application/json"}
    form = {"grant_type": "client_credentials", **body}
    apply_client_auth(
        method, credentials, endpoint=endpoint, headers=headers, body=form, now=lambda: NOW
    )
    return headers, form


def basic_parts(headers: dict[str, str]) -> tuple[str, str]:
    scheme, _, encoded = headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(encoded).decode("ascii").partition(":")
    return user, password


# -- client_secret_basic --------------------------------------------------------------------------


def test_basic_plain_credentials() -> None:
    headers, body = apply("client_secret_basic", ClientCredentials("client", PLAIN_SECRET))
    assert basic_parts(headers) == ("client", PLAIN_SECRET)
    assert body == {"grant_type": "client_credentials"}


@pytest.mark.parametrize(
    ("client_id", "secret", "encoded_id", "encoded_secret"),
    [
        ("id:with:colons", "se:cret", "id%3Awith%3Acolons", "se%3Acret"),
        ("100%", "50% off", "100%25", "50%25+off"),
        ("my client", "pass word", "my+client", "pass+word"),
        ("clïent", "sécret€", "cl%C3%AFent", "s%C3%A9cret%E2%82%AC"),
        ("a+b/c", "x&y=z?", "a%2Bb%2Fc", "x%26y%3Dz%3F"),
        ("client!", "pa$$!", "client%21", "pa%24%24%21"),
    ],
)
def test_basic_form_urlencodes_each_part(
    client_id: str, secret: str, encoded_id: str, encoded_secret: str
) -> None:
    headers, _ = apply("client_secret_basic", ClientCredentials(client_id, secret))
    assert basic_parts(headers) == (encoded_id, encoded_secret)
    assert (unquote_plus(encoded_id), unquote_plus(encoded_secret)) == (client_id, secret)


@given(
    client_id=st.text(min_size=1),
    secret=st.text(min_size=1),
)
def test_basic_round_trips_any_text(client_id: str, secret: str) -> None:
    headers, _ = apply("client_secret_basic", ClientCredentials(client_id, secret))
    encoded_id, encoded_secret = basic_parts(headers)
    assert ":" not in encoded_id  # the first colon always separates id from secret
    assert (unquote_plus(encoded_id), unquote_plus(encoded_secret)) == (client_id, secret)


def test_basic_removes_credentials_another_method_left() -> None:
    headers, body = apply(
        "client_secret_basic",
        ClientCredentials("client", PLAIN_SECRET),
        client_secret="old",
        client_assertion="x",
        client_assertion_type=ASSERTION_TYPE,
    )
    assert body == {"grant_type": "client_credentials"}
    assert basic_parts(headers) == ("client", PLAIN_SECRET)


# -- client_secret_post and none ------------------------------------------------------------------


def test_post_puts_credentials_in_body() -> None:
    headers, body = apply("client_secret_post", ClientCredentials("client", "p@ss word"))
    assert "Authorization" not in headers
    assert body == {
        "grant_type": "client_credentials",
        "client_id": "client",
        "client_secret": "p@ss word",
    }


def test_none_sends_client_id_only_never_basic() -> None:
    headers, body = apply("none", ClientCredentials("public-app"))
    assert headers == {"Accept": "application/json"}
    assert body == {"grant_type": "client_credentials", "client_id": "public-app"}


def test_none_ignores_a_secret_and_drops_a_stale_basic_header() -> None:
    headers: dict[str, str] = {"authorization": "Basic cHVibGljLWFwcDo="}  # "public-app:"
    body: dict[str, str] = {"client_secret": ""}
    apply_client_auth(
        "none",
        ClientCredentials("public-app", SECRET),
        endpoint=TOKEN_URL,
        headers=headers,
        body=body,
    )
    assert headers == {}
    assert body == {"client_id": "public-app"}


def test_switching_from_basic_to_post_leaves_one_form_of_credentials() -> None:
    credentials = ClientCredentials("client", SECRET)
    headers: dict[str, str] = {}
    body: dict[str, str] = {}
    apply_client_auth(
        "client_secret_basic", credentials, endpoint=TOKEN_URL, headers=headers, body=body
    )
    apply_client_auth(
        "client_secret_post", credentials, endpoint=TOKEN_URL, headers=headers, body=body
    )
    assert headers == {}
    assert body == {"client_id": "client", "client_secret": SECRET}


def test_a_bearer_authorization_header_is_not_touched() -> None:
    headers: dict[str, str] = {"Authorization": "Bearer abc"}
    apply_client_auth("none", ClientCredentials("c"), endpoint=TOKEN_URL, headers=headers, body={})
    assert headers == {"Authorization": "Bearer abc"}


# -- missing material -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["client_secret_basic", "client_secret_post", "client_secret_jwt"]
)
@pytest.mark.parametrize("secret", [None, ""])
def test_secret_methods_need_a_secret(method: str, secret: str | None) -> None:
    headers: dict[str, str] = {}
    body: dict[str, str] = {"grant_type": "x"}
    with pytest.raises(ValueError, match=f"'{method}' needs a client_secret"):
        apply_client_auth(
            method, ClientCredentials("c", secret), endpoint=TOKEN_URL, headers=headers, body=body
        )
    assert (headers, body) == ({}, {"grant_type": "x"})


def test_private_key_jwt_needs_a_key() -> None:
    with pytest.raises(ValueError, match="'private_key_jwt' needs a private_key"):
        apply("private_key_jwt", ClientCredentials("c", SECRET))


# -- JWT methods ----------------------------------------------------------------------------------


def assertion_claims(
    body: dict[str, str], key: Any, algorithm: str, audience: str = TOKEN_URL
) -> dict[str, Any]:
    assert body["client_assertion_type"] == ASSERTION_TYPE
    claims: dict[str, Any] = jwt.decode(
        body["client_assertion"],
        key,
        algorithms=[algorithm],
        audience=audience,
        options={"verify_exp": False},
    )
    return claims


def check_registered_claims(claims: dict[str, Any], client_id: str, lifetime: int = 300) -> None:
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}
    assert claims["iss"] == claims["sub"] == client_id
    assert claims["iat"] == int(NOW)
    assert claims["exp"] == int(NOW) + lifetime


def test_client_secret_jwt() -> None:
    headers, body = apply("client_secret_jwt", ClientCredentials("client-9", SECRET))
    assert "Authorization" not in headers
    assert body["client_id"] == "client-9"
    assert "client_secret" not in body
    assert jwt.get_unverified_header(body["client_assertion"]) == {"alg": "HS256", "typ": "JWT"}
    claims = assertion_claims(body, SECRET, "HS256")
    check_registered_claims(claims, "client-9")
    assert claims["aud"] == TOKEN_URL


def test_client_secret_jwt_with_hs512_and_custom_lifetime() -> None:
    credentials = ClientCredentials("c", SECRET * 2, signing_alg="HS512", assertion_lifetime=90)
    _, body = apply("client_secret_jwt", credentials)
    check_registered_claims(assertion_claims(body, SECRET * 2, "HS512"), "c", lifetime=90)


def test_client_secret_jwt_refuses_asymmetric_algorithms() -> None:
    with pytest.raises(ValueError, match="HS256, HS384 or HS512, not 'RS256'") as caught:
        apply("client_secret_jwt", ClientCredentials("c", SECRET, signing_alg="RS256"))
    assert SECRET not in str(caught.value)


def test_private_key_jwt_rs256_with_kid(rsa_key: KeyPair) -> None:
    credentials = ClientCredentials("client-7", private_key=rsa_key.pem, key_id="kid-1")
    headers, body = apply("private_key_jwt", credentials, scope="a b")
    assert "Authorization" not in headers
    assert body["client_id"] == "client-7"
    assert body["scope"] == "a b"
    header = jwt.get_unverified_header(body["client_assertion"])
    assert header == {"alg": "RS256", "typ": "JWT", "kid": "kid-1"}
    claims = assertion_claims(body, rsa_key.public_key, "RS256")
    check_registered_claims(claims, "client-7")
    assert claims["aud"] == TOKEN_URL


def test_private_key_jwt_audience_follows_the_endpoint(rsa_key: KeyPair) -> None:
    revocation = "https://as.example/oauth2/revoke"
    _, body = apply("private_key_jwt", ClientCredentials("c", private_key=rsa_key.pem), revocation)
    assert assertion_claims(body, rsa_key.public_key, "RS256", revocation)["aud"] == revocation


def test_private_key_jwt_audience_override(rsa_key: KeyPair) -> None:
    credentials = ClientCredentials(
        "c", private_key=rsa_key.pem, assertion_audience="https://as.example"
    )
    _, body = apply("private_key_jwt", credentials)
    claims = assertion_claims(body, rsa_key.public_key, "RS256", "https://as.example")
    assert claims["aud"] == "https://as.example"


def test_private_key_jwt_ps256(rsa_key: KeyPair) -> None:
    credentials = ClientCredentials("c", private_key=rsa_key.pem.decode(), signing_alg="PS256")
    _, body = apply("private_key_jwt", credentials)
    assert jwt.get_unverified_header(body["client_assertion"])["alg"] == "PS256"
    check_registered_claims(assertion_claims(body, rsa_key.public_key, "PS256"), "c")


def test_private_key_jwt_ec_key_defaults_to_es256(ec_key: KeyPair) -> None:
    credentials = ClientCredentials("c", private_key=ec_key.pem, key_id="ec-1")
    _, body = apply("private_key_jwt", credentials)
    header = jwt.get_unverified_header(body["client_assertion"])
    assert header == {"alg": "ES256", "typ": "JWT", "kid": "ec-1"}
    check_registered_claims(assertion_claims(body, ec_key.public_key, "ES256"), "c")


def test_private_key_jwt_refuses_hmac(rsa_key: KeyPair) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        apply(
            "private_key_jwt", ClientCredentials("c", private_key=rsa_key.pem, signing_alg="HS256")
        )


def test_jwt_methods_use_a_fresh_jti_each_time(rsa_key: KeyPair) -> None:
    for credentials, method, key, alg in [
        (ClientCredentials("c", SECRET), "client_secret_jwt", SECRET, "HS256"),
        (
            ClientCredentials("c", private_key=rsa_key.pem),
            "private_key_jwt",
            rsa_key.public_key,
            "RS256",
        ),
    ]:
        jtis = {assertion_claims(apply(method, credentials)[1], key, alg)["jti"] for _ in range(5)}
        assert len(jtis) == 5


def test_jwt_assertion_replaces_a_secret_in_the_body(rsa_key: KeyPair) -> None:
    _, body = apply(
        "private_key_jwt",
        ClientCredentials("c", SECRET, private_key=rsa_key.pem),
        client_secret="x",
    )
    assert "client_secret" not in body


# -- dispatch, transport, registry ----------------------------------------------------------------


def test_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match="unknown client authentication method 'tls_client_auth'"
    ) as caught:
        apply("tls_client_auth", ClientCredentials("c", SECRET))
    for name in BUILT_INS:
        assert name in str(caught.value)


def test_plain_http_endpoint_refused() -> None:
    with pytest.raises(InsecureTransportError):
        apply("client_secret_post", ClientCredentials("c", SECRET), "http://as.example/token")


def test_plain_http_loopback_endpoint_allowed() -> None:
    _, body = apply("client_secret_post", ClientCredentials("c", SECRET), "http://127.0.0.1:8080/t")
    assert body["client_secret"] == SECRET


def test_built_ins_registered_and_registry_read_only() -> None:
    assert set(CLIENT_AUTH_METHODS) >= BUILT_INS
    with pytest.raises(TypeError):
        CLIENT_AUTH_METHODS["evil"] = CLIENT_AUTH_METHODS["none"]  # type: ignore[index]


@pytest.fixture
def registry_guard() -> Iterator[None]:
    saved = dict(client_auth._registry)
    yield
    client_auth._registry.clear()
    client_auth._registry.update(saved)


@pytest.mark.usefixtures("registry_guard")
def test_register_a_custom_method() -> None:
    def tls_client_auth(
        credentials: ClientCredentials,
        *,
        endpoint: str,
        headers: MutableMapping[str, str],
        body: dict[str, str],
        now: Callable[[], float],
    ) -> None:
        body["client_id"] = credentials.client_id  # the TLS layer carries the certificate

    register_client_auth("tls_client_auth", tls_client_auth)
    assert CLIENT_AUTH_METHODS["tls_client_auth"] is tls_client_auth
    headers, body = apply("tls_client_auth", ClientCredentials("mtls-client"))
    assert body["client_id"] == "mtls-client"
    assert "Authorization" not in headers

    with pytest.raises(ValueError, match="already registered"):
        register_client_auth("tls_client_auth", tls_client_auth)
    register_client_auth("client_secret_basic", tls_client_auth, replace=True)
    assert CLIENT_AUTH_METHODS["client_secret_basic"] is tls_client_auth


def test_register_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        register_client_auth("", client_auth.public_client)
    with pytest.raises(TypeError, match="callable"):
        register_client_auth("x", "not a function")  # type: ignore[arg-type]


# -- choose_client_auth ---------------------------------------------------------------------------

SECRET_ONLY = ClientCredentials("c", SECRET)
KEY_ONLY = ClientCredentials("c", private_key=b"pem")
BOTH = ClientCredentials("c", SECRET, private_key=b"pem")
PUBLIC = ClientCredentials("c")


@pytest.mark.parametrize(
    ("supported", "credentials", "expected"),
    [
        (None, SECRET_ONLY, "client_secret_basic"),
        (["client_secret_basic", "client_secret_post"], SECRET_ONLY, "client_secret_basic"),
        (["client_secret_post", "client_secret_basic"], SECRET_ONLY, "client_secret_basic"),
        (["client_secret_post", "none"], SECRET_ONLY, "client_secret_post"),
        (["client_secret_jwt", "private_key_jwt"], SECRET_ONLY, "client_secret_jwt"),
        (["none"], SECRET_ONLY, "none"),
        (["private_key_jwt", "client_secret_basic"], KEY_ONLY, "private_key_jwt"),
        (["client_secret_basic", "private_key_jwt"], BOTH, "private_key_jwt"),
        (["client_secret_basic", "none"], BOTH, "client_secret_basic"),
        (["client_secret_basic", "none"], PUBLIC, "none"),
        (("none",), PUBLIC, "none"),
        (["tls_client_auth", "client_secret_post"], SECRET_ONLY, "client_secret_post"),
    ],
)
def test_choose_client_auth(
    supported: list[str] | None, credentials: ClientCredentials, expected: str
) -> None:
    assert choose_client_auth(supported, credentials) == expected


@pytest.mark.parametrize(
    ("supported", "credentials"),
    [
        (None, PUBLIC),
        (None, KEY_ONLY),
        (["private_key_jwt"], SECRET_ONLY),
        (["client_secret_basic", "client_secret_post"], PUBLIC),
        ([], SECRET_ONLY),
    ],
)
def test_choose_client_auth_without_a_fit(
    supported: list[str] | None, credentials: ClientCredentials
) -> None:
    with pytest.raises(ValueError, match="no client authentication method fits") as caught:
        choose_client_auth(supported, credentials)
    assert SECRET not in str(caught.value)


# -- secrets stay out of reprs --------------------------------------------------------------------


def test_credentials_repr_masks_secret_and_key(rsa_key: KeyPair) -> None:
    credentials = ClientCredentials("client-1", SECRET, private_key=rsa_key.pem, key_id="k1")
    for text in (repr(credentials), str(credentials), f"{credentials}", repr([credentials])):
        assert SECRET not in text
        assert "PRIVATE KEY" not in text
        assert "client-1" in text and "k1" in text
    assert "client_secret='***'" in repr(credentials)
    assert "client_secret=None" in repr(ClientCredentials("c"))


@pytest.mark.parametrize("method", sorted(BUILT_INS))
def test_every_method_needs_a_client_id(method: str) -> None:
    with pytest.raises(ValueError, match=f"'{method}' needs a client_id"):
        apply(method, ClientCredentials("", SECRET, private_key=b"pem"))
