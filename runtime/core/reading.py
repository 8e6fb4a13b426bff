"""Reading an HTTP answer without assuming more than requests-oauthlib did.

Test suites written for requests-oauthlib replace ``session.send`` with a function that
returns ``unittest.mock.MagicMock()`` with only ``text`` set, or
``unittest.mock.Mock(spec=requests.Response)`` (which has no ``status_code``, ``headers``,
``url`` or ``reason``: requests sets those in ``__init__``). requests-oauthlib read only
``.text`` of a token answer, so the runtime reads everything else through these helpers: a
value of the wrong type (a ``MagicMock`` attribute) or a missing attribute counts as absent,
and the body decides before the status does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._redact import escaped_server_text


def status_of(response: object) -> int | None:
    """The HTTP status when the answer has a real one (an ``int``), else None."""
    status = getattr(response, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool):
        return status
    return None


def is_error_status(response: object) -> bool:
    """True only for a real HTTP status outside 2xx; an unknown status is not an error."""
    status = status_of(response)
    return status is not None and not 200 <= status < 300


def text_of(response: object) -> str:
    """The body as text (``response.text``); an answer without a text body reads as ``""``."""
    text = getattr(response, "text", None)
    return text if isinstance(text, str) else ""


def header_of(response: object, name: str) -> str | None:
    """The value of header ``name`` (any case), or None when it (or the header mapping) is
    absent. requests and httpx match names in any case themselves; a plain dict does not."""
    headers = getattr(response, "headers", None)
    if not isinstance(headers, Mapping):
        return None
    value: Any = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if str(k).lower() == wanted), None)
    return value if isinstance(value, str) else None


def rejects_token(response: object) -> bool:
    """Whether an API answer refuses the access token it was sent with: a 401, or any
    answer whose ``WWW-Authenticate`` says ``invalid_token`` (RFC 6750 §3.1)."""
    if status_of(response) == 401:
        return True
    return 'error="invalid_token"' in (header_of(response, "WWW-Authenticate") or "")


def url_of(response: object) -> str:
    """The answer's URL without its query (which may carry credentials); ``""`` if unknown."""
    url = getattr(response, "url", None)
    return url.split("?", 1)[0] if isinstance(url, str) else ""


def reason_of(response: object) -> str:
    """The server's reason phrase (``Not Found``), escaped and bounded; ``""`` if unknown."""
    reason = getattr(response, "reason", None)
    return escaped_server_text(reason, 100) if isinstance(reason, str) else ""


def describe(response: object) -> str:
    """``HTTP 500 Internal Server Error, text/html, 12 bytes``: the facts an error message
    may show (never the body, which can echo credentials); unknown facts are left out, the
    server's reason phrase and content type escaped and bounded."""
    status = status_of(response)
    parts = []
    if status is not None:
        reason = reason_of(response)
        parts.append(f"HTTP {status} {reason}" if reason else f"HTTP {status}")
    content_type = header_of(response, "Content-Type")
    parts.append(escaped_server_text(content_type, 100) if content_type else "no content type")
    content = getattr(response, "content", None)
    if isinstance(content, bytes):
        parts.append(f"{len(content)} bytes")
    return ", ".join(parts)
