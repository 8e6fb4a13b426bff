"""What the mocked provider received: shared by the requests-oauthlib compatibility tests."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import requests_mock
from requests_mock.request import _RequestObjectProxy as SentRequest

__all__ = [
    "FORM",
    "SentRequest",
    "authorization_header",
    "basic_credentials",
    "query_of",
    "requests_to",
    "sent_form",
    "single_valued",
]

FORM = "application/x-www-form-urlencoded"


def single_valued(query: str) -> dict[str, str]:
    """A query string or form body as a dict, failing on repeated parameters."""
    parsed = parse_qs(query, keep_blank_values=True)
    repeated = {key: values for key, values in parsed.items() if len(values) > 1}
    assert not repeated, f"parameters sent more than once: {sorted(repeated)}"
    return {key: values[0] for key, values in parsed.items()}


def query_of(url: str) -> dict[str, str]:
    return single_valued(urlsplit(url).query)


def sent_form(request: SentRequest) -> dict[str, str]:
    """The form body of a token request (which must be form-encoded)."""
    assert request.headers["Content-Type"].startswith(FORM)
    return single_valued(request.text or "")


def basic_credentials(request: SentRequest) -> tuple[str, str] | None:
    """The ``(user, password)`` of an ``Authorization: Basic`` header, else None."""
    header: str | None = request.headers.get("Authorization")
    if header is None or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def authorization_header(request: SentRequest) -> str | None:
    header: str | None = request.headers.get("Authorization")
    return header


def requests_to(http: requests_mock.Mocker, url: str) -> list[SentRequest]:
    """Every request sent to ``url`` (scheme, host and path; query and fragment ignored)."""
    wanted = urlsplit(url)
    return [
        request
        for request in http.request_history
        if (request.scheme, request.netloc, request.path)
        == (wanted.scheme, wanted.netloc, wanted.path)
    ]
