"""``oauthgen login / token / logout / status`` end to end against the real authorization server.

Each command runs as its own process (``python -m generator ...``) with private XDG
directories. The test plays the browser: it reads the URL ``login --no-browser`` prints,
signs in and consents as ``HeadlessUser``, then follows the server's redirect to the CLI's
loopback receiver, exactly as a browser would. The spec is written for this server (issuer
``http://127.0.0.1:<port>``) into a temporary directory and built in memory by ``login``.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from runtime.stores import FileTokenStore

from .harness import DEVICE_CLIENT_ID, HTTP_TIMEOUT, PUBLIC_CLIENT_ID, HeadlessUser, RunningServer
from .test_oauth2_flows import introspect

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT = 60.0
KEY = "local_oidc:default"

SPEC = """\
spec: 1
id: local_oidc
name: Local OIDC
protocol: oidc
docs: https://github.com/panva/node-oidc-provider
sources:
  - https://github.com/panva/node-oidc-provider
grants: [authorization_code, device_code]
endpoints:
  issuer: {issuer}
  authorize: {authorization_endpoint}
  token: {token_endpoint}
  revoke: {revocation_endpoint}
  introspect: {introspection_endpoint}
  device: {device_authorization_endpoint}
  userinfo: {userinfo_endpoint}
scopes:
  known:
    openid: Sign the user in.
    offline_access: Get a refresh token.
  required: [openid]
authorize:
  pkce: required
token:
  client_auth: {client_auth}
refresh:
  rotation: rotating
oidc:
  nonce: supported
  signing_algs: [RS256]
userinfo:
  source: endpoint
  id_field: sub
  fields:
    sub: {{type: str, required: true}}
"""


def write_spec(directory: Path, server: RunningServer, *, client_auth: str = "none") -> Path:
    """The spec of ``server`` (as a public client unless ``client_auth`` says otherwise)."""
    metadata = server.metadata
    path = directory / "local_oidc.yaml"
    path.write_text(
        SPEC.format(
            issuer=server.issuer,
            client_auth=client_auth,
            **{
                name: metadata[name]
                for name in (
                    "authorization_endpoint",
                    "token_endpoint",
                    "revocation_endpoint",
                    "introspection_endpoint",
                    "device_authorization_endpoint",
                    "userinfo_endpoint",
                )
            },
        ),
        encoding="utf-8",
    )
    return path


def _pump(stream: IO[str], lines: queue.Queue[str | None], kept: list[str]) -> None:
    with stream:
        for line in stream:
            kept.append(line)
            lines.put(line)
    lines.put(None)


@dataclass
class Running:
    """A CLI process whose stderr is read line by line as it runs."""

    process: subprocess.Popen[str]
    stderr_lines: list[str] = field(default_factory=list)
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        assert self.process.stderr is not None
        threading.Thread(
            target=_pump, args=(self.process.stderr, self._lines, self.stderr_lines), daemon=True
        ).start()

    def line_after(self, marker: str, timeout: float = COMMAND_TIMEOUT) -> str:
        """The first stderr line after the one containing ``marker`` (stripped)."""
        deadline = time.monotonic() + timeout
        seen_marker = False
        while True:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"the CLI ended before {marker!r}: {self.stderr_lines}")
            if seen_marker:
                return line.strip()
            seen_marker = marker in line

    def line_with(self, marker: str, timeout: float = COMMAND_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"the CLI ended before {marker!r}: {self.stderr_lines}")
            if marker in line:
                return line.strip()

    def finish(self) -> tuple[int, str, str]:
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()  # stderr is read by the pump thread
        self.process.wait(timeout=COMMAND_TIMEOUT)
        deadline = time.monotonic() + 5
        while self._lines.get(timeout=max(0.0, deadline - time.monotonic())) is not None:
            pass
        return self.process.returncode, stdout, "".join(self.stderr_lines)


@dataclass
class Cli:
    """Runs ``oauthgen`` from this checkout with its own config and data directories."""

    home: Path

    @property
    def data_dir(self) -> Path:
        return self.home / "data" / "oauthgen"

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("OAUTHGEN_")}
        env.update(
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_DATA_HOME=str(self.home / "data"),
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self, *args: str) -> Running:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", *args],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return Running(process)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def stored_token(self) -> dict[str, Any] | None:
        return FileTokenStore(self.data_dir / "tokens").load(KEY)


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    yield Cli(tmp_path)


def browser_login(cli: Cli, spec: Path, user: HeadlessUser, *extra: str) -> tuple[str, str]:
    """``login SPEC --no-browser``: follow the printed URL as the browser; returns the callback
    the browser was sent to and the CLI's stderr."""
    running = cli.start("login", str(spec), "--no-browser", "--client-id", PUBLIC_CLIENT_ID,
                        "--timeout", "60", *extra)  # fmt: skip
    url = running.line_after("Open this URL in your browser")
    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    callback = user.authorize(url, redirect_uri)
    page = requests.get(callback, timeout=HTTP_TIMEOUT)  # the browser follows the redirect
    assert page.status_code == 200
    code, stdout, stderr = running.finish()
    assert code == 0, stderr
    assert stdout == ""  # login's progress is on stderr only
    return callback, stderr


def device_login(
    cli: Cli, server: RunningServer, directory: Path, profile: str
) -> tuple[Running, str, str]:
    """``login SPEC --device``; returns the process, the verification URI and the user code
    it printed."""
    spec = write_spec(directory, server)
    running = cli.start("login", str(spec), "--device", "--no-browser", "--client-id",
                        DEVICE_CLIENT_ID, "--profile", profile)  # fmt: skip
    user_code = running.line_with("Your one-time code:").rsplit(" ", 1)[1]
    verification_uri = running.line_with("Open ").split()[1]
    return running, verification_uri, user_code


def test_login_token_status_logout_end_to_end(
    oidc_server: RunningServer, user: HeadlessUser, cli: Cli, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, oidc_server)

    callback, stderr = browser_login(cli, spec, user)

    redirect = urlsplit(callback)
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/callback")
    stored = cli.stored_token()
    assert stored is not None and stored["access_token"] and stored["refresh_token"]
    assert stored["access_token"] not in stderr and stored["refresh_token"] not in stderr
    assert "code=" not in stderr.replace(callback, "")  # the callback is never printed
    tokens_dir = cli.data_dir / "tokens"
    for directory in (tokens_dir, cli.data_dir / "profiles"):
        assert oct(directory.stat().st_mode & 0o777) == "0o700"
        assert {oct(path.stat().st_mode & 0o777) for path in directory.glob("*.json")} == {"0o600"}
    assert introspect(oidc_server, stored["access_token"])["active"] is True

    # token: the stored, still valid access token, alone on stdout
    result = cli.run("token", "local_oidc")
    assert result.returncode == 0, result.stderr
    assert result.stdout == stored["access_token"] + "\n"
    assert cli.run("token", str(spec)).stdout == result.stdout  # the spec file names it too
    userinfo = requests.get(
        oidc_server.userinfo_endpoint,
        headers={"Authorization": f"Bearer {result.stdout.strip()}"},
        timeout=HTTP_TIMEOUT,
    )
    assert userinfo.json() == {"sub": user.login}

    # status: scopes, expiry and refreshability, never the token
    status = cli.run("status")
    assert status.returncode == 0, status.stderr
    header, row = status.stdout.splitlines()
    assert header.split() == ["PROVIDER", "PROFILE", "SCOPES", "EXPIRES", "REFRESHABLE"]
    assert row.startswith("local_oidc  default  openid")
    assert row.endswith("yes")
    assert "(in 59 min)" in row or "(in 60 min)" in row
    for secret in (stored["access_token"], stored["refresh_token"], stored.get("id_token")):
        assert secret and secret not in status.stdout + status.stderr

    # logout: revoked on the server, deleted here
    logout = cli.run("logout", "local_oidc")
    assert logout.returncode == 0, logout.stderr
    assert "revoked and deleted" in logout.stderr
    assert introspect(oidc_server, stored["refresh_token"])["active"] is False
    assert introspect(oidc_server, stored["access_token"])["active"] is False
    assert cli.stored_token() is None
    gone = cli.run("token", str(spec))
    assert gone.returncode == 3 and gone.stdout == ""
    assert f"no token for local_oidc profile 'default': run `oauthgen login {spec}`" in gone.stderr
    assert cli.run("status").stdout == ""


def test_token_refreshes_an_expired_token_once_for_concurrent_callers(
    two_second_token_server: RunningServer, user: HeadlessUser, cli: Cli, tmp_path: Path
) -> None:
    server = two_second_token_server
    spec = write_spec(tmp_path, server)
    browser_login(cli, spec, user)
    first = cli.stored_token()
    assert first is not None
    time.sleep(2.5)  # the access token has expired on the server
    assert introspect(server, first["access_token"])["active"] is False

    # Hold the token's lock (as a refreshing oauthgen would) until all three callers have
    # found the expired token and queue for the lock, so they really ask at once.
    with FileTokenStore(cli.data_dir / "tokens").lock(KEY):
        callers = [cli.start("token", "local_oidc") for _ in range(3)]
        for running in callers:
            running.line_with("Another oauthgen is using this token")
    results = [running.finish() for running in callers]

    assert [code for code, _, _ in results] == [0, 0, 0], results
    printed = {stdout for _, stdout, _ in results}
    assert len(printed) == 1  # one refresh, its token adopted by the other callers
    [line] = printed
    renewed = cli.stored_token()
    assert renewed is not None and line == renewed["access_token"] + "\n"
    assert renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] != first["refresh_token"]  # rotated, spent once
    assert sum("Refreshing" in stderr for _, _, stderr in results) == 1
    # A second refresh with the rotated-out token would have revoked the whole grant.
    assert introspect(server, renewed["refresh_token"])["active"] is True


def test_device_login_end_to_end(oidc_server: RunningServer, user: HeadlessUser, cli: Cli,
                                 tmp_path: Path) -> None:  # fmt: skip
    running, verification_uri, user_code = device_login(cli, oidc_server, tmp_path, "tv")
    user.approve_device(verification_uri, user_code)

    code, stdout, stderr = running.finish()

    assert code == 0, stderr
    assert stdout == ""
    token = FileTokenStore(cli.data_dir / "tokens").load("local_oidc:tv")
    assert token is not None and introspect(oidc_server, token["access_token"])["active"]
    result = cli.run("token", "local_oidc", "--profile", "tv")
    assert result.stdout == token["access_token"] + "\n"


def test_login_reports_the_user_denying(
    oidc_server: RunningServer, user: HeadlessUser, cli: Cli, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, oidc_server)
    running = cli.start("login", str(spec), "--no-browser", "--client-id", PUBLIC_CLIENT_ID)
    url = running.line_after("Open this URL in your browser")
    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    callback = user.cancel_authorization(url, redirect_uri)
    requests.get(callback, timeout=HTTP_TIMEOUT)

    code, stdout, stderr = running.finish()

    assert code == 4
    assert stdout == ""
    assert "sign-in denied: access_denied: End-User aborted interaction" in stderr
    assert cli.stored_token() is None


def test_device_login_the_user_denies(
    oidc_server: RunningServer, user: HeadlessUser, cli: Cli, tmp_path: Path
) -> None:
    running, verification_uri, user_code = device_login(cli, oidc_server, tmp_path, "default")
    user.deny_device(verification_uri, user_code)

    code, stdout, stderr = running.finish()

    assert code == 4, stderr
    assert stdout == ""
    assert "sign-in denied: access_denied" in stderr
    assert cli.stored_token() is None
