"""The Flask example (``examples/flask_app``) in a real browser against the real authorization
server.

Headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by selenium; nothing is
downloaded) clicks "Sign in", fills oidc-provider's login and consent forms, lands on the profile
page, refreshes the token on request and automatically, and signs out; the server's
introspection then says both tokens are revoked. The app runs in this process on a free port of
127.0.0.1 (werkzeug's server in a thread), as the ``web-app`` client with that port's
``/callback`` registered, on a spec written for this server into a temporary directory.

A screenshot of the profile page is kept: its path is printed, and it is copied to
``test-artifacts/`` at the repository root (git-ignored).

Without a browser or driver the test is skipped locally and fails under ``CI=true``
(``bin/bootstrap`` installs them as root).
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from runtime._redact import REDACTED
from runtime.stores import FileTokenStore

from .harness import WEB_CLIENT_ID, WEB_CLIENT_SECRET, RunningServer, run_server
from .test_cli_auth import write_spec
from .test_oauth2_flows import introspect

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
ARTIFACTS = REPO_ROOT / "test-artifacts"
INSTALL_HINT = "apt-get install -y chromium chromium-driver (bin/bootstrap does it as root)"
# Seconds: the token's lifetime. The client renews ahead of expiry by its leeway, at most half
# the lifetime, so the automatic refresh is due 3 s after each token is issued: long enough for
# the steps before it on a loaded machine, short enough to wait for.
ACCESS_TOKEN_TTL = 6
WAIT = 20.0  # seconds for a page to load


def _browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver from PATH; skip (locally) or fail (CI) without them."""
    chromium = next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))),
        None,
    )
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = " and ".join(
            name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path
        )
        message = f"the browser test needs {missing} on PATH: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the browser: {message}", pytrace=False)
        pytest.skip(message)
    return chromium, driver


def _example_app_factory() -> Any:
    """``flask_app.create_app`` (``examples/`` is not a package; the app is run from there)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module("flask_app").create_app


@dataclass
class Site:
    """The example app, served on 127.0.0.1, and what it was configured with."""

    base_url: str
    app: Flask
    server: RunningServer
    tokens: FileTokenStore


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    # Bind first: the port is part of the redirect URI the authorization server registers.
    wsgi: BaseWSGIServer = make_server("127.0.0.1", 0, Flask("placeholder"), threaded=True)
    base_url = f"http://127.0.0.1:{wsgi.server_port}"
    try:
        with run_server(
            access_token_ttl=ACCESS_TOKEN_TTL, web_redirect_uris=[f"{base_url}/callback"]
        ) as server:
            spec = write_spec(tmp_path, server, client_auth="client_secret_basic")
            token_dir = tmp_path / "tokens"
            app = _example_app_factory()(
                {
                    "OAUTHGEN_APP_PROVIDER": str(spec),
                    "OAUTHGEN_LOCAL_OIDC_CLIENT_ID": WEB_CLIENT_ID,
                    "OAUTHGEN_LOCAL_OIDC_CLIENT_SECRET": WEB_CLIENT_SECRET,
                    "OAUTHGEN_APP_SCOPES": "openid offline_access",
                    "OAUTHGEN_APP_TOKEN_DIR": str(token_dir),
                    "OAUTHGEN_APP_SECRET_KEY": "browser-test-only",
                }
            )
            wsgi.app = app
            thread = threading.Thread(target=wsgi.serve_forever, name="flask-example", daemon=True)
            thread.start()
            try:
                yield Site(base_url, app, server, FileTokenStore(token_dir))
            finally:
                wsgi.shutdown()
                thread.join(timeout=10)
    finally:
        wsgi.server_close()


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    chromium, driver_path = _browser_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium must not look for a driver online
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,800",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _text(driver: Any, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.ID, element_id).text)


def _stored_token(site: Site, key: str) -> dict[str, Any]:
    token = site.tokens.load(key)
    assert token, f"no token under {key!r} in {site.tokens.directory}"
    return token


def _session_cookie(driver: Any, app: Flask) -> dict[str, Any]:
    """The example's Flask session as the browser holds it (signed, so we can read it)."""
    cookie = driver.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie, driver.get_cookies()
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    data: dict[str, Any] = serializer.loads(cookie["value"])
    return data


def test_sign_in_refresh_and_sign_out_in_a_real_browser(
    browser: Any, site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    started = time.monotonic()
    browser.get(site.base_url + "/")
    browser.find_element(By.ID, "login").click()

    # oidc-provider's login page; the authorization request waits in the Flask session.
    login = _wait_for(browser, ec.presence_of_element_located((By.NAME, "login")))
    query = parse_qs(urlsplit(browser.current_url).query)
    pending = _session_cookie(browser, site.app)["pending"]
    assert pending["code_verifier"] and pending["nonce"]
    if "state" in query:  # the first page may be the interaction's own URL, not the request
        assert query["state"] == [pending["state"]]
    login.send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys("any-password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()

    # The consent page, then the callback and the profile page. Both interaction pages have an
    # input named "prompt", so wait for the login page to be gone first: else the wait can end
    # on the login page itself, before the browser has left it.
    _wait_for(browser, ec.staleness_of(login))
    _wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "input[name=prompt]")))
    assert "consent" in browser.page_source.lower()
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait_for(browser, ec.url_to_be(site.base_url + "/profile"))
    assert _text(browser, "profile").split() == ["sub", "alice"]
    cookie = _session_cookie(browser, site.app)
    assert "pending" not in cookie
    key = cookie["token_key"]
    signed_in = _stored_token(site, key)
    assert not {str(signed_in[name]) for name in ("access_token", "refresh_token")} & {
        str(value) for value in cookie.values()
    }, "tokens must stay on the server"

    screenshot = tmp_path / "flask-profile.png"
    assert browser.save_screenshot(str(screenshot))
    ARTIFACTS.mkdir(exist_ok=True)
    kept = ARTIFACTS / screenshot.name
    shutil.copyfile(screenshot, kept)
    print(f"\nprofile page screenshot: {screenshot} (copied to {kept})")

    # The token page: expiry and scopes, never the token.
    browser.find_element(By.ID, "token-link").click()
    _wait_for(browser, ec.presence_of_element_located((By.ID, "token")))
    granted = signed_in["scope"]
    assert "openid" in granted
    assert _text(browser, "scopes").split() == (
        granted.split() if isinstance(granted, str) else list(granted)
    )
    assert 0 < int(_text(browser, "expires-in")) <= ACCESS_TOKEN_TTL
    assert _text(browser, "refreshable") == "yes"
    for name in ("access_token", "refresh_token", "id_token"):
        assert str(signed_in[name]) not in browser.page_source, f"the page shows the {name}"

    # Refresh on request.
    before = _stored_token(site, key)
    browser.find_element(By.ID, "refresh").click()
    _wait_for(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "refreshed"))
    after_manual = _stored_token(site, key)
    assert after_manual["access_token"] != before["access_token"]
    assert after_manual["refresh_token"] != before["refresh_token"]  # rotated
    assert _text(browser, "renewals").startswith("1 times (1 on request, 0 automatically)")
    assert introspect(site.server, str(after_manual["access_token"]))["active"] is True

    # Refresh ahead of expiry: the profile page's userinfo call renews the token first.
    time.sleep(max(0.0, float(after_manual["expires_at"]) - ACCESS_TOKEN_TTL / 2 - time.time()))
    time.sleep(0.3)
    browser.find_element(By.ID, "profile-link").click()
    _wait_for(browser, ec.presence_of_element_located((By.ID, "profile")))
    assert _text(browser, "profile").split() == ["sub", "alice"]
    after_auto = _stored_token(site, key)
    assert after_auto["access_token"] != after_manual["access_token"]
    browser.find_element(By.ID, "token-link").click()
    _wait_for(browser, ec.presence_of_element_located((By.ID, "renewals")))
    assert _text(browser, "renewals").startswith("2 times (1 on request, 1 automatically)")

    # Sign out: both tokens revoked at the server, nothing kept by the app.
    browser.find_element(By.ID, "logout").click()
    _wait_for(browser, ec.presence_of_element_located((By.ID, "outcome")))
    assert "revoked" in _text(browser, "outcome"), _text(browser, "outcome")
    for name in ("access_token", "refresh_token"):
        assert introspect(site.server, str(after_auto[name]))["active"] is False, name
    assert site.tokens.load(key) is None
    assert browser.find_elements(By.ID, "logout") == []
    # The development server's request log line shows the callback without its code.
    callbacks = [
        found.group(1)
        for record in caplog.records
        if (found := re.search(r"GET /callback\?(\S+)", record.getMessage()))
    ]
    assert callbacks, "werkzeug logged no request line for the callback"
    assert all(parse_qs(query)["code"] == [REDACTED] for query in callbacks), callbacks
    print(f"browser flow took {time.monotonic() - started:.1f} s")
