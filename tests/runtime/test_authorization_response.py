"""The authorization response (callback) an ``OAuth2Session`` accepts: RFC 9207 issuer checks.

Every refusal happens before the token request: the mocked token endpoint must not be called.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests_mock
from oauthlib.oauth2 import MobileApplicationClient, OAuth2Error

from runtime.discovery import DiscoveryError, ServerMetadata
from runtime.errors import CallbackError, IssuerMismatchError
from runtime.oauth2_session import OAuth2Session

ISSUER = "https://id.example"
TOKEN_URL = f"{ISSUER}/token"
AUTH_URL = f"{ISSUER}/authorize"
REDIRECT = "https://app.example/callback"
TOKEN = {"access_token": "at", "token_type": "Bearer", "expires_in": 3600}


def metadata(**extra: Any) -> ServerMetadata:
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": AUTH_URL,
        "token_endpoint": TOKEN_URL,
        **extra,
    }
    return ServerMetadata.from_document(document, expected_issuer=ISSUER)


ADVERTISED = {"authorization_response_iss_parameter_supported": True}


@pytest.fixture
def mocker() -> Any:
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json=TOKEN)
        yield m


def session_for(meta: ServerMetadata | None) -> OAuth2Session:
    return OAuth2Session("cid", redirect_uri=REDIRECT, state="s1", metadata=meta)


def refused(
    mocker: requests_mock.Mocker,
    session: OAuth2Session,
    callback: str,
    error: type[Exception] = IssuerMismatchError,
    match: str | None = None,
) -> Exception:
    """The error ``fetch_token(authorization_response=callback)`` raises; nothing was sent."""
    with pytest.raises(error, match=match) as info:
        session.fetch_token(TOKEN_URL, authorization_response=callback)
    assert not mocker.called, "the token endpoint was called"
    assert not session.authorized
    return info.value


# -- RFC 9207 --------------------------------------------------------------------------------


def test_metadata_reads_the_iss_parameter_flag() -> None:
    assert metadata(**ADVERTISED).authorization_response_iss_parameter_supported is True
    assert metadata().authorization_response_iss_parameter_supported is False
    with pytest.raises(DiscoveryError, match="must be a JSON boolean"):
        metadata(authorization_response_iss_parameter_supported="yes")


def test_advertised_iss_missing_is_refused(mocker: requests_mock.Mocker) -> None:
    session = session_for(metadata(**ADVERTISED))
    error = refused(mocker, session, f"{REDIRECT}?code=c&state=s1", match="has no 'iss'")
    assert isinstance(error, CallbackError) and isinstance(error, OAuth2Error)


@pytest.mark.parametrize(
    "iss",
    [
        "https://evil.example",
        f"{ISSUER}/",  # exact string comparison (RFC 9207 §2.4): no normalisation
        "HTTPS://ID.EXAMPLE",
        "",
    ],
)
@pytest.mark.parametrize("advertised", [True, False])
def test_wrong_iss_is_refused(mocker: requests_mock.Mocker, iss: str, advertised: bool) -> None:
    session = session_for(metadata(**(ADVERTISED if advertised else {})))
    callback = f"{REDIRECT}?code=c&state=s1&iss={quote(iss, safe='')}"
    refused(mocker, session, callback, match=r"not from 'https://id\.example'")


def test_right_iss_is_accepted(mocker: requests_mock.Mocker) -> None:
    session = session_for(metadata(**ADVERTISED))
    token = session.fetch_token(
        authorization_response=f"{REDIRECT}?code=c&state=s1&iss=https%3A%2F%2Fid.example"
    )
    assert token["access_token"] == "at"
    assert mocker.call_count == 1


def test_not_advertised_and_absent_is_accepted(mocker: requests_mock.Mocker) -> None:
    session = session_for(metadata())
    session.fetch_token(authorization_response=f"{REDIRECT}?code=c&state=s1")
    assert mocker.call_count == 1


def test_without_a_known_issuer_iss_is_not_checked(mocker: requests_mock.Mocker) -> None:
    session = session_for(None)
    session.fetch_token(
        TOKEN_URL, authorization_response=f"{REDIRECT}?code=c&state=s1&iss=https://other.example"
    )
    assert mocker.call_count == 1


def test_iss_given_twice_is_refused(mocker: requests_mock.Mocker) -> None:
    session = session_for(metadata(**ADVERTISED))
    callback = f"{REDIRECT}?code=c&state=s1&iss={ISSUER}&iss=https://evil.example"
    refused(mocker, session, callback, match="'iss' twice")


def test_error_message_bounds_the_received_issuer(mocker: requests_mock.Mocker) -> None:
    session = session_for(metadata(**ADVERTISED))
    error = refused(mocker, session, f"{REDIRECT}?code=c&state=s1&iss={'x' * 5000}")
    assert len(str(error)) < 400


def test_implicit_grant_reads_iss_from_the_fragment() -> None:
    session = OAuth2Session(
        client=MobileApplicationClient("cid"), state="s1", metadata=metadata(**ADVERTISED)
    )
    fragment = "access_token=a&token_type=Bearer&state=s1"
    with pytest.raises(IssuerMismatchError):
        session.token_from_fragment(f"{REDIRECT}?iss={ISSUER}#{fragment}")
    assert not session.authorized
    token = session.token_from_fragment(f"{REDIRECT}#{fragment}&iss={ISSUER}")
    assert token["access_token"] == "a"
