"""Fast RFC 5849 signing that reproduces ``oauthlib.oauth1.Client.sign`` byte for byte.

oauthlib builds a ``Request`` object, validates every string several times, renders the
Authorization header only to parse it back, and (for RSA) re-parses the PEM key on every
call. :class:`FastSigner` computes the same signature base string (§3.4.1) directly:

* the constant protocol parameters of a client are escaped once and reused while the
  client's attributes stay unchanged (they are compared on every call, so code that
  mutates ``client.resource_owner_key`` and friends keeps working);
* the base string URI is cached per scheme/host/path;
* RSA private keys are loaded once per key text with ``cryptography``.

Anything outside the common path (a subclass or patched client, a custom signature
method, non-``str`` inputs, ``Host`` headers, input that oauthlib rejects) makes
:meth:`FastSigner.sign` return ``None`` and the caller falls back to ``client.sign``,
which then produces oauthlib's exact result or exception.

oauthlib quirks are reproduced on purpose, since servers built on oauthlib verify the
same way: the value of an ``oauth_*`` parameter found in the query or the body is
percent-decoded once more before it is signed. With query or body placement that
includes the client's own protocol parameters, so a callback URI containing ``%41`` is
signed as ``A``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final, Literal, TypeAlias
from urllib.parse import quote, unquote, urlencode, urlparse, urlunparse

import oauthlib.common
from oauthlib.oauth1 import rfc5849
from oauthlib.oauth1.rfc5849 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_HMAC_SHA256,
    SIGNATURE_HMAC_SHA512,
    SIGNATURE_PLAINTEXT,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_RSA_SHA512,
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_QUERY,
    Client,
)
from oauthlib.oauth1.rfc5849 import signature as _oauthlib_signature

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

SignatureMethod: TypeAlias = Literal[
    "HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"
]
SignatureType: TypeAlias = Literal["AUTH_HEADER", "QUERY", "BODY", "auth_header", "query", "body"]

#: ``(uri, headers, body)`` as ``Client.sign`` returns it: ``str`` values, or ``bytes``
#: when the client has a ``decoding``.
SignedRequest: TypeAlias = tuple[
    str | bytes, dict[str, str] | dict[bytes, bytes], str | bytes | None
]

CONTENT_TYPE_FORM_URLENCODED: Final = "application/x-www-form-urlencoded"

_HMAC_DIGESTS: Final = {
    SIGNATURE_HMAC_SHA1: "sha1",
    SIGNATURE_HMAC_SHA256: "sha256",
    SIGNATURE_HMAC_SHA512: "sha512",
}
_RSA_METHODS: Final = frozenset({SIGNATURE_RSA_SHA1, SIGNATURE_RSA_SHA256, SIGNATURE_RSA_SHA512})
_PLACEMENTS: Final = frozenset(
    {SIGNATURE_TYPE_AUTH_HEADER, SIGNATURE_TYPE_QUERY, SIGNATURE_TYPE_BODY}
)

# Snapshot of oauthlib's own implementations: a client whose class or instance has been
# patched, or whose signature method has been re-registered, is left to oauthlib.
_STOCK_SIGNATURE_FUNCTIONS: Final = dict(Client.SIGNATURE_METHODS)
_CLIENT_NAMESPACE: Final = vars(Client)  # a live view: sees later monkeypatching
_STOCK_SIGN: Final = _CLIENT_NAMESPACE["sign"]
_STOCK_GET_OAUTH_PARAMS: Final = _CLIENT_NAMESPACE["get_oauth_params"]
_STOCK_GET_OAUTH_SIGNATURE: Final = _CLIENT_NAMESPACE["get_oauth_signature"]
_STOCK_RENDER: Final = _CLIENT_NAMESPACE["_render"]

# Looked up on every call, as Client.get_oauth_params does: test suites patch
# oauthlib.oauth1.rfc5849.generate_nonce / generate_timestamp to pin signatures.
_RFC5849_NAMESPACE: Final = vars(rfc5849)
_COMMON_NAMESPACE: Final = vars(oauthlib.common)
_STOCK_GENERATE_NONCE: Final = oauthlib.common.generate_nonce
_STOCK_GENERATE_TIMESTAMP: Final = oauthlib.common.generate_timestamp

_ESCAPED_METHODS: Final = {method: method for method in ("GET", "POST", "PUT", "PATCH", "DELETE")}

_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
_ASCII_ESCAPES: Final = {
    code: f"%{code:02X}"
    for code in range(128)
    if not (chr(code).isascii() and (chr(code).isalnum() or chr(code) in "_.~-"))
}
# oauthlib.common.urldecode accepts only these characters, and rejects a "%" followed by
# a non-hex character or by a hex digit and a non-hex character.
_NON_ASCII_ESCAPE = re.compile(r"%[89A-Fa-f]").search
_ASCII_ESCAPE = re.compile(r"%[0-7][0-9A-Fa-f]")
_INVALID_FORM = re.compile(
    r"[^A-Za-z0-9_.\-=&;:%+~,*@!()/?'$]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f])"
).search


def escape(value: str) -> str:
    """RFC 5849 §3.6 percent-encoding (what ``oauthlib...utils.escape`` does)."""
    if _UNRESERVED(value):
        return value
    return value.translate(_ASCII_ESCAPES) if value.isascii() else quote(value, "~")


def percent_decode(value: str) -> str:
    """``urllib.parse.unquote``, with a faster path when every escape is ASCII."""
    if "%" not in value:
        return value
    if _NON_ASCII_ESCAPE(value):
        return unquote(value)
    return _ASCII_ESCAPE.sub(_decode_ascii_escape, value)


def _decode_ascii_escape(match: re.Match[str]) -> str:
    return chr(int(match[0][1:], 16))


def decode_form(text: str) -> list[tuple[str, str]] | None:
    """``oauthlib.common.urldecode`` (``parse_qsl`` with blank values kept), or ``None``
    where oauthlib would raise."""
    if not text:
        return []
    if _INVALID_FORM(text):
        return None
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = percent_decode(name)
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = percent_decode(value)
        pairs.append((name, value))
    return pairs


def _unescape_oauth_value(name: str, value: str) -> str:
    if name.startswith("oauth_") and "%" in value:
        return percent_decode(value)
    return value


@lru_cache(maxsize=512)
def _escaped_base_string_uri(scheme_host_path: str) -> str:
    # Delegating keeps every host/port/IPv6 normalisation rule identical; the cache makes
    # it free after the first request to an endpoint. Errors are not cached.
    return escape(_oauthlib_signature.base_string_uri(scheme_host_path))


@lru_cache(maxsize=16)
def _load_rsa_private_key(pem: str) -> RSAPrivateKey | None:
    """The parsed key, or ``None`` when oauthlib should handle (and report on) it."""
    try:
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
    except ImportError:
        return None
    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, RSAPrivateKey) else None


def _hmac_signer(
    digest: str, client_secret: str | None, owner_secret: str | None
) -> Callable[[str], str]:
    key = f"{escape(client_secret or '')}&{escape(owner_secret or '')}".encode()
    keyed = hmac.new(key, digestmod=digest)  # copied per request: skips re-keying

    def sign(base_string: str) -> str:
        mac = keyed.copy()
        mac.update(base_string.encode())
        return base64.b64encode(mac.digest()).decode("ascii")

    return sign


def _rsa_signer(method: str, pem: str | None) -> Callable[[str], str] | None:
    if not pem:
        return None
    key = _load_rsa_private_key(pem)
    if key is None:
        return None
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    hash_algorithm = {
        SIGNATURE_RSA_SHA1: hashes.SHA1(),  # noqa: S303 - RSA-SHA1 is what RFC 5849 specifies
        SIGNATURE_RSA_SHA256: hashes.SHA256(),
        SIGNATURE_RSA_SHA512: hashes.SHA512(),
    }[method]
    pkcs1 = padding.PKCS1v15()

    def sign(base_string: str) -> str:
        raw = key.sign(base_string.encode("ascii"), pkcs1, hash_algorithm)
        return base64.b64encode(raw).decode("ascii")

    return sign


# The client attributes that sign() depends on, apart from nonce and timestamp.
_ClientKey: TypeAlias = tuple[object, ...]


def _client_key(client: Client) -> _ClientKey:
    return (
        client.client_key,
        client.client_secret,
        client.resource_owner_key,
        client.resource_owner_secret,
        client.callback_uri,
        client.signature_method,
        client.signature_type,
        client.rsa_key,
        client.verifier,
        client.realm,
        client.encoding,
        client.decoding,
    )


@dataclass(frozen=True, slots=True)
class _ClientState:
    """Everything about a client that is the same for every request it signs."""

    key: _ClientKey
    method: str
    placement: str
    stock_function: object
    sign_base_string: Callable[[str], str] | None  # None for PLAINTEXT
    plaintext_signature: str
    static_params: tuple[tuple[str, str], ...]  # version .. verifier, unescaped
    static_signature_pairs: tuple[tuple[str, str], ...]  # escaped, as in the base string
    static_header: str  # 'oauth_version="1.0", ...'
    realm: str | None
    encoding: str | None
    decoding: str | None


def _build_state(key: _ClientKey) -> _ClientState | None:
    if not all(value is None or type(value) is str for value in key):
        return None
    (consumer_key, client_secret, owner_key, owner_secret, callback, method, placement,
     rsa_key, verifier, realm, encoding, decoding) = key  # fmt: skip
    if not isinstance(consumer_key, str) or not isinstance(method, str):
        return None
    if placement not in _PLACEMENTS or method not in _STOCK_SIGNATURE_FUNCTIONS:
        return None
    # The all(...) check above makes these narrowing casts safe.
    cs = client_secret if isinstance(client_secret, str) else None
    os_ = owner_secret if isinstance(owner_secret, str) else None

    signer: Callable[[str], str] | None = None
    plaintext = ""
    if method == SIGNATURE_PLAINTEXT:
        plaintext = f"{escape(cs or '')}&{escape(os_ or '')}"
    elif method in _HMAC_DIGESTS:
        signer = _hmac_signer(_HMAC_DIGESTS[method], cs, os_)
    elif method in _RSA_METHODS:
        signer = _rsa_signer(method, rsa_key if isinstance(rsa_key, str) else None)
        if signer is None:
            return None
    else:  # pragma: no cover - every stock method is handled above
        return None

    params: list[tuple[str, str]] = [
        ("oauth_version", "1.0"),
        ("oauth_signature_method", method),
        ("oauth_consumer_key", consumer_key),
    ]
    for name, value in (
        ("oauth_token", owner_key),
        ("oauth_callback", callback),
        ("oauth_verifier", verifier),
    ):
        if value and isinstance(value, str):
            params.append((name, value))

    in_header = placement == SIGNATURE_TYPE_AUTH_HEADER
    try:
        signature_pairs = tuple(
            (escape(name), escape(value if in_header else _unescape_oauth_value(name, value)))
            for name, value in params
        )
        header = ", ".join(f'{escape(name)}="{escape(value)}"' for name, value in params)
    except UnicodeError:
        return None
    return _ClientState(
        key=key,
        method=method,
        placement=placement,
        stock_function=_STOCK_SIGNATURE_FUNCTIONS[method],
        sign_base_string=signer,
        plaintext_signature=plaintext,
        static_params=tuple(params),
        static_signature_pairs=signature_pairs,
        static_header=header,
        realm=realm if isinstance(realm, str) else None,
        encoding=encoding if isinstance(encoding, str) else None,
        decoding=decoding if isinstance(decoding, str) else None,
    )


def _is_stock_client(client: object) -> bool:
    if type(client) is not Client:
        return False
    namespace = _CLIENT_NAMESPACE
    if (
        namespace["sign"] is not _STOCK_SIGN
        or namespace["get_oauth_params"] is not _STOCK_GET_OAUTH_PARAMS
        or namespace["get_oauth_signature"] is not _STOCK_GET_OAUTH_SIGNATURE
        or namespace["_render"] is not _STOCK_RENDER
    ):
        return False
    attributes = vars(client)
    return not (
        "sign" in attributes
        or "get_oauth_params" in attributes
        or "get_oauth_signature" in attributes
        or "_render" in attributes
        or "SIGNATURE_METHODS" in attributes
    )


def _copy_headers(
    headers: Mapping[str, str | bytes] | Mapping[bytes, str | bytes] | None,
    encoding: str | None,
    placement: str,
) -> tuple[dict[str, str], str | None] | None:
    """A ``str`` copy of the headers and the Content-Type, or ``None`` if unsupported."""
    copied: dict[str, str] = {}
    content_type = None
    if not headers:
        return copied, content_type
    for raw_name, raw_value in headers.items():
        if type(raw_name) is str:
            name = raw_name
        elif isinstance(raw_name, bytes) and encoding:
            name = raw_name.decode(encoding)
        else:
            return None
        if type(raw_value) is str:
            value = raw_value
        elif isinstance(raw_value, bytes) and encoding:
            value = raw_value.decode(encoding)
        else:
            return None
        lowered = name.lower()
        if lowered == "content-type":
            if name != "Content-Type":
                return None
            content_type = value
        elif lowered == "authorization":
            # oauthlib overwrites an existing "Authorization" only for header placement;
            # otherwise it would parse it into the signature.
            if name != "Authorization" or placement != SIGNATURE_TYPE_AUTH_HEADER:
                return None
        elif lowered == "host":  # overrides the signed host in oauthlib
            return None
        copied[name] = value
    return copied, content_type


def _append_signature_pairs(out: list[tuple[str, str]], params: list[tuple[str, str]]) -> None:
    for name, value in params:
        if name.startswith("oauth_"):
            if name == "oauth_signature":
                continue
            if "%" in value:
                value = percent_decode(value)
        out.append((escape(name), escape(value)))


def _protocol_params_last(
    params: list[tuple[str, str]], oauth_params: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    merged = params + oauth_params
    merged.sort(key=lambda item: item[0].startswith("oauth_"))
    return merged


_RANDOM_POOL: list[int] = []


def _random_u64() -> int:
    """``secrets.randbits(64)``, with one ``os.urandom`` call per 128 values."""
    try:
        return _RANDOM_POOL.pop()  # atomic: threads never share a value
    except IndexError:
        data = os.urandom(8 * 128)
        _RANDOM_POOL.extend(int.from_bytes(data[i : i + 8], "big") for i in range(0, 1024, 8))
        return _RANDOM_POOL.pop()


if hasattr(os, "register_at_fork"):  # a forked worker must not replay its parent's nonces
    os.register_at_fork(after_in_child=_RANDOM_POOL.clear)


def _nonce_and_timestamp(client: Client) -> tuple[str | None, str | None]:
    nonce, timestamp = client.nonce, client.timestamp
    if nonce is None or timestamp is None:
        make_nonce = _RFC5849_NAMESPACE["generate_nonce"]
        make_timestamp = _RFC5849_NAMESPACE["generate_timestamp"]
        if (
            make_nonce is _STOCK_GENERATE_NONCE
            and make_timestamp is _STOCK_GENERATE_TIMESTAMP
            and _COMMON_NAMESPACE["generate_timestamp"] is _STOCK_GENERATE_TIMESTAMP
        ):
            # oauthlib's formats, with one clock read instead of two.
            now = str(int(time.time()))
            if nonce is None:
                nonce = str(_random_u64()) + now
            if timestamp is None:
                timestamp = now
        else:
            if nonce is None:
                nonce = make_nonce()
            if timestamp is None:
                timestamp = make_timestamp()
    if type(nonce) is not str or type(timestamp) is not str:
        return None, None
    return nonce, timestamp


class FastSigner:
    """Signs for one stock ``oauthlib.oauth1.Client`` at a time, caching its constant parts."""

    __slots__ = ("_state",)

    def __init__(self) -> None:
        self._state: tuple[_ClientKey, _ClientState | None] | None = None

    def __reduce__(self) -> tuple[type[FastSigner], tuple[()]]:
        # The state is only a cache (and holds unpicklable keys): copies start empty, so
        # OAuth1 objects and sessions pickle as they did with requests-oauthlib.
        return (FastSigner, ())

    def _state_for(self, client: Client) -> _ClientState | None:
        key = _client_key(client)
        cached = self._state
        if cached is not None and cached[0] == key:
            return cached[1]
        state = _build_state(key)
        self._state = (key, state)
        return state

    def sign(
        self,
        client: Client,
        uri: str,
        http_method: str = "GET",
        body: str | bytes | None = None,
        headers: Mapping[str, str | bytes] | None = None,
        realm: str | None = None,
    ) -> SignedRequest | None:
        """What ``client.sign(...)`` returns, or ``None`` to ask the caller to use it."""
        if not _is_stock_client(client):
            return None
        state = self._state_for(client)
        if state is None or client.SIGNATURE_METHODS.get(state.method) is not state.stock_function:
            return None
        try:
            return _sign(state, client, uri, http_method, body, headers, realm)
        except (ValueError, TypeError):
            # oauthlib raises for the same input (e.g. unencodable text); let it say so.
            return None


def _sign(
    state: _ClientState,
    client: Client,
    uri: str,
    http_method: str,
    body: str | bytes | None,
    headers: Mapping[str, str | bytes] | None,
    realm: str | None,
) -> SignedRequest | None:
    if type(uri) is not str or type(http_method) is not str:
        return None
    if not uri or uri[0] <= " " or "\t" in uri or "\r" in uri or "\n" in uri:
        return None  # urllib.parse would strip these characters
    if realm is not None and type(realm) is not str:
        return None
    if isinstance(body, bytes):
        if not state.encoding:
            return None
        body = body.decode(state.encoding)
    elif body is not None and type(body) is not str:
        return None  # dict / list bodies
    copied = _copy_headers(headers, state.encoding, state.placement)
    if copied is None:
        return None
    out_headers, content_type = copied

    # Client.sign's sanity checks: where they fail oauthlib raises the matching ValueError.
    body_params = None if body is None else decode_form(body)
    has_params = body_params is not None
    form_declared = content_type == CONTENT_TYPE_FORM_URLENCODED
    multipart = content_type is not None and content_type.startswith("multipart/")
    method_upper = http_method.upper()
    if (
        (multipart and has_params)
        or form_declared != has_params
        or (state.placement == SIGNATURE_TYPE_BODY and not form_declared)
        or (has_params and method_upper in ("GET", "HEAD"))
    ):
        return None

    head = uri.partition("#")[0]
    scheme_host_path, _, query = head.partition("?")
    query_params = decode_form(query)
    if query_params is None:
        return None

    nonce, timestamp = _nonce_and_timestamp(client)
    if nonce is None or timestamp is None:
        return None
    dynamic = [("oauth_nonce", nonce), ("oauth_timestamp", timestamp)]
    if body is not None and content_type and CONTENT_TYPE_FORM_URLENCODED not in content_type:
        digest = hashlib.sha1(body.encode("utf-8")).digest()  # noqa: S324 - body-hash draft
        dynamic.append(("oauth_body_hash", base64.b64encode(digest).decode("ascii")))

    in_header = state.placement == SIGNATURE_TYPE_AUTH_HEADER
    if in_header:
        # The header carries escaped values, and oauthlib signs what it parses back.
        escaped_dynamic = [(name, escape(value)) for name, value in dynamic]
    elif state.sign_base_string is not None:
        escaped_dynamic = [(name, escape(percent_decode(value))) for name, value in dynamic]

    if state.sign_base_string is None:
        signature = state.plaintext_signature
        escaped_signature = escape(signature)
    else:
        pairs = [*state.static_signature_pairs, *escaped_dynamic]
        if query_params:
            _append_signature_pairs(pairs, query_params)
        if body_params:
            _append_signature_pairs(pairs, body_params)
        pairs.sort()
        normalized = "&".join(map("=".join, pairs))
        # Every piece is already escaped, so escaping the whole only touches % = and &.
        base_string = "&".join(
            (
                _ESCAPED_METHODS.get(method_upper) or escape(method_upper),
                _escaped_base_string_uri(scheme_host_path),
                normalized.replace("%", "%25").replace("=", "%3D").replace("&", "%26"),
            )
        )
        signature = state.sign_base_string(base_string)
        escaped_signature = signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")

    out_uri = uri
    out_body: str | None = body
    if in_header:
        fields = [f'{name}="{value}"' for name, value in escaped_dynamic]
        fields.insert(2, state.static_header)
        fields.append(f'oauth_signature="{escaped_signature}"')
        realm = realm or state.realm
        prefix = f'OAuth realm="{realm}", ' if realm else "OAuth "
        out_headers["Authorization"] = prefix + ", ".join(fields)
    else:
        oauth_params = [*dynamic[:2], *state.static_params, *dynamic[2:]]
        oauth_params.append(("oauth_signature", signature))
        if state.placement == SIGNATURE_TYPE_BODY:
            out_body = urlencode(_protocol_params_last(body_params or [], oauth_params))
            out_headers["Content-Type"] = CONTENT_TYPE_FORM_URLENCODED
        else:
            scheme, netloc, path, params, _, fragment = urlparse(uri)
            new_query = urlencode(_protocol_params_last(query_params, oauth_params))
            out_uri = urlunparse((scheme, netloc, path, params, new_query, fragment))

    decoding = state.decoding
    if not decoding:
        return out_uri, out_headers, out_body
    return (
        out_uri.encode(decoding),
        {name.encode(decoding): value.encode(decoding) for name, value in out_headers.items()},
        out_body.encode(decoding) if out_body else out_body,
    )
