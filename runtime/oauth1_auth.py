"""``OAuth1``: a requests auth that signs every request with OAuth 1.0a (RFC 5849)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from oauthlib.common import extract_params
from oauthlib.oauth1 import (
    SIGNATURE_HMAC,
    SIGNATURE_PLAINTEXT,
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    Client,
)
from requests import PreparedRequest
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity

from ._oauth1_signing import FastSigner, SignatureMethod, SignatureType, SignedRequest
from ._redact import mask, secret_safe_logger
from ._transport import require_secure_url, without_query

__all__ = [
    "CONTENT_TYPE_FORM_URLENCODED",
    "CONTENT_TYPE_MULTI_PART",
    "OAuth1",
    "SignatureMethod",
    "SignatureType",
    "log",
]

CONTENT_TYPE_FORM_URLENCODED: Final = "application/x-www-form-urlencoded"
CONTENT_TYPE_MULTI_PART: Final = "multipart/form-data"

log = secret_safe_logger(__name__)


class OAuth1(AuthBase):
    """Signs requests with OAuth 1.0a; a drop-in for ``requests_oauthlib.OAuth1``.

    The parameters, their defaults and ``**kwargs`` (``realm``, ``encoding``, ``nonce``,
    ``timestamp``) are passed to ``client_class`` exactly as requests-oauthlib does, and
    the resulting oauthlib client is public as :attr:`client`. ``signature_type`` may be
    given in any case (``"query"``, ``"body"``, ``"auth_header"``).

    The body is signed when the request is form-encoded, or when ``force_include_body``
    is set (oauthlib then adds ``oauth_body_hash`` for a non-form body). A request with no
    Content-Type whose body parses as form data, and every request with body placement,
    is sent as ``application/x-www-form-urlencoded``.

    Compatibility notes:

    * Under the default ``decoding="utf-8"`` oauthlib hands back encoded output, so after
      signing **every header value is ``bytes``** (``Authorization`` and ``Content-Type``
      included) and a signed body is ``bytes``. requests sends them unchanged. Pass
      ``decoding=None`` to keep ``str`` values.
    * With a stock ``oauthlib.oauth1.Client`` the signature is computed by a faster
      implementation whose output is byte-identical to ``Client.sign``; a custom
      ``client_class`` (or a patched client) is always asked to ``sign`` itself.
    * Unlike requests-oauthlib, ``PLAINTEXT`` (which sends both secrets in clear) is
      refused with ``InsecureTransportError`` for URLs that are neither ``https://`` nor
      loopback, unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set. HMAC and RSA signatures
      keep working over plain HTTP, as upstream.
    * Streaming (file-like) bodies are never iterated to guess their Content-Type;
      requests-oauthlib consumed them doing so.
    """

    client_class: type[Client] = Client

    def __init__(
        self,
        client_key: str,
        client_secret: str | None = None,
        resource_owner_key: str | None = None,
        resource_owner_secret: str | None = None,
        callback_uri: str | None = None,
        signature_method: SignatureMethod | str = SIGNATURE_HMAC,
        signature_type: SignatureType | str = SIGNATURE_TYPE_AUTH_HEADER,
        rsa_key: str | None = None,
        verifier: str | None = None,
        decoding: str | None = "utf-8",
        client_class: type[Client] | None = None,
        force_include_body: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(signature_type, str):
            signature_type = signature_type.upper()
        self.force_include_body = force_include_body
        self.client: Client = (client_class or self.client_class)(
            client_key,
            client_secret,
            resource_owner_key,
            resource_owner_secret,
            callback_uri,
            signature_method,
            signature_type,
            rsa_key,
            verifier,
            decoding=decoding,
            **kwargs,
        )
        self._signer = FastSigner()

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        """Sign ``r`` in place (URL, headers and, for form bodies, the body) and return it."""
        client = self.client
        if log.isEnabledFor(logging.DEBUG):
            log.debug("Signing %s %s with %r", r.method, without_query(r.url), self)

        content_type: str | bytes = r.headers.get("Content-Type", "")
        if (not content_type and _has_form_params(r.body)) or (
            client.signature_type == SIGNATURE_TYPE_BODY
        ):
            content_type = CONTENT_TYPE_FORM_URLENCODED
        if isinstance(content_type, bytes):
            content_type = content_type.decode("utf-8")

        url, method = str(r.url), str(r.method)
        if client.signature_method == SIGNATURE_PLAINTEXT:
            require_secure_url(url)

        if CONTENT_TYPE_FORM_URLENCODED in content_type:
            r.headers["Content-Type"] = CONTENT_TYPE_FORM_URLENCODED
            body: str | bytes | None = r.body or ""
        elif self.force_include_body:
            body = r.body or ""
        else:
            body = None

        signed = self._signer.sign(client, url, method, body, r.headers)
        if signed is None:
            # Custom clients and unusual input: oauthlib's (or the subclass's) own result.
            client_sign: Callable[..., SignedRequest] = client.sign
            signed_url, headers, signed_body = client_sign(url, method, body, r.headers)
            r.prepare_headers(headers)
        else:
            signed_url, headers, signed_body = signed
            _install_signed_headers(r, headers)
        if body is not None:
            r.body = signed_body
        r.url = signed_url.decode("ascii") if isinstance(signed_url, bytes) else signed_url
        return r

    def __repr__(self) -> str:
        client = self.client

        def field(name: str, secret: bool = False) -> str:
            value = getattr(client, name, None)
            return f"{name}={mask(value) if secret else repr(value)}"

        fields = [
            field("client_key"),
            field("client_secret", secret=True),
            field("resource_owner_key", secret=True),
            field("resource_owner_secret", secret=True),
            field("rsa_key", secret=True),
            field("verifier", secret=True),
            field("callback_uri"),
            field("signature_method"),
            field("signature_type"),
            field("realm"),
            f"force_include_body={self.force_include_body!r}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"


def _install_signed_headers(
    r: PreparedRequest, headers: dict[str, str] | dict[bytes, bytes]
) -> None:
    """``r.prepare_headers(headers)`` for the fast signer's output.

    Apart from Authorization (and body placement's constant Content-Type) every header
    was already in ``r.headers``, validated when the request was prepared, and at most
    changed from ``str`` to ``bytes``; so only Authorization, which carries the realm
    unescaped, is validated again.
    """
    installed: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict()
    for name, value in headers.items():
        installed[name.decode("ascii") if isinstance(name, bytes) else name] = value
    authorization = installed.get("Authorization")
    if isinstance(authorization, str):
        check_header_validity(("Authorization", authorization))
    elif isinstance(authorization, bytes):
        check_header_validity((b"Authorization", authorization))
    # The stubs say str values; under oauthlib's decoding they are bytes, as upstream.
    r.headers = installed  # type: ignore[assignment]


def _has_form_params(body: object) -> bool:
    # Only text can be form data: oauthlib's extract_params would iterate (and so consume)
    # a streaming body, and bytes never pass its character check.
    return isinstance(body, str) and bool(extract_params(body))
