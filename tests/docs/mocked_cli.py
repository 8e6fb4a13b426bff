"""``oauthgen`` with the providers' HTTP mocked, for the documentation's shell blocks.

``tests/docs/test_code_blocks.py`` puts a script named ``oauthgen`` first on ``PATH`` that runs
``python -m tests.docs.mocked_cli ARGS...``: the real command line (``generator.cli.main``), with
``responses`` answering for the provider named by ``$OAUTHGEN_DOCS_MOCKS``, and a browser that
the test plays. The browser follows the authorization URL as a signed-in user who consents
would: it calls the loopback receiver's redirect URI with a code and the request's state. It
does so for ``--no-browser`` too, as the user who copies the printed URL. Requests to
127.0.0.1 (the loopback receiver) pass through; any other unmocked request fails the command.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import urllib.request
from collections.abc import Callable
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import responses

from generator.auth import commands
from generator.cli import main as oauthgen_main

CODE = "doc-authorization-code"
ACCESS_TOKEN = "gho_doc_access_token"


def play_browser(url: str) -> None:
    """Sign in and consent at ``url``: the provider redirects to the loopback receiver."""
    query = parse_qs(urlsplit(url).query)
    if "redirect_uri" not in query:  # a device flow's verification page: nothing to follow
        return
    params = urlencode({"code": CODE, "state": query["state"][0]})
    callback = f"{query['redirect_uri'][0]}?{params}"

    def visit() -> None:
        with urllib.request.urlopen(callback, timeout=10) as answer:
            answer.read()

    threading.Thread(target=visit, daemon=True).start()


Answer = tuple[int, dict[str, str], str]


def token_answer(scope: str) -> Callable[[requests.PreparedRequest], Answer]:
    """The token endpoint: a token for the code exchange and for the device poll alike."""

    def answer(request: requests.PreparedRequest) -> Answer:
        form = parse_qs(str(request.body or ""))
        grant = form.get("grant_type", [""])[0]
        if grant == "authorization_code":
            assert form["code"] == [CODE], form
        elif grant != "urn:ietf:params:oauth:grant-type:device_code":
            return 400, {}, json.dumps({"error": "unsupported_grant_type"})
        body = {"access_token": ACCESS_TOKEN, "token_type": "bearer", "scope": scope}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    return answer


def terminal_sign_in(http: responses.RequestsMock) -> None:
    """GitHub (browser and device sign-in, revocation) and ./acme.yaml's provider."""
    github_token = token_answer("read:user")
    http.add_callback("POST", "https://github.com/login/oauth/access_token", github_token)
    http.add(
        "POST",
        "https://github.com/login/device/code",
        json={
            "device_code": "doc-device-code",
            "user_code": "WDJB-MJHT",
            "verification_uri": "https://github.com/login/device",
            "expires_in": 900,
            "interval": 1,
        },
    )
    # The client id is the one the README's config file gives.
    http.add("DELETE", re.compile(r"https://api\.github\.com/applications/[^/]+/token"), status=204)
    http.add_callback(
        "POST", "https://login.acme.example/contoso/oauth/token", token_answer("profile")
    )


def draft_from_discovery(http: responses.RequestsMock) -> None:
    """accounts.example.com's OpenID Connect discovery document."""
    issuer = "https://accounts.example.com"
    http.add(
        "GET",
        f"{issuer}/.well-known/openid-configuration",
        json={
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "revocation_endpoint": f"{issuer}/revoke",
            "jwks_uri": f"{issuer}/jwks",
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["code"],
            "claims_supported": ["sub", "name", "email", "email_verified"],
        },
    )


MOCKS: dict[str, Callable[[responses.RequestsMock], None]] = {
    "terminal-sign-in": terminal_sign_in,
    "draft-from-discovery": draft_from_discovery,
}


def main(argv: list[str]) -> int:
    original = commands._send_user_to

    def send_user_to(url: str, *, use_browser: bool) -> None:
        original(url, use_browser=use_browser)
        play_browser(url)

    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as http,
        mock.patch.object(commands, "_send_user_to", send_user_to),
        mock.patch("webbrowser.open", lambda url, *args, **kwargs: True),
    ):
        http.add_passthru("http://127.0.0.1")
        MOCKS[os.environ["OAUTHGEN_DOCS_MOCKS"]](http)
        return oauthgen_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
