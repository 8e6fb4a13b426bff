"""``runtime.oauth1_session.OAuth1Session`` against mocked OAuth 1 endpoints."""

from __future__ import annotations

import inspect
import json
import logging
import pickle
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_oauthlib
from oauthlib.oauth1.rfc5849 import signature
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError

from runtime.oauth1_auth import OAuth1
from runtime.oauth1_session import (
    OAuth1Session,
    TokenMissing,
    TokenRequestDenied,
    VerifierMissing,
    urldecode,
)
from tests.support.http import as_text
from tests.support.oauth1 import oauth_params, provider_view

REQUEST_TOKEN_URL = "https://provider.example/oauth/request_token"
AUTHORIZE_URL = "https://provider.example/oauth/authorize"
ACCESS_TOKEN_URL = "https://provider.example/oauth/access_token"
API_URL = "https://api.provider.example/1/me"

REQUEST_TOKEN = "request-token-aaa"
REQUEST_SECRET = "request-secret-bbb"
ACCESS_TOKEN = "access-token-ccc"
ACCESS_SECRET = "access-secret-ddd"
VERIFIER = "verifier-eee"
CLIENT_SECRET = "client-secret-fff"
ALL_SECRETS = (REQUEST_TOKEN, REQUEST_SECRET, ACCESS_TOKEN, ACCESS_SECRET, VERIFIER, CLIENT_SECRET)






def hmac_valid(sent: Any, token_secret: str | None) -> bool:
    return signature.verify_hmac_sha1(provider_view(sent), CLIENT_SECRET, token_secret)




def form(**fields: str) -> str:
    return "&".join(f"{key}={value}" for key, value in fields.items())


# -- construction and state ----------------------------------------------------------------


def test_constructor_parameters_and_defaults_match_requests_oauthlib() -> None:
    ours = inspect.signature(OAuth1Session).parameters
    theirs = inspect.signature(requests_oauthlib.OAuth1Session).parameters
    assert list(ours) == list(theirs)
    assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]


def test_client_and_auth_are_the_same_oauth1() -> None:
    session = OAuth1Session("key", client_secret=CLIENT_SECRET, realm="r", decoding=None)
    assert isinstance(session._client, OAuth1)
    assert session.auth is session._client
    assert session._client.client.realm == "r"
    assert session._client.client.decoding is None
    assert isinstance(session, requests.Session)


def test_token_property_returns_only_present_values() -> None:
    session = OAuth1Session("key", client_secret=CLIENT_SECRET)
    assert session.token == {}
    session.token = {"oauth_token": ACCESS_TOKEN, "oauth_token_secret": ACCESS_SECRET}
    assert session.token == {"oauth_token": ACCESS_TOKEN, "oauth_token_secret": ACCESS_SECRET}
    assert session._client.client.resource_owner_key == ACCESS_TOKEN
    session.token = {"oauth_token": ACCESS_TOKEN, "oauth_verifier": VERIFIER}
    assert session.token["oauth_verifier"] == VERIFIER


def test_token_setter_requires_oauth_token() -> None:
    session = OAuth1Session("key")
    given = {"oauth_token_secret": ACCESS_SECRET}
    with pytest.raises(TokenMissing) as caught:
        session.token = given
    assert caught.value.response is given
    assert ACCESS_SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "authorized"),
    [
        ({}, False),
        ({"client_secret": "s"}, False),
        ({"client_secret": "s", "resource_owner_key": "t"}, False),
        ({"client_secret": "s", "resource_owner_key": "t", "resource_owner_secret": "ts"}, True),
        ({"resource_owner_key": "t", "resource_owner_secret": "ts"}, False),  # as upstream
        ({"signature_method": "PLAINTEXT", "client_secret": "s", "resource_owner_key": "t"}, False),
        ({"signature_method": "RSA-SHA1", "rsa_key": "k"}, False),
        ({"signature_method": "RSA-SHA1", "rsa_key": "k", "resource_owner_key": "t"}, True),
        ({"signature_method": "RSA-SHA256", "rsa_key": "k", "resource_owner_key": "t"}, True),
        ({"signature_method": "RSA-SHA512", "rsa_key": "k", "resource_owner_key": "t"}, True),
    ],
)
def test_authorized_rules(kwargs: dict[str, Any], authorized: bool) -> None:
    assert OAuth1Session("key", **kwargs).authorized is authorized


def test_session_survives_pickling(requests_mock: Any) -> None:
    requests_mock.get(API_URL, text="ok")
    session = OAuth1Session(
        "key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=ACCESS_TOKEN,
        resource_owner_secret=ACCESS_SECRET,
    )
    session.get(API_URL)
    clone = pickle.loads(pickle.dumps(session))
    clone.get(API_URL)
    assert hmac_valid(requests_mock.last_request, ACCESS_SECRET)


def test_repr_masks_secrets_and_tokens() -> None:
    session = OAuth1Session(
        "consumer-key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=ACCESS_TOKEN,
        resource_owner_secret=ACCESS_SECRET,
        verifier=VERIFIER,
    )
    text = repr(session)
    assert "consumer-key" in text and "authorized=True" in text
    for secret in ALL_SECRETS:
        assert secret not in text


# -- authorization URL and callback parsing ------------------------------------------------


def test_authorization_url_matches_requests_oauthlib() -> None:
    ours = OAuth1Session("key", resource_owner_key=REQUEST_TOKEN)
    theirs = requests_oauthlib.OAuth1Session("key", resource_owner_key=REQUEST_TOKEN)
    for args, kwargs in [((), {}), (("explicit",), {}), ((), {"foo": "bar", "x": "a b"})]:
        expected = theirs.authorization_url(AUTHORIZE_URL + "?a=1", *args, **kwargs)
        assert ours.authorization_url(AUTHORIZE_URL + "?a=1", *args, **kwargs) == expected
    url = ours.authorization_url(AUTHORIZE_URL, foo="bar")
    assert parse_qs(urlsplit(url).query) == {"oauth_token": [REQUEST_TOKEN], "foo": ["bar"]}


def test_parse_authorization_response_reads_the_query_only() -> None:
    session = OAuth1Session("key", client_secret=CLIENT_SECRET)
    redirect = (
        f"https://client.example/cb?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
        "#oauth_token=from-fragment"
    )
    token = session.parse_authorization_response(redirect)
    assert token == {"oauth_token": REQUEST_TOKEN, "oauth_verifier": VERIFIER}
    assert session._client.client.resource_owner_key == REQUEST_TOKEN
    assert session._client.client.verifier == VERIFIER


def test_parse_authorization_response_without_token() -> None:
    session = OAuth1Session("key")
    with pytest.raises(TokenMissing):
        session.parse_authorization_response("https://client.example/cb?denied=1")


# -- token endpoints ----------------------------------------------------------------------


def test_fetch_request_token_signs_callback_and_realm_then_resets_them(
    requests_mock: Any,
) -> None:
    requests_mock.post(
        REQUEST_TOKEN_URL,
        text=form(oauth_token=REQUEST_TOKEN, oauth_token_secret=REQUEST_SECRET),
    )
    session = OAuth1Session(
        "key", client_secret=CLIENT_SECRET, callback_uri="https://client.example/cb"
    )
    token = session.fetch_request_token(REQUEST_TOKEN_URL, realm=["photos", "profile"])

    assert token == {"oauth_token": REQUEST_TOKEN, "oauth_token_secret": REQUEST_SECRET}
    sent = requests_mock.last_request
    assert sent.method == "POST"
    assert as_text(sent.headers["Authorization"]).startswith('OAuth realm="photos profile", ')
    assert oauth_params(sent)["oauth_callback"] == "https://client.example/cb"
    assert hmac_valid(sent, None)
    client = session._client.client
    assert (client.callback_uri, client.realm) == (None, None)
    assert (client.resource_owner_key, client.resource_owner_secret) == (
        REQUEST_TOKEN,
        REQUEST_SECRET,
    )


def test_fetch_request_token_accepts_json(requests_mock: Any) -> None:
    body = {"oauth_token": REQUEST_TOKEN, "oauth_token_secret": REQUEST_SECRET}
    requests_mock.post(REQUEST_TOKEN_URL, json=body)
    assert OAuth1Session("key").fetch_request_token(REQUEST_TOKEN_URL) == body


def test_fetch_access_token_needs_a_verifier(requests_mock: Any) -> None:
    requests_mock.post(ACCESS_TOKEN_URL, text=form(oauth_token="x"))
    session = OAuth1Session("key", client_secret=CLIENT_SECRET, resource_owner_key=REQUEST_TOKEN)
    with pytest.raises(VerifierMissing, match=r"^No client verifier has been set\.$"):
        session.fetch_access_token(ACCESS_TOKEN_URL)
    assert requests_mock.call_count == 0


def test_fetch_access_token_signs_the_verifier_then_resets_it(requests_mock: Any) -> None:
    requests_mock.post(
        ACCESS_TOKEN_URL, text=form(oauth_token=ACCESS_TOKEN, oauth_token_secret=ACCESS_SECRET)
    )
    session = OAuth1Session(
        "key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=REQUEST_TOKEN,
        resource_owner_secret=REQUEST_SECRET,
    )
    token = session.fetch_access_token(ACCESS_TOKEN_URL, verifier=VERIFIER)

    assert token == {"oauth_token": ACCESS_TOKEN, "oauth_token_secret": ACCESS_SECRET}
    sent = requests_mock.last_request
    params = oauth_params(sent)
    assert params["oauth_verifier"] == VERIFIER
    assert params["oauth_token"] == REQUEST_TOKEN
    assert hmac_valid(sent, REQUEST_SECRET)
    assert session._client.client.verifier is None
    assert session.token == {"oauth_token": ACCESS_TOKEN, "oauth_token_secret": ACCESS_SECRET}
    assert session.authorized


def test_denied_token_request_names_the_status_not_the_body(requests_mock: Any) -> None:
    requests_mock.post(
        REQUEST_TOKEN_URL,
        status_code=401,
        reason="Unauthorized",
        text=f"oauth_problem=signature_invalid&debug={CLIENT_SECRET}",
    )
    with pytest.raises(TokenRequestDenied) as caught:
        OAuth1Session("key", client_secret=CLIENT_SECRET).fetch_request_token(
            REQUEST_TOKEN_URL + "?q=1"
        )
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.status_code == 401
    assert error.response.status_code == 401
    assert "401" in str(error) and "Unauthorized" in str(error)
    assert CLIENT_SECRET not in str(error) and "q=1" not in str(error)


def test_garbage_token_response_is_a_clear_value_error(requests_mock: Any) -> None:
    requests_mock.post(
        REQUEST_TOKEN_URL,
        text=f"<html>{REQUEST_SECRET} oops</html>",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(ValueError, match="Unable to decode the token response") as caught:
        OAuth1Session("key").fetch_request_token(REQUEST_TOKEN_URL)
    assert "text/html" in str(caught.value)
    assert REQUEST_SECRET not in str(caught.value)
    assert not isinstance(caught.value, TokenMissing)


def test_non_object_json_token_response_is_a_value_error(requests_mock: Any) -> None:
    requests_mock.post(REQUEST_TOKEN_URL, text="[1, 2]")
    with pytest.raises(ValueError, match="Unable to decode"):
        OAuth1Session("key").fetch_request_token(REQUEST_TOKEN_URL)


def test_token_response_without_oauth_token(requests_mock: Any) -> None:
    requests_mock.post(
        REQUEST_TOKEN_URL, text=form(oauth_token_secret=REQUEST_SECRET, oauth_problem="x")
    )
    with pytest.raises(TokenMissing) as caught:
        OAuth1Session("key").fetch_request_token(REQUEST_TOKEN_URL)
    assert caught.value.response == {"oauth_token_secret": REQUEST_SECRET, "oauth_problem": "x"}
    assert REQUEST_SECRET not in str(caught.value)
    assert "oauth_problem" in str(caught.value)


def test_urldecode_reads_form_then_json() -> None:
    assert urldecode("a=1&b=2") == [("a", "1"), ("b", "2")]
    assert urldecode('{"a": "1"}') == {"a": "1"}
    with pytest.raises(json.JSONDecodeError):
        urldecode("<html>")


# -- redirects -----------------------------------------------------------------------------


def _authorized_session(**kwargs: Any) -> OAuth1Session:
    return OAuth1Session(
        "key",
        client_secret=CLIENT_SECRET,
        resource_owner_key=ACCESS_TOKEN,
        resource_owner_secret=ACCESS_SECRET,
        **kwargs,
    )


def test_same_host_redirect_is_re_signed_with_a_fresh_nonce(requests_mock: Any) -> None:
    moved = "https://api.provider.example/2/me"
    requests_mock.get(API_URL, status_code=302, headers={"Location": moved})
    requests_mock.get(moved, text="ok")

    response = _authorized_session().get(API_URL)

    assert response.text == "ok"
    first, second = requests_mock.request_history
    assert first.url == API_URL and second.url == moved
    assert oauth_params(first)["oauth_nonce"] != oauth_params(second)["oauth_nonce"]
    assert hmac_valid(first, ACCESS_SECRET) and hmac_valid(second, ACCESS_SECRET)


def test_cross_host_redirect_does_not_carry_the_signature(requests_mock: Any) -> None:
    elsewhere = "https://cdn.other.example/me.json"
    requests_mock.get(API_URL, status_code=302, headers={"Location": elsewhere})
    requests_mock.get(elsewhere, text="ok")

    _authorized_session().get(API_URL)

    first, second = requests_mock.request_history
    assert "Authorization" in first.headers
    assert second.url == elsewhere
    assert "Authorization" not in second.headers


def test_downgrade_redirect_to_http_does_not_carry_the_signature(requests_mock: Any) -> None:
    downgraded = "http://api.provider.example/1/me"
    requests_mock.get(API_URL, status_code=302, headers={"Location": downgraded})
    requests_mock.get(downgraded, text="ok")
    _authorized_session().get(API_URL)
    assert "Authorization" not in requests_mock.request_history[1].headers


# -- transport and logging -----------------------------------------------------------------


def test_plaintext_session_refuses_plain_http(requests_mock: Any) -> None:
    requests_mock.post("http://provider.example/oauth/request_token", text="oauth_token=x")
    session = OAuth1Session("key", client_secret=CLIENT_SECRET, signature_method="PLAINTEXT")
    with pytest.raises(InsecureTransportError):
        session.fetch_request_token("http://provider.example/oauth/request_token")
    assert requests_mock.call_count == 0


def test_the_dance_logs_no_token_or_secret(
    requests_mock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    requests_mock.post(
        REQUEST_TOKEN_URL, text=form(oauth_token=REQUEST_TOKEN, oauth_token_secret=REQUEST_SECRET)
    )
    requests_mock.post(
        ACCESS_TOKEN_URL, text=form(oauth_token=ACCESS_TOKEN, oauth_token_secret=ACCESS_SECRET)
    )
    session = OAuth1Session("key", client_secret=CLIENT_SECRET, callback_uri="https://c/cb")
    session.fetch_request_token(REQUEST_TOKEN_URL)
    session.authorization_url(AUTHORIZE_URL)
    session.parse_authorization_response(
        f"https://c/cb?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    )
    session.fetch_access_token(ACCESS_TOKEN_URL)

    runtime_records = [r for r in caplog.records if r.name.startswith("runtime")]
    assert runtime_records
    logged = "\n".join(record.getMessage() for record in runtime_records)
    for secret in ALL_SECRETS:
        assert secret not in logged
