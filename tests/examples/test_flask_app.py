"""The Flask example (``examples/flask_app``) with Flask's test client and mocked HTTP: its
configuration errors, what the session cookie holds, refused callbacks and forms.

The whole flow in a real browser against a real authorization server is
``tests/integration/test_flask_browser.py``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from flask import Flask
from flask.testing import FlaskClient

EXAMPLES = Path(__file__).parents[2] / "examples"
GITHUB = {
    "OAUTHGEN_APP_PROVIDER": "github",
    "OAUTHGEN_GITHUB_CLIENT_ID": "cid",
    "OAUTHGEN_GITHUB_CLIENT_SECRET": "client-secret-value",
    "OAUTHGEN_APP_SCOPES": "read:user",
    "OAUTHGEN_APP_SECRET_KEY": "unit-test-only",
}
ACCESS_TOKEN = "gho_access-token-value"


@pytest.fixture
def flask_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The example's module, imported from ``examples/`` (not a package)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield importlib.import_module("flask_app")
    sys.modules.pop("flask_app", None)


@pytest.fixture
def app(flask_app: Any, tmp_path: Path) -> Flask:
    made: Flask = flask_app.create_app({**GITHUB, "OAUTHGEN_APP_TOKEN_DIR": str(tmp_path)})
    return made


@pytest.fixture
def browser(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "set OAUTHGEN_APP_PROVIDER"),
        ({"OAUTHGEN_APP_PROVIDER": "githb"}, "did you mean 'github'"),
        ({"OAUTHGEN_APP_PROVIDER": "github"}, "set OAUTHGEN_GITHUB_CLIENT_ID"),
        ({"OAUTHGEN_APP_PROVIDER": "./no-such-spec.yaml"}, "no such spec file"),
        ({**GITHUB, "OAUTHGEN_APP_VARS": "tenant=x"}, "has no variable 'tenant'"),
    ],
)
def test_a_bad_configuration_says_what_to_set(
    flask_app: Any, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(flask_app.ConfigError, match=message):
        flask_app.create_app(environ)


def _session(app: Flask, browser: FlaskClient) -> dict[str, Any]:
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    data: dict[str, Any] = serializer.loads(cookie.value)
    return data


def _sign_in(app: Flask, browser: FlaskClient) -> tuple[str, dict[str, Any]]:
    """``/login``: the provider's URL, and the state and PKCE verifier kept in the session."""
    response = browser.get("/login")
    assert response.status_code == 302
    return response.headers["Location"], _session(app, browser)["pending"]


def test_login_keeps_state_and_verifier_in_the_session_and_sends_the_user_away(
    app: Flask, browser: FlaskClient
) -> None:
    url, pending = _sign_in(app, browser)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://github.com/login/oauth/authorize?")
    assert query["state"] == [pending["state"]]
    assert query["redirect_uri"] == ["http://localhost/callback"]
    assert query["scope"] == ["read:user"]
    assert query["code_challenge_method"] == ["S256"] and pending["code_verifier"]


def test_the_callback_exchanges_the_code_and_keeps_the_token_on_the_server(
    app: Flask, browser: FlaskClient, tmp_path: Path
) -> None:
    _url, pending = _sign_in(app, browser)
    with requests_mock.Mocker() as mock:
        token_request = mock.post(
            "https://github.com/login/oauth/access_token",
            json={"access_token": ACCESS_TOKEN, "token_type": "bearer", "scope": "read:user"},
        )
        mock.get("https://api.github.com/user", json={"id": 7, "login": "octocat"})
        mock.get("https://api.github.com/user/emails", json=[])
        callback = browser.get(f"/callback?code=the-code&state={pending['state']}")
        profile = browser.get("/profile")
        token_page = browser.get("/token")
    assert callback.status_code == 302 and callback.headers["Location"] == "/profile"
    sent = parse_qs(token_request.last_request.text)
    assert sent["code_verifier"] == [pending["code_verifier"]]
    assert "octocat" in profile.text
    assert "read:user" in token_page.text and ACCESS_TOKEN not in token_page.text
    session = _session(app, browser)
    assert "pending" not in session and ACCESS_TOKEN not in repr(session)
    assert any(ACCESS_TOKEN in path.read_text() for path in tmp_path.glob("*.json"))


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("error=access_denied&state={state}", "access_denied"),
        ("code=the-code&state=forged", "state"),
    ],
)
def test_a_refused_or_forged_callback_shows_an_error_and_signs_nobody_in(
    app: Flask, browser: FlaskClient, query: str, shown: str
) -> None:
    _url, pending = _sign_in(app, browser)
    with requests_mock.Mocker() as mock:  # nothing may be sent
        response = browser.get("/callback?" + query.format(state=pending["state"]))
        assert mock.request_history == []
    assert response.status_code == 400
    assert shown in response.text.lower()
    assert "token_key" not in _session(app, browser)
    assert browser.get("/profile").headers["Location"] == "/"


def test_a_callback_without_a_sign_in_in_progress_is_refused(browser: FlaskClient) -> None:
    response = browser.get("/callback?code=the-code&state=anything")
    assert response.status_code == 400
    assert "no sign-in is in progress" in response.text


def test_a_pending_sign_in_the_app_cannot_read_is_refused(
    app: Flask, browser: FlaskClient
) -> None:
    """An earlier version's session layout (bare state and verifier) is not a sign-in."""
    with browser.session_transaction() as session:
        session["pending"] = {"state": "s", "code_verifier": "v", "nonce": None}
    with requests_mock.Mocker() as mock:
        response = browser.get("/callback?code=the-code&state=s")
        assert mock.request_history == []
    assert response.status_code == 400
    assert "format version none" in response.text


def test_the_post_forms_need_the_sessions_csrf_token(browser: FlaskClient) -> None:
    browser.get("/")  # the page puts a CSRF token in the session
    for path in ("/logout", "/refresh"):
        response = browser.post(path, data={"csrf": "forged"})
        assert response.status_code == 400, path
        assert "CSRF" in response.text
