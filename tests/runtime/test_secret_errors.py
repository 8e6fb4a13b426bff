"""Network errors never show a secret: not in ``str``/``repr``, nor in a printed traceback.

requests puts the request URL in a connection error's message ("Max retries exceeded with url:
/me?access_token=..."), and the urllib3 exceptions it was raised from say the same. The
runtime re-raises the same class with the secret parameters redacted and nothing chained.
These tests send real requests to a loopback port where nothing listens (or nothing answers).
"""

from __future__ import annotations

import socket
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from oauthlib.oauth2 import WebApplicationClient

from runtime import OAuth1Session, OAuth2Session
from runtime._redact import redacted_exception
from tests.runtime.loopback_facebook import facebook_at

ACCESS_TOKEN = "access-token-Lp93"
CLIENT_SECRET = "client-secret-Zq81"
CODE = "auth-code-Hw42"
OAUTH_TOKEN = "oauth1-token-Ny27"
SECRETS = (ACCESS_TOKEN, CLIENT_SECRET, CODE, OAUTH_TOKEN)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (in the backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _raised(call: Callable[[], object], expected: type[BaseException]) -> BaseException:
    with pytest.raises(expected) as caught:
        call()
    return caught.value


def _assert_secret_free(error: BaseException, *visible: str) -> None:
    printed = "".join(traceback.format_exception(error))
    shown = [printed] + [text for e in _chain(error) for text in (str(e), repr(e))]
    leaked = [secret for secret in SECRETS if any(secret in text for text in shown)]
    assert not leaked, f"secrets in the error: {leaked}\n{printed}"
    assert [part for part in visible if part not in str(error)] == []


def _query_session() -> OAuth2Session:
    return OAuth2Session(
        client=WebApplicationClient("the-client", default_token_placement="query"),
        token={"access_token": ACCESS_TOKEN, "token_type": "Bearer"},
    )


def test_api_call_with_query_token_connection_error(closed_port: int) -> None:
    session = _query_session()
    url = f"http://127.0.0.1:{closed_port}/me"
    error = _raised(lambda: session.get(url, params={"fields": "id"}), requests.ConnectionError)
    assert type(error) is requests.exceptions.ConnectionError
    assert getattr(error, "request", None) is not None
    _assert_secret_free(error, "/me?", "fields=id", "access_token=<redacted>")


def test_api_call_with_query_token_read_timeout(silent_port: int) -> None:
    session = _query_session()
    url = f"http://127.0.0.1:{silent_port}/me"
    error = _raised(lambda: session.get(url, timeout=0.2), requests.Timeout)
    assert type(error) is requests.exceptions.ReadTimeout
    _assert_secret_free(error)


def test_get_token_request_connection_error(closed_port: int) -> None:
    session = OAuth2Session("the-client", redirect_uri="https://app.example/cb")
    error = _raised(
        lambda: session.fetch_token(
            f"http://127.0.0.1:{closed_port}/token",
            code=CODE,
            method="GET",
            include_client_id=True,
            client_secret=CLIENT_SECRET,
        ),
        requests.ConnectionError,
    )
    assert type(error) is requests.exceptions.ConnectionError
    _assert_secret_free(error, f"request to http://127.0.0.1:{closed_port}/token failed")


def test_oauth1_query_signature_connection_error(closed_port: int) -> None:
    session = OAuth1Session(
        "consumer-key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=OAUTH_TOKEN,
        resource_owner_secret="owner-secret",
        signature_type="query",
    )
    url = f"http://127.0.0.1:{closed_port}/statuses"
    error = _raised(lambda: session.get(url), requests.ConnectionError)
    assert type(error) is requests.exceptions.ConnectionError
    _assert_secret_free(error, "/statuses?", "oauth_consumer_key=consumer-key")


def test_generated_client_api_and_token_calls(closed_port: int) -> None:
    base = f"http://127.0.0.1:{closed_port}"
    client = facebook_at(base)(
        client_id="the-app",
        client_secret=CLIENT_SECRET,
        token={"access_token": ACCESS_TOKEN, "token_type": "Bearer"},
    )
    api_error = _raised(lambda: client.session.get(client.api_url("me")), requests.ConnectionError)
    _assert_secret_free(api_error, "/me?", "access_token=<redacted>")
    token_error = _raised(lambda: client.fetch_token(code=CODE), requests.ConnectionError)
    _assert_secret_free(token_error, "/oauth/access_token failed")


def test_redacted_exception_keeps_class_and_context() -> None:
    response = requests.Response()
    original = requests.exceptions.SSLError(
        "bad handshake for /x?code=abc", request=None, response=response
    )
    clean = redacted_exception(original)
    assert type(clean) is requests.exceptions.SSLError
    assert clean.args == ("bad handshake for /x?code=<redacted>",)
    assert clean.response is response

    class Picky(Exception):
        def __init__(self, a: Any, b: Any) -> None:
            super().__init__(f"{a} {b}")

    odd = redacted_exception(Picky("u?access_token=t", 1))
    assert type(odd) is Picky
    assert str(odd) == "u?access_token=<redacted> 1"
