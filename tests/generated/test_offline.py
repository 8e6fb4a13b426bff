"""``authorization_url(offline=...)`` exists only where the provider needs something extra in
the authorization request for a refresh token, and its docstring says what, in plain words."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from generated.atlassian import Atlassian
from generated.dropbox import Dropbox
from generated.github import GitHub
from generated.google import Google
from generated.spotify import Spotify
from generated.twitter import Twitter


@pytest.mark.parametrize(
    "method", [GitHub.authorization_url, Spotify.authorization_url, Twitter.authorization_url]
)
def test_a_provider_with_nothing_to_leave_out_has_no_offline_argument(
    method: Callable[..., object],
) -> None:
    assert "offline" not in inspect.signature(method).parameters


@pytest.mark.parametrize(
    ("method", "words"),
    [
        (
            Atlassian.authorization_url,
            "the 'offline_access' scope that Atlassian needs for a refresh token",
        ),
        (
            Google.authorization_url,
            "the 'access_type=offline' parameter that Google needs for a refresh token",
        ),
        (Dropbox.authorization_url, "the 'token_access_type=offline' parameter that Dropbox needs"),
    ],
)
def test_a_provider_that_needs_more_for_a_refresh_token_has_offline(
    method: Callable[..., object], words: str
) -> None:
    assert "offline" in inspect.signature(method).parameters
    doc = " ".join((inspect.getdoc(method) or "").split())
    assert f"offline: False leaves out {words}" in doc
    assert "requires_" not in doc and "refresh." not in doc


def test_offline_false_leaves_the_scope_out_of_the_url() -> None:
    client = Atlassian(client_id="id", redirect_uri="https://app.example/cb")
    assert "offline_access" in client.authorization_url(scopes=["read:me"]).url
    assert "offline_access" not in client.authorization_url(scopes=["read:me"], offline=False).url
