"""Secrets never reach a log, even with every logger at DEBUG.

urllib3 logs the full request target (path and query) of every request at DEBUG, so a GET
token request or a token placed in the query would write credentials to the log. These tests
drive real requests against a loopback ``http.server`` and read everything that was logged.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from oauthlib.oauth1 import Client as OAuth1Client
from oauthlib.oauth2 import LegacyApplicationClient, WebApplicationClient

from runtime import OAuth1Session, OAuth2Session
from runtime._redact import SecretRedactingFilter, redact_secrets, redacted_record
from tests.runtime.loopback_facebook import facebook_at

CLIENT_SECRET = "client-secret-Zq81"
CODE = "auth-code-Hw42"
VERIFIER = "verifier-Kd7" + "x" * 40
ACCESS_TOKEN = "access-token-Lp93"
LONG_LIVED = "long-lived-token-Ue55"
PASSWORD = "user-password-Rt06"
OAUTH_TOKEN = "oauth1-token-Ny27"
OAUTH_TOKEN_SECRET = "oauth1-token-secret-Bc64"
VERIFIER_1 = "oauth1-verifier-Mm11"
SECRETS = (
    CLIENT_SECRET,
    CODE,
    VERIFIER,
    ACCESS_TOKEN,
    LONG_LIVED,
    PASSWORD,
    OAUTH_TOKEN,
    OAUTH_TOKEN_SECRET,
    VERIFIER_1,
)


class _Handler(BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        query = parse_qs(urlsplit(self.path).query)
        path = urlsplit(self.path).path
        if path.endswith("/access_token") or path == "/token":
            token = LONG_LIVED if "fb_exchange_token" in query else ACCESS_TOKEN
            body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        else:
            body = {"id": "1", "name": "Ada"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.seen.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = b"ok=1"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-www-form-urlencoded")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """The test server's own access log is not the runtime's: keep it quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def all_logs() -> Iterator[io.StringIO]:
    """Every logger at DEBUG; everything they emit (messages, tracebacks) in one buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    names = list(logging.root.manager.loggerDict)
    loggers = [logging.root] + [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.root.addHandler(handler)
    try:
        yield stream
    finally:
        logging.root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _assert_no_secret(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"secrets in the log: {leaked}\n{text}"


def _assert_sent_but_not_logged(
    seen: list[str], logs: io.StringIO, secrets: tuple[str, ...], *, visible: tuple[str, ...]
) -> None:
    """The secrets really travelled in request URLs (which urllib3 logs), the log has none
    of them, and the rest of each logged request line is still there."""
    sent = "\n".join(seen)
    assert [secret for secret in secrets if secret not in sent] == []
    text = logs.getvalue()
    _assert_no_secret(text)
    assert [part for part in visible if part not in text] == []


def test_get_token_request_and_query_token_are_not_logged(
    server: tuple[str, list[str]], all_logs: io.StringIO
) -> None:
    base, seen = server
    session = OAuth2Session(
        client=WebApplicationClient("the-client", default_token_placement="query"),
        redirect_uri="http://127.0.0.1/cb",
        code_verifier=VERIFIER,
    )
    session.fetch_token(
        f"{base}/token",
        code=CODE,
        method="GET",
        include_client_id=True,
        client_secret=CLIENT_SECRET,
    )
    session.get(f"{base}/api/me", params={"fields": "id,name"})

    password = OAuth2Session(client=LegacyApplicationClient("the-client"))
    password.fetch_token(f"{base}/token", username="ada", password=PASSWORD, method="GET")

    _assert_sent_but_not_logged(
        seen,
        all_logs,
        (CLIENT_SECRET, CODE, VERIFIER, ACCESS_TOKEN, PASSWORD),
        visible=(
            '"GET /token?',
            "grant_type=authorization_code",
            "client_id=the-client",
            "username=ada",
            "GET /api/me?",
            "fields=id%2Cname",
            "code=<redacted>",
            "access_token=<redacted>",
        ),
    )


def test_generated_get_token_and_exchange_are_not_logged(
    server: tuple[str, list[str]], all_logs: io.StringIO
) -> None:
    base, seen = server
    client = facebook_at(base)(
        client_id="the-app",
        client_secret=CLIENT_SECRET,
        redirect_uri="https://app.example/cb",
        api_version="v22.0",
    )
    client.authorization_url()
    client.fetch_token(code=CODE)
    client.exchange_long_lived()
    assert client.userinfo()["id"] == "1"

    _assert_sent_but_not_logged(
        seen,
        all_logs,
        (CLIENT_SECRET, CODE, ACCESS_TOKEN, LONG_LIVED),
        visible=(
            "/v22.0/oauth/access_token?",
            "grant_type=fb_exchange_token",
            "client_id=the-app",
            "/v22.0/me?",
            "appsecret_proof=<redacted>",
        ),
    )


def test_oauth1_signing_by_oauthlib_is_not_logged(
    server: tuple[str, list[str]], all_logs: io.StringIO
) -> None:
    """A custom client class is signed by oauthlib, which logs its parameters at DEBUG."""
    base, _ = server

    class CustomClient(OAuth1Client):
        pass

    session = OAuth1Session(
        "consumer-key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=OAUTH_TOKEN,
        resource_owner_secret=OAUTH_TOKEN_SECRET,
        verifier=VERIFIER_1,
        client_class=CustomClient,
        signature_type="query",
    )
    session.post(f"{base}/oauth/access_token")
    text = all_logs.getvalue()
    _assert_no_secret(text)
    assert "oauth_consumer_key" in text
    assert "oauth_signature=<redacted>" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /t?code=abc&state=xyz HTTP/1.1", "GET /t?code=<redacted>&state=xyz HTTP/1.1"),
        ("/t?a=1&Access_Token=abc#frag", "/t?a=1&Access_Token=<redacted>#frag"),
        ("zipcode=123&code=9", "zipcode=123&code=<redacted>"),
        ('oauth_token="abc", oauth_nonce="n"', 'oauth_token="<redacted>", oauth_nonce="n"'),
        ("[('oauth_token', 'abc'), ('x', 'y')]", "[('oauth_token', '<redacted>'), ('x', 'y')]"),
        ('{"refresh_token": "r\\"t", "a": 1}', '{"refresh_token": "<redacted>", "a": 1}'),
        ("{'password': b'pw'}", "{'password': b'<redacted>'}"),
        ("POST&u&oauth_token%3Dabc%26oauth_x%3D1", "POST&u&oauth_token%3D<redacted>%26oauth_x%3D1"),
        ("a%26code%253Dabc%2526b", "a%26code%253D<redacted>%2526b"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer <redacted>"),
        ("Signature: c2lnbmF0dXJl", "Signature: <redacted>"),
        ("nothing secret: code 5, state=1", "nothing secret: code 5, state=1"),
    ],
)
def test_redact_secrets_forms(text: str, expected: str) -> None:
    assert redact_secrets(text) == expected


def test_redacted_record_keeps_the_template_and_never_drops_anything() -> None:
    record = logging.LogRecord(
        "urllib3.connectionpool", logging.DEBUG, __file__, 1,
        '%s "%s %s" %s', ("http://h:1", "GET", "/t?code=abc", 200), None,
    )
    redacted_record(record)
    assert record.msg == '%s "%s %s" %s'
    assert record.getMessage() == 'http://h:1 "GET /t?code=<redacted>" 200'

    class Opaque:
        def __repr__(self) -> str:
            return "Opaque(url='/t?access_token=abc')"

    record = logging.LogRecord(
        "x", logging.DEBUG, __file__, 1, "got %r (%d%%)", (Opaque(), 5), None
    )
    redacted_record(record)
    assert record.getMessage() == "got Opaque(url='/t?access_token=<redacted>') (5%)"

    broken = logging.LogRecord("x", logging.DEBUG, __file__, 1, "%s %s", ("code=a",), None)
    redacted_record(broken)  # logging reports a record it cannot format: without the secret
    assert broken.args == ("code=<redacted>",)


def test_a_providers_own_secret_parameter_names_are_redacted() -> None:
    from tests.runtime.provider.support import inline_spec, oauth2_class

    spec = inline_spec(
        "token:\n  param_names: {client_secret: zq_app_key_sec, code: zq_auth_code}\n"
        "api:\n  token_placement: query\n  token_name: zq_sess_tok\n"
    )
    line = "GET /x?zq_sess_tok=a1&zq_auth_code=b2&zq_app_key_sec=c3&appid=me"
    assert redact_secrets(line) == line
    oauth2_class(spec)(client_id="me")
    assert redact_secrets(line) == (
        "GET /x?zq_sess_tok=<redacted>&zq_auth_code=<redacted>&zq_app_key_sec=<redacted>&appid=me"
    )


def test_the_filter_never_raises_nor_drops() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no str")

    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, Broken(), None, None)
    assert SecretRedactingFilter().filter(record) is True
