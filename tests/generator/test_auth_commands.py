"""``oauthgen login / token / logout / status`` without a server: configuration precedence,
argument errors, exit codes, and what reaches stdout and stderr (never a token or secret).

HTTP is mocked with ``responses`` where a command talks to a provider; the end-to-end runs
against a real authorization server are in ``tests/integration/test_cli_auth.py``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses

from generator.auth import store as auth_store
from generator.auth.config import Config, ProviderConfig, load_config, resolve_credentials
from generator.auth.errors import CommandError
from generator.auth.store import AuthStore, ProfileRecord
from generator.cli import main

Capture = pytest.CaptureFixture[str]
SPOTIFY_TOKEN_URL = "https://accounts.spotify.com/api/token"
ACCESS = "at-0123456789-secret-access"
REFRESH = "rt-0123456789-secret-refresh"
SECRET = "cs-0123456789-client-secret"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("OAUTHGEN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # A test that reaches the browser step must not open one.
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: False)
    yield tmp_path


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_config(home: Path, text: str) -> Path:
    path = home / "config" / "oauthgen" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def saved(
    home: Path,
    token: dict[str, Any] | None,
    *,
    provider: str = "spotify",
    profile: str = "default",
    **record: Any,
) -> AuthStore:
    auth = AuthStore(home / "data" / "oauthgen")
    entry = ProfileRecord(
        provider=provider, profile=profile, client_id=record.pop("client_id", "cid"), **record
    )
    if token is None:
        auth.profiles.save(entry.key, entry.to_json())
    else:
        auth.save_login(entry, token)
    return auth


def expired_token(**extra: Any) -> dict[str, Any]:
    return {
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "token_type": "Bearer",
        "scope": "user-read-email",
        "expires_at": time.time() - 30,
        **extra,
    }


# -- client id / secret precedence -----------------------------------------------------------


def test_flags_win_over_environment_and_config() -> None:
    config = Config(Path("/cfg.toml"), {"github": ProviderConfig("cfg-id", "cfg-secret")})
    environ = {"OAUTHGEN_GITHUB_CLIENT_ID": "env-id", "OAUTHGEN_GITHUB_CLIENT_SECRET": "env-s"}

    found = resolve_credentials(
        "github", flag_id="flag-id", flag_secret="flag-s", config=config, environ=environ
    )

    assert (found.client_id, found.client_secret) == ("flag-id", "flag-s")
    assert found.client_id_source == "--client-id"
    assert found.client_secret_source == "--client-secret"


def test_environment_wins_over_config() -> None:
    config = Config(Path("/cfg.toml"), {"github": ProviderConfig("cfg-id", "cfg-secret")})
    environ = {"OAUTHGEN_GITHUB_CLIENT_ID": "env-id"}

    found = resolve_credentials(
        "github", flag_id=None, flag_secret=None, config=config, environ=environ
    )

    assert (found.client_id, found.client_secret) == ("env-id", "cfg-secret")
    assert found.client_id_source == "$OAUTHGEN_GITHUB_CLIENT_ID"
    assert found.client_secret_source == "/cfg.toml [providers.github] client_secret"


def test_config_file_is_the_last_source(home: Path) -> None:
    path = write_config(home, '[providers.tumblr_oauth2]\nclient_id = "cfg-id"\n')

    found = resolve_credentials(
        "tumblr_oauth2", flag_id=None, flag_secret=None, config=load_config(path), environ={}
    )

    assert (found.client_id, found.client_secret) == ("cfg-id", None)
    assert found.client_id_source == f"{path} [providers.tumblr_oauth2] client_id"


def test_missing_client_id_names_every_place_to_set_it(home: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "login", "github", "--no-browser")

    assert code == 2
    assert out == ""
    config = home / "config" / "oauthgen" / "config.toml"
    assert (
        f"no client id for github: pass --client-id, set OAUTHGEN_GITHUB_CLIENT_ID, or add "
        f"client_id under [providers.github] in {config}"
    ) in err


def test_broken_config_file_is_a_usage_error(home: Path, capsys: Capture) -> None:
    path = write_config(home, "[providers.github\nclient_id = 1\n")

    code, out, err = run(capsys, "login", "github")

    assert (code, out) == (2, "")
    assert err.startswith(f"oauthgen: {path}: not valid TOML: ")


def test_unknown_config_key_is_named(home: Path) -> None:
    path = write_config(home, '[providers.github]\nclientid = "x"\n')

    with pytest.raises(CommandError) as caught:
        load_config(path)

    assert caught.value.code == 2
    assert "[providers.github]: unknown key 'clientid'" in caught.value.message


def test_readable_config_with_a_secret_is_warned_about(home: Path, capsys: Capture) -> None:
    path = write_config(home, f'[providers.github]\nclient_id = "x"\nclient_secret = "{SECRET}"\n')
    path.chmod(0o644)
    warnings: list[str] = []

    load_config(path, warn=warnings.append)

    assert warnings == [
        f"{path} holds a client secret and other users can read it (mode 0644): "
        f"run `chmod 600 {path}`"
    ]
    assert SECRET not in warnings[0]


# -- argument errors ---------------------------------------------------------------------------


def test_unknown_provider_suggests_close_names(home: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "login", "githib", "--client-id", "x")

    assert code == 2
    assert out == ""
    assert "unknown provider 'githib'; did you mean 'github' or 'gitlab'?" in err


def test_unknown_variable_lists_the_providers_variables(home: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "login", "github", "--client-id", "x", "--var", "tenant=acme")

    assert code == 2
    assert "GitHub has no variable 'tenant'; its variables: " in err
    assert "user_agent" in err.split("its variables: ")[1]


def test_malformed_variable_assignment(home: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "login", "github", "--client-id", "x", "--var", "user_agent")

    assert code == 2
    assert "--var 'user_agent': expected NAME=VALUE" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["login", "twitter", "--client-id", "x"], "Twitter uses OAuth 1.0a"),
        (["login", "spotify", "--client-id", "x", "--device"], "Spotify has no device flow"),
        (["login", "github", "--profile", "../etc", "--client-id", "x"], "--profile '../etc'"),
    ],
)
def test_flows_and_profiles_a_provider_cannot_do(
    home: Path, capsys: Capture, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)

    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize("port", ["-1", "65536", "http"])
def test_bad_port_is_refused_by_the_parser(home: Path, capsys: Capture, port: str) -> None:
    code, _, err = run(capsys, "login", "github", "--port", port)

    assert code == 2
    assert "--port" in err


def test_port_in_use(home: Path, capsys: Capture) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        code, out, err = run(
            capsys, "login", "github", "--client-id", "x", "--port", str(port), "--no-browser"
        )

    assert code == 6
    assert out == ""
    assert f"port {port} on 127.0.0.1 is in use by another program" in err


def test_login_times_out_when_the_browser_never_comes_back(home: Path, capsys: Capture) -> None:
    code, out, err = run(
        capsys, "login", "github", "--client-id", "the-id", "--timeout", "0.3", "--no-browser"
    )

    assert code == 5
    assert out == ""
    assert "Open this URL in your browser:\n  https://github.com/login/oauth/authorize?" in err
    assert "timed out: no authorization callback reached http://127.0.0.1:" in err
    assert "(client id from --client-id)" in err
    assert not (home / "data" / "oauthgen" / "profiles").exists() or not list(
        (home / "data" / "oauthgen" / "profiles").glob("*.json")
    )


def test_login_without_a_browser_prints_the_url(
    home: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def no_browser(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return False

    monkeypatch.setattr("webbrowser.open", no_browser)

    code, _, err = run(capsys, "login", "github", "--client-id", "x", "--timeout", "0.2")

    assert code == 5
    [url] = opened
    assert "No browser could be started.\nOpen this URL in your browser:\n  " + url in err


# -- token -------------------------------------------------------------------------------------


def test_token_without_a_profile_is_exit_3(home: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "token", "github")

    assert code == 3
    assert out == ""
    assert "no token for github profile 'default': run `oauthgen login github`" in err


def test_token_of_an_unknown_provider_is_a_usage_error(home: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "token", "spotifi")

    assert code == 2
    assert "did you mean 'spotify'?" in err


def test_token_names_the_other_profiles(home: Path, capsys: Capture) -> None:
    saved(home, expired_token(), profile="work")

    code, _, err = run(capsys, "token", "spotify")

    assert code == 3
    assert "(its profiles: work)" in err
    assert ACCESS not in err


def test_token_prints_a_fresh_token_and_nothing_else(home: Path, capsys: Capture) -> None:
    saved(home, expired_token(expires_at=time.time() + 3600))

    code, out, err = run(capsys, "token", "spotify")

    assert (code, out, err) == (0, ACCESS + "\n", "")


@responses.activate
def test_a_token_shorter_lived_than_the_leeway_is_used_for_half_its_life(
    home: Path, capsys: Capture
) -> None:
    # Spotify refreshes 60 s ahead; a 10 s token with 8 s left is still used as it is.
    saved(home, expired_token(expires_in=10, expires_at=time.time() + 8))

    code, out, _ = run(capsys, "token", "spotify")

    assert (code, out) == (0, ACCESS + "\n")
    assert len(responses.calls) == 0


@responses.activate
def test_token_refreshes_an_expired_token_and_saves_it(home: Path, capsys: Capture) -> None:
    auth = saved(home, expired_token(), client_secret=SECRET)
    responses.post(
        SPOTIFY_TOKEN_URL,
        json={"access_token": "new-access", "token_type": "Bearer", "expires_in": 3600,
              "scope": "user-read-email"},
    )  # fmt: skip

    code, out, err = run(capsys, "token", "spotify")

    assert code == 0, err
    assert out == "new-access\n"
    assert err == "Refreshing the spotify token (spotify:default)...\n"
    [call] = responses.calls
    assert parse_qs(str(call.request.body)) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH],
    }
    stored = auth.tokens.load("spotify:default")
    assert stored is not None
    assert stored["access_token"] == "new-access"
    assert stored["refresh_token"] == REFRESH  # Spotify may omit it: the old one is kept
    assert stored["expires_at"] > time.time() + 3000


@responses.activate
def test_token_the_provider_refuses_to_refresh_is_exit_3(home: Path, capsys: Capture) -> None:
    auth = saved(home, expired_token())
    responses.post(
        SPOTIFY_TOKEN_URL,
        status=400,
        json={"error": "invalid_grant", "error_description": "Refresh token revoked"},
    )

    code, out, err = run(capsys, "token", "spotify")

    assert code == 3
    assert out == ""
    assert "spotify refused the refresh token (invalid_grant: Refresh token revoked)" in err
    assert "run `oauthgen login spotify` to sign in again" in err
    assert auth.tokens.load("spotify:default") is not None  # nothing lost


def test_expired_token_without_refresh_token_is_exit_3(home: Path, capsys: Capture) -> None:
    saved(home, expired_token(refresh_token=None))

    code, _, err = run(capsys, "token", "spotify")

    assert code == 3
    assert "has expired and cannot be refreshed: run `oauthgen login spotify`" in err


@responses.activate
def test_token_store_locked_by_another_refresh_is_exit_7(
    home: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = saved(home, expired_token())
    monkeypatch.setattr(auth_store, "LOCK_TIMEOUT", 0.2)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with auth.tokens.lock("spotify:default"):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        holding.wait(5)
        code, out, err = run(capsys, "token", "spotify")
    finally:
        release.set()
        holder.join()

    assert code == 7
    assert out == ""
    assert "the token store is locked by another process: timed out after 0.2 s" in err
    assert len(responses.calls) == 0  # no refresh was sent


def test_corrupt_token_file_is_exit_7(home: Path, capsys: Capture) -> None:
    auth = saved(home, expired_token())
    auth.tokens.path_for("spotify:default").write_text('{"access_token": "at-1', "utf-8")

    code, out, err = run(capsys, "token", "spotify")

    assert code == 7
    assert out == ""
    assert "is corrupt: invalid JSON" in err
    assert "at-1" not in err


# -- status and logout -------------------------------------------------------------------------


def test_status_shows_scopes_expiry_and_refresh_but_never_the_token(
    home: Path, capsys: Capture
) -> None:
    saved(home, expired_token(id_token="eyJ-secret-id-token"), client_secret=SECRET)
    saved(home, {"access_token": "gh-secret", "scope": ["read:user"]}, provider="github")
    saved(home, None, provider="github", profile="empty")

    code, out, err = run(capsys, "status")

    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["PROVIDER", "PROFILE", "SCOPES", "EXPIRES", "REFRESHABLE"]
    assert lines[1].split() == ["github", "default", "read:user", "no", "expiry", "given", "no"]
    assert lines[2].split() == ["github", "empty", "-", "no", "token", "-"]
    assert lines[3].split()[:3] == ["spotify", "default", "user-read-email"]
    assert "(expired 30 s ago)" in lines[3] and lines[3].endswith("yes")
    for secret in (ACCESS, REFRESH, SECRET, "gh-secret", "eyJ-secret-id-token", "cid"):
        assert secret not in out


def test_status_without_sign_ins(home: Path, capsys: Capture) -> None:
    assert run(capsys, "status") == (
        0,
        "",
        "No saved sign-ins; `oauthgen login PROVIDER` adds one.\n",
    )


def test_logout_without_revocation_endpoint_deletes_the_token(home: Path, capsys: Capture) -> None:
    auth = saved(home, expired_token())

    code, out, err = run(capsys, "logout", "spotify")

    assert code == 0
    assert out == ""
    assert "token deleted (Spotify has no revocation endpoint)" in err
    assert auth.tokens.load("spotify:default") is None
    assert auth.records() == []


@responses.activate
def test_failed_revocation_keeps_the_token(home: Path, capsys: Capture) -> None:
    auth = saved(home, expired_token(), provider="github", client_secret=SECRET)
    responses.delete(
        "https://api.github.com/applications/cid/token", status=500, body="<html>oops</html>"
    )

    code, out, err = run(capsys, "logout", "github")

    assert (code, out) == (4, "")
    assert "revocation failed, the token is kept" in err
    assert "`--no-revoke` deletes it without revoking" in err
    assert SECRET not in err and ACCESS not in err
    assert auth.tokens.load("github:default") is not None

    assert run(capsys, "logout", "github", "--no-revoke")[0] == 0
    assert auth.tokens.load("github:default") is None


def test_the_readme_config_example_is_read_as_documented(home: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Signing in from the terminal") :]
    start = section.index("```toml\n") + len("```toml\n")
    block = section[start : section.index("```", start)]
    path = write_config(home, "\n".join(line.strip() for line in block.splitlines()))

    github = load_config(path).provider("github")

    assert github.client_id == "Iv1.0123456789abcdef"
    assert github.scopes == ("read:user",)
    assert github.variables == {"user_agent": "my-script"}


@responses.activate
def test_device_login_prints_the_user_code_and_times_out(home: Path, capsys: Capture) -> None:
    responses.post(
        "https://github.com/login/device/code",
        json={"device_code": "dc-secret-device-code", "user_code": "WDJB-MJHT",
              "verification_uri": "https://github.com/login/device", "expires_in": 900,
              "interval": 5},
    )  # fmt: skip

    code, out, err = run(
        capsys, "login", "github", "--device", "--client-id", "x", "--timeout", "0.3",
        "--no-browser",
    )  # fmt: skip

    assert code == 5
    assert out == ""
    assert "Your one-time code: WDJB-MJHT\n" in err
    assert "Open https://github.com/login/device and enter it." in err
    assert "timed out waiting for the device approval (see --timeout)" in err
    assert "dc-secret-device-code" not in err
    assert len(responses.calls) == 1  # cancelled before the first poll


def test_login_with_a_spec_that_has_errors_is_exit_1(home: Path, capsys: Capture) -> None:
    spec = home / "broken.yaml"
    spec.write_text("spec: 1\nid: Broken\n", encoding="utf-8")

    code, out, err = run(capsys, "login", str(spec), "--client-id", "x")

    assert (code, out) == (1, "")
    assert f"{spec}:2:5: id:" in err  # located diagnostics, as `oauthgen validate` prints them


def test_scopes_may_be_repeated_or_space_separated(home: Path, capsys: Capture) -> None:
    code, _, err = run(
        capsys, "login", "spotify", "--client-id", "x", "--no-browser", "--timeout", "0.2",
        "--scope", "user-read-email user-read-private", "--scope", "streaming",
    )  # fmt: skip

    assert code == 5
    [url] = [line.strip() for line in err.splitlines() if line.startswith("  https://")]
    scope = parse_qs(url.split("?", 1)[1])["scope"]
    assert scope == ["user-read-email user-read-private streaming"]
