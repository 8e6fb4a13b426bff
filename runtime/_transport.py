"""Transport safety rules shared by every flow: HTTPS except on loopback, secret-free logs,
and token-type requests never redirected."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ._redact import install_log_redaction
from .core.reading import header_of, status_of

if TYPE_CHECKING:
    import requests

    from .core.http import Response

# Every flow imports this module: from here on, urllib3's, requests' and oauthlib's loggers
# redact secrets (urllib3 logs whole request URLs at DEBUG, query credentials included).
install_log_redaction()

# Only the name localhost itself: names below it (evil.localhost) and /etc/hosts aliases
# (ip6-localhost) are resolved by whatever resolver the machine has, which may send them
# anywhere (RFC 8252 §8.3 prefers IP literals; RFC 6761 §6.3 only asks resolvers to map them).
_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


@lru_cache(maxsize=256)
def is_loopback_host(host: str) -> bool:
    """True for the name localhost and any address in 127.0.0.0/8 or ::1 (RFC 8252 §8.3)."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_transport_allowed() -> bool:
    """oauthlib's global escape hatch, honoured for compatibility."""
    return bool(os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"))


@lru_cache(maxsize=1024)
def _is_secure_url(url: str) -> bool:
    if url[:8].lower() == "https://":
        return True
    parts = urlsplit(url)
    return parts.scheme.lower() == "http" and is_loopback_host(parts.hostname or "")


def is_secure_url(url: str) -> bool:
    """HTTPS, or plain HTTP to a loopback host, or the global override is set."""
    return _is_secure_url(url) or insecure_transport_allowed()


def require_secure_url(url: str) -> None:
    """Raise oauthlib's ``InsecureTransportError`` for a URL that may leak credentials."""
    if not is_secure_url(url):
        # Imported here: oauthlib.oauth2 costs ~15 ms to import, this module should not.
        from oauthlib.oauth2.rfc6749.errors import InsecureTransportError

        raise InsecureTransportError(
            description=(
                f"refusing to send OAuth credentials over plain HTTP to "
                f"{urlsplit(url).hostname or url!r}: use https:// (plain http is only "
                f"allowed for loopback hosts such as 127.0.0.1 and localhost)"
            )
        )


RedirectRefused = Callable[["requests.Response", str], Exception]


def redirect_status(response: object) -> int | None:
    """The HTTP status of a 3xx answer, else None.

    Only a real ``int`` counts: test doubles built on ``unittest.mock.MagicMock`` have a
    truthy ``is_redirect`` and a mock ``status_code``, and must read as "not a redirect".
    """
    status = status_of(response)
    return status if status is not None and 300 <= status < 400 else None


def redirect_refusal(response: Response, endpoint: str) -> str:
    """Why a token-type request to ``endpoint`` stopped at the redirect ``response``."""
    location = header_of(response, "Location")
    target = ""
    if location:
        parts = urlsplit(urljoin(endpoint, location))
        if parts.scheme and parts.netloc:
            target = f" to {parts.scheme}://{parts.netloc}"
    return (
        f"endpoint {without_query(endpoint)} answered HTTP {response.status_code} "
        f"(a redirect{target}); token-type requests carry credentials and are never "
        f"redirected, so nothing was sent there: configure the endpoint's final URL"
    )


def without_query(url: str | None) -> str:
    """``url`` without its query and fragment, which may carry credentials."""
    return (url or "").split("?", 1)[0].split("#", 1)[0]


def without_redirects(
    send: Callable[..., requests.Response],
    endpoint: str,
    *args: Any,
    refused: RedirectRefused | None = None,
    **kwargs: Any,
) -> requests.Response:
    """``send(*args, **kwargs)`` for a token-type request to ``endpoint``, never redirected.

    The body of such a request carries credentials (client secret, code, verifier, refresh
    token, password); RFC 6749 defines no redirects for these endpoints, so a 3xx answer is
    not followed but raises ``refused(response, endpoint)``: by default
    ``TokenEndpointRedirectError``, an ``OAuth2Error``.
    """
    kwargs["allow_redirects"] = False
    response = send(*args, **kwargs)
    if redirect_status(response) is None:
        return response
    response.close()
    if refused is None:
        from .errors import TokenEndpointRedirectError

        refused = TokenEndpointRedirectError
    raise refused(response, endpoint)
