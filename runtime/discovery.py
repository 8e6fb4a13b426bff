"""Authorization server metadata: OpenID Connect Discovery and RFC 8414.

``discover(issuer)`` fetches the metadata document, checks that it belongs to ``issuer`` (a
document naming another issuer is refused: RFC 8414 §3.3, OIDC Discovery §4.3) and that every
endpoint is HTTPS (plain HTTP only to loopback hosts), and returns a typed ``ServerMetadata``.
Redirects are followed within the metadata URL's origin only; documents are size- and
nesting-capped.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ._transport import is_secure_url, redirect_status, without_query
from .core.reading import header_of, status_of

OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
RFC8414_WELL_KNOWN = "/.well-known/oauth-authorization-server"
# Limits on what a metadata server may make the client do or hold.
MAX_REDIRECTS = 5
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_NESTING = 32
_DEFAULT_PORTS = {"https": 443, "http": 80}


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
    document_url: str | None = field(default=None, compare=False)
    """The metadata URL that served the document (set by :func:`discover`)."""

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
    object, a network failure, an invalid document) raises :class:`DiscoveryError`. Redirects
    are followed only within the metadata URL's origin, over https (plain http to loopback),
    at most :data:`MAX_REDIRECTS` times; see :func:`fetch_document` for the size and nesting
    limits.
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

    def get(url: str) -> requests.Response:
        return http.get(
            url,
            headers={"Accept": "application/json"},
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )

    try:
        for url in urls:
            tried.append(url)
            try:
                document = fetch_document(get, url)
            except DiscoveryError as exc:
                raise fail(str(exc)) from exc.__cause__
            if document is None:
                outcomes.append(f"{url} answered HTTP 404")
                continue
            try:
                metadata = ServerMetadata.from_document(document, expected_issuer=issuer)
            except DiscoveryError as exc:
                raise fail(f"{url} served unusable metadata: {exc}") from exc
            return dataclasses.replace(metadata, document_url=url)
    finally:
        if session is None:
            http.close()
    raise fail("no metadata document found")


def fetch_document(get: Callable[[str], requests.Response], url: str) -> dict[str, Any] | None:
    """The JSON object served at ``url``, or None when it answers 404.

    ``get(url)`` sends one GET without following redirects (``allow_redirects=False``,
    ``stream=True``). A redirect is followed only to the same origin (scheme, host, port) as
    ``url``, over https or plain http to a loopback host, at most :data:`MAX_REDIRECTS` times,
    each hop checked. The body is read in chunks and refused beyond
    :data:`MAX_DOCUMENT_BYTES`; arrays and objects nested deeper than :data:`MAX_NESTING`
    are refused before parsing. Every failure is a :class:`DiscoveryError` naming the URL.
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = get(current)
        except requests.RequestException as exc:
            raise DiscoveryError(
                f"could not fetch {without_query(current)}: {_describe_network_error(exc)}"
            ) from exc
        try:
            status = redirect_status(response)
            if status is None:
                if status_of(response) == 404:
                    return None
                return _metadata_document(current, response)
            current = _redirect_target(url, current, status, response)
        finally:
            response.close()
    raise DiscoveryError(
        f"{without_query(url)} redirected more than {MAX_REDIRECTS} times; discovery gives up"
    )


def _redirect_target(first: str, current: str, status: int, response: requests.Response) -> str:
    """Where a discovery redirect points, if it may be followed: same origin, secure."""
    location = header_of(response, "Location")
    if not location:
        raise DiscoveryError(f"{without_query(current)} answered HTTP {status} without a Location")
    target = urljoin(current, location)
    if not is_secure_url(target):
        raise DiscoveryError(
            f"{without_query(current)} redirected to insecure {without_query(target)}"
        )
    if _origin(target) != _origin(first):
        raise DiscoveryError(
            f"{without_query(current)} redirected to {_short(without_query(target))}, another "
            f"origin than {_origin_text(first)}; discovery follows same-origin redirects only"
        )
    return target


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1  # an unparsable port matches nothing
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def _origin_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _metadata_document(url: str, response: requests.Response) -> dict[str, Any]:
    body = _read_capped(url, response)
    status = status_of(response)
    if status != 200:
        reason = getattr(response, "reason", None)
        shown = f"HTTP {status} {reason if isinstance(reason, str) else ''}".rstrip()
        raise DiscoveryError(f"{url} answered {shown} ({_content_description(response, body)})")
    _check_nesting(url, body)
    try:
        document = json.loads(body)
    except ValueError:
        raise DiscoveryError(
            f"{url} answered HTTP 200 with a body that is not JSON "
            f"({_content_description(response, body)})"
        ) from None
    if not isinstance(document, dict):
        raise DiscoveryError(
            f"{url} answered HTTP 200 with JSON {_json_type(document)}, not an object"
        )
    return document


def _read_capped(url: str, response: requests.Response) -> bytes:
    """The body, read in chunks; DiscoveryError once it passes MAX_DOCUMENT_BYTES."""
    too_large = DiscoveryError(
        f"{url} served a metadata document larger than {MAX_DOCUMENT_BYTES} bytes; refused"
    )
    declared = header_of(response, "Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_NESTING = re.compile(rb"[\[\]{}]")


def _check_nesting(url: str, body: bytes) -> None:
    """Refuse arrays/objects nested deeper than MAX_NESTING before json.loads recurses."""
    depth = 0
    for match in _JSON_NESTING.finditer(_JSON_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > MAX_NESTING:
                raise DiscoveryError(
                    f"{url} served JSON nested deeper than {MAX_NESTING} levels; refused"
                )
        else:
            depth -= 1


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


def _content_description(response: requests.Response, body: bytes) -> str:
    content_type = header_of(response, "Content-Type") or "no content type"
    return f"{content_type}, {len(body)} bytes"


def _describe_network_error(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return f"timed out ({type(exc).__name__})"
    return f"{type(exc).__name__}: {_truncate(str(exc), 300)}"
