"""The authorization response (callback) an ``OAuth2Session`` accepts: RFC 9207 issuer checks,
state however it is spelt, parameters given once, a code exchanged once.

Every refusal happens before the token request: the mocked token endpoint must not be called.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests_mock
from oauthlib.oauth2 import (
    InvalidGrantError,
    MismatchingStateError,
    MobileApplicationClient,
    OAuth2Error,
)

from runtime.discovery import DiscoveryError, ServerMetadata
from runtime.errors import (
    CallbackError,
    CallbackReusedError,
    IssuerMismatchError,
    RepeatedParameterError,
)
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
    refused(mocker, session, callback, RepeatedParameterError, match="'iss' more than once")


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


# -- state, repeated parameters, one exchange ------------------------------------------------


@pytest.mark.parametrize("spelling", ["%73tate", "st%61te", "%73%74%61%74%65"])
def test_percent_encoded_state_without_a_session_state_is_refused(
    mocker: requests_mock.Mocker, spelling: str
) -> None:
    """The name decodes to ``state`` (and oauthlib reads it so): it must be checked."""
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    refused(mocker, session, f"{REDIRECT}?code=c&{spelling}=forged", MismatchingStateError)


def test_names_merely_containing_state_are_not_a_state(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    session.fetch_token(TOKEN_URL, authorization_response=f"{REDIRECT}?code=c&session_state=x")
    assert mocker.call_count == 1


def test_state_in_the_fragment_of_a_code_response_is_not_read(
    mocker: requests_mock.Mocker,
) -> None:
    """oauthlib reads a code response's query; the checks read the same part."""
    session = OAuth2Session("cid", redirect_uri=REDIRECT, state="s1")
    refused(mocker, session, f"{REDIRECT}?code=c#state=s1", MismatchingStateError)


@pytest.mark.parametrize(
    "query",
    [
        "code=c&state=s1&state=s1",
        "code=c&state=s1&state=forged",
        "code=c&state=forged&%73tate=s1",
        "code=c&code=c2&state=s1",
        "code=c&state=s1&error=access_denied&error=x",
    ],
)
def test_repeated_parameters_are_refused(mocker: requests_mock.Mocker, query: str) -> None:
    session = session_for(None)
    error = refused(mocker, session, f"{REDIRECT}?{query}", RepeatedParameterError)
    # Code written for requests-oauthlib catches MismatchingStateError around the callback.
    assert isinstance(error, MismatchingStateError) and isinstance(error, CallbackError)
    assert "more than once" in str(error)


def test_repeated_parameters_are_refused_in_the_implicit_fragment() -> None:
    session = OAuth2Session(client=MobileApplicationClient("cid"), state="s1")
    with pytest.raises(RepeatedParameterError, match="'access_token'"):
        session.token_from_fragment(
            f"{REDIRECT}#access_token=a&access_token=b&token_type=Bearer&state=s1"
        )
    assert not session.authorized


def test_app_parameters_may_repeat(mocker: requests_mock.Mocker) -> None:
    session = session_for(None)
    session.fetch_token(TOKEN_URL, authorization_response=f"{REDIRECT}?tab=a&tab=b&code=c&state=s1")
    assert mocker.call_count == 1


def test_an_authorization_response_is_exchanged_once(mocker: requests_mock.Mocker) -> None:
    session = session_for(None)
    callback = f"{REDIRECT}?code=c&state=s1"
    session.fetch_token(TOKEN_URL, authorization_response=callback)
    assert mocker.call_count == 1
    with pytest.raises(CallbackReusedError, match="already exchanged") as info:
        session.fetch_token(TOKEN_URL, authorization_response=callback)
    assert isinstance(info.value, InvalidGrantError)  # what the server says to a reused code
    with pytest.raises(CallbackReusedError):
        session.fetch_token(TOKEN_URL)  # the parsed code kept on the client is the same code
    assert mocker.call_count == 1
    assert "'c'" not in str(info.value)


def test_a_failed_exchange_spends_the_code_too(mocker: requests_mock.Mocker) -> None:
    """The code reached the server; sending it again would be a replay."""
    mocker.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    session = session_for(None)
    callback = f"{REDIRECT}?code=c&state=s1"
    with pytest.raises(InvalidGrantError):
        session.fetch_token(TOKEN_URL, authorization_response=callback)
    with pytest.raises(CallbackReusedError):
        session.fetch_token(TOKEN_URL, authorization_response=callback)
    assert mocker.call_count == 1


def test_a_new_authorization_gives_a_new_exchange(mocker: requests_mock.Mocker) -> None:
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    for code in ("c1", "c2"):
        _, state = session.authorization_url(AUTH_URL)
        session.fetch_token(
            TOKEN_URL, authorization_response=f"{REDIRECT}?code={code}&state={state}"
        )
    assert mocker.call_count == 2


def test_an_explicit_code_is_sent_as_asked(mocker: requests_mock.Mocker) -> None:
    """``code=`` given directly is the caller's decision (requests-oauthlib sends it each time)."""
    session = OAuth2Session("cid", redirect_uri=REDIRECT)
    session.fetch_token(TOKEN_URL, code="c")
    session.fetch_token(TOKEN_URL, code="c")
    assert mocker.call_count == 2
