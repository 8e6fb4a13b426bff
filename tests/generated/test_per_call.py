"""Per-call ``timeout`` and ``extra`` parameters on the flow methods of generated clients: the
timeout reaches the transport, extras reach the request, and an extra never replaces a
parameter the flow sets itself."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses

from generated.discord import Discord
from generated.github import GitHub
from generated.twitter import Twitter
from runtime.provider import DEFAULT_TIMEOUT, ExtraParameterError

TOKEN_URL = "https://github.com/login/oauth/access_token"
ANSWER = {"access_token": "gho_1", "refresh_token": "ghr_1", "expires_in": 3600}


def github(**kwargs: object) -> GitHub:
    return GitHub(client_id="id", client_secret="s", **kwargs)  # type: ignore[arg-type]


def sent_body(index: int = 0) -> dict[str, list[str]]:
    body = responses.calls[index].request.body
    text = body.decode() if isinstance(body, bytes) else str(body or "")
    return parse_qs(text)


def sent_timeout(index: int = 0) -> object:
    request: Any = responses.calls[index].request  # responses adds req_kwargs
    return request.req_kwargs["timeout"]


@responses.activate
def test_fetch_token_sends_the_timeout_and_the_extras() -> None:
    responses.post(TOKEN_URL, json=ANSWER)
    github().fetch_token(code="c", timeout=(2.0, 5.0), extra={"audience": "api", "x": "1"})
    assert sent_timeout() == (2.0, 5.0)
    body = sent_body()
    assert body["audience"] == ["api"] and body["x"] == ["1"]
    assert body["code"] == ["c"] and body["grant_type"] == ["authorization_code"]


@responses.activate
def test_without_them_the_client_default_timeout_applies_and_nothing_is_added() -> None:
    responses.post(TOKEN_URL, json=ANSWER)
    github().fetch_token(code="c")
    assert sent_timeout() == DEFAULT_TIMEOUT
    assert set(sent_body()) == {"grant_type", "code", "client_id", "client_secret"}


@responses.activate
def test_refresh_takes_a_timeout_and_extras_too() -> None:
    responses.post(TOKEN_URL, json={**ANSWER, "refresh_token": "ghr_2"})
    client = github(token={"access_token": "a", "refresh_token": "ghr_1"})
    client.refresh(timeout=7.5, extra={"repository_id": "42"})
    assert sent_timeout() == 7.5
    assert sent_body()["repository_id"] == ["42"]
    assert sent_body()["refresh_token"] == ["ghr_1"]


@responses.activate
def test_revoke_and_userinfo_take_a_timeout() -> None:
    responses.delete("https://api.github.com/applications/id/token", status=204)
    responses.get("https://api.github.com/user", json={"id": 1, "login": "o", "email": "o@x"})
    client = github(token={"access_token": "gho_1"})
    client.userinfo(timeout=3.0)
    client.revoke(timeout=4.0)
    assert [sent_timeout(0), sent_timeout(1)] == [3.0, 4.0]


@responses.activate
@pytest.mark.parametrize(
    "name", ["grant_type", "code", "code_verifier", "client_id", "client_secret", "redirect_uri"]
)
def test_an_extra_that_would_replace_a_flow_parameter_is_refused_before_sending(
    name: str,
) -> None:
    client = GitHub(client_id="id", client_secret="s", redirect_uri="https://app.example/cb")
    client.authorization_url()  # a PKCE verifier is pending
    with pytest.raises(ExtraParameterError) as raised:
        client.fetch_token(code="c", extra={name: "forged"})
    assert repr(name) in str(raised.value) and "forged" not in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert len(responses.calls) == 0


@responses.activate
def test_a_grant_or_credential_parameter_is_protected_even_where_the_flow_omits_it() -> None:
    discord = Discord(client_id="id", client_secret="s", agent_url="https://bot.example")
    with pytest.raises(ExtraParameterError):
        discord.client_credentials(extra={"code": "x"})
    client = github(token={"access_token": "a", "refresh_token": "r", "expires_at": time.time()})
    with pytest.raises(ExtraParameterError):
        client.refresh(extra={"refresh_token": "other"})
    with pytest.raises(ExtraParameterError):
        client.refresh(extra={"password": "p"})  # never the flow's to add, not sent by it
    assert len(responses.calls) == 0


# -- OAuth 1 ------------------------------------------------------------------------------------

TWITTER = "https://api.x.com"


def twitter() -> Twitter:
    return Twitter(client_key="ck", client_secret="cs", callback_uri="https://app.example/cb")


@responses.activate
def test_oauth1_steps_send_the_timeout_and_the_extras() -> None:
    responses.post(
        f"{TWITTER}/oauth/request_token",
        body="oauth_token=RT&oauth_token_secret=RS&oauth_callback_confirmed=true",
    )
    responses.post(
        f"{TWITTER}/oauth/access_token", body="oauth_token=AT&oauth_token_secret=AS&user_id=1"
    )
    responses.post(f"{TWITTER}/1.1/oauth/invalidate_token", json={"access_token": "AT"})
    client = twitter()
    client.fetch_request_token(timeout=2.0, extra={"lang": "fr"})
    client.fetch_access_token(verifier="V", timeout=(1.0, 3.0), extra={"x_mode": "y"})
    client.revoke(timeout=4.0, extra={"reason": "logout"})
    assert [sent_timeout(i) for i in range(3)] == [2.0, (1.0, 3.0), 4.0]
    assert sent_body(0)["lang"] == ["fr"]
    assert sent_body(1)["x_mode"] == ["y"]
    assert sent_body(2)["reason"] == ["logout"]
    # The extras are signed: they are part of the request the signature covers.
    assert "oauth_signature" in str(responses.calls[0].request.headers["Authorization"])


@responses.activate
def test_without_them_oauth1_steps_use_the_default_timeout() -> None:
    responses.post(f"{TWITTER}/oauth/request_token", body="oauth_token=RT&oauth_token_secret=RS")
    twitter().fetch_request_token()
    assert sent_timeout() == DEFAULT_TIMEOUT
    assert sent_body() == {}


@responses.activate
@pytest.mark.parametrize("name", ["oauth_token", "oauth_verifier", "oauth_callback", "token"])
def test_an_oauth1_extra_never_carries_a_protocol_or_token_parameter(name: str) -> None:
    with pytest.raises(ExtraParameterError) as raised:
        twitter().fetch_request_token(extra={name: "forged"})
    assert repr(name) in str(raised.value) and "forged" not in str(raised.value)
    assert len(responses.calls) == 0
