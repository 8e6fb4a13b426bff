"""``AuthorizationRequest``: frozen, JSON round trip, checked on the way back in, masked repr,
and ``fetch_token(callback, request=...)`` checking the callback against it in another client."""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import MismatchingStateError

from runtime import AuthorizationRequest as TopLevelAuthorizationRequest
from runtime.provider import AuthorizationRequest, OAuth2Provider
from runtime.provider.errors import AuthorizationRequestError
from runtime.provider.flow_errors import IdTokenError
from tests.support.clocks import Clock
from tests.support.http import form, query
from tests.support.pkce import s256

from .support import inline_spec, oauth2_class, unsigned_jwt

TOKEN_URL = "https://auth.acme.example/token"
REDIRECT_URI = "https://app.example/cb"
PKCE = """\
authorize:
  pkce: supported
"""
NOW = 1_700_000_000


def provider_for(
    body: str = PKCE, *, client_id: str = "cid", redirect_uri: str | None = REDIRECT_URI
) -> OAuth2Provider:
    return oauth2_class(inline_spec(body))(
        client_id=client_id, client_secret="s", redirect_uri=redirect_uri
    )


def stored(request: AuthorizationRequest) -> AuthorizationRequest:
    """Through a web session: JSON out, JSON back."""
    return AuthorizationRequest.from_dict(json.loads(json.dumps(request.to_dict())))


def exchange(provider: OAuth2Provider, callback: str | None, **kwargs: Any) -> dict[str, list[str]]:
    """Run ``_fetch_token`` against a mocked token endpoint; the form it sent."""
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "bearer"})
        provider._fetch_token(callback, **kwargs)
        assert m.last_request is not None
        return form(m.last_request.text)


# -- the value -------------------------------------------------------------------------------


def test_authorization_url_returns_the_request_it_sent() -> None:
    request = provider_for()._authorization_url(scopes=None, state=None, options={})
    assert isinstance(request, AuthorizationRequest)
    assert TopLevelAuthorizationRequest is AuthorizationRequest
    params = query(request.url)
    assert params["state"] == [request.state]
    assert request.code_verifier is not None
    assert params["code_challenge"] == [s256(request.code_verifier)]
    assert params["redirect_uri"] == [REDIRECT_URI] == [request.redirect_uri]
    assert (request.provider, request.client_id, request.nonce) == ("acme", "cid", None)


def test_it_is_frozen_and_unpacks_as_the_earlier_url_and_state_pair() -> None:
    request = provider_for()._authorization_url(scopes=None, state="mine", options={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.state = "other"  # type: ignore[misc]
    url, state = request
    assert (url, state) == (request.url, "mine")
    assert (request[0], request[1], request[-1], len(request)) == (url, "mine", "mine", 2)
    with pytest.raises(IndexError):
        request[2]
    stateless = provider_for("authorize:\n  state: unsupported\n")
    request = stateless._authorization_url(scopes=None, state=None, options={})
    assert request.state is None and tuple(request) == (request.url, "")


def test_json_and_pickle_round_trips_give_the_same_request() -> None:
    request = provider_for()._authorization_url(scopes=None, state=None, options={})
    data = request.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["version"] == 1 and data["code_verifier"] == request.code_verifier
    assert stored(request) == request
    assert pickle.loads(pickle.dumps(request)) == request


def test_repr_masks_state_verifier_nonce_and_the_url_query() -> None:
    request = AuthorizationRequest(
        url="https://auth.acme.example/authorize?state=S3CRET-STATE&code_challenge=CH",
        provider="acme",
        client_id="cid",
        redirect_uri=REDIRECT_URI,
        state="S3CRET-STATE",
        code_verifier="S3CRET-VERIFIER",
        nonce="S3CRET-NONCE",
    )
    for text in (repr(request), str(request), f"{request}"):
        assert "S3CRET" not in text and "CH" not in text
        assert "url='https://auth.acme.example/authorize?<redacted>'" in text
        assert "state='***'" in text and "code_verifier='***'" in text and "nonce='***'" in text
        assert f"redirect_uri={REDIRECT_URI!r}" in text and "client_id='cid'" in text
    bare = AuthorizationRequest(url="https://a.example/x", provider="acme", client_id="cid")
    assert repr(bare).startswith("AuthorizationRequest(url='https://a.example/x', ")
    assert "state=None" in repr(bare)


VALID: dict[str, Any] = {
    "version": 1,
    "url": "https://auth.acme.example/authorize?x=1",
    "provider": "acme",
    "client_id": "cid",
    "redirect_uri": None,
    "state": "S3CRET-STATE",
    "code_verifier": "S3CRET-VERIFIER",
    "nonce": None,
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("a string", "read from the mapping to_dict\\(\\) returned, not str"),
        (None, "not NoneType"),
        ({**VALID, "version": 2}, "format version 2; .* reads version 1"),
        ({k: v for k, v in VALID.items() if k != "version"}, "format version none"),
        ({**VALID, "version": True}, "format version bool"),
        ({**VALID, "scope": "x"}, "has no 'scope'; its keys are: version, url"),
        ({k: v for k, v in VALID.items() if k != "url"}, "lacks 'url'"),
        ({**VALID, "client_id": ""}, "'client_id' must be a non-empty string, not an empty"),
        ({**VALID, "state": 12}, "'state' must be a non-empty string or None, not int"),
        ({**VALID, "code_verifier": ["x"]}, "'code_verifier' must be .* not list"),
        ({**VALID, "provider": None}, "'provider' must be a non-empty string, not NoneType"),
    ],
)
def test_from_dict_refuses_bad_input_naming_the_key_never_the_secret(
    data: object, message: str
) -> None:
    with pytest.raises(AuthorizationRequestError, match=message) as caught:
        AuthorizationRequest.from_dict(data)
    assert isinstance(caught.value, ValueError)
    assert "S3CRET" not in str(caught.value)


def test_missing_optional_keys_read_as_none() -> None:
    minimal = {"version": 1, "url": "https://a.example/x", "provider": "acme", "client_id": "c"}
    request = AuthorizationRequest.from_dict(minimal)
    assert (request.state, request.code_verifier, request.nonce, request.redirect_uri) == (
        None,
        None,
        None,
        None,
    )


# -- fetch_token(callback, request=...) ------------------------------------------------------


def test_another_client_finishes_the_sign_in_with_the_stored_request() -> None:
    request = stored(provider_for()._authorization_url(scopes=None, state=None, options={}))
    worker = provider_for()  # another process: nothing pending of its own
    sent = exchange(worker, f"{REDIRECT_URI}?code=the-code&state={request.state}", request=request)
    assert sent["code_verifier"] == [request.code_verifier]
    assert sent["redirect_uri"] == [REDIRECT_URI]
    assert (worker.token or {})["access_token"] == "at"


def test_the_state_is_checked_against_the_request_passed_not_the_clients_own() -> None:
    first = stored(provider_for()._authorization_url(scopes=None, state="first", options={}))
    client = provider_for()
    own = client._authorization_url(scopes=None, state="own", options={})
    with pytest.raises(MismatchingStateError):
        client._fetch_token("?code=c&state=own", request=first)
    with pytest.raises(MismatchingStateError, match="has no 'state'"):
        client._fetch_token("?code=c", request=first)
    sent = exchange(client, "?code=c&state=first", request=first)
    assert sent["code_verifier"] == [first.code_verifier] != [own.code_verifier]


def test_the_request_redirect_uri_is_sent_back_and_none_when_it_carried_none() -> None:
    request = provider_for(redirect_uri="https://app.example/other-cb")._authorization_url(
        scopes=None, state="s", options={}
    )
    sent = exchange(provider_for(), "?code=c&state=s", request=request)
    assert sent["redirect_uri"] == ["https://app.example/other-cb"]
    without = provider_for(redirect_uri=None)._authorization_url(
        scopes=None, state="s", options={}
    )
    assert "redirect_uri" not in exchange(provider_for(), "?code=c&state=s", request=without)


def test_a_request_of_another_provider_or_client_or_type_is_refused() -> None:
    request = provider_for()._authorization_url(scopes=None, state="s", options={})
    with pytest.raises(AuthorizationRequestError, match="for the client 'cid', not 'other'"):
        provider_for(client_id="other")._fetch_token("?code=c&state=s", request=request)
    foreign = dataclasses.replace(request, provider="github")
    with pytest.raises(AuthorizationRequestError, match="provider 'github', not 'acme'"):
        provider_for()._fetch_token("?code=c&state=s", request=foreign)
    with pytest.raises(TypeError, match=r"AuthorizationRequest\.from_dict\(\) reads a stored"):
        provider_for()._fetch_token("?code=c&state=s", request=request.to_dict())  # type: ignore[arg-type]


def test_required_pkce_without_a_verifier_in_the_request_is_refused_before_sending() -> None:
    provider = provider_for("authorize:\n  pkce: required\n")
    request = dataclasses.replace(
        provider._authorization_url(scopes=None, state="s", options={}), code_verifier=None
    )
    with requests_mock.Mocker() as m:
        with pytest.raises(ValueError, match="no code_verifier: pass the AuthorizationRequest"):
            provider._fetch_token("?code=c&state=s", request=request)
        assert not m.called


def test_a_code_with_the_request_sends_its_verifier() -> None:
    request = provider_for()._authorization_url(scopes=None, state="s", options={})
    sent = exchange(provider_for(), None, code="the-code", request=request)
    assert sent["code"] == ["the-code"] and sent["code_verifier"] == [request.code_verifier]


ISSUER = "https://id.acme.example"
OIDC_ENDPOINTS = f"""\
endpoints:
  issuer: {ISSUER}
  authorize: {ISSUER}/authorize
  token: {ISSUER}/token
"""
OIDC = """\
scopes:
  known: {openid: o}
  required: [openid]
"""


def test_the_id_token_nonce_is_checked_against_the_request() -> None:
    def client() -> OAuth2Provider:
        return oauth2_class(inline_spec(OIDC, protocol="oidc", endpoints=OIDC_ENDPOINTS))(
            client_id="cid", redirect_uri=REDIRECT_URI, clock=Clock(NOW)
        )

    request = stored(client()._authorization_url(scopes=None, state="s", options={}))
    assert request.nonce is not None and query(request.url)["nonce"] == [request.nonce]
    claims = {"iss": ISSUER, "aud": "cid", "sub": "u", "exp": NOW + 60, "iat": NOW}
    worker = client()
    with requests_mock.Mocker() as m:
        m.post(f"{ISSUER}/token", json={"access_token": "a", "id_token": unsigned_jwt(claims)})
        with pytest.raises(IdTokenError, match="nonce"):
            worker._fetch_token("?code=c&state=s", request=request)
        good = {**claims, "nonce": request.nonce}
        m.post(f"{ISSUER}/token", json={"access_token": "a", "id_token": unsigned_jwt(good)})
        assert worker._fetch_token("?code=c&state=s", request=request)["access_token"] == "a"
