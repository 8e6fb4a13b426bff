"""OAuth2 (the requests auth class), token attachment and the transport rules."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import requests_mock
from oauthlib.oauth2 import (
    BackendApplicationClient,
    InsecureTransportError,
    TokenExpiredError,
    WebApplicationClient,
)

from runtime._transport import is_loopback_host, is_secure_url, require_secure_url
from runtime.oauth2_auth import OAuth2
from runtime.oauth2_session import OAuth2Session

API = "https://api.example/v1/items"


def prepared(url: str = API, method: str = "GET") -> requests.PreparedRequest:
    return requests.Request(method, url).prepare()


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1.2.3", "::1", "[::1]"],
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "10.0.0.1",
        "192.168.1.1",
        "localhost.example.com",
        "128.0.0.1",
        "",
        # Names under .localhost are not guaranteed to resolve to loopback (a resolver or
        # /etc/hosts may send them anywhere): only the name localhost itself counts.
        "evil.localhost",
        "a.b.localhost",
        "EVIL.LOCALHOST",
        "evil.localhost.",
        "ip6-localhost",
    ],
)
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    ("url", "secure"),
    [
        ("https://example.com/x", True),
        ("HTTPS://example.com/x", True),
        ("http://127.0.0.1:8080/token", True),
        ("http://localhost/token", True),
        ("http://[::1]:9000/token", True),
        ("http://example.com/token", False),
        ("http://127.0.0.1.nip.io/token", False),
        ("http://evil.localhost/token", False),
        ("http://LOCALHOST./token", True),
        ("ftp://127.0.0.1/token", False),
    ],
)
def test_secure_url_rules(url: str, secure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    assert is_secure_url(url) is secure


def test_insecure_transport_error_names_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    with pytest.raises(InsecureTransportError, match=r"api\.example\.com"):
        require_secure_url("http://api.example.com/token?client_secret=hunter2")
    try:
        require_secure_url("http://api.example.com/token?client_secret=hunter2")
    except InsecureTransportError as error:
        assert "hunter2" not in str(error)


def test_global_override_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    require_secure_url("http://example.com/token")


def test_oauth2_auth_adds_bearer_header() -> None:
    auth = OAuth2("cid", token={"access_token": "tok", "token_type": "Bearer"})
    request = auth(prepared())
    assert request.headers["Authorization"] == "Bearer tok"


def test_oauth2_auth_with_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        requests.get(API, auth=OAuth2("cid", token={"access_token": "tok"}), timeout=5)
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer tok"


def test_oauth2_auth_refuses_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    auth = OAuth2("cid", token={"access_token": "tok"})
    with pytest.raises(InsecureTransportError):
        auth(prepared("http://api.example/items"))
    assert auth(prepared("http://127.0.0.1:5000/items")).headers["Authorization"] == "Bearer tok"


def test_oauth2_auth_expired_token_raises() -> None:
    auth = OAuth2("cid", token={"access_token": "tok", "expires_at": time.time() - 5})
    with pytest.raises(TokenExpiredError):
        auth(prepared())


def test_oauth2_auth_without_access_token_raises() -> None:
    with pytest.raises(ValueError, match="Missing access token"):
        OAuth2("cid")(prepared())


@pytest.mark.parametrize(("placement", "where"), [("query", "url"), ("body", "body")])
def test_oauth2_auth_other_placements(placement: str, where: str) -> None:
    client = WebApplicationClient("cid", default_token_placement=placement)  # type: ignore[arg-type]
    auth = OAuth2(client=client, token={"access_token": "tok", "token_type": "Bearer"})
    request = auth(prepared(method="POST") if where == "body" else prepared())
    carrier = request.url if where == "url" else request.body
    assert "access_token=tok" in str(carrier)
    assert "Authorization" not in request.headers


def test_oauth2_auth_unknown_token_type() -> None:
    auth = OAuth2("cid", token={"access_token": "tok", "token_type": "DPoP"})
    with pytest.raises(ValueError, match="Unsupported token type"):
        auth(prepared())


def test_oauth2_auth_honours_a_client_with_its_own_add_token() -> None:
    class Custom(BackendApplicationClient):
        def add_token(self, uri: str, *args: Any, **kwargs: Any) -> Any:
            return uri, {"X-Custom": "yes"}, None

    auth = OAuth2(client=Custom("cid"), token={"access_token": "tok"})
    assert auth(prepared()).headers["X-Custom"] == "yes"


def test_oauth2_auth_repr_masks_the_token() -> None:
    text = repr(OAuth2("cid", token={"access_token": "SECRET"}))
    assert "SECRET" not in text and "cid" in text


def test_session_refuses_plain_http_api_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    session = OAuth2Session("cid", token={"access_token": "tok"})
    with pytest.raises(InsecureTransportError):
        session.get("http://api.example/items")


def test_session_allows_loopback_http() -> None:
    with requests_mock.Mocker() as m:
        m.get("http://127.0.0.1:8000/items", json={})
        OAuth2Session("cid", token={"access_token": "tok"}).get("http://127.0.0.1:8000/items")
        assert m.last_request is not None
        assert m.last_request.headers["Authorization"] == "Bearer tok"


def test_authorization_header_not_forwarded_to_another_host() -> None:
    with requests_mock.Mocker() as m:
        m.get(API, status_code=302, headers={"Location": "https://cdn.other.example/file"})
        m.get("https://cdn.other.example/file", json={})
        OAuth2Session("cid", token={"access_token": "tok"}).get(API)
        assert "Authorization" not in m.request_history[1].headers
        assert m.request_history[0].headers["Authorization"] == "Bearer tok"


def test_authorization_header_kept_on_same_host_redirect() -> None:
    with requests_mock.Mocker() as m:
        m.get(API, status_code=302, headers={"Location": "https://api.example/v2/items"})
        m.get("https://api.example/v2/items", json={})
        OAuth2Session("cid", token={"access_token": "tok"}).get(API)
        assert m.request_history[1].headers["Authorization"] == "Bearer tok"


def test_session_properties_match_upstream() -> None:
    session = OAuth2Session("cid", scope=["a"], token={"access_token": "tok"})
    assert session.client_id == "cid"
    assert session.scope == ["a"]
    assert session.authorized
    session.client_id = "other"
    assert session._client.client_id == "other"
    session.access_token = "x"
    assert session.access_token == "x"


def test_session_deleters_match_upstream() -> None:
    session = OAuth2Session("cid", token={"access_token": "tok"})
    del session.client_id
    del session.access_token
    assert (session.client_id, session.access_token) == (None, None)
    with pytest.raises(AttributeError):
        del session.token


def test_scope_falls_back_to_the_client() -> None:
    session = OAuth2Session(client=WebApplicationClient("cid", scope=["from-client"]))
    assert session.scope == ["from-client"]


def test_new_state_uses_string_or_callable() -> None:
    assert OAuth2Session("cid", state="fixed").new_state() == "fixed"
    counter = iter(["s1", "s2"])
    session = OAuth2Session("cid", state=lambda: next(counter))
    assert session.new_state() == "s1"
    assert session.authorization_url("https://p.example/auth")[1] == "s2"


def test_unexpected_constructor_kwargs_raise_type_error() -> None:
    with pytest.raises(TypeError):
        OAuth2Session("cid", not_a_parameter=1)
