"""Test suites written for requests-oauthlib keep working.

requests-oauthlib's own tests (and many users' suites copied from them) replace
``session.send`` with a function returning ``unittest.mock.MagicMock()`` whose ``text`` is set
and whose ``status_code`` is left unset, or ``Mock(spec=requests.Response)``, which has no
``status_code``, ``headers``, ``url`` or ``reason`` at all. requests-oauthlib read only
``.text`` of a token answer; the runtime must not need more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import requests
from oauthlib.oauth2 import (
    BackendApplicationClient,
    InvalidGrantError,
    LegacyApplicationClient,
    OAuth2Error,
)

from generated.google import Google
from generated.twitter import Twitter
from runtime import OAuth1Session, OAuth2Session, TokenUpdated
from runtime.errors import TokenResponseParseError

TOKEN_URL = "https://auth.example/token"
API = "https://api.example/me"
TOKEN = {"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt"}
EXPIRED = {"access_token": "old", "token_type": "Bearer", "expires_in": -1, "refresh_token": "rt"}
OAUTH1_ANSWERS = (
    "oauth_token=rt&oauth_token_secret=rts&oauth_callback_confirmed=true",
    "oauth_token=at&oauth_token_secret=ats",
)

Answer = Callable[[str], Any]


def magic(text: str) -> Any:
    """requests-oauthlib's style: a bare MagicMock with only ``text`` set."""
    response = mock.MagicMock()
    response.text = text
    return response


def spec_mock(text: str) -> Any:
    """``Mock(spec=requests.Response)``: no status_code, headers, url or reason."""
    response = mock.Mock(spec=requests.Response)
    response.text = text
    return response


STYLES = pytest.mark.parametrize("answer", [magic, spec_mock], ids=["MagicMock", "spec-Mock"])


class FakeSend:
    """Stands in for ``session.send``: records requests, answers ``text`` in the given style."""

    def __init__(self, answer: Answer, *texts: str) -> None:
        self.answer = answer
        self.texts = list(texts)
        self.sent: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        self.sent.append(request)
        text = self.texts.pop(0) if len(self.texts) > 1 else self.texts[0]
        return self.answer(text)


def install(session: requests.Session, answer: Answer, *bodies: object) -> FakeSend:
    texts = [body if isinstance(body, str) else json.dumps(body) for body in bodies]
    fake = FakeSend(answer, *texts)
    session.send = fake  # type: ignore[method-assign]
    return fake


# -- OAuth2Session ------------------------------------------------------------------------


@STYLES
def test_fetch_token_authorization_code(answer: Answer) -> None:
    session = OAuth2Session("cid", redirect_uri="https://app.example/cb")
    install(session, answer, TOKEN)
    token = session.fetch_token(TOKEN_URL, code="the-code", client_secret="s")
    assert token["access_token"] == "at"
    assert session.authorized


@STYLES
def test_fetch_token_password_grant(answer: Answer) -> None:
    session = OAuth2Session(client=LegacyApplicationClient("cid"))
    fake = install(session, answer, TOKEN)
    token = session.fetch_token(TOKEN_URL, username="u", password="p")
    assert token["access_token"] == "at"
    assert "grant_type=password" in str(fake.sent[0].body)


@STYLES
def test_fetch_token_client_credentials(answer: Answer) -> None:
    session = OAuth2Session(client=BackendApplicationClient("cid"))
    install(session, answer, TOKEN)
    assert session.fetch_token(TOKEN_URL, client_secret="s")["access_token"] == "at"


@STYLES
def test_error_body_without_status_is_the_matching_oauthlib_error(answer: Answer) -> None:
    session = OAuth2Session("cid")
    install(session, answer, {"error": "invalid_grant", "error_description": "expired code"})
    with pytest.raises(InvalidGrantError) as caught:
        session.fetch_token(TOKEN_URL, code="c")
    assert caught.value.status_code == InvalidGrantError.status_code  # oauthlib's default
    assert "expired code" in str(caught.value)
    assert not session.authorized


@STYLES
def test_unreadable_body_without_status_is_a_parse_error(answer: Answer) -> None:
    session = OAuth2Session("cid")
    install(session, answer, "<html>oops</html>")
    with pytest.raises(TokenResponseParseError) as caught:
        session.fetch_token(TOKEN_URL, code="c")
    assert TOKEN_URL not in str(caught.value)  # the mock has no URL: nothing made up
    assert "no content type" in str(caught.value)


@STYLES
def test_explicit_refresh_token(answer: Answer) -> None:
    session = OAuth2Session("cid", token=dict(TOKEN))
    fake = install(session, answer, dict(TOKEN, access_token="new", refresh_token="rt2"))
    token = session.refresh_token(TOKEN_URL)
    assert token["access_token"] == "new"
    assert "refresh_token=rt" in str(fake.sent[0].body)


@STYLES
def test_auto_refresh_with_updater(answer: Answer) -> None:
    updates: list[dict[str, Any]] = []
    session = OAuth2Session(
        "cid", token=dict(EXPIRED), auto_refresh_url=TOKEN_URL, token_updater=updates.append
    )
    fake = install(session, answer, dict(TOKEN, access_token="new"), {"ok": True})
    response = session.get(API)
    assert json.loads(response.text) == {"ok": True}
    assert [update["access_token"] for update in updates] == ["new"]
    assert fake.sent[-1].headers["Authorization"] == "Bearer new"


@STYLES
def test_auto_refresh_without_updater_raises_token_updated(answer: Answer) -> None:
    session = OAuth2Session("cid", token=dict(EXPIRED), auto_refresh_url=TOKEN_URL)
    install(session, answer, dict(TOKEN, access_token="new"))
    with pytest.raises(TokenUpdated) as caught:
        session.get(API)
    assert caught.value.token["access_token"] == "new"


@STYLES
def test_api_call_answered_by_a_mock(answer: Answer) -> None:
    session = OAuth2Session("cid", token=dict(TOKEN), token_updater=lambda token: None,
                            auto_refresh_url=TOKEN_URL)
    fake = install(session, answer, "{}")
    session.get(API)
    assert len(fake.sent) == 1  # no 401 read from a mock, so no retry


@STYLES
def test_revoke_token(answer: Answer) -> None:
    session = OAuth2Session("cid", token=dict(TOKEN))
    fake = install(session, answer, "")
    session.revoke_token("https://auth.example/revoke")
    assert "token=rt" in str(fake.sent[0].body)


# -- OAuth1Session ------------------------------------------------------------------------


@STYLES
def test_oauth1_request_and_access_token(answer: Answer) -> None:
    session = OAuth1Session("ck", client_secret="cs", callback_uri="https://app.example/cb")
    install(session, answer, *OAUTH1_ANSWERS)
    assert session.fetch_request_token("https://auth.example/request")["oauth_token"] == "rt"
    session.parse_authorization_response("https://app.example/cb?oauth_token=rt&oauth_verifier=v")
    assert session.fetch_access_token("https://auth.example/access")["oauth_token"] == "at"


@STYLES
def test_oauth1_unreadable_body(answer: Answer) -> None:
    session = OAuth1Session("ck", client_secret="cs")
    install(session, answer, "<html>")
    with pytest.raises(ValueError, match="Unable to decode the token response"):
        session.fetch_request_token("https://auth.example/request")


# -- generated clients --------------------------------------------------------------------


@STYLES
def test_generated_fetch_token_and_refresh(answer: Answer) -> None:
    google = Google(client_id="cid", client_secret="s", redirect_uri="https://app.example/cb")
    install(
        google.session,
        answer,
        dict(TOKEN, scope="email"),
        dict(TOKEN, access_token="second", scope="email"),
    )
    assert google.fetch_token(code="the-code")["access_token"] == "at"
    assert google.refresh()["access_token"] == "second"


@STYLES
def test_generated_auto_refresh(answer: Answer) -> None:
    updates: list[Any] = []
    expired: Any = {**EXPIRED, "expires_at": 1.0}
    google = Google(client_id="cid", client_secret="s", token=expired, token_updater=updates.append)
    fake = install(google.session, answer, dict(TOKEN, access_token="new"), "{}")
    google.session.get("https://www.googleapis.com/drive/v3/files")
    assert fake.sent[-1].headers["Authorization"] == "Bearer new"
    assert [update["access_token"] for update in updates] == ["new"]


@STYLES
@pytest.mark.parametrize(
    ("body", "expected"),
    [({"error": "invalid_grant"}, InvalidGrantError), ("<html>", TokenResponseParseError)],
)
def test_generated_failed_exchange(
    answer: Answer, body: object, expected: type[OAuth2Error]
) -> None:
    google = Google(client_id="cid", client_secret="s", redirect_uri="https://app.example/cb")
    install(google.session, answer, body)
    with pytest.raises(expected):
        google.fetch_token(code="the-code")


@STYLES
def test_generated_oauth1_tokens(answer: Answer) -> None:
    twitter = Twitter(client_key="ck", client_secret="cs", callback_uri="https://app.example/cb")
    install(twitter.session, answer, *OAUTH1_ANSWERS)
    assert twitter.fetch_request_token()["oauth_token"] == "rt"
    token = twitter.fetch_access_token(
        authorization_response="https://app.example/cb?oauth_token=rt&oauth_verifier=v"
    )
    assert token["oauth_token"] == "at"
