"""``runtime.oauth1_auth.OAuth1``: requests-oauthlib's behaviour, checked on what is sent."""

from __future__ import annotations

import base64
import copy
import hashlib
import inspect
import io
import logging
import pickle
from typing import Any, ClassVar
from unittest import mock

import oauthlib.oauth1
import pytest
import requests
import requests_oauthlib
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import SIGNATURE_METHODS, signature
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError

from runtime import oauth1_auth
from runtime.oauth1_auth import OAuth1
from tests.support.http import as_text
from tests.support.oauth1 import oauth_params, provider_view

FORM = "application/x-www-form-urlencoded"
URL = "https://api.example.com/1.1/statuses/home_timeline.json?count=20"
SECRETS: dict[str, Any] = {
    "client_secret": "client-secret-123",
    "resource_owner_secret": "owner-secret-456",
}
CREDENTIALS: dict[str, Any] = {
    "client_key": "consumer-key",
    "resource_owner_key": "token-789",
    **SECRETS,
}






def signature_is_valid(
    sent: Any,
    client_secret: str | None = None,
    resource_owner_secret: str | None = None,
    rsa_public_key: str | None = None,
) -> bool:
    request = provider_view(sent)
    method = request.signature_method
    if method.startswith("RSA-"):
        verify_rsa = getattr(signature, "verify_rsa_" + method[4:].lower().replace("-", ""))
        return bool(verify_rsa(request, rsa_public_key))
    if method == "PLAINTEXT":
        return signature.verify_plaintext(request, client_secret, resource_owner_secret)
    verify_hmac = getattr(signature, "verify_hmac_" + method[5:].lower().replace("-", ""))
    return bool(verify_hmac(request, client_secret, resource_owner_secret))




def prepare(method: str = "GET", url: str = URL, **kwargs: Any) -> requests.PreparedRequest:
    return requests.Request(method, url, **kwargs).prepare()


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


# -- API surface ---------------------------------------------------------------------------


def test_constructor_parameters_and_defaults_match_requests_oauthlib() -> None:
    ours = inspect.signature(OAuth1).parameters
    theirs = inspect.signature(requests_oauthlib.OAuth1).parameters
    assert list(ours) == list(theirs)
    assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]


def test_public_attributes_and_module_constants() -> None:
    auth = OAuth1("key", "secret", force_include_body=True)
    assert OAuth1.client_class is oauthlib.oauth1.Client
    assert type(auth.client) is oauthlib.oauth1.Client
    assert auth.client.client_key == "key" and auth.client.client_secret == "secret"
    assert auth.force_include_body is True
    assert oauth1_auth.CONTENT_TYPE_FORM_URLENCODED == FORM
    assert oauth1_auth.CONTENT_TYPE_MULTI_PART == "multipart/form-data"
    assert isinstance(oauth1_auth.log, logging.Logger)


@pytest.mark.parametrize(
    ("given", "stored"), [("query", "QUERY"), ("Body", "BODY"), ("auth_header", "AUTH_HEADER")]
)
def test_signature_type_is_upper_cased(given: str, stored: str) -> None:
    assert OAuth1("key", signature_type=given).client.signature_type == stored


def test_kwargs_reach_the_oauthlib_client() -> None:
    auth = OAuth1("key", realm="photos", nonce="n", timestamp="1", encoding="utf-8")
    assert (auth.client.realm, auth.client.nonce, auth.client.timestamp) == ("photos", "n", "1")


def test_repr_hides_secrets_and_tokens(rsa_keys: tuple[str, str]) -> None:
    auth = OAuth1(**CREDENTIALS, verifier="verifier-000", rsa_key=rsa_keys[0])
    text = repr(auth)
    for secret in ("client-secret-123", "owner-secret-456", "token-789", "verifier-000", "PRIVATE"):
        assert secret not in text
    assert "consumer-key" in text and "HMAC-SHA1" in text


# -- what gets sent --------------------------------------------------------------------


def test_header_signature_is_sent_and_verifies(requests_mock: Any) -> None:
    requests_mock.get(URL, text="ok")
    requests.get(URL, auth=OAuth1(**CREDENTIALS))
    sent = requests_mock.last_request
    assert as_text(sent.headers["Authorization"]).startswith("OAuth oauth_nonce=")
    assert signature_is_valid(sent, **SECRETS)
    assert not signature_is_valid(sent, "wrong-secret", SECRETS["resource_owner_secret"])


def test_default_decoding_gives_bytes_header_values_as_upstream() -> None:
    prepared: Any = OAuth1(**CREDENTIALS)(prepare("POST", data={"a": "b"}))
    assert isinstance(prepared.headers["Authorization"], bytes)
    assert isinstance(prepared.headers["Content-Type"], bytes)
    assert isinstance(prepared.body, bytes)
    assert isinstance(prepared.url, str)


def test_decoding_none_gives_str_header_values() -> None:
    prepared = OAuth1(**CREDENTIALS, decoding=None)(prepare("POST", data={"a": "b"}))
    assert isinstance(prepared.headers["Authorization"], str)
    assert isinstance(prepared.headers["Content-Type"], str)
    assert prepared.body == "a=b"


@pytest.mark.parametrize("method", SIGNATURE_METHODS)
@pytest.mark.parametrize("placement", ["auth_header", "query", "body"])
def test_every_method_and_placement_verifies(
    requests_mock: Any, rsa_keys: tuple[str, str], method: str, placement: str
) -> None:
    private, public = rsa_keys
    url = "https://api.example.com/statuses/update.json?trim_user=1"
    requests_mock.post(url.split("?")[0], text="ok")
    auth = OAuth1(**CREDENTIALS, signature_method=method, signature_type=placement, rsa_key=private)
    requests.post(url, data={"status": "hello world!"}, auth=auth)
    sent = requests_mock.last_request
    in_header = "Authorization" in sent.headers
    in_query = "oauth_signature=" in sent.url
    in_body = "oauth_signature=" in as_text(sent.body)
    assert (in_header, in_query, in_body) == (
        placement == "auth_header",
        placement == "query",
        placement == "body",
    )
    assert provider_view(sent).signature_method == method
    assert "status=hello+world%21" in as_text(sent.body)
    assert signature_is_valid(sent, **SECRETS, rsa_public_key=public)


def test_realm_is_sent_in_the_header() -> None:
    prepared = OAuth1(**CREDENTIALS, realm="Photos")(prepare())
    assert as_text(prepared.headers["Authorization"]).startswith('OAuth realm="Photos", oauth_')


def test_force_include_body_adds_a_body_hash_for_json(requests_mock: Any) -> None:
    requests_mock.post("https://api.example.com/items", text="ok")
    payload = {"name": "widget"}
    requests.post(
        "https://api.example.com/items",
        json=payload,
        auth=OAuth1(**CREDENTIALS, force_include_body=True),
    )
    sent = requests_mock.last_request
    expected_hash = base64.b64encode(hashlib.sha1(sent.body).digest()).decode()
    assert oauth_params(sent)["oauth_body_hash"] == expected_hash
    assert signature_is_valid(sent, **SECRETS)

    requests.post("https://api.example.com/items", json=payload, auth=OAuth1(**CREDENTIALS))
    assert "oauth_body_hash" not in as_text(requests_mock.last_request.headers["Authorization"])


def test_form_body_without_content_type_is_sent_as_form() -> None:
    request = prepare("POST", data="a=1&b=2")
    assert "Content-Type" not in request.headers
    signed = OAuth1(**CREDENTIALS, decoding=None)(request)
    assert signed.headers["Content-Type"] == FORM
    assert ("a", "1") in provider_view(signed).params  # the body was signed
    assert signature_is_valid(signed, **SECRETS)


def test_non_form_body_is_not_signed_or_touched() -> None:
    request = prepare("POST", json={"a": 1})
    body = request.body
    signed = OAuth1(**CREDENTIALS)(request)
    assert signed.body == body
    assert as_text(signed.headers["Content-Type"]) == "application/json"


def test_streaming_body_is_not_consumed() -> None:
    stream = io.BytesIO(b"a=1&b=2")
    request = prepare("POST", data=stream)
    OAuth1(**CREDENTIALS)(request)
    assert stream.read() == b"a=1&b=2"


def test_every_call_gets_a_fresh_nonce() -> None:
    auth = OAuth1(**CREDENTIALS)
    first = oauth_params(auth(prepare()))["oauth_nonce"]
    second = oauth_params(auth(prepare()))["oauth_nonce"]
    assert first != second


def test_pickled_and_copied_auth_keeps_signing(rsa_keys: tuple[str, str]) -> None:
    for auth in (
        OAuth1(**CREDENTIALS),
        OAuth1("key", signature_method="RSA-SHA1", rsa_key=rsa_keys[0]),
    ):
        auth(prepare())  # fill the signer's cache first
        for clone in (pickle.loads(pickle.dumps(auth)), copy.deepcopy(auth)):
            assert clone.client.client_key == auth.client.client_key
            request = clone(prepare())
            assert signature_is_valid(request, **SECRETS, rsa_public_key=rsa_keys[1])


def test_changed_client_attributes_are_used_on_the_next_call() -> None:
    auth = OAuth1("consumer-key", "client-secret-123")
    assert "oauth_token" not in oauth_params(auth(prepare()))
    auth.client.resource_owner_key = "new-token"
    auth.client.resource_owner_secret = "new-secret"
    request = auth(prepare())
    assert oauth_params(request)["oauth_token"] == "new-token"
    assert signature_is_valid(request, "client-secret-123", "new-secret")


# -- same output as requests-oauthlib ------------------------------------------------------

SHAPES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("GET", {"url": URL}, {}),
    ("GET", {"url": URL, "headers": {"X-Trace": "1"}}, {"realm": "R"}),
    ("POST", {"url": URL, "data": {"status": "hi there", "oauth_x": "%41"}}, {}),
    ("POST", {"url": URL, "json": {"a": 1}}, {}),
    ("POST", {"url": URL, "json": {"a": 1}}, {"force_include_body": True}),
    ("POST", {"url": URL, "data": {"a": "1"}}, {"signature_type": "body"}),
    (
        "GET",
        {"url": URL + "&q=x+y#top"},
        {"signature_type": "query", "callback_uri": "https://c/?a=%41"},
    ),
    (
        "PUT",
        {"url": "http://[::1]:8080/é/p;x?a=1"},
        {"signature_method": "HMAC-SHA256", "verifier": "v"},
    ),
    ("POST", {"url": URL, "data": {"a": "1"}}, {"signature_method": "PLAINTEXT", "decoding": None}),
]


@pytest.mark.parametrize(("method", "request_kwargs", "auth_kwargs"), SHAPES)
def test_signed_request_is_identical_to_requests_oauthlib(
    method: str, request_kwargs: dict[str, Any], auth_kwargs: dict[str, Any]
) -> None:
    fixed = {**CREDENTIALS, "nonce": "4572616e48616d6d65724c61686176", "timestamp": "137131200"}
    ours = OAuth1(**fixed, **auth_kwargs)(requests.Request(method, **request_kwargs).prepare())
    theirs = requests_oauthlib.OAuth1(**fixed, **auth_kwargs)(
        requests.Request(method, **request_kwargs).prepare()
    )
    assert ours.url == theirs.url
    assert list(ours.headers.items()) == list(theirs.headers.items())
    assert ours.body == theirs.body


@pytest.mark.parametrize(
    ("method", "auth_kwargs"),
    [("GET", {"force_include_body": True}), ("GET", {"signature_type": "body"})],
)
def test_upstream_errors_are_kept(method: str, auth_kwargs: dict[str, Any]) -> None:
    """requests-oauthlib rejects these (oauthlib's sanity checks); so do we, identically."""
    with pytest.raises(ValueError) as theirs:
        requests_oauthlib.OAuth1(**CREDENTIALS, **auth_kwargs)(prepare(method))
    with pytest.raises(ValueError) as ours:
        OAuth1(**CREDENTIALS, **auth_kwargs)(prepare(method))
    assert str(ours.value) == str(theirs.value)


def test_re_signing_a_signed_request_replaces_its_header() -> None:
    """rebuild_auth re-signs requests whose header values are already bytes."""
    auth = OAuth1(**CREDENTIALS)
    request = auth(prepare("POST", data={"a": "1"}))
    first = oauth_params(request)["oauth_nonce"]
    del request.headers["Authorization"]
    request = auth(request)
    assert oauth_params(request)["oauth_nonce"] != first
    assert signature_is_valid(request, **SECRETS)


# -- clients it does not sign itself -------------------------------------------------------


class RecordingClient(Client):
    calls: ClassVar[list[tuple[Any, ...]]] = []

    def sign(self, *args: Any, **kwargs: Any) -> Any:
        RecordingClient.calls.append(args)
        return super().sign(*args, **kwargs)


def test_custom_client_class_signs_itself() -> None:
    RecordingClient.calls.clear()
    request = OAuth1(**CREDENTIALS, client_class=RecordingClient)(prepare("POST", data={"a": "1"}))
    assert len(RecordingClient.calls) == 1
    assert RecordingClient.calls[0][2] == "a=1"
    assert signature_is_valid(request, **SECRETS)


def test_class_wide_client_class_override_is_honoured() -> None:
    RecordingClient.calls.clear()
    with mock.patch.object(OAuth1, "client_class", RecordingClient):
        auth = OAuth1(**CREDENTIALS)
    auth(prepare())
    assert type(auth.client) is RecordingClient and len(RecordingClient.calls) == 1


def test_patched_client_sign_is_used() -> None:
    auth = OAuth1(**CREDENTIALS, decoding=None)
    with mock.patch.object(
        auth.client, "sign", return_value=("https://patched/", {"Authorization": "OAuth x"}, None)
    ):
        request = auth(prepare())
    assert request.url == "https://patched/"
    assert request.headers["Authorization"] == "OAuth x"


# -- PLAINTEXT transport rule --------------------------------------------------------------


def test_plaintext_over_plain_http_is_refused_before_sending(requests_mock: Any) -> None:
    requests_mock.get("http://api.example.com/x", text="ok")
    auth = OAuth1(**CREDENTIALS, signature_method="PLAINTEXT")
    with pytest.raises(InsecureTransportError):
        requests.get("http://api.example.com/x", auth=auth)
    assert requests_mock.call_count == 0


@pytest.mark.parametrize(
    "url", ["https://api.example.com/x", "http://127.0.0.1:8000/x", "http://localhost/x"]
)
def test_plaintext_over_https_or_loopback_is_sent(requests_mock: Any, url: str) -> None:
    requests_mock.get(url, text="ok")
    requests.get(url, auth=OAuth1(**CREDENTIALS, signature_method="PLAINTEXT"))
    assert signature_is_valid(requests_mock.last_request, **SECRETS)


def test_plaintext_insecure_transport_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    request = OAuth1(**CREDENTIALS, signature_method="PLAINTEXT")(
        prepare(url="http://api.example.com/")
    )
    assert oauth_params(request)["oauth_signature"] == "client-secret-123&owner-secret-456"


def test_hmac_over_plain_http_still_works_as_upstream() -> None:
    request = OAuth1(**CREDENTIALS)(prepare(url="http://api.example.com/x"))
    assert signature_is_valid(request, **SECRETS)


def test_signing_logs_no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    OAuth1(**CREDENTIALS, verifier="verifier-000")(prepare(url=URL + "&secret_q=1"))
    assert caplog.records, "expected a debug record"
    for secret in (
        "client-secret-123",
        "owner-secret-456",
        "token-789",
        "verifier-000",
        "secret_q",
    ):
        assert secret not in caplog.text
