"""Every OAuth 1 example from the requests-oauthlib documentation, run against mocks.

The code of each example is kept as written in the docs except for the import
(``from runtime import ...``) and the Python 2 -> 3 spellings (``print()``,
``urllib.parse``, ``r.text`` for ``r.content``); ``raw_input`` prompts are replaced by
the values a user would paste. Each test then checks what the provider received.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import SIGNATURE_RSA
from oauthlib.oauth1.rfc5849 import signature

from runtime import OAuth1, OAuth1Session
from tests.support.http import as_text
from tests.support.oauth1 import provider_view

client_key = "client-key-123"
client_secret = "client-secret-456"
REQUEST_TOKEN = "Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik"
REQUEST_SECRET = "Kd75W4OQfb2oJTV0vzGzeXftVAwgMnEK9MumzYcM"
ACCESS_TOKEN = "6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY"
ACCESS_SECRET = "2EEfA6BG3ly3sR3RjE0IBSnlQu4ZrUzPiYKmrkVU"
VERIFIER = "sdflk3450FASDLJasd2349dfs"






def verify(sent: Any, token_secret: str | None = None, rsa_public_key: str | None = None) -> Any:
    """Assert the signature checks out; return the parsed request for further checks."""
    request = provider_view(sent)
    if request.signature_method == "RSA-SHA1":
        assert signature.verify_rsa_sha1(request, rsa_public_key or "")
    elif request.signature_method == "PLAINTEXT":
        assert signature.verify_plaintext(request, client_secret, token_secret)
    else:
        assert request.signature_method == "HMAC-SHA1"
        assert signature.verify_hmac_sha1(request, client_secret, token_secret)
    assert request.client_key == client_key
    return request


def token_body(token: str, secret: str) -> str:
    return f"oauth_token={token}&oauth_token_secret={secret}"


@pytest.fixture
def twitter(requests_mock: Any) -> Any:
    requests_mock.post(
        "https://api.twitter.com/oauth/request_token",
        text=token_body(REQUEST_TOKEN, REQUEST_SECRET),
    )
    requests_mock.post(
        "https://api.twitter.com/oauth/access_token", text=token_body(ACCESS_TOKEN, ACCESS_SECRET)
    )
    requests_mock.get("https://api.twitter.com/1/account/settings.json", json={"ok": True})
    requests_mock.post("https://api.twitter.com/1/account/settings.json", json={"ok": True})
    return requests_mock


@pytest.fixture(scope="module")
def rsa_pem_pair() -> tuple[str, str]:
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


# -- "OAuth 1 Workflow", OAuth1Session flavour ---------------------------------------------


def test_workflow_with_oauth1session(twitter: Any) -> None:
    request_token_url = "https://api.twitter.com/oauth/request_token"
    oauth = OAuth1Session(client_key, client_secret=client_secret)
    fetch_response = oauth.fetch_request_token(request_token_url)
    resource_owner_key = fetch_response.get("oauth_token")
    resource_owner_secret = fetch_response.get("oauth_token_secret")
    assert (resource_owner_key, resource_owner_secret) == (REQUEST_TOKEN, REQUEST_SECRET)
    assert verify(twitter.last_request).resource_owner_key is None

    base_authorization_url = "https://api.twitter.com/oauth/authorize"
    authorization_url = oauth.authorization_url(base_authorization_url)
    print("Please go here and authorize,", authorization_url)
    assert authorization_url == f"{base_authorization_url}?oauth_token={REQUEST_TOKEN}"
    redirect_response = (
        f"https://client.example/cb?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    )
    oauth_response = oauth.parse_authorization_response(redirect_response)
    verifier = oauth_response.get("oauth_verifier")

    access_token_url = "https://api.twitter.com/oauth/access_token"
    oauth = OAuth1Session(
        client_key,
        client_secret=client_secret,
        resource_owner_key=resource_owner_key,
        resource_owner_secret=resource_owner_secret,
        verifier=verifier,
    )
    oauth_tokens = oauth.fetch_access_token(access_token_url)
    sent = verify(twitter.last_request, REQUEST_SECRET)
    assert (sent.resource_owner_key, sent.verifier) == (REQUEST_TOKEN, VERIFIER)
    resource_owner_key = oauth_tokens.get("oauth_token")
    resource_owner_secret = oauth_tokens.get("oauth_token_secret")

    protected_url = "https://api.twitter.com/1/account/settings.json"
    oauth = OAuth1Session(
        client_key,
        client_secret=client_secret,
        resource_owner_key=resource_owner_key,
        resource_owner_secret=resource_owner_secret,
    )
    r = oauth.get(protected_url)
    assert r.json() == {"ok": True}
    assert verify(twitter.last_request, ACCESS_SECRET).resource_owner_key == ACCESS_TOKEN


# -- "OAuth 1 Workflow", OAuth1 auth helper flavour ----------------------------------------


def test_workflow_with_oauth1_auth_helper(twitter: Any) -> None:
    request_token_url = "https://api.twitter.com/oauth/request_token"
    oauth = OAuth1(client_key, client_secret=client_secret)
    r = requests.post(url=request_token_url, auth=oauth)
    credentials = parse_qs(r.text)
    resource_owner_key = credentials.get("oauth_token")[0]  # type: ignore[index]  # as in the docs
    resource_owner_secret = credentials.get("oauth_token_secret")[0]  # type: ignore[index]  # docs
    verify(twitter.last_request)

    base_authorization_url = "https://api.twitter.com/oauth/authorize"
    authorize_url = base_authorization_url + "?oauth_token="
    authorize_url = authorize_url + resource_owner_key
    print("Please go here and authorize,", authorize_url)
    verifier = VERIFIER

    access_token_url = "https://api.twitter.com/oauth/access_token"
    oauth = OAuth1(
        client_key,
        client_secret=client_secret,
        resource_owner_key=resource_owner_key,
        resource_owner_secret=resource_owner_secret,
        verifier=verifier,
    )
    r = requests.post(url=access_token_url, auth=oauth)
    credentials = parse_qs(r.text)
    resource_owner_key = credentials.get("oauth_token")[0]  # type: ignore[index]  # as in the docs
    resource_owner_secret = credentials.get("oauth_token_secret")[0]  # type: ignore[index]  # docs
    assert verify(twitter.last_request, REQUEST_SECRET).verifier == VERIFIER

    protected_url = "https://api.twitter.com/1/account/settings.json"
    oauth = OAuth1(
        client_key,
        client_secret=client_secret,
        resource_owner_key=resource_owner_key,
        resource_owner_secret=resource_owner_secret,
    )
    r = requests.get(url=protected_url, auth=oauth)
    assert r.status_code == 200
    assert verify(twitter.last_request, ACCESS_SECRET).resource_owner_key == ACCESS_TOKEN


# -- "Signature placement - header, query or body?" ----------------------------------------

url = "https://api.twitter.com/1/account/settings.json"
resource_owner_key = ACCESS_TOKEN
resource_owner_secret = ACCESS_SECRET


def test_header_signing(twitter: Any) -> None:
    headeroauth = OAuth1(
        client_key,
        client_secret,
        resource_owner_key,
        resource_owner_secret,
        signature_type="auth_header",
    )
    requests.get(url, auth=headeroauth)
    sent = twitter.last_request
    assert as_text(sent.headers["Authorization"]).startswith("OAuth ")
    assert "oauth_signature" not in sent.url
    verify(sent, ACCESS_SECRET)


def test_query_signing(twitter: Any) -> None:
    queryoauth = OAuth1(
        client_key, client_secret, resource_owner_key, resource_owner_secret, signature_type="query"
    )
    requests.get(url, auth=queryoauth)
    sent = twitter.last_request
    assert "Authorization" not in sent.headers
    assert "oauth_signature" in parse_qs(urlsplit(sent.url).query)
    verify(sent, ACCESS_SECRET)


def test_body_signing(twitter: Any) -> None:
    bodyoauth = OAuth1(
        client_key, client_secret, resource_owner_key, resource_owner_secret, signature_type="body"
    )
    requests.post(url, auth=bodyoauth)
    sent = twitter.last_request
    assert "Authorization" not in sent.headers
    assert as_text(sent.headers["Content-Type"]) == "application/x-www-form-urlencoded"
    assert "oauth_signature" in parse_qs(as_text(sent.body))
    verify(sent, ACCESS_SECRET)


def test_plaintext_signing(twitter: Any) -> None:
    headeroauth = OAuth1(
        client_key,
        client_secret,
        resource_owner_key,
        resource_owner_secret,
        signature_method="PLAINTEXT",
    )
    requests.get(url, auth=headeroauth)
    assert verify(twitter.last_request, ACCESS_SECRET).signature_method == "PLAINTEXT"


def test_rsa_signing_in_all_three_placements(
    twitter: Any, rsa_pem_pair: tuple[str, str], tmp_path: Any
) -> None:
    private, public = rsa_pem_pair
    (tmp_path / "your_rsa_key.pem").write_text(private)
    with open(tmp_path / "your_rsa_key.pem") as pem_file:
        key = pem_file.read()

    queryoauth = OAuth1(
        client_key, signature_method=SIGNATURE_RSA, rsa_key=key, signature_type="query"
    )
    headeroauth = OAuth1(
        client_key, signature_method=SIGNATURE_RSA, rsa_key=key, signature_type="auth_header"
    )
    bodyoauth = OAuth1(
        client_key, signature_method=SIGNATURE_RSA, rsa_key=key, signature_type="body"
    )

    requests.get(url, auth=queryoauth)
    assert "oauth_signature" in twitter.last_request.url
    verify(twitter.last_request, rsa_public_key=public)
    requests.get(url, auth=headeroauth)
    assert "Authorization" in twitter.last_request.headers
    verify(twitter.last_request, rsa_public_key=public)
    requests.post(url, auth=bodyoauth)
    assert "oauth_signature" in as_text(twitter.last_request.body)
    verify(twitter.last_request, rsa_public_key=public)


# -- Bitbucket and Tumblr tutorials -----------------------------------------------------------


def _mock_provider(requests_mock: Any, request_token_url: str, access_token_url: str) -> None:
    requests_mock.post(request_token_url, text=token_body(REQUEST_TOKEN, REQUEST_SECRET))
    requests_mock.post(access_token_url, text=token_body(ACCESS_TOKEN, ACCESS_SECRET))


def test_bitbucket_tutorial(requests_mock: Any) -> None:
    key = client_key
    secret = client_secret
    request_token_url = "https://bitbucket.org/!api/1.0/oauth/request_token"
    authorization_base_url = "https://bitbucket.org/!api/1.0/oauth/authenticate"
    access_token_url = "https://bitbucket.org/!api/1.0/oauth/access_token"
    _mock_provider(requests_mock, request_token_url, access_token_url)
    requests_mock.get("https://bitbucket.org/api/1.0/user", json={"user": "me"})

    bitbucket = OAuth1Session(key, client_secret=secret, callback_uri="http://127.0.0.1/cb")
    bitbucket.fetch_request_token(request_token_url)
    assert verify(requests_mock.last_request).redirect_uri == "http://127.0.0.1/cb"

    authorization_url = bitbucket.authorization_url(authorization_base_url)
    print("Please go here and authorize,", authorization_url)
    assert authorization_url == f"{authorization_base_url}?oauth_token={REQUEST_TOKEN}"

    redirect_response = f"http://127.0.0.1/cb?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    bitbucket.parse_authorization_response(redirect_response)

    bitbucket.fetch_access_token(access_token_url)
    sent = verify(requests_mock.last_request, REQUEST_SECRET)
    assert (sent.verifier, sent.redirect_uri) == (VERIFIER, None)

    r = bitbucket.get("https://bitbucket.org/api/1.0/user")
    print(r.content)
    assert r.json() == {"user": "me"}
    assert verify(requests_mock.last_request, ACCESS_SECRET).resource_owner_key == ACCESS_TOKEN


def test_tumblr_tutorial_over_plain_http(requests_mock: Any) -> None:
    key = client_key
    secret = client_secret
    request_token_url = "http://www.tumblr.com/oauth/request_token"
    authorization_base_url = "http://www.tumblr.com/oauth/authorize"
    access_token_url = "http://www.tumblr.com/oauth/access_token"
    _mock_provider(requests_mock, request_token_url, access_token_url)
    requests_mock.get("http://api.tumblr.com/v2/user/dashboard", json={"posts": []})

    tumblr = OAuth1Session(
        key, client_secret=secret, callback_uri="http://www.tumblr.com/dashboard"
    )
    tumblr.fetch_request_token(request_token_url)
    verify(requests_mock.last_request)

    authorization_url = tumblr.authorization_url(authorization_base_url)
    print("Please go here and authorize,", authorization_url)

    redirect_response = (
        f"http://www.tumblr.com/dashboard?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
    )
    tumblr.parse_authorization_response(redirect_response)

    tumblr.fetch_access_token(access_token_url)
    verify(requests_mock.last_request, REQUEST_SECRET)

    print(tumblr.get("http://api.tumblr.com/v2/user/dashboard"))
    sent = requests_mock.last_request
    assert sent.url == "http://api.tumblr.com/v2/user/dashboard"
    verify(sent, ACCESS_SECRET)


# -- the Twitter CLI example from the developer interface -------------------------------------


def test_twitter_cli_example(requests_mock: Any) -> None:
    callback_uri = "https://127.0.0.1/callback"
    request_token_url = "https://api.twitter.com/oauth/request_token"
    authorization_url = "https://api.twitter.com/oauth/authorize"
    access_token_url = "https://api.twitter.com/oauth/access_token"
    _mock_provider(requests_mock, request_token_url, access_token_url)
    status_url = "http://api.twitter.com/1/statuses/update.json"
    requests_mock.post(status_url, json={"id": 1})

    oauth_session = OAuth1Session(
        client_key, client_secret=client_secret, callback_uri=callback_uri
    )

    assert oauth_session.fetch_request_token(request_token_url) == {
        "oauth_token": REQUEST_TOKEN,
        "oauth_token_secret": REQUEST_SECRET,
    }
    assert verify(requests_mock.last_request).redirect_uri == callback_uri

    # The docs show an oauth_callback here too; requests-oauthlib has cleared the callback
    # by this point and so do we.
    assert oauth_session.authorization_url(authorization_url) == (
        f"{authorization_url}?oauth_token={REQUEST_TOKEN}"
    )

    redirect_response = (
        f"{callback_uri}?oauth_token={REQUEST_TOKEN}&oauth_token_secret={REQUEST_SECRET}"
        f"&oauth_verifier={VERIFIER}"
    )
    assert oauth_session.parse_authorization_response(redirect_response) == {
        "oauth_token": REQUEST_TOKEN,
        "oauth_token_secret": REQUEST_SECRET,
        "oauth_verifier": VERIFIER,
    }
    assert oauth_session.fetch_access_token(access_token_url) == {
        "oauth_token": ACCESS_TOKEN,
        "oauth_token_secret": ACCESS_SECRET,
    }
    assert verify(requests_mock.last_request, REQUEST_SECRET).verifier == VERIFIER

    new_status = {"status": "hello world!"}
    response = oauth_session.post(status_url, data=new_status)
    assert response.status_code == 200
    sent = verify(requests_mock.last_request, ACCESS_SECRET)
    assert ("status", "hello world!") in sent.params  # the form body is signed
    assert sent.resource_owner_key == ACCESS_TOKEN
