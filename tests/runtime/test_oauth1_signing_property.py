"""The fast signer must reproduce ``oauthlib.oauth1.Client.sign`` byte for byte.

Every example signs the same request twice, with oauthlib and with ``FastSigner``, for a
client with a fixed nonce and timestamp. Where oauthlib raises, the fast signer must
decline (so the caller falls back and raises the same error); everywhere else it must
handle the request itself and agree on URI, headers (order included) and body.
"""

from __future__ import annotations

import functools
from typing import Any
from unittest import mock
from urllib.parse import quote, quote_plus, unquote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from oauthlib.common import extract_params
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import SIGNATURE_METHODS, utils

from runtime._oauth1_signing import FastSigner, decode_form, escape, percent_decode

PLACEMENTS = ("AUTH_HEADER", "QUERY", "BODY")
FORM = "application/x-www-form-urlencoded"


@functools.cache
def rsa_private_pem() -> str:
    """One RSA key per test session (1024 bits keeps oauthlib's per-call parsing quick)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


# -- building blocks -------------------------------------------------------------------

unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12
)
# Characters that survive in a URL path or query as-is, reserved ones included.
url_chars = st.sampled_from(
    [*"abcXYZ019-._~!$&'()*+,;=:@/%", "%20", "%2F", "%41", "%e9", "%C3%A9", "é", "ü", "☃"]
)
url_piece = st.lists(url_chars, max_size=8).map("".join)
# Mostly valid form fields, sometimes characters oauthlib rejects in a query or body.
form_key = st.one_of(
    st.sampled_from(["a", "status", "oauth_extra", "oauth_signature", "realm", "x y", "é"]),
    unicode_text,
)
form_pairs = st.lists(st.tuples(form_key, unicode_text), max_size=4)


@st.composite
def form_encoded(draw: st.DrawFn) -> str:
    pairs = draw(form_pairs)
    style = draw(st.sampled_from(["plus", "percent", "raw"]))
    if style == "plus":
        return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
    if style == "percent":
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in pairs)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
    host = draw(
        st.sampled_from(
            ["example.com", "API.Example.COM", "127.0.0.1", "[::1]", "[0:0::1]", "xn--bcher-kva.ch"]
        )
    )
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":1"]))
    path = "".join(f"/{piece}" for piece in draw(st.lists(url_piece, max_size=3)))
    url = f"{scheme}://{host}{port}{path}"
    if path and draw(st.booleans()):
        url += ";" + draw(url_piece)  # path parameters
    if draw(st.booleans()):
        url += "?" + draw(st.one_of(form_encoded(), url_piece))
    if draw(st.booleans()):
        url += "#" + draw(url_piece)
    return url


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str | bytes | None, dict[str, Any]]:
    """A body and the request headers that go with it."""
    kind = draw(st.sampled_from(["none", "form", "form", "form", "empty", "json", "text"]))
    headers: dict[str, Any] = {}
    body: str | bytes | None
    if kind == "none":
        body = None
    elif kind == "form":
        body = draw(form_encoded())
    elif kind == "empty":
        body = ""
    elif kind == "json":
        body = '{"status": "' + draw(unicode_text).replace('"', "") + '"}'
    else:
        body = draw(unicode_text)
    content_type = draw(
        st.sampled_from(
            [None, FORM, FORM + "; charset=utf-8", "application/json", "multipart/form-data"]
        )
    )
    if kind == "form" and draw(st.booleans()):
        content_type = FORM  # make the common, signable case frequent
    if content_type is not None:
        headers["Content-Type"] = content_type
    if draw(st.booleans()):
        headers["User-Agent"] = "python-requests/2.34"
        headers["Accept"] = "*/*"
    as_bytes = draw(st.booleans())
    if as_bytes:  # what a redirected, already signed request carries
        headers = {k: v.encode() for k, v in headers.items()}
        if isinstance(body, str):
            body = body.encode()
    return body, headers


@st.composite
def clients(draw: st.DrawFn) -> dict[str, Any]:
    optional = st.one_of(st.none(), st.just(""), unicode_text)
    return {
        "client_key": draw(st.one_of(st.just("consumer-key"), unicode_text)),
        "client_secret": draw(optional),
        "resource_owner_key": draw(optional),
        "resource_owner_secret": draw(optional),
        "callback_uri": draw(st.one_of(st.none(), st.just("https://cb.example/?x=%41&y=b+c"))),
        "verifier": draw(optional),
        "realm": draw(st.one_of(st.none(), st.just("Photos"), st.just("a b"))),
        "signature_method": draw(st.sampled_from(SIGNATURE_METHODS)),
        "signature_type": draw(st.sampled_from(PLACEMENTS)),
        "rsa_key": rsa_private_pem(),
        "decoding": draw(st.sampled_from([None, "utf-8"])),
        "nonce": draw(st.sampled_from(["4572616e48616d6d65724c61686176", "n%20o+n/ce"])),
        "timestamp": draw(st.sampled_from(["137131200", "1700000000"])),
    }


def oauthlib_sign(kwargs: dict[str, Any], *args: Any) -> tuple[Any, ...] | Exception:
    try:
        result: tuple[Any, ...] = Client(**kwargs).sign(*args)
    except Exception as exc:  # any oauthlib error must be mirrored
        return exc
    return result


def assert_same(fast: tuple[Any, ...] | None, expected: tuple[Any, ...]) -> None:
    assert fast is not None, "the fast signer declined a request oauthlib can sign"
    fast_uri, fast_headers, fast_body = fast
    uri, headers, body = expected
    assert type(fast_uri) is type(uri) and fast_uri == uri
    assert list(fast_headers.items()) == list(headers.items())
    assert type(fast_body) is type(body) and fast_body == body


# -- the property ----------------------------------------------------------------------


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    client=clients(),
    url=urls(),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "patch"]),
    body_and_headers=bodies(),
)
@example(  # RFC 5849 §3.4.1.1's worked example
    client={
        "client_key": "9djdj82h48djs9d2",
        "client_secret": "j49sk3j29djd",
        "resource_owner_key": "kkk9d7dh3k39sjv7",
        "resource_owner_secret": "dh893hdasih9",
        "signature_method": "HMAC-SHA1",
        "signature_type": "AUTH_HEADER",
        "realm": "Example",
        "nonce": "7d8f3e4a",
        "timestamp": "137131201",
    },
    url="http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
    method="POST",
    body_and_headers=("c2&a3=2+q", {"Content-Type": FORM}),
)
def test_fast_signer_matches_oauthlib_client_sign(
    client: dict[str, Any],
    url: str,
    method: str,
    body_and_headers: tuple[str | bytes | None, dict[str, Any]],
) -> None:
    body, headers = body_and_headers
    expected = oauthlib_sign(client, url, method, body, headers)
    fast = FastSigner().sign(Client(**client), url, method, body, headers)
    outcome = "raised" if isinstance(expected, Exception) else "signed"
    event(f"oauthlib {outcome}: {client['signature_type']}")
    if isinstance(expected, Exception):
        assert fast is None, f"oauthlib raised {expected!r}, the fast signer did not"
    else:
        assert fast is not None, "the fast signer declined a request oauthlib can sign"
        assert_same(fast, expected)


@st.composite
def well_formed_requests(draw: st.DrawFn) -> tuple[str, str, str | None, dict[str, str]]:
    """What requests hands to OAuth1: encoded URLs, form bodies with their Content-Type."""
    url = draw(urls()).split("?")[0].split("#")[0]
    pairs = draw(form_pairs)
    if pairs:
        url += "?" + "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
    if draw(st.booleans()):
        form = draw(form_pairs)
        body = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in form)
        return url, draw(st.sampled_from(["POST", "PUT", "PATCH"])), body, {"Content-Type": FORM}
    return url, draw(st.sampled_from(["GET", "DELETE"])), None, {}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client=clients(), request=well_formed_requests())
def test_fast_signer_matches_oauthlib_on_well_formed_requests(
    client: dict[str, Any], request: tuple[str, str, str | None, dict[str, str]]
) -> None:
    url, method, body, headers = request
    if client["signature_type"] == "BODY" and body is None:
        body, method, headers = "", "POST", {"Content-Type": FORM}
    expected = oauthlib_sign(client, url, method, body, headers)
    assert not isinstance(expected, Exception), expected
    fast = FastSigner().sign(Client(**client), url, method, body, headers)
    assert fast is not None
    assert_same(fast, expected)


@settings(max_examples=100, deadline=None)
@given(client=clients(), url=urls())
def test_cached_client_state_follows_attribute_changes(client: dict[str, Any], url: str) -> None:
    """Changing the token on a live client (as OAuth1Session does) must change the output."""
    signer = FastSigner()
    live = Client(**client)
    signer.sign(live, url)
    live.resource_owner_key = "new-token"
    live.resource_owner_secret = "new-secret"
    live.verifier = None
    changed = {"resource_owner_key": "new-token", "resource_owner_secret": "new-secret"}
    expected = oauthlib_sign({**client, **changed, "verifier": None}, url)
    fast = signer.sign(live, url)
    if isinstance(expected, Exception):
        assert fast is None
    else:
        assert fast is not None
        assert_same(fast, expected)


# -- the primitives it is built from ---------------------------------------------------


@given(st.text())
def test_escape_matches_oauthlib(value: str) -> None:
    try:
        expected = utils.escape(value)
    except UnicodeError:
        with pytest.raises(UnicodeError):
            escape(value)
    else:
        assert escape(value) == expected


@given(st.lists(st.sampled_from(["%", "%4", "%41", "%7e", "%e9", "%C3%A9", "%zz", "a", "é", "+"])))
def test_percent_decode_matches_unquote(pieces: list[str]) -> None:
    value = "".join(pieces)
    assert percent_decode(value) == unquote(value)


@given(st.one_of(form_encoded(), url_piece, st.text(max_size=20)))
def test_decode_form_matches_oauthlib_urldecode(text: str) -> None:
    assert decode_form(text) == extract_params(text)


# -- using the real generators, and what makes it fall back ----------------------------


def test_patched_nonce_and_timestamp_generators_are_honoured() -> None:
    """Test suites pin signatures by patching oauthlib's generators; that keeps working."""
    with (
        mock.patch("oauthlib.oauth1.rfc5849.generate_nonce", return_value="abc"),
        mock.patch("oauthlib.oauth1.rfc5849.generate_timestamp", return_value="123"),
    ):
        expected = Client("key", "secret").sign("https://example.com/")
        fast: Any = FastSigner().sign(Client("key", "secret"), "https://example.com/")
    assert_same(fast, expected)
    assert 'oauth_nonce="abc"' in fast[1]["Authorization"]


def test_default_nonce_and_timestamp_have_oauthlib_format() -> None:
    fast: Any = FastSigner().sign(Client("key", "secret"), "https://example.com/")
    params = dict(utils.parse_authorization_header(fast[1]["Authorization"]))
    timestamp, nonce = params["oauth_timestamp"], params["oauth_nonce"]
    assert timestamp.isdigit() and len(timestamp) >= 10
    assert nonce.isdigit() and nonce.endswith(timestamp)
    assert 0 <= int(nonce[: -len(timestamp)]) < 2**64
    again: Any = FastSigner().sign(Client("key", "secret"), "https://example.com/")
    assert again[1]["Authorization"] != fast[1]["Authorization"]


def test_stock_client_never_builds_an_oauthlib_request() -> None:
    with mock.patch("oauthlib.oauth1.rfc5849.Request", side_effect=AssertionError("slow path")):
        fast = FastSigner().sign(Client("key", "secret"), "https://example.com/?a=1")
    assert fast is not None


class _SubclassedClient(Client):
    pass


def test_subclass_patched_or_reregistered_clients_are_left_to_oauthlib() -> None:
    signer = FastSigner()
    url = "https://example.com/"
    assert signer.sign(_SubclassedClient("key", "secret"), url) is None

    patched = Client("key", "secret")
    patched.sign = mock.Mock()  # type: ignore[method-assign]  # simulating user code
    assert signer.sign(patched, url) is None

    with mock.patch.object(Client, "get_oauth_signature"):
        assert signer.sign(Client("key", "secret"), url) is None

    with mock.patch.dict(Client.SIGNATURE_METHODS, {"HMAC-SHA1": lambda base, client: "x"}):
        assert signer.sign(Client("key", "secret"), url) is None

    with mock.patch.dict(Client.SIGNATURE_METHODS, {"CUSTOM": lambda base, client: "x"}):
        assert signer.sign(Client("key", "secret", signature_method="CUSTOM"), url) is None

    assert signer.sign(Client("key", "secret"), url) is not None


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"a": "1"}, {"Content-Type": FORM}),  # dict bodies
        (None, {"Host": "other.example"}),  # Host overrides the signed authority
        (None, {"authorization": "Basic eA=="}),
    ],
)
def test_unusual_input_is_left_to_oauthlib(body: Any, headers: dict[str, str]) -> None:
    client = Client("key", "secret", nonce="n", timestamp="1")
    assert FastSigner().sign(client, "https://example.com/", "POST", body, headers) is None
