"""Where API requests carry the token, companion headers/query, api_url, redirects."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import TokenExpiredError

from runtime.errors import NoTokenError
from runtime.provider import OAuth2Provider
from runtime.provider.errors import TemplateError
from tests.support.clocks import Clock
from tests.support.http import form, query

from .support import inline_spec, oauth2_class

API = "https://api.acme.example/v1/things"
TOKEN = {
    "access_token": "AT",
    "token_type": "Bearer",
    "instance_url": "https://na1.sf.example",
    "team_id": "T1",
}


def provider_for(
    api_yaml: str, token: dict[str, Any] | None = None, **kwargs: Any
) -> OAuth2Provider:
    body = (
        "token:\n  response:\n    extra:\n      instance_url: {type: str}\n"
        "      team_id: {type: str}\n"
    ) + api_yaml
    return oauth2_class(inline_spec(body))(client_id="cid", token=token or TOKEN, **kwargs)


def sent(provider: OAuth2Provider, method: str = "GET", url: str = API, **kwargs: Any) -> Any:
    with requests_mock.Mocker() as m:
        m.register_uri(method, url.split("?")[0], json={})
        provider.session.request(method, url, **kwargs)
        return m.last_request


def test_default_bearer_header() -> None:
    assert sent(provider_for("")).headers["Authorization"] == "Bearer AT"


@pytest.mark.parametrize(
    ("api", "header", "value"),
    [
        ("api:\n  token_scheme: token\n", "Authorization", "token AT"),
        ("api:\n  token_scheme: OAuth\n", "Authorization", "OAuth AT"),
        (
            "api:\n  token_name: X-Shopify-Access-Token\n  token_scheme: null\n",
            "X-Shopify-Access-Token",
            "AT",
        ),
    ],
)
def test_header_schemes_and_names(api: str, header: str, value: str) -> None:
    request = sent(provider_for(api))
    assert request.headers[header] == value
    if header != "Authorization":
        assert "Authorization" not in request.headers


def test_query_placement() -> None:
    request = sent(
        provider_for("api:\n  token_placement: query\n  token_name: oauth2_access_token\n"),
        url=API + "?a=1",
    )
    assert query(request.url) == {"a": ["1"], "oauth2_access_token": ["AT"]}
    assert "Authorization" not in request.headers


def test_body_placement() -> None:
    provider = provider_for("api:\n  token_placement: body\n  token_name: token\n")
    request = sent(provider, "POST", data={"channel": "C1"})
    assert form(request.text) == {"channel": ["C1"], "token": ["AT"]}
    request = sent(provider, "POST")
    assert form(request.text) == {"token": ["AT"]}
    request = sent(provider, "POST", data="a=1")
    assert form(request.text) == {"a": ["1"], "token": ["AT"]}
    request = sent(provider, "POST", json={"x": 1})
    assert query(request.url) == {"token": ["AT"]}  # a JSON body cannot take it: query instead


def test_companion_headers_and_query_with_placeholders() -> None:
    api = """\
variables:
  version: {type: str, default: "2022-06-28"}
api:
  headers: {Client-Id: "{client_id}", X-Team: "{token.team_id}", Notion-Version: "{version}"}
  query: {v: "{version}"}
"""
    request = sent(provider_for(api))
    assert request.headers["Client-Id"] == "cid"
    assert request.headers["X-Team"] == "T1"
    assert request.headers["Notion-Version"] == "2022-06-28"
    assert query(request.url) == {"v": ["2022-06-28"]}


def test_missing_token_field_in_a_header_is_a_clear_error() -> None:
    provider = provider_for(
        "api:\n  headers: {X-Team: '{token.team_id}'}\n", token={"access_token": "AT"}
    )
    with pytest.raises(TemplateError, match=r"api.headers.X-Team uses \{token.team_id\}"):
        sent(provider)


def test_api_url_from_token_base() -> None:
    provider = provider_for("api:\n  base_url: '{token.instance_url}/services/data'\n")
    assert provider.api_url() == "https://na1.sf.example/services/data"
    assert (
        provider.api_url("/v59.0/sobjects") == "https://na1.sf.example/services/data/v59.0/sobjects"
    )
    with pytest.raises(ValueError, match="relative to the API base"):
        provider.api_url("https://evil.example/x")
    bad = provider_for(
        "api:\n  base_url: '{token.instance_url}/x'\n",
        token={"access_token": "a", "instance_url": "http://evil.example"},
    )
    with pytest.raises(TemplateError, match="not a usable https base URL"):
        bad.api_url()
    with pytest.raises(ValueError, match=r"no api\.base_url"):
        provider_for("").api_url()


def test_no_token_no_header_and_expired_token_raises() -> None:
    clock = Clock(1000)
    provider = oauth2_class(inline_spec(""))(
        client_id="cid", token={"access_token": "a", "expires_at": 500}, clock=clock
    )
    with requests_mock.Mocker() as m:
        m.get(API, json={})
        with pytest.raises(TokenExpiredError):
            provider.session.get(API)
    empty = oauth2_class(inline_spec(""))(client_id="cid")
    with requests_mock.Mocker() as m, pytest.raises(NoTokenError, match="API call to"):
        empty.session.get(API + "?q=1")
    assert not m.called


def test_token_headers_are_not_forwarded_to_another_host() -> None:
    api = (
        "api:\n  token_name: X-Access-Token\n  token_scheme: null\n"
        "  headers: {X-Team: '{token.team_id}', X-Plain: fixed}\n"
    )
    provider = provider_for(api)
    with requests_mock.Mocker() as m:
        m.get(API, status_code=302, headers={"Location": "https://elsewhere.example/x"})
        m.get("https://elsewhere.example/x", json={})
        provider.session.get(API)
        first, second = m.request_history
        assert first.headers["X-Access-Token"] == "AT"
        assert "X-Access-Token" not in second.headers and "X-Team" not in second.headers
        assert second.headers["X-Plain"] == "fixed"


def test_body_token_is_not_forwarded_to_another_host() -> None:
    provider = provider_for("api:\n  token_placement: body\n")
    with requests_mock.Mocker() as m:
        m.post(API, status_code=307, headers={"Location": "https://elsewhere.example/x"})
        m.post("https://elsewhere.example/x", json={})
        provider.session.post(API, data={"a": "1"})
        assert form(m.request_history[0].text) == {"a": ["1"], "access_token": ["AT"]}
        assert form(m.request_history[1].text) == {"a": ["1"]}


def test_same_host_redirect_keeps_the_token() -> None:
    provider = provider_for("api:\n  token_name: X-Access-Token\n  token_scheme: null\n")
    with requests_mock.Mocker() as m:
        m.get(API, status_code=302, headers={"Location": "https://api.acme.example/v2"})
        m.get("https://api.acme.example/v2", json={})
        provider.session.get(API)
        assert m.last_request.headers["X-Access-Token"] == "AT"
