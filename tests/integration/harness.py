"""Start the real authorization server and play the user's part in its HTML pages.

The server is panva's ``oidc-provider`` (npm), run from ``server/server.mjs``. Nothing here
imitates the server: the helpers only do what a browser would (follow redirects, keep cookies,
submit the dev login / consent / device forms the library renders).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests

SERVER_DIR = Path(__file__).resolve().parent / "server"
INSTALL_COMMAND = "npm ci --prefix tests/integration/server"
READY_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0

# The clients server.mjs registers (see the table at the top of that file).
WEB_CLIENT_ID = "web-app"
WEB_CLIENT_SECRET = "web-app-secret"
WEB_REDIRECT_URI = "http://127.0.0.1:8000/callback"
PUBLIC_CLIENT_ID = "public-app"
# A native client's loopback redirect URI may use any port (RFC 8252 section 7.3).
PUBLIC_REDIRECT_URI = "http://127.0.0.1:8765/callback"
SERVICE_CLIENT_ID = "service"
SERVICE_CLIENT_SECRET = "service-secret"
POST_CLIENT_ID = "post-client"
POST_CLIENT_SECRET = "post-client-secret"
POST_REDIRECT_URI = "http://127.0.0.1:8000/callback"
DEVICE_CLIENT_ID = "device-app"
SECRET_JWT_CLIENT_ID = "secret-jwt-client"
SECRET_JWT_CLIENT_SECRET = "secret-jwt-client-secret-at-least-32-bytes-long"
KEY_JWT_CLIENT_ID = "key-jwt-client"  # registered with the public part of a ClientKey
JWT_CLIENT_REDIRECT_URI = "http://127.0.0.1:8000/callback"


class ServerUnavailable(RuntimeError):
    """node or the server's node_modules are missing; the message says how to install them."""


class ServerStartError(RuntimeError):
    """The server process exited or never printed its readiness line."""


@dataclass(frozen=True)
class RunningServer:
    """A started ``server.mjs``: its issuer and the endpoint URLs from its discovery document."""

    issuer: str
    pid: int
    metadata: Mapping[str, Any] = field(repr=False)

    @property
    def authorization_endpoint(self) -> str:
        return str(self.metadata["authorization_endpoint"])

    @property
    def token_endpoint(self) -> str:
        return str(self.metadata["token_endpoint"])

    @property
    def userinfo_endpoint(self) -> str:
        return str(self.metadata["userinfo_endpoint"])

    @property
    def introspection_endpoint(self) -> str:
        return str(self.metadata["introspection_endpoint"])

    @property
    def revocation_endpoint(self) -> str:
        return str(self.metadata["revocation_endpoint"])

    @property
    def device_authorization_endpoint(self) -> str:
        return str(self.metadata["device_authorization_endpoint"])


@dataclass(frozen=True)
class ClientKey:
    """A throw-away RSA key pair for ``private_key_jwt``: the server gets ``public_jwk``."""

    kid: str
    private_pem: str = field(repr=False)
    public_jwk: Mapping[str, Any]

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self.public_jwk)]}


def generate_client_key(kid: str = "integration-test-key") -> ClientKey:
    """A fresh 2048-bit RSA key, made at test startup and never written to disk."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return ClientKey(kid=kid, private_pem=pem, public_jwk=jwk)


def check_server_installed() -> None:
    """Raise ``ServerUnavailable`` (with the install command) when the server can't run."""
    if shutil.which("node") is None:
        raise ServerUnavailable(
            "the integration tests need Node.js (>= 20) on PATH to run the oidc-provider "
            f"server; then install it with: {INSTALL_COMMAND}"
        )
    if not (SERVER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        raise ServerUnavailable(
            f"the integration test server's npm dependencies are not installed "
            f"({SERVER_DIR / 'node_modules'} is missing); install them with: {INSTALL_COMMAND}"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pump_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Read the server's stdout until it closes (so the pipe never fills up)."""
    with stream:
        for line in stream:
            lines.put(line)
    lines.put(None)


def _log_tail(log: IO[str], limit: int = 4000) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-limit:]


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop the server by its own PID: SIGTERM, then SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _start_once(port: int, env: dict[str, str], log: IO[str]) -> tuple[subprocess.Popen[str], bool]:
    process = subprocess.Popen(
        ["node", "server.mjs", str(port)],
        cwd=SERVER_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(
        target=_pump_lines, args=(process.stdout, lines), name=f"oidc-stdout-{port}", daemon=True
    ).start()
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return process, False
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            return process, False
        if line is None:  # stdout closed: the process is exiting
            process.wait(timeout=5)
            return process, False
        if line.strip() == f"READY {port}":
            return process, True


@contextlib.contextmanager
def run_server(
    access_token_ttl: int | None = None,
    clock_tolerance: int | None = None,
    *,
    device_code_ttl: int | None = None,
    client_jwks: Mapping[str, Any] | None = None,
    web_redirect_uris: Sequence[str] = (),
) -> Iterator[RunningServer]:
    """Start ``node server.mjs`` on a free 127.0.0.1 port; stop it (by PID) on exit.

    ``access_token_ttl``, ``clock_tolerance`` and ``device_code_ttl`` (seconds) override the
    server's defaults (3600, 15 and 600). ``client_jwks`` (a JWK Set of public keys) registers
    the ``private_key_jwt`` client. ``web_redirect_uris`` are registered for ``web-app`` besides
    ``WEB_REDIRECT_URI`` (a web app under test on its own port). Yields once the server printed
    ``READY <port>`` and served its discovery document.
    """
    check_server_installed()
    env = dict(os.environ)
    for name in (
        "ACCESS_TOKEN_TTL",
        "CLOCK_TOLERANCE",
        "DEVICE_CODE_TTL",
        "CLIENT_JWKS",
        "WEB_APP_REDIRECT_URIS",
    ):
        env.pop(name, None)
    if access_token_ttl is not None:
        env["ACCESS_TOKEN_TTL"] = str(access_token_ttl)
    if clock_tolerance is not None:
        env["CLOCK_TOLERANCE"] = str(clock_tolerance)
    if device_code_ttl is not None:
        env["DEVICE_CODE_TTL"] = str(device_code_ttl)
    if client_jwks is not None:
        env["CLIENT_JWKS"] = json.dumps(client_jwks)
    if web_redirect_uris:
        env["WEB_APP_REDIRECT_URIS"] = json.dumps(list(web_redirect_uris))
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", prefix="oidc-provider-") as log:
        process: subprocess.Popen[str] | None = None
        ready = False
        try:
            for _attempt in range(3):  # another process may grab the port we picked
                port = _free_port()
                process, ready = _start_once(port, env, log)
                if ready:
                    break
                _stop(process)
                if "cannot listen" not in _log_tail(log):
                    break
            if process is None or not ready:
                raise ServerStartError(
                    f"oidc-provider did not print 'READY <port>' within {READY_TIMEOUT:.0f}s "
                    f"(exit code {process.returncode if process else None}); its output:\n"
                    + _log_tail(log)
                )
            issuer = f"http://127.0.0.1:{port}"
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT
            )
            response.raise_for_status()
            yield RunningServer(issuer=issuer, pid=process.pid, metadata=response.json())
        finally:
            if process is not None:
                _stop(process)


# -- the user's side: HTML forms -------------------------------------------------------------


@dataclass
class Form:
    """One ``<form>``: its attributes and the (name, value) of the inputs inside it."""

    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.attrs.get("action", "")

    @property
    def method(self) -> str:
        return self.attrs.get("method", "get").upper()

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def data(self, overrides: Mapping[str, str]) -> dict[str, str]:
        """The form's fields (hidden ones, xsrf tokens...) with ``overrides`` filled in."""
        data = dict(self.fields)
        data.update(overrides)
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = Form(values)
            self.forms.append(self._current)
        elif tag in ("input", "button", "select", "textarea") and self._current is not None:
            name = values.get("name")
            if name and tag == "input" and values.get("type", "text") not in ("submit", "button"):
                self._current.fields.append((name, values.get("value", "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _same_endpoint(url: str, target: str) -> bool:
    a, b = urlsplit(url), urlsplit(target)
    return (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)


_CANCEL_LINK = re.compile(r'<a href="([^"]*/abort)">\[ Cancel \]</a>')


def _describe(response: requests.Response) -> str:
    return f"HTTP {response.status_code} from {response.url}: {response.text[:500]!r}"


class HeadlessUser:
    """A cookie-keeping user agent that signs in and consents through oidc-provider's dev
    interaction pages (any login, any password), or approves a device flow user code."""

    max_steps = 25

    def __init__(self, login: str = "alice", password: str = "any-password") -> None:
        self.login = login
        self.password = password
        self.browser = requests.Session()
        self.visited: list[str] = []

    def _get(self, url: str) -> requests.Response:
        self.visited.append(url)
        return self.browser.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)

    def _submit(
        self, page: requests.Response, form: Form, overrides: Mapping[str, str]
    ) -> requests.Response:
        action = urljoin(page.url, form.action or page.url)
        self.visited.append(action)
        if form.method == "POST":
            return self.browser.post(
                action, data=form.data(overrides), allow_redirects=False, timeout=HTTP_TIMEOUT
            )
        return self.browser.get(
            action, params=form.data(overrides), allow_redirects=False, timeout=HTTP_TIMEOUT
        )

    def _fill(self, page: requests.Response, user_code: str | None) -> requests.Response | None:
        """Submit the one form on an interaction page; None if the page has no form."""
        forms = parse_forms(page.text)
        for form in forms:
            prompt = form.value("prompt")
            if prompt == "login":
                return self._submit(page, form, {"login": self.login, "password": self.password})
            if prompt == "consent":
                return self._submit(page, form, {})
            if form.attrs.get("id") == "op.deviceInputForm":
                if user_code is None:
                    raise AssertionError(f"a user code was asked for: {_describe(page)}")
                return self._submit(page, form, {"user_code": user_code})
            if form.attrs.get("id") == "op.deviceConfirmForm":
                return self._submit(page, form, {})  # confirm=yes is a hidden field
        if len(forms) == 1:  # e.g. an auto-submitting form_post page
            return self._submit(page, forms[0], {})
        if forms:
            raise AssertionError(f"don't know which form to submit: {_describe(page)}")
        return None

    def authorize(self, authorization_url: str, redirect_uri: str) -> str:
        """Go through login and consent; return the callback URL the server redirects to.

        The redirect URI itself is never requested. An error redirect (``?error=...``) is
        returned like a successful one, for the client library to judge.
        """
        response = self._get(authorization_url)
        for _ in range(self.max_steps):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if _same_endpoint(location, redirect_uri):
                    return location
                response = self._get(location)
                continue
            if response.status_code != 200:
                raise AssertionError(f"authorization failed: {_describe(response)}")
            submitted = self._fill(response, user_code=None)
            if submitted is None:
                raise AssertionError(f"no form and no redirect: {_describe(response)}")
            response = submitted
        raise AssertionError(f"gave up after {self.max_steps} steps: {self.visited}")

    def cancel_authorization(self, authorization_url: str, redirect_uri: str) -> str:
        """Click "[ Cancel ]" on the first interaction page (the login form).

        oidc-provider finishes the interaction with ``access_denied``; returns the callback URL
        it redirects to on ``redirect_uri`` (not requested).
        """
        response = self._get(authorization_url)
        for _ in range(self.max_steps):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if _same_endpoint(location, redirect_uri):
                    return location
                response = self._get(location)
                continue
            found = _CANCEL_LINK.search(response.text)
            if response.status_code != 200 or found is None:
                raise AssertionError(f"no cancel link: {_describe(response)}")
            response = self._get(urljoin(response.url, html.unescape(found.group(1))))
        raise AssertionError(f"gave up after {self.max_steps} steps: {self.visited}")

    def approve_device(self, verification_uri: str, user_code: str) -> str:
        """Enter ``user_code`` at the verification URI, confirm, sign in and consent.

        Returns the final page's HTML (oidc-provider's "Sign-in Success" page).
        """
        response = self._get(verification_uri)
        for _ in range(self.max_steps):
            if response.is_redirect:
                response = self._get(urljoin(response.url, response.headers["Location"]))
                continue
            if response.status_code != 200:
                raise AssertionError(f"device approval failed: {_describe(response)}")
            submitted = self._fill(response, user_code=user_code)
            if submitted is None:
                if "Sign-in Success" not in response.text:
                    raise AssertionError(f"device approval did not succeed: {_describe(response)}")
                return response.text
            response = submitted
        raise AssertionError(f"gave up after {self.max_steps} steps: {self.visited}")

    def deny_device(self, verification_uri: str, user_code: str) -> str:
        """Enter ``user_code``, then press "Abort" on the confirmation page.

        oidc-provider marks the device code ``access_denied``; returns the page it shows.
        """
        response = self._get(verification_uri)
        for _ in range(self.max_steps):
            if response.is_redirect:
                response = self._get(urljoin(response.url, response.headers["Location"]))
                continue
            forms = parse_forms(response.text)
            confirm = next(
                (form for form in forms if form.attrs.get("id") == "op.deviceConfirmForm"), None
            )
            if confirm is not None:
                # The page's "[ Abort ]" button submits the confirm form with abort=yes.
                return self._submit(response, confirm, {"abort": "yes"}).text
            if response.status_code != 200:
                raise AssertionError(f"device denial failed: {_describe(response)}")
            submitted = self._fill(response, user_code=user_code)
            if submitted is None:
                raise AssertionError(f"no confirmation page: {_describe(response)}")
            response = submitted
        raise AssertionError(f"gave up after {self.max_steps} steps: {self.visited}")

    def close(self) -> None:
        self.browser.close()
