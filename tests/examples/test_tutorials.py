"""Every tutorial in examples/ runs end to end: the terminal conversation is played by the test
(it reads the printed authorization URL and answers with the provider's redirect), and the
provider's HTTP answers are mocked."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests_mock

EXAMPLES = Path(__file__).parents[2] / "examples"
TOKEN = {"access_token": "example-access-token", "token_type": "Bearer", "expires_in": 3600}
OAUTH1_REQUEST = "oauth_token=request-token&oauth_token_secret=rs&oauth_callback_confirmed=true"
OAUTH1_ACCESS = "oauth_token=access-token&oauth_token_secret=as&user_id=7&screen_name=ann"

# Per tutorial: environment, answers by URL fragment (first match wins), expected output line.
TUTORIALS: dict[str, tuple[dict[str, str], dict[str, Any], str]] = {
    "github": (
        {"GITHUB_CLIENT_ID": "cid", "GITHUB_CLIENT_SECRET": "sec"},
        {
            "login/oauth/access_token": {**TOKEN, "scope": "read:user,repo"},
            "api.github.com/user/repos": [{"id": 1}, {"id": 2}],
            "api.github.com/user": {"id": 1, "login": "octocat", "email": "o@example.com"},
        },
        "Signed in as octocat (id 1)",
    ),
    "google": (
        {"GOOGLE_CLIENT_ID": "cid", "GOOGLE_CLIENT_SECRET": "sec"},
        {
            "oauth2.googleapis.com/token": {**TOKEN, "refresh_token": "rt"},
            "userinfo": {"sub": "1", "email": "ann@example.com"},
        },
        "Signed in as ann@example.com",
    ),
    "facebook": (
        {"FACEBOOK_CLIENT_ID": "cid", "FACEBOOK_CLIENT_SECRET": "sec"},
        {
            "oauth/access_token": {**TOKEN, "expires_in": 5183944},
            "/me": {"id": "10", "name": "Ann"},
        },
        "Signed in as Ann",
    ),
    "fitbit": (
        {"FITBIT_CLIENT_ID": "cid"},
        {"oauth2/token": TOKEN, "sleep/goal.json": {"goal": {"minDuration": 480}}},
        "Sleep goal: {'minDuration': 480}",
    ),
    "linkedin": (
        {"LINKEDIN_CLIENT_ID": "cid", "LINKEDIN_CLIENT_SECRET": "sec"},
        {"oauth/v2/accessToken": TOKEN, "v2/userinfo": {"sub": "m1", "name": "Ann Lee"}},
        "Signed in as Ann Lee",
    ),
    "outlook": (
        {"MICROSOFT_CLIENT_ID": "cid", "MICROSOFT_CLIENT_SECRET": "sec"},
        {"oauth2/v2.0/token": TOKEN, "v1.0/me/messages": {"value": [{}, {}, {}]}},
        "3 messages",
    ),
    "bitbucket": (
        {"BITBUCKET_CLIENT_ID": "cid", "BITBUCKET_CLIENT_SECRET": "sec"},
        {"site/oauth2/access_token": TOKEN, "2.0/user": {"uuid": "{u}", "display_name": "Ann"}},
        "Signed in as Ann",
    ),
    "tumblr": (
        {"TUMBLR_CONSUMER_KEY": "ck", "TUMBLR_CONSUMER_SECRET": "cs"},
        {
            "oauth/request_token": OAUTH1_REQUEST,
            "oauth/access_token": OAUTH1_ACCESS,
            "user/info": {"meta": {"status": 200}, "response": {"user": {"name": "derekg"}}},
            "user/dashboard": {"response": {"posts": [{}]}},
        },
        "1 posts on the dashboard",
    ),
    "twitter": (
        {"TWITTER_CONSUMER_KEY": "ck", "TWITTER_CONSUMER_SECRET": "cs"},
        {
            "oauth/request_token": OAUTH1_REQUEST,
            "oauth/access_token": OAUTH1_ACCESS,
            "verify_credentials.json": {"id_str": "7", "screen_name": "ann"},
        },
        "Signed in as @ann (id 7)",
    ),
}


@pytest.fixture
def examples_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield
    for name in [name for name in sys.modules if name.endswith("_tutorial") or name == "terminal"]:
        del sys.modules[name]


def _callback(said: list[str]) -> str:
    """The redirect the provider would send the browser to, for the last printed URL."""
    url = said[-1].split("authorize: ", 1)[1]
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    if "oauth_token" in query:  # OAuth 1: the request token comes back with a verifier
        return "https://localhost/callback?" + urlencode(
            {"oauth_token": query["oauth_token"], "oauth_verifier": "verifier"}
        )
    return f"{query['redirect_uri']}?" + urlencode({"code": "the-code", "state": query["state"]})


@pytest.mark.parametrize("name", sorted(TUTORIALS))
def test_the_tutorial_signs_in_and_calls_the_api(
    name: str, examples_on_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment, answers, expected = TUTORIALS[name]
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    said: list[str] = []

    def answer(request: Any, context: Any) -> str:
        for fragment, body in answers.items():
            if fragment in request.url:
                is_text = isinstance(body, str)
                context.headers["Content-Type"] = (
                    "application/x-www-form-urlencoded" if is_text else "application/json"
                )
                return body if is_text else json.dumps(body)
        raise AssertionError(f"{name}: unexpected request {request.method} {request.url}")

    module = importlib.import_module(f"{name}_tutorial")
    with requests_mock.Mocker() as mock:
        mock.register_uri(requests_mock.ANY, requests_mock.ANY, text=answer)
        module.main(
            ask=lambda prompt: _callback(said),
            say=lambda *parts: said.append(" ".join(str(part) for part in parts)),
        )
        hosts = {urlsplit(request.url).hostname for request in mock.request_history}
    assert expected in said, said
    assert all(host and not host.endswith(".example") for host in hosts), hosts


def test_a_missing_credential_says_which_variable_to_set(
    examples_on_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_CLIENT_ID", raising=False)
    module = importlib.import_module("github_tutorial")
    with pytest.raises(SystemExit, match="set GITHUB_CLIENT_ID"):
        module.main(ask=lambda prompt: "", say=lambda *parts: None)
