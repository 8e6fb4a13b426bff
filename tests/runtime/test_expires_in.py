"""One rule for ``expires_in`` (``runtime._lifecycle.lifetime``), in OAuth2Session and in the
generated clients' token parsing: numbers and decimal strings rounded down to whole seconds,
0 = unknown lifetime, negative = expired, huge capped, garbage a typed error naming the field.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import TokenExpiredError

from generated.google import Google
from runtime import OAuth2Session
from runtime._lifecycle import MAX_LIFETIME, LifetimeError, lifetime
from runtime.errors import TokenResponseParseError

TOKEN_URL = "https://auth.example/token"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
API = "https://api.example/me"
NOW = 1_700_000_000

def short(value: object) -> str:
    return repr(value)[:24]


VALID = [
    (3600, 3600),
    (3600.9, 3600),
    ("3600", 3600),
    ("3600.5", 3600),
    (" 42 ", 42),
    (0.4, 1),  # a positive lifetime never reads as 0 (unknown)
    (-0.5, -1),
    (-1, -1),
    ("-1", -1),
    (10**12, MAX_LIFETIME),
    (10**400, MAX_LIFETIME),
    ("9" * 400, MAX_LIFETIME),
    (1e300, MAX_LIFETIME),
    (-(10**12), -MAX_LIFETIME),
]
UNKNOWN = [0, 0.0, "0", "0.0", None, ""]
GARBAGE = ["soon", [], {}, True, False, "nan", "inf", "Infinity", "1e3", "3_600", float("nan"),
           float("inf"), "0x10"]


@pytest.mark.parametrize(("value", "seconds"), VALID, ids=short)
def test_lifetime_rule(value: object, seconds: int) -> None:
    assert lifetime(value) == seconds


@pytest.mark.parametrize("value", UNKNOWN)
def test_zero_or_absent_is_an_unknown_lifetime(value: object) -> None:
    assert lifetime(value) is None


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_garbage_names_the_field(value: object) -> None:
    with pytest.raises(LifetimeError) as caught:
        lifetime(value, "expires")
    assert caught.value.field == "expires"
    assert "'expires'" in str(caught.value)


def test_milliseconds() -> None:
    assert lifetime(7500, per_second=1000) == 7


# -- OAuth2Session --------------------------------------------------------------------------


def session_fetch(expires_in: object) -> OAuth2Session:
    session = OAuth2Session("cid", clock=lambda: float(NOW))
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer",
                                "expires_in": expires_in})
        session.fetch_token(TOKEN_URL, code="c")
    return session


@pytest.mark.parametrize(("value", "seconds"), VALID, ids=short)
def test_session_applies_the_rule(value: object, seconds: int) -> None:
    token = session_fetch(value).token
    assert token["expires_in"] == seconds
    assert token["expires_at"] == NOW + seconds


@pytest.mark.parametrize("value", [0, "0", None])
def test_session_zero_means_no_expiry(value: object) -> None:
    session = session_fetch(value)
    assert "expires_in" not in session.token and "expires_at" not in session.token
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        session.get(API)  # neither expired nor renewed
        assert m.call_count == 1


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_session_garbage_is_a_typed_parse_error(value: object) -> None:
    session = OAuth2Session("cid")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "secret-at", "expires_in": value})
        with pytest.raises(TokenResponseParseError) as caught:
            session.fetch_token(TOKEN_URL, code="c")
    assert isinstance(caught.value, ValueError)  # what oauthlib raised, for old except clauses
    assert caught.value.field == "expires_in"
    assert "expires_in" in str(caught.value) and "secret-at" not in str(caught.value)
    assert not session.authorized


def test_session_form_encoded_float_string() -> None:
    session = OAuth2Session("cid", clock=lambda: float(NOW))
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, text="access_token=at&token_type=bearer&expires_in=60.5")
        token = session.fetch_token(TOKEN_URL, code="c")
    assert token["expires_in"] == 60 and token["expires_at"] == NOW + 60


def test_assigned_token_follows_the_rule() -> None:
    session = OAuth2Session("cid")
    session.token = {"access_token": "at", "token_type": "Bearer", "expires_in": "3600.5"}
    assert session.access_token == "at"
    session.token = {"access_token": "at", "token_type": "Bearer", "expires_in": "-1"}
    with pytest.raises(TokenExpiredError):
        session.get(API)


# -- generated clients ----------------------------------------------------------------------


def google_fetch(expires_in: object) -> dict[str, Any]:
    google = Google(client_id="cid", client_secret="s", redirect_uri="https://app.example/cb")
    with requests_mock.Mocker() as m:
        m.post(GOOGLE_TOKEN_URL, json={"access_token": "at", "token_type": "Bearer",
                                       "expires_in": expires_in})
        return dict(google.fetch_token(code="c"))


@pytest.mark.parametrize(("value", "seconds"), VALID, ids=short)
def test_generated_client_applies_the_rule(value: object, seconds: int) -> None:
    before = round(time.time())
    token = google_fetch(value)
    assert token["expires_in"] == seconds
    assert before + seconds <= token["expires_at"] <= round(time.time()) + seconds


@pytest.mark.parametrize("value", [0, "0"])
def test_generated_client_zero_means_no_expiry(value: object) -> None:
    token = google_fetch(value)
    assert "expires_in" not in token and "expires_at" not in token


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_generated_client_garbage_is_a_typed_parse_error(value: object) -> None:
    with pytest.raises(TokenResponseParseError) as caught:
        google_fetch(value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == "expires_in"
