"""Compliance fixes driven through a real ``OAuth2Session`` against requests-mock.

Each test checks the token the session ends up with, or the request it actually sent, and most
also show what the same exchange gives without the fix, so a missing or broken fix fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from oauthlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    MissingTokenError,
    MissingTokenTypeError,
)
from requests_oauthlib import OAuth2Session as UpstreamOAuth2Session
from requests_oauthlib.compliance_fixes.douban import (
    douban_compliance_fix as upstream_douban_compliance_fix,
)

from runtime.compliance_fixes import (
    douban_compliance_fix,
    ebay_compliance_fix,
    facebook_compliance_fix,
    fitbit_compliance_fix,
    instagram_compliance_fix,
    linkedin_compliance_fix,
    mailchimp_compliance_fix,
    plentymarkets_compliance_fix,
    slack_compliance_fix,
    weibo_compliance_fix,
)
from runtime.compliance_fixes._rewrite import decode_token_body, rewrite_token_response
from runtime.compliance_fixes.plentymarkets import camel_to_snake
from runtime.errors import TokenEndpointError
from runtime.oauth2_session import OAuth2Session

TOKEN_URL = "https://provider.example/oauth/token"
API_URL = "https://api.provider.example/v1/me"
REDIRECT_URI = "https://app.example/callback"
JSON = {"Content-Type": "application/json"}

Fix = Callable[[OAuth2Session], OAuth2Session]


@pytest.fixture
def mock() -> Iterator[rm.Mocker]:
    with rm.Mocker() as mocker:
        yield mocker


def new_session(fix: Fix | None = None, **kwargs: Any) -> OAuth2Session:
    session = OAuth2Session("client-id", redirect_uri=REDIRECT_URI, **kwargs)
    if fix is None:
        return session
    fixed = fix(session)
    assert fixed is session
    return fixed


def authorized_session(
    fix: Fix | None = None, access_token: str = "at-123", **extra: Any
) -> OAuth2Session:
    token = {"access_token": access_token, "token_type": "Bearer", **extra}
    return new_session(fix, token=token)


def record_responses(session: OAuth2Session, hook_type: Any) -> list[requests.Response]:
    """Register a hook (after any fix) that keeps the response the session will parse."""
    seen: list[requests.Response] = []

    def _record(response: requests.Response) -> requests.Response:
        seen.append(response)
        return response

    session.register_compliance_hook(hook_type, _record)
    return seen


def sent(mock: rm.Mocker) -> rm.Request:
    """The last request the session actually sent."""
    request = mock.last_request
    assert request is not None, "no request was sent"
    return request


def sent_query(mock: rm.Mocker) -> dict[str, list[str]]:
    return parse_qs(urlsplit(sent(mock).url).query)


def sent_form(mock: rm.Mocker) -> dict[str, list[str]]:
    body = sent(mock).body
    if body is None:
        return {}
    text = body.decode() if isinstance(body, bytes) else str(body)
    return parse_qs(text, keep_blank_values=True)


# -- facebook ------------------------------------------------------------------------------


def test_facebook_form_encoded_text_plain_token(mock: rm.Mocker) -> None:
    mock.post(
        TOKEN_URL,
        text="access_token=fb-token&expires=5183999",
        headers={"Content-Type": "text/plain; charset=UTF-8"},
    )
    session = new_session(facebook_compliance_fix)
    seen = record_responses(session, "access_token_response")

    token = session.fetch_token(TOKEN_URL, code="the-code")

    assert token["access_token"] == "fb-token"
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 5183999
    assert "expires_at" in token
    # The rewritten response is consistent JSON all the way through.
    (response,) = seen
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.encoding == "utf-8"
    assert response.json() == json.loads(response.text)
    assert response.json()["expires_in"] == "5183999"

    # Without the fix the lifetime is lost: Facebook's ``expires`` is not an RFC 6749 name.
    unfixed = new_session().fetch_token(TOKEN_URL, code="the-code")
    assert unfixed["access_token"] == "fb-token"
    assert "expires_in" not in unfixed
    assert "expires_at" not in unfixed
    assert "token_type" not in unfixed


def test_facebook_json_answer_passes_through_untouched(mock: rm.Mocker) -> None:
    body = b'{"access_token": "fb-json", "token_type": "bearer", "expires": 60}'
    mock.post(TOKEN_URL, content=body, headers=JSON)
    session = new_session(facebook_compliance_fix)
    seen = record_responses(session, "access_token_response")

    token = session.fetch_token(TOKEN_URL, code="the-code")

    assert seen[0].content == body
    assert seen[0].headers["Content-Type"] == "application/json"
    assert token["token_type"] == "bearer"
    assert "expires_in" not in token


def test_facebook_non_200_text_plain_is_not_rewritten(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, status_code=500, text="oops=1", headers={"Content-Type": "text/plain"})
    session = new_session(facebook_compliance_fix)
    seen = record_responses(session, "access_token_response")

    with pytest.raises(TokenEndpointError):
        session.fetch_token(TOKEN_URL, code="the-code")
    assert seen[0].text == "oops=1"


# -- fitbit --------------------------------------------------------------------------------

FITBIT_ERROR = {
    "errors": [{"errorType": "invalid_grant", "message": "Authorization code invalid"}],
    "success": False,
}


def test_fitbit_error_list_raises_invalid_grant_on_fetch(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, status_code=400, json=FITBIT_ERROR, headers=JSON)

    with pytest.raises(InvalidGrantError) as raised:
        new_session(fitbit_compliance_fix).fetch_token(TOKEN_URL, code="the-code")
    assert raised.value.description == "Authorization code invalid"
    assert raised.value.status_code == 400

    # Without the fix the session cannot tell which OAuth error this is.
    with pytest.raises(TokenEndpointError) as unfixed:
        new_session().fetch_token(TOKEN_URL, code="the-code")
    assert not isinstance(unfixed.value, InvalidGrantError)


def test_fitbit_error_list_raises_invalid_grant_on_refresh(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, status_code=401, json=FITBIT_ERROR, headers=JSON)
    session = authorized_session(fitbit_compliance_fix, refresh_token="rt-1")

    with pytest.raises(InvalidGrantError):
        session.refresh_token(TOKEN_URL)
    assert session.access_token == "at-123"  # a failed refresh keeps the old token

    with pytest.raises(TokenEndpointError) as unfixed:
        authorized_session(refresh_token="rt-1").refresh_token(TOKEN_URL)
    assert not isinstance(unfixed.value, InvalidGrantError)


def test_fitbit_success_and_non_json_bodies_pass_through(mock: rm.Mocker) -> None:
    body = b'{"access_token": "fb-ok", "token_type": "Bearer", "user_id": "ABC"}'
    mock.post(TOKEN_URL, content=body, headers=JSON)
    session = new_session(fitbit_compliance_fix)
    seen = record_responses(session, "access_token_response")
    assert session.fetch_token(TOKEN_URL, code="c")["user_id"] == "ABC"
    assert seen[0].content == body

    # An HTML error page is not JSON: the fix must not crash on it (upstream raises
    # JSONDecodeError); the session reports the HTTP error.
    mock.post(TOKEN_URL, status_code=502, text="<html>Bad gateway</html>")
    with pytest.raises(TokenEndpointError):
        new_session(fitbit_compliance_fix).fetch_token(TOKEN_URL, code="c")


# -- slack ---------------------------------------------------------------------------------


def test_slack_get_without_token_param_gets_form_body(mock: rm.Mocker) -> None:
    mock.get(API_URL, json={"ok": True})

    authorized_session(slack_compliance_fix, "xoxp-1").get(API_URL)

    assert sent_form(mock) == {"token": ["xoxp-1"]}
    assert sent(mock).headers["Authorization"] == "Bearer xoxp-1"

    authorized_session(access_token="xoxp-1").get(API_URL)
    assert sent(mock).body is None  # no fix, no token parameter


def test_slack_get_with_token_in_query_is_left_alone(mock: rm.Mocker) -> None:
    mock.get(API_URL, json={"ok": True})

    authorized_session(slack_compliance_fix, "xoxp-1").get(API_URL + "?token=xoxb-other")

    assert sent_query(mock) == {"token": ["xoxb-other"]}
    assert sent(mock).body is None


def test_slack_post_adds_token_to_data_dict_without_mutating_it(mock: rm.Mocker) -> None:
    mock.post(API_URL, json={"ok": True})
    payload = {"channel": "C1", "text": "hi"}

    authorized_session(slack_compliance_fix, "xoxp-1").post(API_URL, data=payload)

    assert sent_form(mock) == {"channel": ["C1"], "text": ["hi"], "token": ["xoxp-1"]}
    assert payload == {"channel": "C1", "text": "hi"}
    assert "token" not in sent_query(mock)

    # The same dict reused with another session gets that session's token, not a stale one.
    authorized_session(slack_compliance_fix, "xoxp-2").post(API_URL, data=payload)
    assert sent_form(mock)["token"] == ["xoxp-2"]


def test_slack_post_with_token_in_data_is_left_alone(mock: rm.Mocker) -> None:
    mock.post(API_URL, json={"ok": True})

    authorized_session(slack_compliance_fix, "xoxp-1").post(
        API_URL, data={"token": "xoxb-override", "channel": "C1"}
    )

    assert sent_form(mock) == {"token": ["xoxb-override"], "channel": ["C1"]}
    assert "token" not in sent_query(mock)


def test_slack_post_with_non_dict_data_puts_token_in_query(mock: rm.Mocker) -> None:
    mock.post(API_URL, json={"ok": True})

    authorized_session(slack_compliance_fix, "xoxp-1").post(API_URL, data="raw-body")

    assert sent_query(mock) == {"token": ["xoxp-1"]}
    assert sent(mock).body == "raw-body"


def test_slack_withheld_token_adds_nothing(mock: rm.Mocker) -> None:
    mock.get(API_URL, json={"ok": True})

    authorized_session(slack_compliance_fix, "xoxp-1").request("GET", API_URL, withhold_token=True)

    assert sent(mock).body is None
    assert "Authorization" not in sent(mock).headers


# -- instagram -----------------------------------------------------------------------------


def test_instagram_appends_access_token_to_query(mock: rm.Mocker) -> None:
    mock.get(API_URL, json={})

    authorized_session(instagram_compliance_fix, "ig-1").get(API_URL, params={"count": "5"})

    assert sent_query(mock) == {"count": ["5"], "access_token": ["ig-1"]}
    assert sent(mock).headers["Authorization"] == "Bearer ig-1"

    authorized_session(access_token="ig-1").get(API_URL)
    assert "access_token" not in sent_query(mock)


def test_instagram_keeps_an_existing_access_token(mock: rm.Mocker) -> None:
    mock.get(API_URL, json={})

    authorized_session(instagram_compliance_fix, "ig-1").get(API_URL + "?access_token=ig-other")

    assert sent_query(mock) == {"access_token": ["ig-other"]}


# -- mailchimp -----------------------------------------------------------------------------


def test_mailchimp_null_scope_and_zero_lifetime(mock: rm.Mocker) -> None:
    mock.post(
        TOKEN_URL,
        json={"access_token": "mc-1", "token_type": "bearer", "expires_in": 0, "scope": None},
        headers=JSON,
    )

    token = new_session(mailchimp_compliance_fix).fetch_token(TOKEN_URL, code="c")

    assert token["access_token"] == "mc-1"
    assert "scope" not in token
    assert token["expires_in"] == 3600
    assert "expires_at" in token

    unfixed = new_session().fetch_token(TOKEN_URL, code="c")
    assert unfixed["scope"] is None
    assert "expires_in" not in unfixed


def test_mailchimp_leaves_real_values_alone(mock: rm.Mocker) -> None:
    body = b'{"access_token": "mc-1", "token_type": "bearer", "expires_in": 60, "scope": "x"}'
    mock.post(TOKEN_URL, content=body, headers=JSON)
    session = new_session(mailchimp_compliance_fix, scope="x")
    seen = record_responses(session, "access_token_response")

    token = session.fetch_token(TOKEN_URL, code="c")

    assert seen[0].content == body
    assert token["expires_in"] == 60
    assert token["scope"] == ["x"]


# -- weibo ---------------------------------------------------------------------------------


def test_weibo_bearer_and_query_placement(mock: rm.Mocker) -> None:
    mock.post(
        TOKEN_URL, json={"access_token": "wb-1", "expires_in": 157679999, "uid": "42"}, headers=JSON
    )
    mock.get(API_URL, json={})
    session = new_session(weibo_compliance_fix)

    token = session.fetch_token(TOKEN_URL, code="c")
    session.get(API_URL)

    assert token["token_type"] == "Bearer"
    assert sent_query(mock) == {"access_token": ["wb-1"]}
    assert "Authorization" not in sent(mock).headers

    unfixed = new_session()
    assert "token_type" not in unfixed.fetch_token(TOKEN_URL, code="c")
    unfixed.get(API_URL)
    assert sent(mock).headers["Authorization"] == "Bearer wb-1"
    assert sent_query(mock) == {}


# -- plentymarkets -------------------------------------------------------------------------


def test_plentymarkets_camel_case_keys(mock: rm.Mocker) -> None:
    mock.post(
        TOKEN_URL,
        json={
            "tokenType": "Bearer",
            "expiresIn": 86400,
            "accessToken": "pm-1",
            "refreshToken": "pm-r",
        },
        headers=JSON,
    )

    token = new_session(plentymarkets_compliance_fix).fetch_token(TOKEN_URL, code="c")

    assert token["access_token"] == "pm-1"
    assert token["refresh_token"] == "pm-r"
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 86400
    assert "accessToken" not in token

    with pytest.raises(MissingTokenError):
        new_session().fetch_token(TOKEN_URL, code="c")


def test_plentymarkets_error_answer_is_not_rewritten(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, status_code=401, json={"error": "invalid_grant"}, headers=JSON)
    with pytest.raises(InvalidGrantError):
        new_session(plentymarkets_compliance_fix).fetch_token(TOKEN_URL, code="c")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("accessToken", "access_token"),
        ("expiresIn", "expires_in"),
        ("access_token", "access_token"),
        ("userID", "user_id"),
        ("HTTPStatus", "http_status"),
    ],
)
def test_camel_to_snake(name: str, expected: str) -> None:
    assert camel_to_snake(name) == expected


# -- ebay ----------------------------------------------------------------------------------

EBAY_TYPES = ["Application Access Token", "User Access Token"]


@pytest.mark.parametrize("token_type", EBAY_TYPES)
def test_ebay_token_type_on_fetch(mock: rm.Mocker, token_type: str) -> None:
    mock.post(
        TOKEN_URL,
        json={"access_token": "eb-1", "token_type": token_type, "expires_in": 7200},
        headers=JSON,
    )
    mock.get(API_URL, json={})
    session = new_session(ebay_compliance_fix)

    assert session.fetch_token(TOKEN_URL, code="c")["token_type"] == "Bearer"
    session.get(API_URL)
    assert sent(mock).headers["Authorization"] == "Bearer eb-1"

    # Without the fix oauthlib keeps eBay's type and cannot attach the token.
    unfixed = new_session()
    assert unfixed.fetch_token(TOKEN_URL, code="c")["token_type"] == token_type
    with pytest.raises(ValueError, match="Unsupported token type"):
        unfixed.get(API_URL)


@pytest.mark.parametrize("token_type", EBAY_TYPES)
def test_ebay_token_type_on_refresh(mock: rm.Mocker, token_type: str) -> None:
    mock.post(
        TOKEN_URL,
        json={"access_token": "eb-2", "token_type": token_type, "expires_in": 7200},
        headers=JSON,
    )
    session = authorized_session(ebay_compliance_fix, "eb-1", refresh_token="eb-r")

    token = session.refresh_token(TOKEN_URL)

    assert token["token_type"] == "Bearer"
    assert token["refresh_token"] == "eb-r"
    unfixed = authorized_session(access_token="eb-1", refresh_token="eb-r")
    assert unfixed.refresh_token(TOKEN_URL)["token_type"] == token_type


# -- douban --------------------------------------------------------------------------------

DOUBAN_TOKEN = {
    "access_token": "db-1",
    "expires_in": 3920,
    "refresh_token": "db-r",
    "douban_user_id": "1221",
}


def test_douban_bearer_and_query_placement(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, json=DOUBAN_TOKEN, headers=JSON)
    mock.get(API_URL, json={})
    session = new_session(douban_compliance_fix)

    token = session.fetch_token(TOKEN_URL, code="c")
    session.get(API_URL)

    assert token["token_type"] == "Bearer"
    assert sent_query(mock) == {"access_token": ["db-1"]}
    assert "Authorization" not in sent(mock).headers


def test_douban_upstream_typo_is_fixed(mock: rm.Mocker) -> None:
    """requests-oauthlib's douban fix never moves the token out of the header."""
    mock.post(TOKEN_URL, json=DOUBAN_TOKEN, headers=JSON)
    mock.get(API_URL, json={})
    upstream = upstream_douban_compliance_fix(
        UpstreamOAuth2Session("client-id", redirect_uri=REDIRECT_URI)
    )
    upstream.fetch_token(TOKEN_URL, code="c", include_client_id=True)
    upstream.get(API_URL)
    assert sent(mock).headers["Authorization"] == "Bearer db-1"
    assert sent_query(mock) == {}

    session = new_session(douban_compliance_fix)
    session.fetch_token(TOKEN_URL, code="c")
    session.get(API_URL)
    assert sent_query(mock) == {"access_token": ["db-1"]}


def test_douban_keeps_an_explicit_token_type(mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, json={**DOUBAN_TOKEN, "token_type": "bearer"}, headers=JSON)
    assert new_session(douban_compliance_fix).fetch_token(TOKEN_URL, code="c")["token_type"] == (
        "bearer"
    )


# -- linkedin ------------------------------------------------------------------------------


def test_linkedin_missing_token_type(mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_STRICT_TOKEN_TYPE", "1")
    mock.post(TOKEN_URL, json={"access_token": "li-1", "expires_in": 5183999}, headers=JSON)
    mock.get(API_URL, json={})
    session = new_session(linkedin_compliance_fix)

    assert session.fetch_token(TOKEN_URL, code="c")["token_type"] == "Bearer"
    session.get(API_URL)
    assert sent(mock).headers["Authorization"] == "Bearer li-1"
    assert sent_query(mock) == {}

    with pytest.raises(MissingTokenTypeError):
        new_session().fetch_token(TOKEN_URL, code="c")


def test_linkedin_is_harmless_when_token_type_is_present(mock: rm.Mocker) -> None:
    body = b'{"access_token": "li-1", "token_type": "bearer", "expires_in": 60}'
    mock.post(TOKEN_URL, content=body, headers=JSON)
    session = new_session(linkedin_compliance_fix)
    seen = record_responses(session, "access_token_response")

    assert session.fetch_token(TOKEN_URL, code="c")["token_type"] == "bearer"
    assert seen[0].content == body


def test_linkedin_refresh_without_token_type(
    mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_STRICT_TOKEN_TYPE", "1")
    mock.post(TOKEN_URL, json={"access_token": "li-2", "expires_in": 60}, headers=JSON)
    session = authorized_session(linkedin_compliance_fix, "li-1", refresh_token="li-r")
    assert session.refresh_token(TOKEN_URL)["token_type"] == "Bearer"


# -- stacking fixes ------------------------------------------------------------------------


def test_fixes_run_in_registration_order(mock: rm.Mocker) -> None:
    """plentymarkets must rename ``expiresIn`` before mailchimp can see ``expires_in: 0``."""
    mock.post(
        TOKEN_URL,
        json={"accessToken": "x-1", "tokenType": "Bearer", "expiresIn": 0},
        headers=JSON,
    )

    first_plenty = mailchimp_compliance_fix(plentymarkets_compliance_fix(new_session()))
    hooks = first_plenty.compliance_hook["access_token_response"]
    assert [hook.__module__.rsplit(".", 1)[-1] for hook in hooks] == [
        "plentymarkets",
        "mailchimp",
    ]
    assert first_plenty.fetch_token(TOKEN_URL, code="c")["expires_in"] == 3600

    # Registered the other way round, mailchimp runs before the keys are renamed and the
    # zero lifetime (meaning "no expiry" to oauthlib) survives.
    first_mailchimp = plentymarkets_compliance_fix(mailchimp_compliance_fix(new_session()))
    token = first_mailchimp.fetch_token(TOKEN_URL, code="c")
    assert token["access_token"] == "x-1"
    assert "expires_in" not in token


def test_registering_a_fix_twice_registers_its_hooks_once() -> None:
    session = fitbit_compliance_fix(fitbit_compliance_fix(new_session()))
    assert len(session.compliance_hook["access_token_response"]) == 1
    assert len(session.compliance_hook["refresh_token_response"]) == 1


# -- the shared rewriting helper ----------------------------------------------------------


def make_response(content: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = content
    response.headers["Content-Type"] = content_type
    response.headers["Content-Length"] = str(len(content))
    return response


def test_rewrite_keeps_text_content_and_headers_consistent() -> None:
    response = make_response('{"name": "caf\u00e9"}'.encode(), "application/json")
    response.encoding = "iso-8859-1"  # what a server's wrong charset would give

    def _rename(body: dict[str, Any]) -> dict[str, Any]:
        return {"label": "caf\u00e9 \u2615"}

    rewrite_token_response(response, _rename)

    assert response.json() == {"label": "caf\u00e9 \u2615"}
    assert json.loads(response.text) == {"label": "caf\u00e9 \u2615"}
    assert response.headers["Content-Length"] == str(len(response.content))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_rewrite_leaves_unchanged_and_undecodable_bodies_alone() -> None:
    same = make_response(b'{"a":1}')
    rewrite_token_response(same, lambda body: body)
    assert same.content == b'{"a":1}'

    for content in (b"<html></html>", b"[1, 2]", b""):
        response = make_response(content, "text/html")
        rewrite_token_response(response, lambda body: {"replaced": True})
        assert response.content == content
        assert response.headers["Content-Type"] == "text/html"


def test_decode_token_body_forms() -> None:
    form = make_response(b"a=1&b=", "text/plain")
    assert decode_token_body(form) is None
    assert decode_token_body(form, allow_form=True) == {"a": "1", "b": ""}
    assert decode_token_body(make_response(b'{"a": 1}'), allow_form=True) == {"a": 1}
