"""The OAuth 2 tutorials and web app examples of the requests-oauthlib docs, on ``runtime``.

Every snippet is the documented code almost verbatim: only the ``requests_oauthlib`` imports
became ``runtime`` imports, ``raw_input``/``input`` became the redirect URL the provider sends
the browser to, ``print`` became assertions, and the providers are mocked with requests-mock.
The Flask examples run without Flask: each view is a function, each "request" builds its own
``OAuth2Session``, and Flask's cookie session is a dict JSON round-tripped between requests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pprint import pformat
from time import time
from typing import Any, ClassVar
from urllib.parse import urlencode

import pytest
import requests
import requests_mock
from oauthlib.oauth2 import InsecureTransportError, MobileApplicationClient
from oauthlib.oauth2.rfc6749.errors import MismatchingStateError

from runtime import OAuth2Session
from runtime.compliance_fixes import facebook_compliance_fix, linkedin_compliance_fix
from tests.runtime.wire import (
    FORM,
    SentRequest,
    authorization_header,
    basic_credentials,
    query_of,
    sent_form,
)

# -- helpers ------------------------------------------------------------------------------


def browser_consents(authorization_url: str, code: str, registered_callback: str = "") -> str:
    """The URL the provider redirects the browser to after consent (what the user pastes).

    The provider uses the ``redirect_uri`` of the authorization request, else the callback
    registered with it (GitHub, Fitbit...).
    """
    query = query_of(authorization_url)
    callback = query.get("redirect_uri", registered_callback)
    assert callback, "no redirect_uri in the request and none registered"
    return f"{callback}?{urlencode({'code': code, 'state': query['state']})}"


def assert_code_exchange(
    request: SentRequest,
    *,
    code: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str | None,
) -> None:
    """A confidential client's authorization-code exchange, as requests-oauthlib sends it."""
    expected = {"grant_type": "authorization_code", "code": code}
    if redirect_uri is not None:
        expected["redirect_uri"] = redirect_uri
    assert request.method == "POST"
    assert sent_form(request) == expected
    assert basic_credentials(request) == (client_id, client_secret)
    assert request.headers["Accept"] == "application/json"


# -- GitHub ----------------------------------------------------------------------------------

GITHUB_CALLBACK = "https://myapp.example.com/callback"  # registered on github.com
GITHUB_TOKEN = "https://github.com/login/oauth/access_token"
GITHUB_USER = "https://api.github.com/user"


def register_github(http: requests_mock.Mocker, access_token: str = "gho_16C7e42F292c") -> None:
    def token_endpoint(request: SentRequest, context: Any) -> str:
        # GitHub answers form-encoded unless the client asks for JSON.
        token = {"access_token": access_token, "scope": "", "token_type": "bearer"}
        if request.headers.get("Accept") == "application/json":
            context.headers["Content-Type"] = "application/json; charset=utf-8"
            return json.dumps(token)
        context.headers["Content-Type"] = FORM
        return urlencode(token)

    http.post(GITHUB_TOKEN, text=token_endpoint)
    http.get(GITHUB_USER, json={"login": "octocat"})


def test_github_tutorial(http: requests_mock.Mocker) -> None:
    register_github(http)

    # Credentials you get from registering a new application
    client_id = "<the id you get from github>"
    client_secret = "<the secret you get from github>"

    # OAuth endpoints given in the GitHub API documentation
    authorization_base_url = "https://github.com/login/oauth/authorize"
    token_url = "https://github.com/login/oauth/access_token"

    github = OAuth2Session(client_id)

    # Redirect user to GitHub for authorization
    authorization_url, state = github.authorization_url(authorization_base_url)
    assert authorization_url.startswith(authorization_base_url + "?")
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "state": state,
    }

    # Get the authorization verifier code from the callback url
    redirect_response = browser_consents(authorization_url, "gh-code", GITHUB_CALLBACK)

    # Fetch the access token
    token = github.fetch_token(
        token_url, client_secret=client_secret, authorization_response=redirect_response
    )

    # Fetch a protected resource, i.e. user profile
    r = github.get("https://api.github.com/user")
    assert json.loads(r.content) == {"login": "octocat"}

    token_request, user_request = http.request_history
    assert_code_exchange(
        token_request,
        code="gh-code",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=None,
    )
    assert token["access_token"] == "gho_16C7e42F292c"
    assert token["token_type"] == "bearer"
    assert github.authorized
    assert github.access_token == "gho_16C7e42F292c"
    assert authorization_header(user_request) == "Bearer gho_16C7e42F292c"


# -- Google ----------------------------------------------------------------------------------

GOOGLE_SCOPE = [
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
]
GOOGLE_USERINFO = "https://www.googleapis.com/oauth2/v1/userinfo"


def test_google_tutorial(http: requests_mock.Mocker) -> None:
    http.post(
        "https://www.googleapis.com/oauth2/v4/token",
        json={
            "access_token": "ya29.a0Af",
            "expires_in": 3599,
            "refresh_token": "1//0g-refresh",
            "scope": " ".join(reversed(GOOGLE_SCOPE)),
            "token_type": "Bearer",
        },
    )
    http.get(GOOGLE_USERINFO, json={"email": "user@example.com"})

    # Credentials you get from registering a new application
    client_id = "<the id you get from google>.apps.googleusercontent.com"
    client_secret = "<the secret you get from google>"
    redirect_uri = "https://your.registered/callback"

    # OAuth endpoints given in the Google API documentation
    authorization_base_url = "https://accounts.google.com/o/oauth2/v2/auth"
    token_url = "https://www.googleapis.com/oauth2/v4/token"
    scope = [
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
    ]

    google = OAuth2Session(client_id, scope=scope, redirect_uri=redirect_uri)

    # Redirect user to Google for authorization
    authorization_url, state = google.authorization_url(
        authorization_base_url,
        # offline for refresh token
        # force to always make user click authorize
        access_type="offline",
        approval_prompt="force",
    )
    assert authorization_url.startswith(authorization_base_url + "?")
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scope),
        "state": state,
        "access_type": "offline",
        "approval_prompt": "force",
    }

    # Get the authorization verifier code from the callback url
    redirect_response = browser_consents(authorization_url, "4/0AX4Xf")

    # Fetch the access token
    google.fetch_token(
        token_url, client_secret=client_secret, authorization_response=redirect_response
    )

    # Fetch a protected resource, i.e. user profile
    r = google.get("https://www.googleapis.com/oauth2/v1/userinfo")
    assert r.json() == {"email": "user@example.com"}

    token_request, userinfo_request = http.request_history
    assert_code_exchange(
        token_request,
        code="4/0AX4Xf",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
    )
    assert google.token["refresh_token"] == "1//0g-refresh"
    assert google.token["expires_in"] == 3599
    assert google.token["expires_at"] == pytest.approx(time() + 3599, abs=5)
    assert google.access_token == "ya29.a0Af"
    assert authorization_header(userinfo_request) == "Bearer ya29.a0Af"


# -- Facebook --------------------------------------------------------------------------------

FACEBOOK_TOKEN = "https://graph.facebook.com/oauth/access_token"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param(
            "text/plain; charset=UTF-8",
            "access_token=EAAGm0PX4ZCps&expires=5183999",
            id="form-encoded-text-plain",
        ),
        pytest.param(
            "application/json; charset=UTF-8",
            json.dumps(
                {"access_token": "EAAGm0PX4ZCps", "token_type": "bearer", "expires_in": 5183999}
            ),
            id="json",
        ),
    ],
)
def test_facebook_tutorial(http: requests_mock.Mocker, content_type: str, body: str) -> None:
    http.post(FACEBOOK_TOKEN, text=body, headers={"Content-Type": content_type})
    http.get("https://graph.facebook.com/me", json={"id": "4", "name": "Mark"})

    # Credentials you get from registering a new application
    client_id = "<the id you get from facebook>"
    client_secret = "<the secret you get from facebook>"

    # OAuth endpoints given in the Facebook API documentation
    authorization_base_url = "https://www.facebook.com/dialog/oauth"
    token_url = "https://graph.facebook.com/oauth/access_token"
    redirect_uri = "https://localhost/"  # Should match Site URL

    facebook = OAuth2Session(client_id, redirect_uri=redirect_uri)
    facebook = facebook_compliance_fix(facebook)

    # Redirect user to Facebook for authorization
    authorization_url, state = facebook.authorization_url(authorization_base_url)
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
    }

    # Get the authorization verifier code from the callback url
    redirect_response = browser_consents(authorization_url, "AQDfb-code")
    assert redirect_response.startswith("https://localhost/?code=AQDfb-code&state=")

    # Fetch the access token
    token = facebook.fetch_token(
        token_url, client_secret=client_secret, authorization_response=redirect_response
    )

    # Fetch a protected resource, i.e. user profile
    r = facebook.get("https://graph.facebook.com/me?")
    assert r.json() == {"id": "4", "name": "Mark"}

    token_request, me_request = http.request_history
    assert_code_exchange(
        token_request,
        code="AQDfb-code",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
    )
    assert token["access_token"] == "EAAGm0PX4ZCps"
    assert token["token_type"].lower() == "bearer"
    # Facebook's ``expires`` became ``expires_in``, so the session knows when it runs out.
    assert token["expires_in"] == 5183999
    assert token["expires_at"] == pytest.approx(time() + 5183999, abs=5)
    assert facebook.authorized
    assert authorization_header(me_request) == "Bearer EAAGm0PX4ZCps"


# -- Fitbit (mobile application flow) --------------------------------------------------------

FITBIT_CALLBACK = "https://myapp.example.com/fitbit"  # registered with Fitbit
FITBIT_SLEEP_GOAL = "https://api.fitbit.com/1/user/-/sleep/goal.json"


def fitbit_redirect(auth_url: str, state: str | None = None) -> str:
    """Fitbit's redirect after consent: the token in the fragment, scopes in its own order."""
    query = query_of(auth_url)
    fragment = {
        "access_token": "eyJhbGciOiJIUzI1NiJ9.fitbit",
        "user_id": "22942C",
        "scope": " ".join(sorted(query["scope"].split())),
        "state": query["state"] if state is None else state,
        "token_type": "Bearer",
        "expires_in": "86400",
    }
    return f"{FITBIT_CALLBACK}#{urlencode(fragment)}"


def test_fitbit_implicit_tutorial(http: requests_mock.Mocker) -> None:
    http.get(FITBIT_SLEEP_GOAL, json={"goal": {"minDuration": 480}})

    # Set up your client ID and scope: the scope must match that which you requested when you
    # set up your application.
    client_id = "<your client ID here>"
    scope = [
        "activity",
        "heartrate",
        "location",
        "nutrition",
        "profile",
        "settings",
        "sleep",
        "social",
        "weight",
    ]

    # Initialize client
    client = MobileApplicationClient(client_id)
    fitbit = OAuth2Session(client_id, client=client, scope=scope)
    authorization_url = "https://www.fitbit.com/oauth2/authorize"

    # Grab the URL for Fitbit's authorization page.
    auth_url, state = fitbit.authorization_url(authorization_url)
    assert query_of(auth_url) == {
        "response_type": "token",
        "client_id": client_id,
        "scope": " ".join(scope),
        "state": state,
    }

    # After authenticating, Fitbit will redirect you to the URL you specified in your
    # application settings. It contains the access token.
    callback_url = fitbit_redirect(auth_url)

    # Now we extract the token from the URL to make use of it.
    fitbit.token_from_fragment(callback_url)

    # We can also store the token for use later.
    # The docs say ``token = fitbit['token']``: that is a bug in the docs (an OAuth2Session is
    # not subscriptable, with requests-oauthlib either); the token is the ``token`` attribute.
    with pytest.raises(TypeError):
        fitbit["token"]  # type: ignore[index]
    token = fitbit.token

    # At this point, assuming nothing blew up, we can make calls to the API as normal
    r = fitbit.get("https://api.fitbit.com/1/user/-/sleep/goal.json")
    assert r.json() == {"goal": {"minDuration": 480}}

    assert token["access_token"] == "eyJhbGciOiJIUzI1NiJ9.fitbit"
    assert token["user_id"] == "22942C"
    assert sorted(token["scope"]) == sorted(scope)
    assert token["expires_in"] == 86400
    assert fitbit.authorized
    (sleep_request,) = http.request_history  # the implicit grant has no token request
    assert authorization_header(sleep_request) == "Bearer eyJhbGciOiJIUzI1NiJ9.fitbit"


def test_fitbit_implicit_tutorial_rejects_a_forged_state(http: requests_mock.Mocker) -> None:
    client_id = "<your client ID here>"
    fitbit = OAuth2Session(client_id, client=MobileApplicationClient(client_id), scope=["sleep"])
    auth_url, _ = fitbit.authorization_url("https://www.fitbit.com/oauth2/authorize")
    with pytest.raises(ValueError, match="state"):
        fitbit.token_from_fragment(fitbit_redirect(auth_url, state="forged"))
    assert not fitbit.authorized
    assert not http.called


# -- LinkedIn --------------------------------------------------------------------------------

LINKEDIN_TOKEN = "https://www.linkedin.com/uas/oauth2/accessToken"
LINKEDIN_PROFILE = "https://api.linkedin.com/v1/people/~"


def test_linkedin_tutorial(http: requests_mock.Mocker) -> None:
    # LinkedIn's token answer has no token_type; linkedin_compliance_fix supplies "Bearer".
    http.post(LINKEDIN_TOKEN, json={"access_token": "AQXdSP_W41_UPs5ioT", "expires_in": 5184000})
    http.get(LINKEDIN_PROFILE, json={"firstName": "Ada"})

    # Credentials you get from registering a new application
    client_id = "<the id you get from linkedin>"
    client_secret = "<the secret you get from linkedin>"

    # OAuth endpoints given in the LinkedIn API documentation
    authorization_base_url = "https://www.linkedin.com/uas/oauth2/authorization"
    token_url = "https://www.linkedin.com/uas/oauth2/accessToken"

    linkedin = OAuth2Session(client_id, redirect_uri="http://127.0.0.1")
    linkedin = linkedin_compliance_fix(linkedin)

    # Redirect user to LinkedIn for authorization
    authorization_url, state = linkedin.authorization_url(authorization_base_url)
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": "http://127.0.0.1",
        "state": state,
    }

    # Get the authorization verifier code from the callback url: a plain-http loopback URL,
    # which the runtime accepts without OAUTHLIB_INSECURE_TRANSPORT (RFC 8252 §7.3).
    redirect_response = browser_consents(authorization_url, "AQTQmah11lalyH65DAIivsjsAQV5P")
    assert redirect_response.startswith("http://127.0.0.1?code=")

    # Fetch the access token
    token = linkedin.fetch_token(
        token_url, client_secret=client_secret, authorization_response=redirect_response
    )

    # Fetch a protected resource, i.e. user profile
    r = linkedin.get("https://api.linkedin.com/v1/people/~")
    assert r.json() == {"firstName": "Ada"}

    token_request, profile_request = http.request_history
    assert_code_exchange(
        token_request,
        code="AQTQmah11lalyH65DAIivsjsAQV5P",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri="http://127.0.0.1",
    )
    assert token["token_type"] == "Bearer"
    assert token["access_token"] == "AQXdSP_W41_UPs5ioT"
    assert linkedin.authorized
    assert authorization_header(profile_request) == "Bearer AQXdSP_W41_UPs5ioT"


def test_plain_http_callback_off_loopback_is_refused(http: requests_mock.Mocker) -> None:
    linkedin = OAuth2Session("<the id you get from linkedin>", redirect_uri="http://app.example")
    authorization_url, _ = linkedin.authorization_url(
        "https://www.linkedin.com/uas/oauth2/authorization"
    )
    with pytest.raises(InsecureTransportError):
        linkedin.fetch_token(
            LINKEDIN_TOKEN,
            client_secret="<the secret you get from linkedin>",
            authorization_response=browser_consents(authorization_url, "code"),
        )
    assert not http.called


# -- Outlook ---------------------------------------------------------------------------------

OUTLOOK_TOKEN = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
OUTLOOK_CALENDARS = "https://outlook.office.com/api/v1.0/me/calendars"


def test_outlook_tutorial(http: requests_mock.Mocker) -> None:
    http.post(
        OUTLOOK_TOKEN,
        json={
            "token_type": "Bearer",
            "scope": "https://outlook.office.com/calendars.readwrite",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": "EwBwA8l6BAAU",
        },
    )
    http.get(OUTLOOK_CALENDARS, json={"value": []})

    # This information is obtained upon registration of a new Outlook Application
    client_id = "<the id you get from outlook>"
    client_secret = "<the secret you get from outlook>"

    # OAuth endpoints given in Outlook API documentation
    authorization_base_url = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
    token_url = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    scope = ["https://outlook.office.com/calendars.readwrite"]
    redirect_uri = "https://localhost/"  # Should match Site URL

    outlook = OAuth2Session(client_id, scope=scope, redirect_uri=redirect_uri)

    # Redirect  the user owner to the OAuth provider (i.e. Outlook) using an URL with a few
    # key OAuth parameters.
    authorization_url, state = outlook.authorization_url(authorization_base_url)
    assert query_of(authorization_url) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "https://outlook.office.com/calendars.readwrite",
        "state": state,
    }

    # Get the authorization verifier code from the callback url
    redirect_response = browser_consents(authorization_url, "M.R3_BAY.outlook-code")

    # Fetch the access token
    token = outlook.fetch_token(
        token_url, client_secret=client_secret, authorization_response=redirect_response
    )

    # Fetch a protected resource, i.e. calender information
    o = outlook.get("https://outlook.office.com/api/v1.0/me/calendars")
    assert o.json() == {"value": []}

    token_request, calendars_request = http.request_history
    assert_code_exchange(
        token_request,
        code="M.R3_BAY.outlook-code",
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
    )
    assert token["access_token"] == "EwBwA8l6BAAU"
    assert token["ext_expires_in"] == 3599
    assert outlook.authorized
    assert authorization_header(calendars_request) == "Bearer EwBwA8l6BAAU"


# -- Flask web app examples, without Flask ---------------------------------------------------


class FlaskClient:
    """Plays the browser against Flask-style views.

    ``session`` is the dict the views read and write. Between requests it lives in a cookie,
    JSON-encoded as Flask's default session does, so whatever a view stores must survive
    ``json.dumps``/``json.loads`` (an ``OAuth2Token`` does: it is a dict).
    """

    def __init__(self) -> None:
        self.session: dict[str, Any] = {}
        self._cookie = "{}"

    def get(self, view: Callable[..., Any], *args: Any) -> Any:
        self.session.clear()
        self.session.update(json.loads(self._cookie))
        result = view(*args)
        self._cookie = json.dumps(self.session)
        return result


def redirect(location: str) -> str:
    return location


def url_for(endpoint: str) -> str:
    return "/" + endpoint.lstrip(".")


def jsonify(value: Any) -> str:
    return json.dumps(value)


class GitHubWebApp:
    """The "Web App Example of OAuth 2 web application flow" (Flask + GitHub)."""

    # This information is obtained upon registration of a new GitHub OAuth
    # application here: https://github.com/settings/applications/new
    client_id = "<your client key>"
    client_secret = "<your client secret>"
    authorization_base_url = "https://github.com/login/oauth/authorize"
    token_url = "https://github.com/login/oauth/access_token"

    def __init__(self, browser: FlaskClient) -> None:
        self.session = browser.session

    def demo(self) -> str:
        """Step 1: User Authorization."""
        session = self.session
        github = OAuth2Session(self.client_id)
        authorization_url, state = github.authorization_url(self.authorization_base_url)

        # State is used to prevent CSRF, keep this for later.
        session["oauth_state"] = state
        return redirect(authorization_url)

    # Step 2: User authorization, this happens on the provider.

    def callback(self, request_url: str) -> str:
        """Step 3: Retrieving an access token."""
        session = self.session
        github = OAuth2Session(self.client_id, state=session["oauth_state"])
        token = github.fetch_token(
            self.token_url, client_secret=self.client_secret, authorization_response=request_url
        )

        # At this point you can fetch protected resources but lets save
        # the token and show how this is done from a persisted token
        # in /profile.
        session["oauth_token"] = token

        return redirect(url_for(".profile"))

    def profile(self) -> str:
        """Fetching a protected resource using an OAuth 2 token."""
        session = self.session
        github = OAuth2Session(self.client_id, token=session["oauth_token"])
        return jsonify(github.get("https://api.github.com/user").json())

    def overview_callback(self, request_url: str) -> str:
        """The shorter /callback of the docs' overview: fetch and use the token at once."""
        session = self.session
        github = OAuth2Session(self.client_id, state=session["oauth_state"])
        github.fetch_token(
            self.token_url, client_secret=self.client_secret, authorization_response=request_url
        )
        return jsonify(github.get("https://api.github.com/user").json())


@pytest.mark.parametrize(
    ("app_url", "insecure_transport"),
    [
        pytest.param("https://myapp.example.com", False, id="https"),
        # Local development: a plain-http loopback callback needs no environment switch.
        pytest.param("http://127.0.0.1:5000", False, id="http-loopback"),
        # The docs' "N.B.": plain http elsewhere needs OAUTHLIB_INSECURE_TRANSPORT=1.
        pytest.param("http://myapp.example.com", True, id="http-with-OAUTHLIB_INSECURE_TRANSPORT"),
    ],
)
def test_flask_github_web_app(
    http: requests_mock.Mocker,
    monkeypatch: pytest.MonkeyPatch,
    app_url: str,
    insecure_transport: bool,
) -> None:
    if insecure_transport:
        monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    register_github(http)
    browser = FlaskClient()
    app = GitHubWebApp(browser)

    # GET / -> redirect to GitHub
    location = browser.get(app.demo)
    assert location.startswith(app.authorization_base_url + "?")
    state = browser.session["oauth_state"]
    assert query_of(location) == {
        "response_type": "code",
        "client_id": app.client_id,
        "state": state,
    }

    # GitHub redirects the browser to GET /callback?code=...&state=...
    request_url = browser_consents(location, "gh-code", app_url + "/callback")
    assert browser.get(app.callback, request_url) == "/profile"
    (token_request,) = http.request_history
    assert_code_exchange(
        token_request,
        code="gh-code",
        client_id=app.client_id,
        client_secret=app.client_secret,
        redirect_uri=None,
    )
    assert browser.session["oauth_token"]["access_token"] == "gho_16C7e42F292c"

    # GET /profile, in yet another session built from the stored token
    assert json.loads(browser.get(app.profile)) == {"login": "octocat"}
    _, user_request = http.request_history
    assert authorization_header(user_request) == "Bearer gho_16C7e42F292c"


def test_flask_github_web_app_plain_http_without_the_switch_is_refused(
    http: requests_mock.Mocker,
) -> None:
    register_github(http)
    browser = FlaskClient()
    app = GitHubWebApp(browser)
    location = browser.get(app.demo)
    request_url = browser_consents(location, "gh-code", "http://myapp.example.com/callback")
    with pytest.raises(InsecureTransportError):
        browser.get(app.callback, request_url)
    assert not http.called


def test_flask_github_web_app_rejects_a_forged_callback(http: requests_mock.Mocker) -> None:
    """CSRF: the attacker's own authorization response, replayed into the victim's browser."""
    register_github(http, access_token="attacker-token")
    attacker, victim = FlaskClient(), FlaskClient()
    attacker_location = attacker.get(GitHubWebApp(attacker).demo)
    forged = browser_consents(attacker_location, "attacker-code", GITHUB_CALLBACK)

    victim_app = GitHubWebApp(victim)
    victim.get(victim_app.demo)
    with pytest.raises(MismatchingStateError):
        victim.get(victim_app.callback, forged)
    assert not http.called
    assert "oauth_token" not in victim.session


def test_overview_flask_example(http: requests_mock.Mocker) -> None:
    register_github(http)
    browser = FlaskClient()
    app = GitHubWebApp(browser)
    location = browser.get(app.demo)
    request_url = browser_consents(location, "gh-code", GITHUB_CALLBACK)
    assert json.loads(browser.get(app.overview_callback, request_url)) == {"login": "octocat"}
    token_request, user_request = http.request_history
    assert basic_credentials(token_request) == (app.client_id, app.client_secret)
    assert sent_form(token_request) == {"grant_type": "authorization_code", "code": "gh-code"}
    assert authorization_header(user_request) == "Bearer gho_16C7e42F292c"


# -- Flask web app refreshing Google tokens --------------------------------------------------

GOOGLE_TOKEN = "https://accounts.google.com/o/oauth2/token"
GOOGLE_TOKENINFO = "https://www.googleapis.com/oauth2/v1/tokeninfo"


class GoogleRefreshWebApp:
    """The "Refreshing tokens in OAuth 2" example (Flask + Google)."""

    # This information is obtained upon registration of a new Google OAuth
    # application at https://code.google.com/apis/console
    client_id = "<your client key>"
    client_secret = "<your client secret>"
    redirect_uri = "https://your.registered/callback"

    # OAuth endpoints given in the Google API documentation
    authorization_base_url = "https://accounts.google.com/o/oauth2/auth"
    token_url = "https://accounts.google.com/o/oauth2/token"
    refresh_url = token_url  # True for Google but not all providers.
    scope: ClassVar[list[str]] = [
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
    ]

    def __init__(self, browser: FlaskClient) -> None:
        self.session = browser.session

    def demo(self) -> str:
        """Step 1: User Authorization."""
        session = self.session
        google = OAuth2Session(self.client_id, scope=self.scope, redirect_uri=self.redirect_uri)
        authorization_url, state = google.authorization_url(
            self.authorization_base_url,
            # offline for refresh token
            # force to always make user click authorize
            access_type="offline",
            approval_prompt="force",
        )

        # State is used to prevent CSRF, keep this for later.
        session["oauth_state"] = state
        return redirect(authorization_url)

    # Step 2: User authorization, this happens on the provider.
    def callback(self, request_url: str) -> str:
        """Step 3: Retrieving an access token."""
        session = self.session
        google = OAuth2Session(
            self.client_id, redirect_uri=self.redirect_uri, state=session["oauth_state"]
        )
        token = google.fetch_token(
            self.token_url, client_secret=self.client_secret, authorization_response=request_url
        )

        # We use the session as a simple DB for this example.
        session["oauth_token"] = token

        return redirect(url_for(".menu"))

    def menu(self) -> str:
        return """
        <h1>Congratulations, you have obtained an OAuth 2 token!</h1>
        <pre>
        %s
        </pre>
        """ % pformat(self.session["oauth_token"], indent=4)  # noqa: UP031 - as in the docs

    def profile(self) -> str:
        """Fetching a protected resource using an OAuth 2 token."""
        session = self.session
        google = OAuth2Session(self.client_id, token=session["oauth_token"])
        return jsonify(google.get("https://www.googleapis.com/oauth2/v1/userinfo").json())

    def automatic_refresh(self) -> str:
        """Refreshing an OAuth 2 token using a refresh token."""
        session = self.session
        token = session["oauth_token"]

        # We force an expiration by setting expired at in the past.
        # This will trigger an automatic refresh next time we interact with
        # Googles API.
        token["expires_at"] = time() - 10

        extra = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

        def token_updater(token: dict[str, Any]) -> None:
            session["oauth_token"] = token

        google = OAuth2Session(
            self.client_id,
            token=token,
            auto_refresh_kwargs=extra,
            auto_refresh_url=self.refresh_url,
            token_updater=token_updater,
        )

        # Trigger the automatic refresh
        jsonify(google.get("https://www.googleapis.com/oauth2/v1/userinfo").json())
        return jsonify(session["oauth_token"])

    def manual_refresh(self) -> str:
        """Refreshing an OAuth 2 token using a refresh token."""
        session = self.session
        token = session["oauth_token"]

        # Annotated: with dict[str, str], mypy rejects **extra (it could fill ``headers=``).
        extra: dict[str, Any] = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

        google = OAuth2Session(self.client_id, token=token)
        session["oauth_token"] = google.refresh_token(self.refresh_url, **extra)
        return jsonify(session["oauth_token"])

    def validate(self) -> str:
        """Validate a token with the OAuth provider Google."""
        session = self.session
        token = session["oauth_token"]

        # Defined at https://developers.google.com/accounts/docs/OAuth2LoginV1#validatingtoken
        validate_url = (
            "https://www.googleapis.com/oauth2/v1/tokeninfo?access_token=%s"  # noqa: UP031
            % token["access_token"]
        )

        # No OAuth2Session is needed, just a plain GET request
        return jsonify(requests.get(validate_url).json())


def register_google(http: requests_mock.Mocker) -> None:
    """Google's token endpoint: a code gives ya29.first; each refresh a new access token only."""
    issued = iter(["ya29.first", "ya29.second", "ya29.third"])

    def token_endpoint(request: SentRequest, context: Any) -> dict[str, Any]:
        token: dict[str, Any] = {
            "access_token": next(issued),
            "expires_in": 3599,
            "scope": " ".join(GoogleRefreshWebApp.scope),
            "token_type": "Bearer",
        }
        if sent_form(request)["grant_type"] == "authorization_code":
            token["refresh_token"] = "1//0g-refresh"
        return token

    def tokeninfo(request: SentRequest, context: Any) -> dict[str, Any]:
        return {"audience": GoogleRefreshWebApp.client_id, "expires_in": 3000}

    http.post(GOOGLE_TOKEN, json=token_endpoint)
    http.get(GOOGLE_USERINFO, json={"email": "user@example.com"})
    http.get(GOOGLE_TOKENINFO, json=tokeninfo)


def test_flask_google_refresh_web_app(
    http: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /validate uses plain requests.get, which would add a developer's ~/.netrc credentials.
    monkeypatch.setenv("NETRC", os.devnull)
    register_google(http)
    browser = FlaskClient()
    app = GoogleRefreshWebApp(browser)

    # GET / -> Google, with the offline access parameters
    location = browser.get(app.demo)
    assert query_of(location) == {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": " ".join(app.scope),
        "state": browser.session["oauth_state"],
        "access_type": "offline",
        "approval_prompt": "force",
    }

    # GET /callback
    assert browser.get(app.callback, browser_consents(location, "4/0AX4Xf")) == "/menu"
    (code_request,) = http.request_history
    assert_code_exchange(
        code_request,
        code="4/0AX4Xf",
        client_id=app.client_id,
        client_secret=app.client_secret,
        redirect_uri=app.redirect_uri,
    )
    first = browser.session["oauth_token"]
    assert (first["access_token"], first["refresh_token"]) == ("ya29.first", "1//0g-refresh")

    # GET /menu shows the token, GET /profile uses it
    assert "ya29.first" in browser.get(app.menu)
    assert json.loads(browser.get(app.profile)) == {"email": "user@example.com"}
    assert authorization_header(http.request_history[-1]) == "Bearer ya29.first"

    # GET /automatic_refresh: the expired token is refreshed, token_updater stores the new one
    # and the userinfo request is then sent with it.
    http.reset_mock()
    shown = json.loads(browser.get(app.automatic_refresh))
    refresh_request, userinfo_request = http.request_history
    assert refresh_request.url == GOOGLE_TOKEN
    assert sent_form(refresh_request) == {
        "grant_type": "refresh_token",
        "refresh_token": "1//0g-refresh",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    assert authorization_header(refresh_request) is None
    assert userinfo_request.url == GOOGLE_USERINFO
    assert authorization_header(userinfo_request) == "Bearer ya29.second"
    second = browser.session["oauth_token"]
    assert shown == second
    assert second["access_token"] == "ya29.second"
    assert second["refresh_token"] == "1//0g-refresh"  # Google sends no new one; it is kept
    assert second["expires_at"] == pytest.approx(time() + 3599, abs=5)

    # GET /manual_refresh
    http.reset_mock()
    shown = json.loads(browser.get(app.manual_refresh))
    (refresh_request,) = http.request_history
    assert sent_form(refresh_request) == {
        "grant_type": "refresh_token",
        "refresh_token": "1//0g-refresh",
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    assert authorization_header(refresh_request) is None
    third = browser.session["oauth_token"]
    assert shown == third
    assert (third["access_token"], third["refresh_token"]) == ("ya29.third", "1//0g-refresh")

    # GET /validate: a plain requests.get with the token in the query, no Authorization
    http.reset_mock()
    assert json.loads(browser.get(app.validate)) == {
        "audience": app.client_id,
        "expires_in": 3000,
    }
    (validate_request,) = http.request_history
    assert query_of(validate_request.url) == {"access_token": "ya29.third"}
    assert authorization_header(validate_request) is None

    # The latest token still works from a fresh session.
    http.reset_mock()
    browser.get(app.profile)
    assert authorization_header(http.request_history[0]) == "Bearer ya29.third"
