"""The profile request, unwrapping, mapping and typing."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock

from runtime.provider import OAuth2Provider
from runtime.provider.flow_errors import ProviderResponseError
from tests.support.http import form, query

from .support import inline_spec, oauth2_class

ENDPOINTS = """\
endpoints:
  authorize: https://auth.acme.example/authorize
  token: https://auth.acme.example/token
  userinfo: https://api.acme.example/users/{token.user_id}?tok={access_token}
"""

USERINFO = """\
token:
  response:
    extra:
      user_id: {type: str}
userinfo:
  method: {method}
  headers: {X-App: "{client_id}"}
  params: {fields: "id,name,email"}
  root: "data[0]"
  id_field: id
  fields:
    id: {type: int, required: true}
    login: {type: str, path: username}
    email: {type: str}
    avatar: {type: str, path: picture.data.url}
    admin: {type: bool}
"""

URL = "https://api.acme.example/users/u1"
DOCUMENT = {
    "data": [
        {
            "id": "42",
            "username": "ann",
            "email": None,
            "picture": {"data": {"url": "https://p/1"}},
            "admin": 1,
        }
    ]
}


def provider_for(method: str = "GET", body: str = USERINFO, **answer: Any) -> OAuth2Provider:
    spec = inline_spec(body.replace("{method}", method), endpoints=ENDPOINTS)
    return oauth2_class(spec)(client_id="cid", token={"access_token": "AT", "user_id": "u1"})


def test_get_profile_mapped_and_typed() -> None:
    provider = provider_for()
    with requests_mock.Mocker() as m:
        m.get(URL, json=DOCUMENT)
        profile = provider._userinfo()
        sent = m.last_request
        assert sent is not None
        assert query(sent.url) == {"tok": ["AT"], "fields": ["id,name,email"]}
        assert sent.headers["Authorization"] == "Bearer AT" and sent.headers["X-App"] == "cid"
    assert profile == {"id": 42, "login": "ann", "avatar": "https://p/1", "admin": True}


def test_post_profile_sends_params_as_form() -> None:
    provider = provider_for("POST")
    with requests_mock.Mocker() as m:
        m.post(URL, json=DOCUMENT)
        provider._userinfo()
        assert form(m.last_request.text) == {"fields": ["id,name,email"]}


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"status_code": 500, "text": "boom"}, "HTTP 500"),
        ({"text": "<html/>", "headers": {"Content-Type": "text/html"}}, "not JSON"),
        ({"json": {"data": []}}, "nothing at 'data\\[0\\]'"),
        ({"json": {"data": [{"username": "x"}]}}, "lacks the required field 'id'"),
        ({"json": {"data": [{"id": "x"}]}}, "field 'id' should be int"),
        ({"json": {"data": [{"id": None}]}}, "lacks the required field 'id'"),
    ],
)
def test_bad_profiles_are_typed_errors(answer: dict[str, Any], message: str) -> None:
    provider = provider_for()
    with requests_mock.Mocker() as m:
        m.get(URL, **answer)
        with pytest.raises(ProviderResponseError, match=message):
            provider._userinfo()


def test_missing_token_field_in_url_and_no_userinfo() -> None:
    spec = inline_spec(USERINFO.replace("{method}", "GET"), endpoints=ENDPOINTS)
    provider = oauth2_class(spec)(client_id="cid", token={"access_token": "AT"})
    with pytest.raises(ValueError, match=r"\{token.user_id\} but the token has no 'user_id'"):
        provider._userinfo()
    with pytest.raises(ValueError, match="declares no userinfo"):
        oauth2_class(inline_spec(""))(client_id="cid")._userinfo()


def test_the_id_field_must_be_there_even_when_not_required() -> None:
    body = USERINFO.replace("id: {type: int, required: true}", "id: {type: int}")
    provider = provider_for(body=body)
    with requests_mock.Mocker() as m:
        m.get(URL, json={"data": [{"username": "ann"}]})
        with pytest.raises(ProviderResponseError, match="it has no id \\('id'\\)"):
            provider._userinfo()
