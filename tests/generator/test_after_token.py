"""``after_token`` steps and callback values kept on the token, from spec to generated client:
the fields arrive after sign-in, are typed on the token, fill later URLs, survive refresh."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock

from generator.spec import SpecValidationError, parse_spec
from runtime.provider.flow_errors import ProviderResponseError

from .functional_support import build_client
from .generation import render_text
from .test_functional import spec_text

CLOUD = spec_text(
    "cloudy",
    """\
endpoints:
  authorize: https://auth.cloudy.example/authorize
  token: https://auth.cloudy.example/oauth/token
callback:
  capture:
    realm_id: {param: realmId, type: str, on_token: true}
after_token:
  accessible_resources:
    url: https://api.cloudy.example/oauth/token/accessible-resources
    keep:
      cloud_id: {path: "items[0].id", type: str, required: true}
      site_url: {path: "items[0].url", type: str}
  data_centre:
    url: https://login.cloudy.example/metadata
    send_token: false
    headers:
      Authorization: "OAuth {access_token}"
    keep:
      dc: {type: str, required: true}
refresh: {}
api:
  base_url: https://api.cloudy.example/ex/{token.cloud_id}/{token.dc}
""",
)
TOKEN_URL = "https://auth.cloudy.example/oauth/token"
RESOURCES = "https://api.cloudy.example/oauth/token/accessible-resources"
METADATA = "https://login.cloudy.example/metadata"


@pytest.fixture(scope="module")
def cloudy(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_client(tmp_path_factory.mktemp("cloudy"), CLOUD)


def _signed_in(cls: Any, mock: requests_mock.Mocker) -> Any:
    client = cls(client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb")
    _, state = client.authorization_url()
    mock.post(TOKEN_URL, json={"access_token": "at1", "refresh_token": "rt1", "expires_in": 3600})
    mock.get(RESOURCES, json=[{"id": "c-123", "url": "https://team.cloudy.example"}])
    mock.get(METADATA, json={"dc": "us6", "login": {"email": "a@b.example"}})
    client.fetch_token(
        authorization_response=f"https://app.example/cb?code=c&state={state}&realmId=42"
    )
    return client


def test_after_sign_in_the_steps_fill_the_token_and_later_urls(cloudy: Any) -> None:
    with requests_mock.Mocker() as mock:
        client = _signed_in(cloudy, mock)
        resources, metadata = mock.request_history[1], mock.request_history[2]
    assert resources.headers["Authorization"] == "Bearer at1"  # api placement
    assert metadata.headers["Authorization"] == "OAuth at1"  # the step's own header
    token = client.token
    assert (token["cloud_id"], token["site_url"], token["dc"]) == (
        "c-123",
        "https://team.cloudy.example",
        "us6",
    )
    assert token["realm_id"] == "42"
    assert client.api_url("rest/api/3/myself") == (
        "https://api.cloudy.example/ex/c-123/us6/rest/api/3/myself"
    )


def test_a_refreshed_token_keeps_the_fields_without_calling_again(cloudy: Any) -> None:
    with requests_mock.Mocker() as mock:
        client = _signed_in(cloudy, mock)
        mock.post(TOKEN_URL, json={"access_token": "at2", "refresh_token": "rt2"})
        calls = mock.call_count
        token = client.refresh()
        assert mock.call_count == calls + 1  # only the refresh itself
    assert (token["access_token"], token["cloud_id"], token["dc"], token["realm_id"]) == (
        "at2",
        "c-123",
        "us6",
        "42",
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"status_code": 500, "text": "oops"}, "HTTP 500"),
        ({"json": []}, "lacks the required field 'cloud_id'"),
        ({"text": "<html>"}, "not JSON"),
    ],
)
def test_a_failing_step_is_a_clear_error_and_no_token_is_kept(
    cloudy: Any, answer: dict[str, Any], message: str
) -> None:
    client = cloudy(client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb")
    _, state = client.authorization_url()
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, json={"access_token": "secret-at", "expires_in": 3600})
        mock.get(RESOURCES, **answer)
        with pytest.raises(ProviderResponseError, match=message) as raised:
            client.fetch_token(
                authorization_response=f"https://app.example/cb?code=c&state={state}"
            )
    assert "secret-at" not in str(raised.value)
    assert not client.session.token


def test_the_added_fields_are_typed_on_the_token() -> None:
    _, text = render_text(CLOUD)
    token_class = text[text.index("class CloudyToken") : text.index("class CloudyCallback")]
    for line in ("cloud_id: str", "site_url: str", "dc: str", "realm_id: str"):
        assert line in token_class, line
    assert token_class.count("Required[str]") == 1  # access_token only: added fields may be absent


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "after_token:\n  s:\n    url: https://x.example/m\n    keep:\n      scope: {}\n",
            "after_token.s.keep.scope: 'scope' is a standard token field",
        ),
        (
            "token:\n  response:\n    extra:\n      dc: {}\n"
            "after_token:\n  s:\n    url: https://x.example/m\n    keep:\n      dc: {}\n",
            "the token already has a field 'dc' (from token.response.extra.dc)",
        ),
        (
            "api:\n  base_url: https://x.example/{token.nothing}\n",
            "{token.nothing} names no declared token field",
        ),
    ],
)
def test_clashing_or_unknown_added_fields_are_located_errors(body: str, message: str) -> None:
    text = spec_text(
        "clash",
        "endpoints:\n  authorize: https://a.example/a\n  token: https://a.example/t\n" + body,
    )
    with pytest.raises(SpecValidationError) as raised:
        parse_spec(text, "clash.yaml")
    assert message in str(raised.value) and "clash.yaml:" in str(raised.value)


TENANTED = spec_text(
    "tenanted",
    """\
endpoints:
  authorize: https://auth.tenanted.example/authorize
  token: https://auth.tenanted.example/token
after_token:
  connections:
    url: https://api.tenanted.example/connections
    keep:
      tenant_id: {path: "items[0].tenantId", type: str, required: true}
      tenant_name: {path: "items[0].tenantName", type: str}
refresh: {}
api:
  base_url: https://api.tenanted.example/api
  headers:
    Tenant-Id: "{token.tenant_id}"
""",
)


def test_a_step_is_sent_without_the_api_headers_that_need_its_own_fields(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    cls = build_client(tmp_path_factory.mktemp("tenanted"), TENANTED)
    client = cls(client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb")
    _, state = client.authorization_url()
    with requests_mock.Mocker() as mock:
        mock.post(
            "https://auth.tenanted.example/token",
            json={"access_token": "at1", "refresh_token": "r"},
        )
        mock.get("https://api.tenanted.example/connections", json=[{"tenantId": "t-1"}])
        client.fetch_token(authorization_response=f"https://app.example/cb?code=c&state={state}")
        step = mock.request_history[1]
        assert step.headers["Authorization"] == "Bearer at1" and "Tenant-Id" not in step.headers
        mock.get("https://api.tenanted.example/api/orgs", json={})
        client.session.get("https://api.tenanted.example/api/orgs")
        assert mock.last_request.headers["Tenant-Id"] == "t-1"
        # the optional tenant_name never came: a refresh does not call connections again
        mock.post("https://auth.tenanted.example/token", json={"access_token": "at2"})
        calls = mock.call_count
        client.refresh()
        assert mock.call_count == calls + 1
