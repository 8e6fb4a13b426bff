"""Token answer fields: the refresh token's own lifetime (``token.response.refresh_expires``) and
standard fields sent as ``false``."""

from __future__ import annotations

import pytest
import requests_mock
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from generated.github import GitHub
from runtime.provider.flow_errors import RefreshTokenExpiredError
from tests.support.clocks import Clock

TOKEN_URL = "https://github.com/login/oauth/access_token"


def _answer(refresh_token: str, **extra: object) -> dict[str, object]:
    return {
        "access_token": "ghu_new",
        "expires_in": 28800,
        "refresh_token": refresh_token,
        "scope": "",
        "token_type": "bearer",
        **extra,
    }


def test_the_refresh_token_expiry_is_kept_as_an_absolute_time() -> None:
    clock = Clock(1_000_000.0)
    github = GitHub(
        client_id="id", client_secret="s", token={"access_token": "a", "refresh_token": "r"}
    )
    github._clock = clock  # the engine's clock, so the figures below are exact
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, json=_answer("r2", refresh_token_expires_in=15897600))
        token = github.refresh()
    assert token["refresh_token_expires_in"] == 15897600
    assert token["refresh_token_expires_at"] == 1_000_000 + 15897600


def test_an_expired_refresh_token_is_never_sent() -> None:
    clock = Clock(2_000_000.0)
    github = GitHub(
        client_id="id",
        client_secret="s",
        token={
            "access_token": "a",
            "refresh_token": "rt-secret-value",
            "refresh_token_expires_at": 1_999_999.0,
        },
    )
    github._clock = clock
    with requests_mock.Mocker() as mock, pytest.raises(RefreshTokenExpiredError) as raised:
        github.refresh()
    assert mock.call_count == 0
    assert isinstance(raised.value, InvalidGrantError)  # what the server would have said
    assert "sign the user in again" in str(raised.value)
    assert "rt-secret-value" not in str(raised.value) + repr(raised.value)


@pytest.mark.parametrize("garbage", ["soon", -5, True, [1]])
def test_a_garbage_refresh_token_lifetime_is_a_typed_parse_error(garbage: object) -> None:
    from runtime.errors import TokenResponseParseError

    github = GitHub(
        client_id="id", client_secret="s", token={"access_token": "a", "refresh_token": "r"}
    )
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, json=_answer("r2", refresh_token_expires_in=garbage))
        with pytest.raises(TokenResponseParseError, match="refresh token lifetime"):
            github.refresh()


def test_an_answer_without_a_new_refresh_token_keeps_the_old_expiry() -> None:
    from runtime.provider.token_response import normalise_token

    rules = GitHub.spec.token.response
    previous = {"access_token": "a", "refresh_token": "r", "refresh_token_expires_at": 5000.0}
    token = normalise_token(
        {"access_token": "b"}, rules, GitHub.spec.scopes, clock=lambda: 100.0, previous=previous
    )
    assert token["refresh_token_expires_at"] == 5000.0
    fresh = normalise_token(
        {"access_token": "b", "refresh_token": "r2"},
        rules,
        GitHub.spec.scopes,
        clock=lambda: 100.0,
        previous=previous,
    )
    assert "refresh_token_expires_at" not in fresh  # a new refresh token without a lifetime


def test_an_id_token_of_false_means_none() -> None:
    from runtime.provider.token_response import normalise_token

    token = normalise_token(
        {"access_token": "a", "id_token": False, "refresh_token": False},
        GitHub.spec.token.response,
        GitHub.spec.scopes,
        clock=lambda: 0.0,
    )
    assert "id_token" not in token and "refresh_token" not in token
