"""Sessions read the proxy and CA bundle variables once, and apply them as requests does."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import pytest
import requests
from requests.adapters import BaseAdapter

import runtime._environment as environment_module
from runtime import OAuth1Session, OAuth2Session
from runtime._environment import EnvironmentOnceSession

TOKEN = {"access_token": "a" * 40, "token_type": "Bearer", "expires_at": 4102444800}
VARIABLES = (
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)  # fmt: skip

SessionFactory = Callable[[], EnvironmentOnceSession]
PROXY = "http://proxy.example:3128"
BUNDLE = "/etc/ssl/company.pem"
SESSIONS: dict[str, SessionFactory] = {
    "oauth2": lambda: OAuth2Session("cid", token=dict(TOKEN)),
    "oauth1": lambda: OAuth1Session("key", "secret", "token", "token-secret"),
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=sorted(SESSIONS))
def new_session(request: pytest.FixtureRequest) -> SessionFactory:
    factory: SessionFactory = SESSIONS[request.param]
    return factory


class RecordingAdapter(BaseAdapter):
    """Answers 200 to everything and keeps the transport arguments each send got."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(kwargs)
        response = requests.Response()
        response.status_code = 200
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        pass


def recording(session: requests.Session) -> RecordingAdapter:
    adapter = RecordingAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return adapter


def settings(session: requests.Session, url: str, **given: Any) -> Mapping[str, Any]:
    proxies = dict(given.pop("proxies", {}))
    return session.merge_environment_settings(
        url, proxies, given.get("stream"), given.get("verify"), given.get("cert")
    )


ENVIRONMENTS: list[dict[str, str]] = [
    {},
    {"HTTPS_PROXY": "http://proxy.example:3128", "HTTP_PROXY": "http://plain.example:80"},
    {"https_proxy": "http://lower.example:1", "HTTPS_PROXY": "http://upper.example:2"},
    {"ALL_PROXY": "socks5://all.example:1080"},
    {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "api.example"},
    {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": ".example"},
    {"HTTPS_PROXY": "http://proxy.example:3128", "no_proxy": "api.example:8443, other.test"},
    {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "10.0.0.0/8,192.0.2.7"},
    {"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "*"},
    {"REQUESTS_CA_BUNDLE": "/etc/ssl/requests.pem", "CURL_CA_BUNDLE": "/etc/ssl/curl.pem"},
    {"CURL_CA_BUNDLE": "/etc/ssl/curl.pem"},
]
URLS = [
    "https://api.example/v1/user",
    "https://deep.api.example/v1",
    "https://api.example:8443/v1",
    "https://10.1.2.3/v1",
    "https://192.0.2.7/v1",
    "https://192.0.2.8/v1",
    "http://plain.host.test/x",
]
REQUEST_ARGUMENTS: list[dict[str, Any]] = [
    {},
    {"verify": False},
    {"verify": "/my/bundle.pem", "proxies": {"no_proxy": "api.example"}},
    {"proxies": {"https": "http://mine.example:9"}, "stream": True, "cert": "/c.pem"},
]


@pytest.mark.parametrize("variables", ENVIRONMENTS, ids=lambda env: ",".join(env) or "none")
def test_settings_are_those_requests_computes(
    monkeypatch: pytest.MonkeyPatch, new_session: SessionFactory, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    ours, plain = new_session(), requests.Session()
    for session in (ours, plain):
        session.proxies = {"http": "http://session-level.example:8"}
    for url in URLS:
        for arguments in REQUEST_ARGUMENTS:
            expected = settings(plain, url, **arguments)
            assert settings(ours, url, **arguments) == expected, (url, arguments)


@pytest.mark.parametrize("variables", ENVIRONMENTS[1:9], ids=lambda env: ",".join(env))
def test_redirect_proxies_are_those_requests_computes(
    monkeypatch: pytest.MonkeyPatch, new_session: SessionFactory, variables: dict[str, str]
) -> None:
    for name, value in {**variables, "HTTP_PROXY": "http://user:pw@plain.example:80"}.items():
        monkeypatch.setenv(name, value)
    ours, plain = new_session(), requests.Session()
    for url in URLS:
        for given in ({}, {"no_proxy": "plain.host.test"}, {"https": "http://mine.example:9"}):
            results = []
            for rebuild in (ours.rebuild_proxies, cast(Any, plain).rebuild_proxies):
                prepared = requests.Request("GET", url).prepare()
                prepared.headers["Proxy-Authorization"] = "Basic old"
                proxies = rebuild(prepared, dict(given))
                results.append((proxies, prepared.headers.get("Proxy-Authorization")))
            assert results[0] == results[1], (url, given)


def test_a_request_goes_through_the_environment_proxy_and_bundle(
    monkeypatch: pytest.MonkeyPatch, new_session: SessionFactory
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", BUNDLE)
    session = new_session()
    adapter = recording(session)
    session.get("https://api.example/v1")
    session.get("https://internal.example/v1")
    session.get("https://api.example/v1", verify=False)
    assert adapter.sent[0]["proxies"]["https"] == PROXY
    assert adapter.sent[0]["verify"] == BUNDLE
    assert "https" not in adapter.sent[1]["proxies"]  # NO_PROXY
    assert adapter.sent[2]["verify"] is False  # an explicit argument wins


@pytest.fixture
def environment_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the scans of the proxy variables the runtime makes; requests' own per-request
    reading fails the test."""
    reads: list[int] = []
    scan = urllib.request.getproxies_environment

    def counted() -> dict[str, str]:
        reads.append(1)
        return scan()

    def forbidden(*args: object, **kwargs: object) -> Any:
        raise AssertionError("requests read the proxy variables for a request")

    monkeypatch.setattr(environment_module, "getproxies_environment", counted)
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", forbidden)
    monkeypatch.setattr(requests.utils, "should_bypass_proxies", forbidden)
    yield reads


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", BUNDLE)


@pytest.mark.usefixtures("proxied")
def test_the_environment_is_read_once_until_reloaded(
    monkeypatch: pytest.MonkeyPatch, new_session: SessionFactory, environment_reads: list[int]
) -> None:
    session = new_session()
    assert environment_reads == []  # creating a session reads nothing
    adapter = recording(session)
    for _ in range(3):
        session.get("https://api.example/v1")
    session.get("https://another.example/v1")
    monkeypatch.setenv("HTTPS_PROXY", "http://after.example:2")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/after.pem")
    session.get("https://api.example/v1")
    assert len(environment_reads) == 1
    assert {sent["proxies"]["https"] for sent in adapter.sent} == {PROXY}
    assert {sent["verify"] for sent in adapter.sent} == {BUNDLE}

    session.reload_environment()
    session.get("https://api.example/v1")
    assert len(environment_reads) == 2
    assert adapter.sent[-1]["proxies"]["https"] == "http://after.example:2"
    assert adapter.sent[-1]["verify"] == "/after.pem"


@pytest.mark.usefixtures("proxied")
def test_trust_env_false_reads_and_applies_nothing(
    new_session: SessionFactory, environment_reads: list[int]
) -> None:
    session = new_session()
    session.trust_env = False
    adapter = recording(session)
    session.get("https://api.example/v1")
    prepared = requests.Request("GET", "https://moved.example/").prepare()
    assert session.rebuild_proxies(prepared, {}) == {}
    assert environment_reads == []
    assert "https" not in adapter.sent[0]["proxies"]
    assert adapter.sent[0]["verify"] is True


def test_many_hosts_keep_a_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "host7.example")
    snapshot = environment_module.EnvironmentSnapshot()
    for index in range(1000):
        bypassed = snapshot.bypasses_proxies(f"https://host{index}.example/")
        assert bypassed == (index == 7)
    assert len(snapshot._bypass) <= environment_module._MAX_HOSTS
    assert os.environ["NO_PROXY"] == "host7.example"  # nothing was changed in os.environ
