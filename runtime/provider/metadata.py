"""OpenID Connect endpoints: the spec's own, else discovered; discovery hooks repair documents.

Discovery is fetched only when a flow needs an endpoint the spec does not give (lazily, once),
from ``endpoints.discovery`` or the issuer's well-known URLs (``runtime.discovery``). The
document passes through the spec's ``discovery`` hooks before ``ServerMetadata`` validates it.
Without a fetch, the hooks still see a minimal ``{"issuer": ...}`` document, so a hook can set
an issuer template for id_token checks either way: the document key
``x-oauthgen-issuer-template`` holds an issuer with ``{claim}`` placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from ..discovery import DiscoveryError, ServerMetadata, fetch_document, metadata_urls
from .defaults import DEFAULT_TIMEOUT

DiscoveryHook = Callable[[dict[str, Any], str], dict[str, Any]]

ISSUER_TEMPLATE_KEY = "x-oauthgen-issuer-template"
ENDPOINT_FIELDS = {
    "authorize": "authorization_endpoint",
    "token": "token_endpoint",
    "revoke": "revocation_endpoint",
    "introspect": "introspection_endpoint",
    "device": "device_authorization_endpoint",
    "userinfo": "userinfo_endpoint",
}


@dataclass(frozen=True)
class Metadata:
    issuer: str
    issuer_template: str | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    # RFC 9207: the discovered document says authorization responses carry ``iss``.
    iss_parameter_supported: bool = False


def static_metadata(issuer: str, hooks: Sequence[DiscoveryHook]) -> Metadata:
    document = _apply(hooks, {"issuer": issuer}, issuer)
    return Metadata(issuer, _template(document))


def discover_metadata(
    http: requests.Session, issuer: str, discovery_url: str | None, hooks: Sequence[DiscoveryHook]
) -> Metadata:
    """Fetch, repair and validate the issuer's metadata; DiscoveryError says what failed."""
    urls = [discovery_url] if discovery_url else metadata_urls(issuer)

    def get(url: str) -> requests.Response:
        """One GET, no access token, redirects returned (fetch_document checks each hop)."""
        from ..token_session import TokenSession

        kwargs: dict[str, Any] = {"allow_redirects": False, "stream": True}
        if isinstance(http, TokenSession):
            kwargs["withhold_token"] = True  # its default timeout applies
        else:
            kwargs["timeout"] = DEFAULT_TIMEOUT
        return http.request("GET", url, headers={"Accept": "application/json"}, **kwargs)

    for index, url in enumerate(urls):
        tried = tuple(urls[: index + 1])
        try:
            document = fetch_document(get, url)
        except DiscoveryError as exc:
            raise DiscoveryError(
                f"discovery for issuer {issuer!r} failed: {exc}", urls_tried=tried
            ) from exc.__cause__
        if document is None:
            if url != urls[-1]:
                continue
            raise DiscoveryError(f"discovery at {url} answered HTTP 404", urls_tried=tried)
        document = _apply(hooks, document, issuer)
        metadata = ServerMetadata.from_document(document, expected_issuer=issuer)
        endpoints = {
            name: value
            for name, attribute in ENDPOINT_FIELDS.items()
            if (value := getattr(metadata, attribute)) is not None
        }
        return Metadata(
            issuer,
            _template(document),
            endpoints,
            metadata.authorization_response_iss_parameter_supported,
        )
    raise DiscoveryError(f"no metadata found for issuer {issuer!r}", urls_tried=tuple(urls))


def _apply(hooks: Sequence[DiscoveryHook], document: dict[str, Any], issuer: str) -> dict[str, Any]:
    for hook in hooks:
        document = hook(document, issuer)
    return document


def _template(document: dict[str, Any]) -> str | None:
    value = document.get(ISSUER_TEMPLATE_KEY)
    return value if isinstance(value, str) else None
