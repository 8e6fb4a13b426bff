"""Authorization server metadata: OpenID Connect Discovery and RFC 8414.

``discover(issuer)`` fetches the metadata document, checks that it belongs to ``issuer`` (a
document naming another issuer is refused: RFC 8414 §3.3, OIDC Discovery §4.3) and that every
endpoint is HTTPS (plain HTTP only to loopback hosts), and returns a typed ``ServerMetadata``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import requests

from ._transport import is_secure_url

OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
RFC8414_WELL_KNOWN = "/.well-known/oauth-authorization-server"


class DiscoveryError(ValueError):
    """Metadata could not be fetched or is not acceptable; the message says which URL and why.

    ``urls_tried`` lists the metadata URLs requested, in order (empty when a document was
    validated without fetching it).
    """

    def __init__(self, message: str, *, urls_tried: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.urls_tried = urls_tried


@dataclass(frozen=True)
class ServerMetadata:
    """The parts of a metadata document the runtime uses; ``raw`` holds all of it, read-only."""

    issuer: str
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    device_authorization_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    jwks_uri: str | None = None
    registration_endpoint: str | None = None
    token_endpoint_auth_methods_supported: tuple[str, ...] | None = None
    revocation_endpoint_auth_methods_supported: tuple[str, ...] | None = None
    introspection_endpoint_auth_methods_supported: tuple[str, ...] | None = None
    code_challenge_methods_supported: tuple[str, ...] | None = None
    grant_types_supported: tuple[str, ...] | None = None
    response_types_supported: tuple[str, ...] | None = None
    scopes_supported: tuple[str, ...] | None = None
    # RFC 9207: authorization responses carry ``iss``, which OAuth2Session then requires.
    authorization_response_iss_parameter_supported: bool = False
    raw: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, hash=False
    )

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, expected_issuer: str) -> ServerMetadata:
        """Validate a parsed metadata document; raises :class:`DiscoveryError` naming the flaw."""
        _check_issuer_url(expected_issuer)
        if not isinstance(document, Mapping):
            raise DiscoveryError(f"metadata must be a JSON object, not {_json_type(document)}")
        issuer = document.get("issuer")
        if issuer is None:
            raise DiscoveryError("metadata has no 'issuer'")
        if issuer != expected_issuer:
            raise DiscoveryError(
                f"metadata issuer {_short(issuer)} does not match the expected issuer "
                f"{expected_issuer!r}; they must be identical (RFC 8414 §3.3, OIDC Discovery §4.3)"
            )
        return cls(
            issuer=expected_issuer,
            authorization_endpoint=_endpoint(document, "authorization_endpoint"),
            token_endpoint=_endpoint(document, "token_endpoint"),
            revocation_endpoint=_endpoint(document, "revocation_endpoint"),
            introspection_endpoint=_endpoint(document, "introspection_endpoint"),
            device_authorization_endpoint=_endpoint(document, "device_authorization_endpoint"),
            userinfo_endpoint=_endpoint(document, "userinfo_endpoint"),
            jwks_uri=_endpoint(document, "jwks_uri"),
            registration_endpoint=_endpoint(document, "registration_endpoint"),
            token_endpoint_auth_methods_supported=_strings(
                document, "token_endpoint_auth_methods_supported"
            ),
            revocation_endpoint_auth_methods_supported=_strings(
                document, "revocation_endpoint_auth_methods_supported"
            ),
            introspection_endpoint_auth_methods_supported=_strings(
                document, "introspection_endpoint_auth_methods_supported"
            ),
            code_challenge_methods_supported=_strings(document, "code_challenge_methods_supported"),
            grant_types_supported=_strings(document, "grant_types_supported"),
            response_types_supported=_strings(document, "response_types_supported"),
            scopes_supported=_strings(document, "scopes_supported"),
            authorization_response_iss_parameter_supported=_boolean(
                document, "authorization_response_iss_parameter_supported"
            ),
            raw=MappingProxyType(copy.deepcopy(dict(document))),
        )


def metadata_urls(issuer: str) -> list[str]:
    """Where ``issuer`` may publish metadata: the OIDC URL, then the RFC 8414 one.

    OIDC appends the well-known path to the issuer; RFC 8414 §3.1 inserts it between the host
    and the issuer's path (``https://as.example/tenant`` ->
    ``https://as.example/.well-known/oauth-authorization-server/tenant``).
    """
    _check_issuer_url(issuer)
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return [
        issuer.rstrip("/") + OIDC_WELL_KNOWN,
        f"{parts.scheme}://{parts.netloc}{RFC8414_WELL_KNOWN}{path}",
    ]


def discover(
    issuer: str,
    *,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = (5, 30),
) -> ServerMetadata:
    """Fetch and validate ``issuer``'s metadata: the first URL answering 200 with JSON wins.

    A 404 moves on to the next URL; anything else (another HTTP error, a body that is not a JSON
    object, a network failure, an invalid document) raises :class:`DiscoveryError`.
    """
    urls = metadata_urls(issuer)
    http = session if session is not None else requests.Session()
    outcomes: list[str] = []
    tried: list[str] = []

    def fail(problem: str) -> DiscoveryError:
        history = "".join(f"{outcome}; " for outcome in outcomes)
        return DiscoveryError(
            f"discovery for issuer {issuer!r} failed: {history}{problem}", urls_tried=tuple(tried)
        )

    try:
        for url in urls:
            tried.append(url)
            try:
                response = http.get(url, headers={"Accept": "application/json"}, timeout=timeout)
            except requests.RequestException as exc:
                raise fail(f"could not fetch {url}: {_describe_network_error(exc)}") from exc
            if response.status_code == 404:
                outcomes.append(f"{url} answered HTTP 404")
                continue
            try:
                document = _metadata_document(url, response)
            except DiscoveryError as exc:
                raise fail(str(exc)) from None
            try:
                return ServerMetadata.from_document(document, expected_issuer=issuer)
            except DiscoveryError as exc:
                raise fail(f"{url} served unusable metadata: {exc}") from exc
    finally:
        if session is None:
            http.close()
    raise fail("no metadata document found")


def _metadata_document(url: str, response: requests.Response) -> Mapping[str, Any]:
    if not is_secure_url(response.url or url):
        raise DiscoveryError(f"{url} redirected to insecure {_without_query(response.url)}")
    if response.status_code != 200:
        status = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
        raise DiscoveryError(f"{url} answered {status} ({_content_description(response)})")
    try:
        document = json.loads(response.content)
    except ValueError:
        raise DiscoveryError(
            f"{url} answered HTTP 200 with a body that is not JSON "
            f"({_content_description(response)})"
        ) from None
    if not isinstance(document, dict):
        raise DiscoveryError(
            f"{url} answered HTTP 200 with JSON {_json_type(document)}, not an object"
        )
    return document


def _check_issuer_url(issuer: str) -> None:
    if not isinstance(issuer, str) or not issuer:
        raise DiscoveryError(f"the issuer must be a non-empty URL string, not {_short(issuer)}")
    parts = urlsplit(issuer)
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise DiscoveryError(f"the issuer {issuer!r} is not an absolute https URL")
    if parts.query or parts.fragment:
        raise DiscoveryError(f"the issuer {issuer!r} must not have a query or fragment (RFC 8414)")
    if not is_secure_url(issuer):
        raise DiscoveryError(
            f"the issuer {issuer!r} uses plain http to a non-loopback host; use https "
            f"(http is only allowed for loopback hosts such as 127.0.0.1 and localhost)"
        )


def _endpoint(document: Mapping[str, Any], name: str) -> str | None:
    value = document.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DiscoveryError(f"{name} must be a URL string, not {_json_type(value)}")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise DiscoveryError(f"{name} {_short(value)} is not an absolute https URL")
    if parts.fragment:
        raise DiscoveryError(f"{name} {_short(value)} must not have a fragment")
    if not is_secure_url(value):
        raise DiscoveryError(
            f"{name} {_short(value)} uses plain http to a non-loopback host; endpoints must "
            f"be https (http is only allowed for loopback hosts such as 127.0.0.1)"
        )
    return value


def _strings(document: Mapping[str, Any], name: str) -> tuple[str, ...] | None:
    value = document.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DiscoveryError(f"{name} must be a JSON array of strings, not {_short(value)}")
    return tuple(value)


def _boolean(document: Mapping[str, Any], name: str) -> bool:
    value = document.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise DiscoveryError(f"{name} must be a JSON boolean, not {_short(value)}")
    return value


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    for python_type, name in names.items():
        if isinstance(value, python_type):
            return name
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _short(value: object, limit: int = 100) -> str:
    """A bounded repr for values taken from an untrusted document."""
    return _truncate(repr(value), limit)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _content_description(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type", "no content type")
    return f"{content_type}, {len(response.content)} bytes"


def _describe_network_error(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return f"timed out ({type(exc).__name__})"
    return f"{type(exc).__name__}: {_truncate(str(exc), 300)}"


def _without_query(url: str | None) -> str:
    return (url or "").split("?", 1)[0]
