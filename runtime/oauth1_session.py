"""``OAuth1Session``: a ``requests.Session`` that runs the OAuth 1.0a dance and signs requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

import requests
from oauthlib.common import add_params_to_uri
from oauthlib.common import urldecode as _form_urldecode
from oauthlib.oauth1 import (
    SIGNATURE_HMAC,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_RSA_SHA512,
    SIGNATURE_TYPE_AUTH_HEADER,
    Client,
)

from ._environment import EnvironmentOnceSession
from ._oauth1_signing import SignatureMethod, SignatureType
from ._redact import mask, masked_mapping, redacted_exception, secret_safe_logger
from ._transport import redirect_refusal, without_query, without_redirects
from .core.reading import describe, reason_of, status_of, text_of
from .oauth1_auth import OAuth1

__all__ = [
    "OAuth1Session",
    "TokenMissing",
    "TokenRequestDenied",
    "TokenRequestRedirected",
    "VerifierMissing",
    "urldecode",
]

log = secret_safe_logger(__name__)

_RSA_METHODS = frozenset({SIGNATURE_RSA_SHA1, SIGNATURE_RSA_SHA256, SIGNATURE_RSA_SHA512})


def urldecode(body: str) -> Any:
    """Parse a form-encoded body into a list of pairs, falling back to ``json.loads``."""
    try:
        return _form_urldecode(body)
    except Exception:
        return json.loads(body)


class TokenRequestDenied(ValueError):
    """The request or access token endpoint answered with HTTP 400 or above (or a redirect)."""

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message)
        self.response = response

    @property
    def status_code(self) -> int:
        """The HTTP status of :attr:`response`."""
        return self.response.status_code


class TokenRequestRedirected(TokenRequestDenied):
    """The request or access token endpoint answered with a redirect (3xx).

    The redirect is not followed: the request is signed with the client's (and the
    token's) secrets and must not be replayed elsewhere. ``endpoint`` is the URL that
    answered, without its query.
    """

    def __init__(self, response: requests.Response, endpoint: str) -> None:
        super().__init__(redirect_refusal(response, endpoint), response)
        self.endpoint = without_query(endpoint)


class TokenMissing(ValueError):
    """A token response or authorization redirect without ``oauth_token``.

    ``response`` is what was parsed: the token dict (as in requests-oauthlib).
    """

    def __init__(self, message: str, response: Any) -> None:
        super().__init__(message)
        self.response = response


class VerifierMissing(ValueError):
    """``fetch_access_token`` was called before a verifier was known."""


class OAuth1Session(EnvironmentOnceSession):
    """A ``requests.Session`` that signs with OAuth 1.0a and runs the three-legged dance.

    Drop-in for ``requests_oauthlib.OAuth1Session``: same constructor (extra ``**kwargs``
    such as ``realm`` or ``decoding`` go to :class:`~runtime.oauth1_auth.OAuth1`), same
    methods, properties and exceptions. The signer is ``self._client`` (and ``self.auth``);
    its oauthlib client is ``self._client.client``.

    Typical use::

        oauth = OAuth1Session(key, client_secret=secret, callback_uri=callback)
        oauth.fetch_request_token(request_token_url)
        redirect_user_to(oauth.authorization_url(authorization_url))
        oauth.parse_authorization_response(url_the_user_came_back_to)
        oauth.fetch_access_token(access_token_url)
        oauth.get(protected_url)

    Deliberate differences from requests-oauthlib:

    * On a redirect to another host (or from https to http) the re-signed
      ``Authorization`` header is dropped instead of being sent to the new host;
      same-host redirects are re-signed with a fresh nonce as upstream.
    * ``PLAINTEXT`` signatures (the secrets in clear) are refused with
      ``InsecureTransportError`` for URLs that are neither ``https://`` nor loopback.
    * :attr:`authorized` treats RSA-SHA256 and RSA-SHA512 like RSA-SHA1 (only a token is
      needed); upstream special-cased RSA-SHA1 alone.
    * The proxy and CA bundle variables are read from the environment once, at the
      session's first request, instead of for every request; ``reload_environment()``
      reads them again after a program changed them.
    * Error messages and logs never contain token values or secrets: HTTP errors name the
      status, undecodable bodies name the content type, not the body; network errors of
      query-signed requests have the OAuth parameters redacted.
    """

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
        client_class: type[Client] | None = None,
        force_include_body: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self._client = OAuth1(
            client_key,
            client_secret=client_secret,
            resource_owner_key=resource_owner_key,
            resource_owner_secret=resource_owner_secret,
            callback_uri=callback_uri,
            signature_method=signature_method,
            signature_type=signature_type,
            rsa_key=rsa_key,
            verifier=verifier,
            client_class=client_class,
            force_include_body=force_include_body,
            **kwargs,
        )
        self.auth = self._client

    @property
    def token(self) -> dict[str, str]:
        """The non-empty ``oauth_token``, ``oauth_token_secret`` and ``oauth_verifier``."""
        client = self._client.client
        values = (
            ("oauth_token", client.resource_owner_key),
            ("oauth_token_secret", client.resource_owner_secret),
            ("oauth_verifier", client.verifier),
        )
        return {name: value for name, value in values if value}

    @token.setter
    def token(self, value: Mapping[str, str]) -> None:
        self._populate_attributes(value)

    @property
    def authorized(self) -> bool:
        """Whether the session holds what a signed request needs.

        RSA methods need only a token (the key signs); the others need the client secret,
        the token and the token secret.
        """
        client = self._client.client
        if client.signature_method in _RSA_METHODS:
            return bool(client.resource_owner_key)
        return (
            bool(client.client_secret)
            and bool(client.resource_owner_key)
            and bool(client.resource_owner_secret)
        )

    def authorization_url(self, url: str, request_token: str | None = None, **kwargs: str) -> str:
        """``url`` with ``kwargs`` and ``oauth_token`` (``request_token`` or the current
        token) added to its query: where to send the user to authorize the client.
        """
        params: dict[str, Any] = dict(kwargs)
        params["oauth_token"] = request_token or self._client.client.resource_owner_key
        log.debug("Adding parameters %s to %s", sorted(params), without_query(url))
        return add_params_to_uri(url, params.items())

    def fetch_request_token(
        self, url: str, realm: Iterable[str] | None = None, **request_kwargs: Any
    ) -> dict[str, Any]:
        """POST a signed request to ``url`` and keep the request token it returns.

        ``realm`` is a list of realms, sent space-separated. ``request_kwargs`` go to
        ``post``. On success the callback URI and realm are cleared, since the next steps
        must not sign them.
        """
        client = self._client.client
        client.realm = " ".join(realm) if realm else None
        token = self._fetch_token(url, **request_kwargs)
        log.debug("Clearing callback_uri and realm, which later requests must not carry")
        client.callback_uri = None
        client.realm = None
        return token

    def fetch_access_token(
        self, url: str, verifier: str | None = None, **request_kwargs: Any
    ) -> dict[str, Any]:
        """Exchange the authorized request token (and verifier) for an access token.

        Raises :class:`VerifierMissing` if no verifier was passed or parsed before. The
        verifier is cleared on success, since it is single-use.
        """
        client = self._client.client
        if verifier:
            client.verifier = verifier
        if not getattr(client, "verifier", None):
            raise VerifierMissing("No client verifier has been set.")
        token = self._fetch_token(url, **request_kwargs)
        log.debug("Clearing the verifier, which is single-use")
        client.verifier = None
        return token

    def parse_authorization_response(self, url: str) -> dict[str, Any]:
        """Read ``oauth_token`` (and ``oauth_verifier``) from the query of the URL the user
        was redirected back to, store them and return all query parameters.
        """
        log.debug("Parsing the authorization response from %s", without_query(url))
        token = dict(urldecode(urlparse(url).query))
        self._populate_attributes(token)
        return token

    def _populate_attributes(self, token: Mapping[str, Any]) -> None:
        client = self._client.client
        if "oauth_token" not in token:
            raise TokenMissing(
                f"Response does not contain a token: {masked_mapping(dict(token))}", token
            )
        client.resource_owner_key = token["oauth_token"]
        if "oauth_token_secret" in token:
            client.resource_owner_secret = token["oauth_token_secret"]
        if "oauth_verifier" in token:
            client.verifier = token["oauth_verifier"]

    def _fetch_token(self, url: str, **request_kwargs: Any) -> dict[str, Any]:
        log.debug("Fetching a token from %s", without_query(url))
        response = without_redirects(
            self.post, url, url, refused=TokenRequestRedirected, **request_kwargs
        )
        status = status_of(response)
        if status is not None and status >= 400:
            reason = reason_of(response)
            reason = f" {reason}" if reason else ""
            raise TokenRequestDenied(
                f"Token request to {without_query(url)} failed with HTTP status {status}{reason}.",
                response,
            )
        try:
            token = dict(urldecode(text_of(response).strip()))
        except (ValueError, TypeError):
            raise ValueError(
                f"Unable to decode the token response from {without_query(url)} "
                f"({describe(response)}):"
                " expected an application/x-www-form-urlencoded or JSON body. This is "
                "commonly caused by an error page returned with a success status."
            ) from None
        log.debug("Obtained a token with the fields %s", sorted(token))
        self._populate_attributes(token)
        return token

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """``requests.Session.request``; a network error is re-raised as the same class with
        secret parameters (query signing's ``oauth_token``, ``oauth_signature``...) redacted
        from its message and no chained exception that would repeat them."""
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.RequestException as error:
            clean = redacted_exception(error)
        raise clean

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """Re-sign a redirected request with a fresh nonce (a nonce must not be reused).

        Unlike requests-oauthlib, the header is dropped rather than re-signed when
        requests would strip credentials (another host, or https to http).
        """
        if "Authorization" not in prepared_request.headers:
            return
        prepared_request.headers.pop("Authorization", None)
        should_strip: Callable[[str | None, str | None], bool] = self.should_strip_auth
        if should_strip(response.request.url, prepared_request.url):
            log.debug(
                "Not signing the redirect to %s: it leaves the original host",
                without_query(prepared_request.url),
            )
            return
        prepared_request.prepare_auth(self.auth)

    def __repr__(self) -> str:
        client = self._client.client
        return (
            f"<{type(self).__name__} client_key={client.client_key!r} "
            f"signature_method={client.signature_method!r} "
            f"token={mask(client.resource_owner_key)} "
            f"token_secret={mask(client.resource_owner_secret)} "
            f"authorized={self.authorized}>"
        )
