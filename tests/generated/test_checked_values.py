"""What a generated client returns is built and checked by the runtime, not cast: a token or a
profile that does not fit its TypedDict is a typed error naming the field, and nothing is kept."""

from __future__ import annotations

import time

import pytest
import responses

from generated.github import GitHub
from runtime.errors import TokenResponseParseError
from runtime.provider.flow_errors import ProviderResponseError, ShapeError

TOKEN_URL = "https://github.com/login/oauth/access_token"
PROFILE_URL = "https://api.github.com/user"


def github(**kwargs: object) -> GitHub:
    return GitHub(client_id="id", client_secret="s", **kwargs)  # type: ignore[arg-type]


@responses.activate
def test_a_token_that_fits_is_returned_and_kept_as_the_provider_token_type() -> None:
    responses.post(TOKEN_URL, json={"access_token": "gho_1", "scope": "repo,gist", "x": 1})
    client = github()
    token = client.fetch_token(code="c")
    assert token["access_token"] == "gho_1"
    assert token.get("scope") == ["repo", "gist"]  # GitHub echoes its known scope names
    assert token["x"] == 1  # type: ignore[typeddict-item]  # provider extras stay
    assert client.token == token


@responses.activate
@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"token_type": "bearer", "refresh_token": "rt-secret"}, "access_token"),
        ({"access_token": "gho_secret", "expires_in": "abc"}, "expires_in"),
    ],
)
def test_a_token_answer_that_does_not_fit_is_an_error_naming_the_field(
    answer: dict[str, str], field: str
) -> None:
    responses.post(TOKEN_URL, json=answer)
    client = github()
    with pytest.raises(TokenResponseParseError) as raised:
        client.fetch_token(code="c")
    assert raised.value.field == field
    assert "secret" not in str(raised.value)
    assert client.token is None


@responses.activate
def test_a_scope_the_provider_does_not_define_does_not_fit_list_of_scope() -> None:
    responses.post(TOKEN_URL, json={"access_token": "gho_secret", "scope": "repo,admin:galaxy"})
    client = github()
    with pytest.raises(ShapeError) as raised:
        client.fetch_token(code="c")
    assert (raised.value.shape, raised.value.field) == ("GitHubToken", "scope")
    assert "'admin:galaxy'" in str(raised.value)
    assert "gho_secret" not in str(raised.value) + repr(raised.value)
    assert client.token is None  # nothing kept


@responses.activate
def test_a_renewal_in_the_api_session_is_checked_before_it_replaces_the_token() -> None:
    saved: list[object] = []
    expired = {"access_token": "old", "refresh_token": "rt", "expires_at": time.time() - 10}
    client = github(token=expired, token_updater=saved.append)
    responses.post(TOKEN_URL, json={"access_token": "new", "scope": "repo,admin:galaxy"})
    with pytest.raises(ShapeError) as raised:
        client.session.get("https://api.github.com/user/repos")
    assert raised.value.field == "scope"
    assert saved == []
    kept = client.token
    assert kept is not None and kept["access_token"] == "old"


@responses.activate
@pytest.mark.parametrize(
    ("profile", "field"),
    [({"id": "abc", "login": "octocat"}, "'id'"), ({"id": 1, "login": ["octocat"]}, "'login'")],
)
def test_a_profile_field_of_another_type_is_an_error_naming_it(
    profile: dict[str, object], field: str
) -> None:
    responses.get(PROFILE_URL, json={**profile, "email": "octo@example.com"})
    client = github(token={"access_token": "gho_1"})
    with pytest.raises(ProviderResponseError) as raised:
        client.userinfo()
    assert field in str(raised.value)


@responses.activate
def test_a_profile_that_fits_is_returned_typed() -> None:
    responses.get(PROFILE_URL, json={"id": 1, "login": "octocat", "email": "octo@example.com"})
    profile = github(token={"access_token": "gho_1"}).userinfo()
    assert (profile["id"], profile["login"], profile.get("email")) == (
        1,
        "octocat",
        "octo@example.com",
    )
