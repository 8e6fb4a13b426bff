"""The RFC 8252 loopback redirect receiver, exercised over real sockets on 127.0.0.1.

The "browser" is test code that makes real HTTP requests with ``requests`` to the redirect URI,
as a browser does when the provider redirects it; only the provider's token endpoint is mocked
(requests-mock with ``real_http=True``, so loopback requests go over the wire).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import socket
import threading
import time
import webbrowser
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
import requests_mock
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError

from runtime.loopback import (
    LoopbackRedirectReceiver,
    LoopbackTimeoutError,
    authorize_with_loopback,
)
from runtime.oauth2_session import OAuth2Session
from tests.support.http import form_values, query_values
from tests.support.pkce import s256

AUTH_URL = "https://provider.example/authorize"
TOKEN_URL = "https://provider.example/token"
CODE = "SplxlOBeZQQYbYS6WxSbIA-loopback-code"
TOKEN = {
    "access_token": "at-loopback",
    "refresh_token": "rt-loopback",
    "token_type": "Bearer",
    "expires_in": 3600,
}


# -- helpers ------------------------------------------------------------------------------


def loopback_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("oauthgen-loopback")]


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    yield
    assert loopback_threads() == []


@pytest.fixture
def provider() -> Iterator[requests_mock.Mocker]:
    """The provider's token endpoint (mocked); every other request goes over the network."""
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.post(TOKEN_URL, json=TOKEN)
        yield mocker


def browser_get(url: str, **kwargs: Any) -> requests.Response:
    """A real request to the loopback receiver, ignoring any proxy settings."""
    with requests.Session() as browser:
        browser.trust_env = False
        return browser.get(url, timeout=5, **kwargs)


def browser_request(method: str, url: str, **kwargs: Any) -> requests.Response:
    with requests.Session() as browser:
        browser.trust_env = False
        return browser.request(method, url, timeout=5, **kwargs)


class FakeBrowser:
    """Opens the authorization URL: the user consents and the provider redirects the browser
    to ``redirect_uri`` with a code (or an error) and the state, which this follows for real."""

    def __init__(self, *, error: str | None = None, in_thread: bool = False) -> None:
        self.error = error
        self.in_thread = in_thread
        self.authorization_url: str | None = None
        self.response: requests.Response | None = None
        self.thread: threading.Thread | None = None

    def __call__(self, url: str) -> bool:
        self.authorization_url = url
        if self.in_thread:
            self.thread = threading.Thread(target=self._follow, args=(url,))
            self.thread.start()
        else:
            self._follow(url)
        return True

    def _follow(self, url: str) -> None:
        query = query_values(url)
        answer = {"error": self.error} if self.error else {"code": CODE}
        answer["state"] = query["state"]
        self.response = browser_get(f"{query['redirect_uri']}?{urlencode(answer)}")

    def join(self) -> requests.Response:
        if self.thread is not None:
            self.thread.join(5)
        assert self.response is not None
        return self.response


def assert_refused(url: str) -> None:
    """Nothing listens there any more."""
    with pytest.raises(requests.ConnectionError):
        browser_get(url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- the whole flow -----------------------------------------------------------------------


def test_authorize_with_loopback_end_to_end_with_pkce(provider: requests_mock.Mocker) -> None:
    session = OAuth2Session("cli-app", scope=["openid", "email"], pkce="S256")
    browser = FakeBrowser(in_thread=True)

    token = authorize_with_loopback(
        session,
        AUTH_URL,
        TOKEN_URL,
        open_browser=browser,
        timeout=5,
        authorization_kwargs={"prompt": "consent"},
    )

    assert token["access_token"] == "at-loopback"
    assert session.token["access_token"] == "at-loopback"
    page = browser.join()
    assert page.status_code == 200
    assert "You can close this window" in page.text

    # The authorization URL carried the loopback redirect URI, the state and the PKCE challenge.
    assert browser.authorization_url is not None
    query = query_values(browser.authorization_url)
    redirect_uri = query["redirect_uri"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/callback", redirect_uri)
    assert int(urlsplit(redirect_uri).port or 0) > 0
    assert session.redirect_uri == redirect_uri
    assert query["prompt"] == "consent"
    assert query["code_challenge_method"] == "S256"
    verifier = session.code_verifier
    assert verifier is not None
    assert query["code_challenge"] == s256(verifier)

    # The token request carried the code, the verifier and the same redirect URI.
    token_requests = [r for r in provider.request_history if r.url == TOKEN_URL]
    assert len(token_requests) == 1
    form = form_values(token_requests[0].text)
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == CODE
    assert form["code_verifier"] == verifier
    assert form["redirect_uri"] == redirect_uri
    assert form["client_id"] == "cli-app"

    # The listener is gone before the token is returned.
    assert_refused(f"{redirect_uri}?{urlencode({'code': 'x', 'state': query['state']})}")


def test_fetch_kwargs_reach_fetch_token(provider: requests_mock.Mocker) -> None:
    session = OAuth2Session("confidential-app")
    browser = FakeBrowser()

    authorize_with_loopback(
        session, AUTH_URL, TOKEN_URL, open_browser=browser, timeout=5, client_secret="s3cret"
    )

    (token_request,) = [r for r in provider.request_history if r.url == TOKEN_URL]
    expected = base64.b64encode(b"confidential-app:s3cret").decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert form_values(token_request.text)["code"] == CODE


def test_open_browser_true_uses_webbrowser(
    provider: requests_mock.Mocker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    browser = FakeBrowser(in_thread=True)
    monkeypatch.setattr(webbrowser, "open", browser)

    token = authorize_with_loopback(OAuth2Session("cli-app"), AUTH_URL, TOKEN_URL, timeout=5)

    assert token["access_token"] == "at-loopback"
    assert browser.join().status_code == 200
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    """stderr, read by a user who pastes the printed URL into a (fake) browser."""

    PROMPT = "Open this URL in your browser: "

    def __init__(self) -> None:
        super().__init__()
        self.browser = FakeBrowser(in_thread=True)

    def write(self, text: str) -> int:
        if text.startswith(self.PROMPT):
            self.browser(text[len(self.PROMPT) :].strip())
        return super().write(text)


def _no_browser(url: str) -> bool:
    return False


def _broken_browser(url: str) -> bool:
    raise webbrowser.Error("could not locate runnable browser")


@pytest.mark.parametrize(
    ("open_browser", "webbrowser_open"),
    [(False, None), (True, _no_browser), (True, _broken_browser)],
    ids=["open_browser=False", "no-browser", "browser-error"],
)
def test_url_is_printed_when_no_browser_opens(
    provider: requests_mock.Mocker,
    monkeypatch: pytest.MonkeyPatch,
    open_browser: bool,
    webbrowser_open: Any,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", webbrowser_open or opened.append)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    token = authorize_with_loopback(
        OAuth2Session("cli-app", pkce="S256"),
        AUTH_URL,
        TOKEN_URL,
        open_browser=open_browser,
        timeout=5,
    )

    assert token["access_token"] == "at-loopback"
    assert terminal.browser.join().status_code == 200
    assert opened == []
    assert terminal.browser.authorization_url is not None
    assert terminal.getvalue() == f"{Terminal.PROMPT}{terminal.browser.authorization_url}\n"


def test_error_callback_raises_the_providers_error(provider: requests_mock.Mocker) -> None:
    browser = FakeBrowser(error="access_denied")

    with pytest.raises(AccessDeniedError):
        authorize_with_loopback(
            OAuth2Session("cli-app", pkce="S256"),
            AUTH_URL,
            TOKEN_URL,
            open_browser=browser,
            timeout=5,
        )

    page = browser.join()
    assert page.status_code == 200
    assert "access_denied" in page.text
    assert not [r for r in provider.request_history if r.url == TOKEN_URL]


def test_flow_timeout_raises_without_calling_the_token_endpoint(
    provider: requests_mock.Mocker,
) -> None:
    seen: list[str] = []
    started = time.monotonic()

    with pytest.raises(LoopbackTimeoutError):
        authorize_with_loopback(
            OAuth2Session("cli-app"), AUTH_URL, TOKEN_URL, open_browser=seen.append, timeout=0.2
        )

    assert time.monotonic() - started < 2
    assert not [r for r in provider.request_history if r.url == TOKEN_URL]
    assert_refused(query_values(seen[0])["redirect_uri"])


# -- the receiver -------------------------------------------------------------------------


def test_wrong_or_missing_state_is_refused_and_the_receiver_keeps_waiting() -> None:
    with LoopbackRedirectReceiver() as receiver:
        receiver.expect_state("expected-state")
        uri = receiver.redirect_uri
        for query in (
            "code=evil&state=wrong-state",
            "code=evil",
            "code=evil&state=",
            "code=evil&state=expected-state&state=expected-state",
            "error=access_denied&state=wrong-state",
            "state=expected-stat",
        ):
            answer = browser_get(f"{uri}?{query}")
            assert answer.status_code == 400, query
            assert answer.headers["Cache-Control"] == "no-store"
            assert "state" in answer.text
        assert not receiver.completed

        right = browser_get(f"{uri}?code=good&state=expected-state")

        assert right.status_code == 200
        assert receiver.wait(2) == f"{uri}?code=good&state=expected-state"
        assert receiver.completed


def test_callback_before_expect_state_is_refused() -> None:
    with LoopbackRedirectReceiver() as receiver:
        assert browser_get(f"{receiver.redirect_uri}?code=x&state=anything").status_code == 400
        receiver.expect_state("anything")
        assert browser_get(f"{receiver.redirect_uri}?code=x&state=anything").status_code == 200
        assert receiver.wait(2).endswith("?code=x&state=anything")


def test_only_one_callback_is_accepted() -> None:
    with LoopbackRedirectReceiver(state="s") as receiver:
        assert receiver._claim(["s"]) == "accept"
        assert receiver._claim(["s"]) == "already-done"
        assert receiver._claim(["t"]) == "bad-state"


def test_second_callback_after_completion_cannot_connect() -> None:
    with LoopbackRedirectReceiver(state="the-state") as receiver:
        callback = f"{receiver.redirect_uri}?code=first&state=the-state"
        assert browser_get(callback).status_code == 200
        assert receiver.wait(2) == callback
        assert receiver.closed

        assert_refused(f"{receiver.redirect_uri}?code=second&state=the-state")
        # wait() again gives the same answer.
        assert receiver.wait(0) == callback


def test_wait_times_out_quickly_and_shuts_down() -> None:
    with LoopbackRedirectReceiver(state="s") as receiver:
        started = time.monotonic()
        with pytest.raises(LoopbackTimeoutError) as raised:
            receiver.wait(0.2)
        elapsed = time.monotonic() - started

        assert 0.15 < elapsed < 2
        assert isinstance(raised.value, TimeoutError)
        assert receiver.redirect_uri in str(raised.value)
        assert receiver.closed
        assert loopback_threads() == []
        assert_refused(f"{receiver.redirect_uri}?code=late&state=s")


def test_other_paths_are_404_and_other_methods_405() -> None:
    with LoopbackRedirectReceiver(state="s") as receiver:
        base = f"http://127.0.0.1:{receiver.port}"
        for path in ("/favicon.ico", "/", "/callback/", "/callbackx?code=x&state=s"):
            assert browser_get(base + path).status_code == 404, path

        posted = browser_request("POST", receiver.redirect_uri, data={"code": "x", "state": "s"})
        assert posted.status_code == 405
        assert posted.headers["Allow"] == "GET"
        assert posted.headers["Cache-Control"] == "no-store"
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            assert browser_request(method, receiver.redirect_uri).status_code == 405, method
        head = browser_request("HEAD", f"{receiver.redirect_uri}?code=x&state=s")
        assert head.status_code == 405
        assert head.content == b""
        assert browser_request("BREW", receiver.redirect_uri).status_code == 501

        assert not receiver.completed
        assert browser_get(f"{receiver.redirect_uri}?code=x&state=s").status_code == 200
        assert receiver.wait(2).endswith("?code=x&state=s")


def test_error_callback_completes_the_wait() -> None:
    with LoopbackRedirectReceiver(state="s") as receiver:
        query = urlencode(
            {"error": "<script>alert(1)</script>", "error_description": "nope", "state": "s"}
        )
        page = browser_get(f"{receiver.redirect_uri}?{query}")

        assert page.status_code == 200
        assert "not completed" in page.text
        assert "<script>" not in page.text
        assert "&lt;script&gt;" in page.text
        assert receiver.wait(2) == f"{receiver.redirect_uri}?{query}"


def test_listens_on_127_0_0_1_only() -> None:
    with LoopbackRedirectReceiver() as receiver:
        host, port = receiver._server.socket.getsockname()
        assert host == "127.0.0.1"
        assert port == receiver.port != 0
        assert receiver.address == ("127.0.0.1", port)
        assert receiver.redirect_uri == f"http://127.0.0.1:{port}/callback"


def test_foreign_host_header_is_refused() -> None:
    """A DNS-rebinding page reaches 127.0.0.1 with its own name in Host."""
    with LoopbackRedirectReceiver(state="s") as receiver:
        url = f"{receiver.redirect_uri}?code=x&state=s"
        assert browser_get(url, headers={"Host": "evil.example"}).status_code == 400
        evil = {"Host": f"evil.localhost:{receiver.port}"}
        assert browser_get(url, headers=evil).status_code == 400
        assert not receiver.completed
        assert browser_get(url, headers={"Host": f"localhost:{receiver.port}"}).status_code == 200
        assert receiver.wait(2) == url


def test_pages_are_self_contained_with_strict_headers() -> None:
    with LoopbackRedirectReceiver(state="s") as receiver:
        not_found = browser_get(f"http://127.0.0.1:{receiver.port}/favicon.ico")
        page = browser_get(f"{receiver.redirect_uri}?code=x&state=s")
        receiver.wait(2)

    for answer in (page, not_found):
        headers = answer.headers
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Python" not in headers["Server"]
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        # The only inline resource is the style, allowed by its hash.
        style = re.search(r"<style>(.*?)</style>", answer.text, re.DOTALL)
        assert style is not None
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
        for external in ("http:", "https:", "src=", "href=", "<script", "url("):
            assert external not in answer.text
    assert "You can close this window" in page.text


def test_idle_connection_neither_delays_the_callback_nor_leaks_threads() -> None:
    baseline = threading.active_count()
    with LoopbackRedirectReceiver(state="s") as receiver:
        # A browser's speculative preconnect that never sends a request, and a stalled one.
        idle = socket.create_connection(("127.0.0.1", receiver.port))
        stalled = socket.create_connection(("127.0.0.1", receiver.port))
        stalled.sendall(b"GET /callback?code=stalled")
        try:
            started = time.monotonic()
            assert browser_get(f"{receiver.redirect_uri}?code=x&state=s").status_code == 200
            receiver.wait(2)
            assert time.monotonic() - started < 3
        finally:
            idle.close()
            stalled.close()
    assert threading.active_count() == baseline


def test_exit_joins_threads_and_closes_the_socket_without_a_callback() -> None:
    baseline = threading.active_count()
    started = time.monotonic()
    with LoopbackRedirectReceiver(state="s") as receiver:
        assert threading.active_count() == baseline + 1
        uri = receiver.redirect_uri
        idle = socket.create_connection(("127.0.0.1", receiver.port))
    idle.close()
    assert time.monotonic() - started < 3
    assert threading.active_count() == baseline
    assert receiver.closed
    assert_refused(uri)


def test_exception_inside_the_block_still_closes() -> None:
    baseline = threading.active_count()
    with pytest.raises(KeyError), LoopbackRedirectReceiver(state="s") as receiver:
        raise KeyError("boom")
    assert threading.active_count() == baseline
    assert_refused(receiver.redirect_uri)


def test_without_a_with_block_wait_starts_and_closes() -> None:
    receiver = LoopbackRedirectReceiver(state="s")
    callback = f"{receiver.redirect_uri}?code=x&state=s"
    answers: list[requests.Response] = []
    browser = threading.Thread(target=lambda: answers.append(browser_get(callback)))
    browser.start()  # queued in the listen backlog until wait() starts serving

    assert receiver.wait(5) == callback

    browser.join(5)
    assert answers[0].status_code == 200
    assert receiver.closed
    assert_refused(callback)


def test_closing_an_unstarted_receiver_releases_the_port() -> None:
    receiver = LoopbackRedirectReceiver()
    receiver.close()
    receiver.close()
    assert_refused(receiver.redirect_uri)
    with pytest.raises(RuntimeError):
        receiver.start()


def test_fixed_port_and_custom_path() -> None:
    port = free_port()
    with LoopbackRedirectReceiver(port=port, path="/oauth/done", state="s") as receiver:
        assert receiver.redirect_uri == f"http://127.0.0.1:{port}/oauth/done"
        assert browser_get(f"http://127.0.0.1:{port}/callback?code=x&state=s").status_code == 404
        assert browser_get(f"{receiver.redirect_uri}?code=x&state=s").status_code == 200
        assert receiver.wait(2) == f"{receiver.redirect_uri}?code=x&state=s"


def test_port_in_use_fails_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            LoopbackRedirectReceiver(port=taken.getsockname()[1])


@pytest.mark.parametrize(
    "kwargs",
    [{"port": -1}, {"port": 65536}, {"path": "callback"}, {"path": "/cb?x=1"}, {"path": "/cb#f"}],
)
def test_invalid_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        LoopbackRedirectReceiver(**kwargs)


def test_wait_needs_an_expected_state() -> None:
    with LoopbackRedirectReceiver() as receiver:
        with pytest.raises(RuntimeError, match="expect_state"):
            receiver.wait(0.1)
        with pytest.raises(ValueError):
            receiver.expect_state("")


# -- nothing leaks the code ---------------------------------------------------------------


def test_the_code_never_reaches_logs_or_stderr(
    provider: requests_mock.Mocker,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    session = OAuth2Session("cli-app", pkce="S256")

    def browser(url: str) -> None:
        query = query_values(url)
        base = query["redirect_uri"]
        # Noise first: a wrong state, a favicon, a POST and a malformed request.
        browser_get(f"{base}?code={CODE}&state=wrong")
        browser_get(f"{base.rsplit('/', 1)[0]}/favicon.ico?code={CODE}")
        browser_request("POST", f"{base}?code={CODE}", data={"code": CODE})
        with socket.create_connection(("127.0.0.1", int(urlsplit(base).port or 0))) as raw:
            raw.sendall(f"GET /callback?code={CODE} HTTP/9.9\r\n\r\n".encode())
            raw.recv(4096)
        browser_get(f"{base}?{urlencode({'code': CODE, 'state': query['state']})}")

    authorize_with_loopback(session, AUTH_URL, TOKEN_URL, open_browser=browser, timeout=5)

    captured = capfd.readouterr()
    assert CODE not in captured.out
    assert CODE not in captured.err
    # urllib3 is the test browser's own HTTP client: it logs the URLs it fetches.
    ours = [record for record in caplog.records if not record.name.startswith("urllib3")]
    assert any(record.name == "runtime.loopback" for record in ours)
    for record in ours:
        assert CODE not in record.getMessage()
