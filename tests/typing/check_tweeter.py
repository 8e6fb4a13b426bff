"""Typing of the generated ``Tweeter`` client (OAuth 1.0a, no scopes).

See ``check_many_quirks.py`` for how these checks work.
"""

from __future__ import annotations

from typing_extensions import assert_type

from tests.generator.golden import tweeter as module
from tests.generator.golden.tweeter import (
    Tweeter,
    TweeterProfile,
    TweeterRequestToken,
    TweeterToken,
)


def construction() -> None:
    Tweeter(client_key="key", client_secret="secret", callback_uri="https://app.example.com/cb")
    Tweeter(client_key="key", token={"oauth_token": "t", "user_id": "1"})
    Tweeter(client_id="key")  # type: ignore[call-arg]
    Tweeter(client_key="key", token={"oauth_token": "t"})  # type: ignore[arg-type]
    Tweeter(client_key="key", rsa_key="pem")  # type: ignore[call-arg]
    Tweeter(client_key="key", token_store=None)  # type: ignore[call-arg]


def three_legs(client: Tweeter) -> None:
    request_token = client.fetch_request_token()
    assert_type(request_token, TweeterRequestToken)
    assert_type(request_token["oauth_token"], str)
    client.fetch_request_token(x_auth_access_type="read")
    client.fetch_request_token(x_auth_access_type="admin")  # type: ignore[arg-type]
    url = client.authorization_url(screen_name="someone")
    assert_type(url, str)
    client.authorization_url(request_token=request_token["oauth_token"])
    client.authorization_url(scopes=["read"])  # type: ignore[call-arg]
    client.authorization_url(screen_name=1)  # type: ignore[arg-type]
    token = client.fetch_access_token(authorization_response="https://app.example.com/cb?x")
    assert_type(token, TweeterToken)
    assert_type(token["user_id"], str)
    assert_type(token.get("screen_name"), str | None)
    assert_type(client.fetch_access_token(verifier="v")["oauth_token"], str)
    assert_type(client.token, TweeterToken | None)
    client.token["oauth_token"]  # type: ignore[index]  # None before the access token step
    profile = client.userinfo()
    assert_type(profile, TweeterProfile)
    assert_type(profile["screen_name"], str)
    assert_type(profile.get("followers"), int | None)
    client.revoke()


def absent_flows(client: Tweeter) -> None:
    client.fetch_token()  # type: ignore[attr-defined]
    client.refresh()  # type: ignore[attr-defined]
    client.client_credentials()  # type: ignore[attr-defined]
    client.device_authorization()  # type: ignore[attr-defined]
    client.captured()  # type: ignore[attr-defined]
    scope = module.Scope  # type: ignore[attr-defined]
    del scope
