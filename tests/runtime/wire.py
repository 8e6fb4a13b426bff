"""What the mocked provider received: shared by the requests-oauthlib compatibility tests."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import requests_mock
from requests_mock.request import _RequestObjectProxy as SentRequest

from tests.support.http import form_values, query_values, single_valued

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


def query_of(url: str) -> dict[str, str]:
    return query_values(url)


def sent_form(request: SentRequest) -> dict[str, str]:
    """The form body of a token request (which must be form-encoded)."""
    assert request.headers["Content-Type"].startswith(FORM)
    return form_values(request.text)


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
