"""``oauthgen draft`` against the real authorization server: the drafted spec validates, builds,
and its generated client signs a user in (authorization code + PKCE), reads the profile,
refreshes and revokes, all on the server's endpoints as its discovery document gives them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.spec import load_spec
from runtime.provider import AuthorizationRequest
from tests.generator.generation import client_class, import_file

from .harness import WEB_CLIENT_ID, WEB_CLIENT_SECRET, WEB_REDIRECT_URI, HeadlessUser, RunningServer
from .test_oauth2_flows import introspect

REPO_ROOT = Path(__file__).resolve().parents[2]


def oauthgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_drafted_spec_validates_builds_and_signs_in(
    oidc_server: RunningServer, user: HeadlessUser, tmp_path: Path
) -> None:
    spec_file = tmp_path / "specs" / "local.yaml"
    drafted = oauthgen("draft", oidc_server.issuer, "--id", "local", "--out", str(spec_file))
    assert drafted.returncode == 0, drafted.stderr
    assert "it validates" in drafted.stderr and drafted.stdout == ""
    spec = load_spec(spec_file).spec
    assert spec.protocol == "oidc" and spec.endpoints.issuer == oidc_server.issuer
    assert spec.endpoints.token == oidc_server.token_endpoint
    assert {"openid", "offline_access", "api:read"} <= set(spec.scopes.known)

    validated = oauthgen("validate", str(spec_file))
    assert validated.returncode == 0, validated.stderr
    built = oauthgen("build", str(spec_file), "--out", str(tmp_path / "generated"))
    assert built.returncode == 0, built.stderr

    module = import_file(tmp_path / "generated" / "local" / "__init__.py", "drafted_local")

    def new_client() -> Any:
        return client_class(module)(
            client_id=WEB_CLIENT_ID, client_secret=WEB_CLIENT_SECRET, redirect_uri=WEB_REDIRECT_URI
        )

    # A web app's two requests: the sign-in keeps the request in the session as JSON, and the
    # callback is handled by another client (another worker) from that alone.
    request = new_client().authorization_url(scopes=["openid", "offline_access", "api:read"])
    assert request.url.startswith(oidc_server.authorization_endpoint + "?")
    assert "code_challenge_method=S256" in request.url and request.nonce
    session_value = json.dumps(request.to_dict())
    callback = user.authorize(request.url, WEB_REDIRECT_URI)
    client = new_client()
    stored = AuthorizationRequest.from_dict(json.loads(session_value))
    token = client.fetch_token(callback, request=stored)  # state, PKCE, nonce and iss checked
    assert introspect(oidc_server, token["access_token"])["active"] is True

    profile = client.userinfo()
    assert profile["sub"] == user.login

    refreshed = client.refresh()
    assert refreshed["access_token"] != token["access_token"]
    assert introspect(oidc_server, refreshed["access_token"])["active"] is True

    client.revoke()  # the refresh token: the grant ends
    assert introspect(oidc_server, refreshed["refresh_token"])["active"] is False


def test_drafting_over_an_existing_spec_needs_force(
    oidc_server: RunningServer, tmp_path: Path
) -> None:
    spec_file = tmp_path / "local.yaml"
    spec_file.write_text("# my edits\n", encoding="utf-8")
    refused = oauthgen("draft", oidc_server.issuer, "--id", "local", "--out", str(spec_file))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert spec_file.read_text(encoding="utf-8") == "# my edits\n"
    forced = oauthgen(
        "draft", oidc_server.issuer, "--id", "local", "--out", str(spec_file), "--force"
    )
    assert forced.returncode == 0, forced.stderr
    assert load_spec(spec_file).spec.endpoints.issuer == oidc_server.issuer
