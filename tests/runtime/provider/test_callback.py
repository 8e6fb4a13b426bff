"""Callback modes, renamed parameters, captures, provider errors, state checks."""

from __future__ import annotations

import pytest
import requests_mock
from oauthlib.oauth2 import AccessDeniedError, MismatchingStateError, MissingCodeError
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error, InvalidScopeError

from runtime.provider import OAuth2Provider
from runtime.provider.flow_errors import CallbackValueError
from tests.support.http import form

from .support import inline_spec, oauth2_class

TOKEN_URL = "https://auth.acme.example/token"

CALLBACK = """\
callback:
  mode: {mode}
  code_param: spapi_oauth_code
  state_param: st
  capture:
    realm_id: {{param: realmId, type: str, required: true}}
    count: {{type: int}}
    user: {{type: json}}
  error:
    code_param: error_code
    message_param: error_message
    cancel_param: denied
"""


def provider_for(mode: str = "query", extra: str = "") -> OAuth2Provider:
    body = CALLBACK.format(mode=mode) + extra
    if mode == "form_post":
        body += "authorize:\n  response_mode: form_post\n"
    return oauth2_class(inline_spec(body))(
        client_id="cid", client_secret="s", redirect_uri="https://app.example/cb"
    )


def run(provider: OAuth2Provider, callback: str) -> dict[str, object]:
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "bearer"})
        token = provider._fetch_token(authorization_response=callback)
        assert m.last_request is not None
        assert form(m.last_request.text)["code"] == ["the-code"]
        return token


@pytest.mark.parametrize(
    ("mode", "template"),
    [
        ("query", "https://app.example/cb?{params}"),
        ("fragment", "https://app.example/cb#{params}"),
        ("form_post", "{params}"),
        ("form_post", "https://app.example/cb?{params}"),
        ("query", "?{params}"),
    ],
)
def test_modes_renamed_code_and_state_and_typed_captures(mode: str, template: str) -> None:
    provider = provider_for(mode)
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    params = (
        f"spapi_oauth_code=the-code&st={state}&realmId=R9&count=3&user=%7B%22name%22%3A%22Ann%22%7D"
    )
    token = run(provider, template.format(params=params))
    assert token["access_token"] == "at"
    assert provider._captured() == {"realm_id": "R9", "count": 3, "user": {"name": "Ann"}}


def test_missing_required_capture_is_a_typed_error() -> None:
    provider = provider_for()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with pytest.raises(CallbackValueError, match="lacks the required parameter 'realmId'") as info:
        provider._fetch_token(
            authorization_response=f"https://app.example/cb?spapi_oauth_code=c&st={state}"
        )
    assert info.value.name == "realm_id"


def test_badly_typed_capture_is_a_typed_error() -> None:
    provider = provider_for()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with pytest.raises(CallbackValueError, match="should be int"):
        provider._fetch_token(
            authorization_response=f"https://app.example/cb?spapi_oauth_code=c&st={state}&realmId=r&count=x"
        )


def test_provider_error_and_cancel_parameters() -> None:
    provider = provider_for()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with pytest.raises(AccessDeniedError, match="the user said no"):
        provider._fetch_token(
            authorization_response=f"?denied=1&error_message=the+user+said+no&st={state}"
        )
    with pytest.raises(InvalidScopeError, match="bad scope"):
        provider._fetch_token(
            authorization_response="?error_code=invalid_scope&error_message=bad+scope"
        )
    with pytest.raises(CustomOAuth2Error, match="Permissions error") as info:
        provider._fetch_token(
            authorization_response="?error_code=200&error_message=Permissions+error"
        )
    assert info.value.error == "200"


def test_state_must_match_and_required_state_must_be_present() -> None:
    provider = provider_for()
    provider._authorization_url(scopes=None, state="expected", options={})
    with pytest.raises(MismatchingStateError):
        provider._fetch_token(authorization_response="?spapi_oauth_code=c&st=other&realmId=r")
    with pytest.raises(MismatchingStateError, match="has no 'st'"):
        provider._fetch_token(authorization_response="?spapi_oauth_code=c&realmId=r")
    fresh = provider_for()
    with pytest.raises(MismatchingStateError, match="none to check it against"):
        fresh._fetch_token(authorization_response="?spapi_oauth_code=c&st=x&realmId=r")


def test_state_can_be_resumed_in_another_instance() -> None:
    first = provider_for()
    first._authorization_url(scopes=None, state=None, options={})
    pending = first.pending_authorization
    second = provider_for()
    second.resume_authorization(state=pending.state, code_verifier=pending.code_verifier)
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        second._fetch_token(
            authorization_response=f"?spapi_oauth_code=the-code&st={pending.state}&realmId=r"
        )
        assert form(m.last_request.text)["code_verifier"] == [pending.code_verifier]


def test_missing_code_and_duplicate_parameters() -> None:
    provider = provider_for()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    with pytest.raises(MissingCodeError):
        provider._fetch_token(authorization_response=f"?st={state}&realmId=r")
    with pytest.raises(CallbackValueError, match="more than once"):
        provider._fetch_token(
            authorization_response=f"?spapi_oauth_code=a&spapi_oauth_code=b&st={state}"
        )
    with pytest.raises(ValueError, match="authorization_response"):
        provider._fetch_token()


@pytest.mark.parametrize("support", ["supported", "required"])
def test_a_state_that_was_sent_must_come_back(support: str) -> None:
    """Without it the callback cannot be tied to the authorization this client started (a
    login CSRF), whatever the spec says about the provider echoing it."""
    spec = inline_spec(f"authorize:\n  state: {support}\n")
    provider = oauth2_class(spec)(client_id="cid")
    url, state = provider._authorization_url(scopes=None, state=None, options={})
    assert f"state={state}" in url
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        with pytest.raises(MismatchingStateError, match="has no 'state'"):
            provider._fetch_token(authorization_response="?code=the-code")
        assert not m.called
        token = provider._fetch_token(authorization_response=f"?code=the-code&state={state}")
        assert token["access_token"] == "at"


def test_state_supported_without_a_pending_state_accepts_a_stateless_callback() -> None:
    """A client that sent no state (another instance, nothing resumed) has nothing to demand."""
    provider = oauth2_class(inline_spec("authorize:\n  state: supported\n"))(client_id="cid")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        assert (
            provider._fetch_token(authorization_response="?code=the-code")["access_token"] == "at"
        )


def test_code_given_directly_skips_the_callback() -> None:
    provider = oauth2_class(inline_spec("authorize:\n  pkce: unsupported\n"))(client_id="cid")
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        provider._fetch_token(code="the-code")
        assert form(m.last_request.text)["code"] == ["the-code"]


def test_required_pkce_without_verifier_is_refused() -> None:
    provider = oauth2_class(inline_spec("authorize:\n  pkce: required\n"))(client_id="cid")
    with pytest.raises(ValueError, match="requires PKCE"):
        provider._fetch_token(code="c")


def test_parameter_string_with_a_url_value_is_not_taken_for_a_url() -> None:
    provider = provider_for()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    token = run(provider, f"spapi_oauth_code=the-code&st={state}&realmId=https://realm.example/x")
    assert token["access_token"] == "at"
    assert provider._captured()["realm_id"] == "https://realm.example/x"
