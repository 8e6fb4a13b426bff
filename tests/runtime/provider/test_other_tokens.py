"""``token.response.other_tokens``: Slack's bot token and user token, each rotating on its own."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest
import requests_mock

from generated.slack import Slack
from generator.spec import SpecValidationError

from .support import inline_spec

TOKEN_URL = "https://slack.com/api/oauth.v2.access"
INSTALL = {
    "ok": True,
    "access_token": "xoxe.xoxb-bot-1",
    "token_type": "bot",
    "expires_in": 43200,
    "refresh_token": "bot-refresh-1",
    "scope": "commands",
    "authed_user": {
        "id": "U1",
        "access_token": "xoxe.xoxp-user-1",
        "token_type": "user",
        "expires_in": 43200,
        "refresh_token": "user-refresh-1",
        "scope": "chat:write",
    },
}


def _installed(mock: requests_mock.Mocker) -> Any:
    slack = Slack(client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb")
    _, state = slack.authorization_url()
    mock.post(TOKEN_URL, json=INSTALL)
    slack.fetch_token(authorization_response=f"https://app.example/cb?code=c&state={state}")
    return slack


def _sent_refresh_token(mock: requests_mock.Mocker) -> str:
    sent = mock.last_request
    assert sent is not None
    return str(parse_qs(sent.text)["refresh_token"][0])


def test_the_install_keeps_both_tokens() -> None:
    with requests_mock.Mocker() as mock:
        token = _installed(mock).token
    assert token["access_token"] == "xoxe.xoxb-bot-1"
    user = token["user"]
    assert (user["access_token"], user["refresh_token"], user["scope"]) == (
        "xoxe.xoxp-user-1",
        "user-refresh-1",
        ["chat:write"],
    )
    assert user["expires_at"] > 0


def test_the_user_token_refreshes_on_its_own_and_the_bot_token_stays() -> None:
    with requests_mock.Mocker() as mock:
        slack = _installed(mock)
        mock.post(
            TOKEN_URL,
            json={
                "ok": True,
                "access_token": "xoxe.xoxp-user-2",
                "token_type": "user",
                "expires_in": 43200,
                "refresh_token": "user-refresh-2",
            },
        )
        token = slack.refresh(which="user")
        assert _sent_refresh_token(mock) == "user-refresh-1"
    assert token["access_token"] == "xoxe.xoxb-bot-1" and token["refresh_token"] == "bot-refresh-1"
    assert token["user"]["access_token"] == "xoxe.xoxp-user-2"
    assert token["user"]["refresh_token"] == "user-refresh-2"


def test_the_bot_token_refreshes_and_the_user_token_stays() -> None:
    with requests_mock.Mocker() as mock:
        slack = _installed(mock)
        mock.post(
            TOKEN_URL,
            json={"ok": True, "access_token": "xoxe.xoxb-bot-2", "refresh_token": "bot-refresh-2"},
        )
        token = slack.refresh()
        assert _sent_refresh_token(mock) == "bot-refresh-1"
    assert token["access_token"] == "xoxe.xoxb-bot-2"
    assert token["user"]["refresh_token"] == "user-refresh-1"


def test_an_unknown_other_token_is_a_clear_error() -> None:
    with requests_mock.Mocker() as mock:
        slack = _installed(mock)
        with pytest.raises(ValueError, match="no other token 'admin'; other tokens: user"):
            slack.refresh(which="admin")


def test_an_other_token_named_like_a_token_field_is_refused() -> None:
    spec = (
        "token:\n  response:\n    extra:\n      user: {}\n"
        "    other_tokens:\n      user: {path: authed_user}\n"
    )
    with pytest.raises(SpecValidationError, match="the token already has a field 'user'"):
        inline_spec(spec)
