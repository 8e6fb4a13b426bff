"""Drives a generated client through the flows a ``cases.yaml`` describes, against mocked HTTP.

Only the generated clients' public API is used here (constructor, ``authorization_url``,
``fetch_token``, ``refresh``, ``userinfo``, ``revoke``, ``session``; for OAuth 1
``fetch_request_token`` and ``fetch_access_token``), so a change of that API touches this module
and nothing in the fixture folders.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import requests_mock

from runtime.provider.base import ProviderBase
from tests.support.oauth1 import hmac_sha1_signed as hmac_sha1_valid
from tests.support.oauth1 import oauth_params as _header_params
from tests.support.pkce import s256

from .cases import Answer, ApiCall, Authorization, Cases, Exchange, ExpectedRequest

CODE = "documented-example-code"
GENERATED_ES256 = "generate:ES256"  # client.private_key: a key made for the test
VERIFIER = "documented-example-verifier"


def client_of(cases: Cases, **extra: Any) -> Any:
    """A new client of the provider's generated class (Any: tests call its typed methods)."""
    module = importlib.import_module(f"generated.{cases.provider}")
    found = [
        value
        for name in module.__all__
        if isinstance(value := getattr(module, name), type) and issubclass(value, ProviderBase)
    ]
    assert len(found) == 1, f"generated.{cases.provider} exports {found}"
    return found[0](**{**cases.client, **extra})


def is_oauth1(client: Any) -> bool:
    return bool(client.spec.protocol == "oauth1")


class Flow:
    """One client and the values the flow produced so far, for ``{placeholders}``."""

    def __init__(self, cases: Cases, mock: requests_mock.Mocker, **extra: Any) -> None:
        self.cases = cases
        self.mock = mock
        self.public_key: Any = None
        if cases.client.get("private_key") == GENERATED_ES256:
            extra = {**extra, "private_key": self._generate_key()}
        self.client = client_of(cases, **extra)
        self.values: dict[str, str] = {
            key: value for key, value in cases.client.items() if isinstance(value, str)
        }
        self.challenge: tuple[str, str] | None = None
        self.request_token_secret: str | None = None

    def _generate_key(self) -> str:
        """A fresh P-256 key for this test (never a key in the repository)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        self.public_key = key.public_key()
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def fill(self, text: str) -> str:
        try:
            return text.format_map(self.values)
        except KeyError as missing:
            raise AssertionError(f"{self.cases.path}: no value for {{{missing.args[0]}}}") from None

    # -- requests and answers ------------------------------------------------------------

    def answer(self, exchange: Exchange) -> None:
        request = exchange.request
        assert request.url, f"{self.cases.path}: every exchange names its request.url"
        self.mock.register_uri(
            request.method or requests_mock.ANY,
            self.fill(request.url),
            **_mock_answer(exchange.answer),
        )

    def sent(self, url: str | None = None) -> Any:
        """The last request sent, or the last one sent to ``url`` (scheme, host and path)."""
        assert self.mock.last_request is not None, "the client sent nothing"
        if url is None:
            return self.mock.last_request
        to_url = [
            sent
            for sent in self.mock.request_history
            if sent.url.split("?")[0] == self.fill(url).split("?")[0]
        ]
        assert to_url, f"{self.cases.path}: nothing sent to {self.fill(url)}"
        return to_url[-1]

    def answer_after_token(self) -> None:
        """Answer the spec's after_token calls with their documented answers."""
        for step in self.cases.after_token.values():
            self.answer(step)

    def check_after_token(self) -> None:
        for name, step in self.cases.after_token.items():
            assert step.request.url, f"{self.cases.path}: after_token.{name} names its url"
            self.check_request(
                step.request, f"after_token {name} request", self.sent(step.request.url)
            )

    def check_request(self, expected: ExpectedRequest, what: str, sent: Any = None) -> None:
        sent = self.sent() if sent is None else sent
        where = f"{self.cases.path}: {what}"
        if expected.method:
            assert sent.method == expected.method, f"{where}: method {sent.method}"
        if expected.url:
            url = urlsplit(sent.url)
            assert f"{url.scheme}://{url.netloc}{url.path}" == self.fill(expected.url), (
                f"{where}: sent to {sent.url}"
            )
        params = sent_params(sent)
        encoding = sent_encoding(sent)
        if expected.encoding:
            assert encoding == expected.encoding, f"{where}: parameters sent as {encoding}"
        for name, value in expected.params.items():
            assert name in params, f"{where}: {name!r} not sent (sent {sorted(params)})"
            assert params[name] == self.fill(value), f"{where}: {name}={params[name]!r}"
        for name in expected.absent:
            assert name not in params, f"{where}: {name!r} must not be sent"
        for name in expected.present:
            assert params.get(name), f"{where}: {name!r} not sent"
        for name, claims in expected.jwt.items():
            self.check_jwt(params.get(name), claims, f"{where}: {name}")
        headers = sent_headers(sent)
        for name, value in expected.headers.items():
            assert headers.get(name.lower()) == self.fill(value), (
                f"{where}: header {name}: {headers.get(name.lower())!r}"
            )
        if expected.client_auth:
            self.check_client_auth(expected.client_auth, params, headers, where)
        if self.challenge and "code_verifier" in params:
            method, challenge = self.challenge
            assert pkce_challenge(params["code_verifier"], method) == challenge, (
                f"{where}: code_verifier does not match the code_challenge"
            )

    def check_jwt(self, token: str | None, claims: Mapping[str, Any], where: str) -> None:
        """The JWT's claims (and header alg/kid); its signature, with the generated key."""
        import jwt

        assert token, f"{where}: no JWT sent"
        header = jwt.get_unverified_header(token)
        decoded = (
            jwt.decode(
                token, self.public_key, algorithms=[header["alg"]], options={"verify_aud": False}
            )
            if self.public_key is not None
            else jwt.decode(token, options={"verify_signature": False})
        )
        for name, value in claims.items():
            found = header.get(name) if name in ("alg", "kid") else decoded.get(name)
            expected = self.fill(value) if isinstance(value, str) else value
            assert found == expected, f"{where}: {name}={found!r}, expected {expected!r}"

    def check_client_auth(
        self, how: str, params: Mapping[str, str], headers: Mapping[str, str], where: str
    ) -> None:
        client_id = str(self.cases.client.get("client_id"))
        secret = self.cases.client.get("client_secret")
        authorization = headers.get("authorization", "")
        if how == "basic":
            assert authorization.startswith("Basic "), f"{where}: no HTTP Basic client auth"
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            assert (unquote(user), unquote(password)) == (client_id, secret or ""), where
            assert "client_secret" not in params, f"{where}: secret also in the body"
        elif how in ("post", "post_jwt"):  # post_jwt: a secret minted per request (a JWT)
            assert params.get("client_id") == client_id, f"{where}: client_id not in the body"
            if how == "post":
                assert params.get("client_secret") == secret, f"{where}: client_secret differs"
            else:
                assert params.get("client_secret", "").count(".") == 2, f"{where}: no JWT secret"
            assert not authorization.startswith("Basic "), f"{where}: Basic auth also sent"
        elif how == "none":
            assert params.get("client_id") == client_id, f"{where}: client_id not sent"
            assert "client_secret" not in params and not authorization.startswith("Basic "), (
                f"{where}: a public client sends no secret"
            )
        else:
            raise AssertionError(
                f"{where}: client_auth must be basic, post, post_jwt or none, not {how!r}"
            )

    def check_result(self, exchange: Exchange, result: Mapping[str, Any], what: str) -> None:
        _check_subset(exchange.result, result, f"{self.cases.path}: {what}")

    def check_error(self, exchange: Exchange, call: Any, what: str) -> None:
        try:
            call()
        except Exception as error:  # the provider's error must surface with its code
            code = getattr(error, "error", None)
            assert code == exchange.error, f"{self.cases.path}: {what} raised {error!r}"
        else:
            raise AssertionError(f"{self.cases.path}: {what} did not raise {exchange.error!r}")

    # -- OAuth 2 ------------------------------------------------------------------------------

    def authorize(self, expected: Authorization | None) -> str:
        """The authorization URL; checks it against ``expected``; returns the callback URL."""
        kwargs: dict[str, Any] = dict(expected.options) if expected else {}
        if expected and expected.scopes is not None:
            kwargs["scopes"] = list(expected.scopes)
        url, state = self.client.authorization_url(**kwargs)
        self.values["state"] = state
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        if expected:
            where = f"{self.cases.path}: authorization URL"
            parts = urlsplit(url)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == self.fill(expected.url), url
            for name, value in expected.params.items():
                assert params.get(name) == self.fill(value), f"{where}: {name}={params.get(name)!r}"
            for name in expected.present:
                assert name in params, f"{where}: {name!r} missing"
            for name in expected.absent:
                assert name not in params, f"{where}: {name!r} must not be sent"
            if expected.pkce:
                assert params.get("code_challenge_method") == expected.pkce, where
                self.challenge = (expected.pkce, params["code_challenge"])
            else:
                assert "code_challenge" not in params, f"{where}: PKCE sent but not expected"
        redirect = self.cases.client.get("redirect_uri") or "https://app.example/callback"
        return self.callback_url(redirect, {"code": CODE, "state": state})

    def callback_url(self, redirect: str, params: Mapping[str, str]) -> str:
        """The callback; signed as Shopify signs it when the spec verifies that signature."""
        params = dict(params)
        if "shopify_callback_hmac" in self.client.spec.hooks.callback:
            message = "&".join(f"{name}={value}" for name, value in sorted(params.items()))
            secret = str(self.cases.client["client_secret"]).encode()
            params["hmac"] = hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
        return f"{redirect}?{_query(params)}"

    def fetch_token(self, exchange: Exchange) -> dict[str, Any]:
        callback = self.authorize(self.cases.authorization)
        if exchange.callback:
            redirect, _, query = callback.partition("?")
            params = {k: v for k, v in parse_qsl(query) if k != "hmac"}
            params.update({k: self.fill(v) for k, v in exchange.callback.items()})
            callback = self.callback_url(redirect, params)
        self.answer_after_token()
        self.answer(exchange)
        token: dict[str, Any] = self.client.fetch_token(authorization_response=callback)
        self.check_request(exchange.request, "token request", self.sent(exchange.request.url))
        self.remember(token)
        self.check_after_token()
        return token

    def remember(self, token: Mapping[str, Any]) -> None:
        for name in ("access_token", "refresh_token", "oauth_token", "oauth_token_secret"):
            if isinstance(token.get(name), str):
                self.values[name] = token[name]

    # -- OAuth 1 ------------------------------------------------------------------------------

    def fetch_request_token(self, exchange: Exchange) -> dict[str, Any]:
        self.answer(exchange)
        token: dict[str, Any] = self.client.fetch_request_token()
        self.check_request(exchange.request, "request token request")
        self.check_signed(None, "request token request")
        self.values["request_token"] = token["oauth_token"]
        self.request_token_secret = token.get("oauth_token_secret")
        return token

    def fetch_access_token(self, exchange: Exchange) -> dict[str, Any]:
        assert self.cases.request_token, f"{self.cases.path}: access_token needs request_token"
        self.fetch_request_token(self.cases.request_token)
        callback_uri = self.cases.client.get("callback_uri") or "https://app.example/callback"
        callback = {
            "oauth_token": self.values["request_token"],
            "oauth_verifier": VERIFIER,
            **{k: self.fill(v) for k, v in exchange.callback.items()},
        }
        self.answer(exchange)
        token: dict[str, Any] = self.client.fetch_access_token(
            authorization_response=f"{callback_uri}?{_query(callback)}"
        )
        self.check_request(exchange.request, "access token request")
        self.check_signed(self.request_token_secret, "access token request")
        assert oauth_params(self.sent()).get("oauth_verifier") == VERIFIER
        self.remember(token)
        return token

    def check_signed(self, token_secret: str | None, what: str) -> None:
        secret = str(self.cases.client.get("client_secret"))
        sent = self.sent()
        assert hmac_sha1_valid(sent, secret, token_secret), f"{self.cases.path}: {what} unsigned"
        assert not hmac_sha1_valid(sent, secret + "x", token_secret), "signature check is inert"

    # -- token-using calls --------------------------------------------------------------------

    def signed_in(self, exchange: Exchange | None) -> Flow:
        """This flow after sign-in, or a new one holding the exchange's documented token."""
        if exchange is not None and exchange.holding is not None:
            flow = Flow(self.cases, self.mock, token=dict(exchange.holding))
            flow.remember(exchange.holding)
            flow.answer_after_token()  # a held token lacking their fields runs them again
            return flow
        self.sign_in()
        return self

    def sign_in(self) -> None:
        if self.cases.access_token:
            self.fetch_access_token(self.cases.access_token)
        else:
            assert self.cases.token, f"{self.cases.path}: this case needs a token section first"
            self.fetch_token(self.cases.token)

    def call_api(self, api: ApiCall) -> None:
        url = self.fill(api.url)
        self.mock.get(url.split("?")[0], json={})
        self.client.session.get(url)
        sent = self.sent()
        headers = sent_headers(sent)
        where = f"{self.cases.path}: API call"
        for name, value in api.headers.items():
            assert headers.get(name.lower()) == self.fill(value), f"{where}: header {name}"
        params = sent_params(sent)
        for name, value in api.params.items():
            assert params.get(name) == self.fill(value), f"{where}: {name}={params.get(name)!r}"
        if api.signed:
            self.check_signed(self.values.get("oauth_token_secret"), "API call")


def _check_subset(expected: Mapping[str, Any], actual: Mapping[str, Any], where: str) -> None:
    """Every expected key is there with that value; a mapping is compared the same way, so a
    nested token may hold more (its expires_at, say) than the case names."""
    for name, value in expected.items():
        assert name in actual, f"{where} result has no {name!r}: {actual}"
        if isinstance(value, Mapping) and isinstance(actual[name], Mapping):
            _check_subset(value, actual[name], f"{where} {name}")
        else:
            assert actual[name] == value, f"{where} {name}={actual[name]!r}"


def _mock_answer(answer: Answer) -> dict[str, Any]:
    headers = dict(answer.headers)
    if isinstance(answer.body, (dict, list, bool, int)):
        return {"status_code": answer.status, "json": answer.body, "headers": headers}
    return {"status_code": answer.status, "text": answer.body or "", "headers": headers}


def _query(params: Mapping[str, str]) -> str:
    return urlencode(params)


def sent_headers(sent: Any) -> dict[str, str]:
    """Header names lowercased; values as text (requests-oauthlib sends some as bytes)."""
    return {
        name.lower(): value.decode() if isinstance(value, bytes) else value
        for name, value in sent.headers.items()
    }


def sent_encoding(sent: Any) -> str:
    content_type = sent.headers.get("Content-Type", "")
    if not sent.body:
        return "query" if urlsplit(sent.url).query else "none"
    if "json" in content_type:
        return "json"
    return "form"


def sent_params(sent: Any) -> dict[str, str]:
    """Query, form or JSON parameters of a sent request, and OAuth 1 header parameters."""
    params = dict(parse_qsl(urlsplit(sent.url).query, keep_blank_values=True))
    body = sent.body.decode() if isinstance(sent.body, bytes) else (sent.body or "")
    if body and "json" in sent.headers.get("Content-Type", ""):
        params.update({key: str(value) for key, value in json.loads(body).items()})
    elif body:
        params.update(parse_qsl(body, keep_blank_values=True))
    params.update(oauth_params(sent))
    return params


def oauth_params(sent: Any) -> dict[str, str]:
    """The OAuth 1 parameters of the Authorization header; none when it is not an OAuth one."""
    header = sent.headers.get("Authorization", "")
    text = header.decode() if isinstance(header, bytes) else header
    # "OAuth <token>" without oauth_ parameters is a bearer-like scheme (Mailchimp's metadata).
    return _header_params(sent) if text.startswith("OAuth ") and "oauth_" in text else {}


def pkce_challenge(verifier: str, method: str) -> str:
    if method == "plain":
        return verifier
    return s256(verifier)
