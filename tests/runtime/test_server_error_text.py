"""Text a server chose (error_description, error_uri, an unknown error code) appears in error
messages as the server's quoted words: escaped, so it cannot forge log lines, and bounded, so
it cannot flood them. The exception attributes keep the values as received."""

from __future__ import annotations

import logging

import pytest
import requests_mock
from oauthlib.oauth2 import AccessDeniedError, InvalidGrantError, OAuth2Error
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error

from runtime import OAuth2Session
from runtime.errors import SERVER_TEXT_LIMIT, server_text
from runtime.oauth1_session import TokenRequestDenied
from tests.runtime.provider.support import fixture_spec, inline_spec, oauth1_class, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"
FORGED = "bad code\nINFO app: admin logged in\r\n\x1b[2J\u202edone"
LONG = "the code has expired " * 500


def _one_line(error: BaseException) -> str:
    """The message, as a log line would show it; it must stay one line without controls."""
    record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed: %s", (error,), None)
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\r" not in line
    assert not [char for char in line if not char.isprintable()]
    return line


def _fetch(session: OAuth2Session, body: dict[str, str], status: int = 400) -> OAuth2Error:
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, status_code=status, json=body)
        with pytest.raises(OAuth2Error) as caught:
            session.fetch_token(TOKEN_URL, code="c", client_secret="s")
    return caught.value


def test_long_description_is_bounded_and_marked_as_the_servers() -> None:
    error = _fetch(OAuth2Session("cid"), {"error": "invalid_grant", "error_description": LONG})
    assert isinstance(error, InvalidGrantError)
    assert error.error == "invalid_grant"
    assert error.description == LONG  # as received
    message = str(error)
    assert message.startswith('(invalid_grant) the server said: "the code has expired')
    assert message.endswith('…"')
    assert len(message) < SERVER_TEXT_LIMIT + 60
    assert len(_one_line(error)) < SERVER_TEXT_LIMIT + 80


def test_newlines_and_controls_are_escaped() -> None:
    error = _fetch(
        OAuth2Session("cid"),
        {"error": "invalid_grant", "error_description": FORGED, "error_uri": "https://e/\nx"},
    )
    line = _one_line(error)
    shown = '"bad code\\nINFO app: admin logged in\\r\\n\\x1b[2J\\u202edone"'
    assert f"the server said: {shown}" in line
    assert '(error_uri "https://e/\\nx")' in line
    assert error.description == FORGED
    assert error.uri == "https://e/\nx"


def test_an_unknown_code_stays_machine_readable_but_is_shown_quoted() -> None:
    error = _fetch(OAuth2Session("cid"), {"error": "odd\ncode", "error_description": "x"})
    assert isinstance(error, CustomOAuth2Error)
    assert error.error == "odd\ncode"
    assert _one_line(error).startswith('ERROR failed: ("odd\\ncode") the server said: "x"')
    plain = _fetch(OAuth2Session("cid"), {"error": "temporarily_unavailable"}, status=503)
    assert str(plain) == "(temporarily_unavailable) the server gave no description"


def test_callback_error_of_oauth2_session() -> None:
    session = OAuth2Session("cid", state="S", redirect_uri="https://app.example/cb")
    callback = (
        "https://app.example/cb?error=access_denied&state=S"
        "&error_description=no%0AWARNING+root%3A+forged&error_uri=" + "u" * 400
    )
    with pytest.raises(AccessDeniedError) as caught:
        session.fetch_token(TOKEN_URL, authorization_response=callback)
    line = _one_line(caught.value)
    assert '(access_denied) the server said: "no\\nWARNING root: forged"' in line
    assert line.endswith('…")')
    assert caught.value.description == "no\nWARNING root: forged"


def test_generated_client_token_and_callback_errors() -> None:
    spec = inline_spec(
        "callback:\n  error:\n    code_param: error\n    message_param: error_description\n"
        "    cancel_param: denied\n"
    )
    provider = oauth2_class(spec)(client_id="cid", client_secret="s")
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with requests_mock.Mocker() as m:
        answer = {"error": "invalid_grant", "error_description": LONG}
        m.post(TOKEN_URL, status_code=400, json=answer)
        with pytest.raises(InvalidGrantError) as token_error:
            provider._fetch_token(code="c")
    assert str(token_error.value).endswith('…"')
    assert len(str(token_error.value)) < SERVER_TEXT_LIMIT + 60
    with pytest.raises(CustomOAuth2Error) as callback_error:
        provider._fetch_token(authorization_response="?error=x%0Ay&error_description=a%0Db")
    assert str(callback_error.value) == '("x\\ny") the server said: "a\\rb"'
    with pytest.raises(AccessDeniedError) as cancelled:
        provider._fetch_token(authorization_response=f"?denied=1&error_description=a%0Ab&state={state}")
    assert _one_line(cancelled.value).endswith('the server said: "a\\nb"')


def test_oauth1_provider_error_answer() -> None:
    provider = oauth1_class(fixture_spec("tweeter"))(
        client_key="ck", client_secret="cs", callback_uri="https://app.example/cb"
    )
    with requests_mock.Mocker() as m:
        m.post(
            "https://api.example.com/oauth/request_token",
            status_code=400,
            json={"error": "rate\nlimited", "error_description": LONG},
        )
        with pytest.raises(TokenRequestDenied) as caught:
            provider._fetch_request_token()
    line = _one_line(caught.value)
    assert 'the server said "rate\\nlimited" ("the code has expired' in line
    assert len(line) < SERVER_TEXT_LIMIT + 200


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain words", '"plain words"'),
        ('say "hi" \\o/', '"say \\"hi\\" \\\\o/"'),
        ("tab\there", '"tab\\there"'),
        ("\u2028\x00\x85é", '"\\u2028\\x00\\x85é"'),
        ("x" * 10, '"xxxx…"'),
    ],
)
def test_server_text(value: str, shown: str) -> None:
    limit = 4 if len(value) == 10 else SERVER_TEXT_LIMIT
    assert server_text(value, limit) == shown


def test_reason_phrase_and_content_type_are_escaped() -> None:
    from runtime.errors import TokenEndpointError

    with requests_mock.Mocker() as m:
        m.post(
            TOKEN_URL,
            status_code=502,
            reason="Bad\rGateway\x1b[2J" + "!" * 300,
            headers={"Content-Type": "text/html\x07"},
            text="<html>",
        )
        with pytest.raises(TokenEndpointError) as caught:
            OAuth2Session("cid").fetch_token(TOKEN_URL, code="c", client_secret="s")
    line = _one_line(caught.value)
    assert "HTTP 502 Bad\\rGateway\\x1b[2J!!!" in line
    assert "!…, text/html\\x07," in line
