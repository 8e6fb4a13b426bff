"""Functional: generate from inline YAML into a temp dir, import, drive each flow against
mocked HTTP, covering every section of the spec format.

Each spec below is built by the real pipeline (``load_spec`` -> ``build.plan`` ->
``build.write``) into ``tmp/out``, the written ``__init__.py`` is imported under a unique
name, and the generated class is driven through its typed methods only. Every assertion
checks something that would differ if the quirk were not applied.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import requests_mock
from oauthlib.oauth2 import AccessDeniedError, MismatchingStateError
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error, InvalidGrantError

from runtime.errors import AuthorizationDenied, TokenResponseParseError
from runtime.provider import AuthorizationRequest
from runtime.provider.flow_errors import CallbackValueError, ProviderResponseError
from tests.generator.functional_support import build_client
from tests.support.http import basic, form, query
from tests.support.oauth1 import hmac_sha1_signed, oauth_params
from tests.support.pkce import s256

HEADER = """\
spec: 1
id: {id}
name: {name}
protocol: {protocol}
docs: https://docs.acme.example/oauth
sources: [https://docs.acme.example/oauth]
"""


def spec_text(provider_id: str, body: str, *, protocol: str = "oauth2") -> str:
    name = provider_id.replace("_", " ").title()
    return HEADER.format(id=provider_id, name=name, protocol=protocol) + body


# -- variables/environments, scopes/options/PKCE/state, callback ----------------------

SHOP = spec_text(
    "shop",
    """\
variables:
  shop: {type: str, pattern: "[a-z0-9][a-z0-9-]*"}
  api_version: {type: str, choices: ["v1", "v2"], default: "v2"}
  region: {type: int, choices: [1, 2, 3], default: 1}
environments:
  sandbox:
    variables: {region: 3}
endpoints:
  authorize: https://{shop}.shop.example/{api_version}/authorize
  token: https://api{region}.shop.example/{api_version}/token
scopes:
  separator: ","
  param: perms
  known: {"read:user": r, "user:email": e, "write:repo": w}
  default: ["read:user"]
  required: ["user:email"]
authorize:
  pkce: supported
  pkce_methods: [S256, plain]
  state: required
  params: {app: "{client_id}"}
  param_names: {client_id: client_key}
  unencoded_params: [perms]
  fragment: done
  options:
    prompt: {type: enum, values: [none, consent]}
    allow_signup: {type: bool, param: allowSignup, true_value: "1", false_value: "0"}
callback:
  capture:
    realm_id: {param: realmId, type: str, required: true}
    count: {type: int}
  error:
    code_param: error_code
    message_param: error_message
    cancel_param: denied
""",
)


@pytest.fixture(scope="module")
def shop_class(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_client(tmp_path_factory.mktemp("shop"), SHOP)


def shop(cls: Any, **kwargs: Any) -> Any:
    defaults: dict[str, Any] = {
        "client_id": "cid",
        "client_secret": "sec",
        "redirect_uri": "https://app.example/cb",
        "shop": "my-shop",
    }
    return cls(**{**defaults, **kwargs})


def test_variables_and_environment_fill_endpoint_hosts(shop_class: Any) -> None:
    client = shop(shop_class, api_version="v1")
    url, _ = client.authorization_url()
    assert url.startswith("https://my-shop.shop.example/v1/authorize?")
    assert client.variables == {"shop": "my-shop", "api_version": "v1", "region": 1}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"api_version": "v1"}, "https://api1.shop.example/v1/token"),
        ({"environment": "sandbox"}, "https://api3.shop.example/v2/token"),
        ({"environment": "sandbox", "region": 2}, "https://api2.shop.example/v2/token"),
    ]
    for kwargs, token_url in cases:
        with requests_mock.Mocker() as m:
            m.post(token_url, json={"access_token": "at"})
            shop(shop_class, **kwargs).fetch_token(code="c")
            assert m.called_once


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shop": "evil.example/x"}, "variable 'shop' does not match its pattern"),
        ({"region": 9}, "variable 'region' must be one of 1, 2, 3, not 9"),
        ({"api_version": "v3"}, "variable 'api_version' must be one of 'v1', 'v2'"),
        ({"environment": "prod"}, "unknown environment 'prod'"),
    ],
)
def test_bad_variable_values_are_clear_value_errors(
    shop_class: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        shop(shop_class, **kwargs)


def test_scopes_defaults_required_separator_param_and_options(shop_class: Any) -> None:
    client = shop(shop_class)
    url, _ = client.authorization_url()
    params = query(url)
    assert params["perms"] == ["user:email,read:user"] and "scope" not in params
    assert "perms=user:email,read:user" in url and url.endswith("#done")
    assert params["client_key"] == ["cid"] and "client_id" not in params
    assert params["app"] == ["cid"]
    assert "prompt" not in params and "allowSignup" not in params
    url, _ = client.authorization_url(
        scopes=["write:repo", "user:email"], prompt="consent", allow_signup=False
    )
    params = query(url)
    assert params["perms"] == ["user:email,write:repo"]
    assert params["prompt"] == ["consent"] and params["allowSignup"] == ["0"]
    assert query(client.authorization_url(allow_signup=True).url)["allowSignup"] == ["1"]
    with pytest.raises(ValueError, match="must be one of 'none', 'consent'"):
        client.authorization_url(prompt="always")
    with pytest.raises(ValueError, match="takes True or False"):
        client.authorization_url(allow_signup="yes")


def test_pkce_and_state_round_trip_and_captures(shop_class: Any) -> None:
    client = shop(shop_class)
    url, state = client.authorization_url()
    params = query(url)
    verifier = client.pending_authorization.code_verifier
    assert params["state"] == [state] and params["code_challenge_method"] == ["S256"]
    assert params["code_challenge"] == [s256(verifier)]
    with requests_mock.Mocker() as m:
        m.post("https://api1.shop.example/v2/token", json={"access_token": "at"})
        token = client.fetch_token(
            authorization_response=f"https://app.example/cb?code=the-code&state={state}"
            "&realmId=R9&count=3"
        )
        sent = m.last_request
        assert sent.headers["Authorization"] == basic("cid", "sec")
        assert form(sent.text) == {
            "grant_type": ["authorization_code"],
            "code": ["the-code"],
            "redirect_uri": ["https://app.example/cb"],
            "code_verifier": [verifier],
        }
    assert token["access_token"] == "at"
    assert client.captured() == {"realm_id": "R9", "count": 3}


def test_a_stored_authorization_request_finishes_the_sign_in_in_another_client(
    shop_class: Any,
) -> None:
    """The web-app path: the request goes through the session as JSON; a new client (another
    worker) checks the callback against it, sends its verifier, keeps the captures."""
    request = shop(shop_class).authorization_url(scopes=["write:repo"])
    assert isinstance(request, AuthorizationRequest) and request.provider == "shop"
    assert query(request.url)["state"] == [request.state]
    session_value = json.dumps(request.to_dict())
    worker = shop(shop_class)
    assert request.state is not None
    callback = f"https://app.example/cb?code=the-code&state={request.state}&realmId=R9"
    with pytest.raises(MismatchingStateError, match="none to check it against"):
        worker.fetch_token(callback)  # the worker has no request of its own
    restored = AuthorizationRequest.from_dict(json.loads(session_value))
    with pytest.raises(MismatchingStateError):
        worker.fetch_token(callback.replace(request.state, "forged"), request=restored)
    with requests_mock.Mocker() as m:
        m.post("https://api1.shop.example/v2/token", json={"access_token": "at"})
        token = worker.fetch_token(callback, request=restored)
        sent = form(m.last_request.text)
    assert sent["code_verifier"] == [request.code_verifier]
    assert sent["redirect_uri"] == ["https://app.example/cb"]
    assert token["access_token"] == "at" and worker.captured() == {"realm_id": "R9"}


def test_state_mismatch_missing_capture_and_provider_errors(shop_class: Any) -> None:
    client = shop(shop_class)
    _, state = client.authorization_url(state="expected")
    assert state == "expected"
    with pytest.raises(MismatchingStateError):
        client.fetch_token(authorization_response="?code=c&state=other&realmId=R")
    with pytest.raises(CallbackValueError, match="lacks the required parameter 'realmId'"):
        client.fetch_token(authorization_response="?code=c&state=expected")
    with pytest.raises(CallbackValueError, match="should be int"):
        client.fetch_token(authorization_response="?code=c&state=expected&realmId=R&count=x")
    with pytest.raises(AccessDeniedError, match="the user said no"):
        client.fetch_token(
            authorization_response="?denied=1&error_message=the+user+said+no&state=expected"
        )
    with pytest.raises(CustomOAuth2Error, match="Permissions error") as info:
        client.fetch_token(authorization_response="?error_code=200&error_message=Permissions+error")
    assert info.value.error == "200"


# -- token request shape ----------------------------------------------------------------

GETTER = spec_text(
    "getter",
    """\
variables:
  api_version: {type: str, default: v9}
  tenant: {type: str, default: auth}
endpoints:
  authorize: https://{tenant}.getter.example/authorize
  token: https://{tenant}.getter.example/token
authorize:
  pkce: unsupported
token:
  method: GET
  client_auth: client_secret_post
  headers: {X-Version: "{api_version}", X-App: "{client_id}"}
  params: {expiring: "1"}
  param_names: {client_id: appid, client_secret: secret, code: auth_code, grant_type: gt}
  send_redirect_uri: false
  grant_type: custom_code
""",
)


def test_get_token_request_with_renames_headers_params_and_post_auth(tmp_path: Any) -> None:
    client = build_client(tmp_path, GETTER)(
        client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb"
    )
    with requests_mock.Mocker() as m:
        m.get("https://auth.getter.example/token", json={"access_token": "at"})
        assert client.fetch_token(code="the-code")["access_token"] == "at"
        sent = m.last_request
    assert sent.method == "GET" and not sent.text
    assert query(sent.url) == {
        "appid": ["cid"],
        "secret": ["sec"],
        "auth_code": ["the-code"],
        "gt": ["custom_code"],
        "expiring": ["1"],
    }
    assert "Authorization" not in sent.headers
    assert sent.headers["X-Version"] == "v9" and sent.headers["X-App"] == "cid"


@pytest.mark.parametrize("tenant", ["evil.example/x", "a_b", "x?y=1", "user@evil.example"])
def test_host_variable_without_pattern_must_be_a_host_label(tmp_path: Any, tenant: str) -> None:
    cls = build_client(tmp_path, GETTER)
    good = cls(client_id="cid", tenant="t-1")
    assert good.authorization_url().url.startswith("https://t-1.getter.example/authorize?")
    with pytest.raises(ValueError, match="tenant"), requests_mock.Mocker():
        client = cls(client_id="cid", tenant=tenant)
        client.authorization_url()


# -- JSON encoding, nested answer, typed extras, errors in a 200 body ----------------------

JSONER = spec_text(
    "jsoner",
    """\
endpoints:
  authorize: https://auth.jsoner.example/authorize
  token: https://auth.jsoner.example/token
scopes:
  separator: ","
  known: {a: A, b: B}
authorize:
  pkce: unsupported
token:
  encoding: json
  client_auth: client_secret_post
  response:
    format: json
    key_case: camel_to_snake
    paths:
      access_token: data.token.access_token
      refresh_token: data.token.refresh_token
    expires: {path: data.token.ttl, unit: milliseconds}
    token_type: {override: Bearer}
    scope: {path: data.granted, format: string, separator: ","}
    extra:
      instance_url: {type: str, required: true}
      team_id: {type: str, path: team.id}
      live_mode: {type: bool, path: livemode}
      user_id: {type: int, path: "data.users[0].user_id"}
      granted_list: {type: "list[str]", path: data.granted}
errors:
  in_success_body: true
  code_path: error.code
  message_path: error.message
  success_flag: {path: ok, value: true}
""",
)


@pytest.fixture(scope="module")
def jsoner_class(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_client(tmp_path_factory.mktemp("jsoner"), JSONER)


def jsoner_fetch(cls: Any, **answer: Any) -> tuple[Any, Any]:
    client = cls(client_id="cid", client_secret="sec", redirect_uri="https://app.example/cb")
    with requests_mock.Mocker() as m:
        m.post("https://auth.jsoner.example/token", **answer)
        token = client.fetch_token(code="the-code")
        return token, m.last_request


def test_json_encoding_and_a_nested_typed_answer(jsoner_class: Any) -> None:
    before = time.time()
    token, sent = jsoner_fetch(
        jsoner_class,
        json={
            "ok": True,
            "accessToken": "top-level-ignored",
            "tokenType": "User Access Token",
            "data": {
                "token": {"accessToken": "at", "refreshToken": "rt", "ttl": 5000},
                "granted": "a,b",
                "users": [{"userId": "42"}],
            },
            "instanceUrl": "https://na1.example",
            "team": {"id": "T1"},
            "livemode": "false",
        },
    )
    after = time.time()
    assert sent.headers["Content-Type"] == "application/json"
    assert "Authorization" not in sent.headers
    assert json.loads(sent.text) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": "https://app.example/cb",
        "client_id": "cid",
        "client_secret": "sec",
    }
    assert int(before) + 5 <= token["expires_at"] <= after + 5 + 1  # whole seconds
    expected = {
        "access_token": "at",
        "refresh_token": "rt",
        "token_type": "Bearer",
        "expires_in": 5,
        "scope": ["a", "b"],
        "instance_url": "https://na1.example",
        "team_id": "T1",
        "live_mode": False,
        "user_id": 42,
        "granted_list": ["a", "b"],
    }
    assert {key: token[key] for key in expected} == expected
    assert token["data"]["users"] == [{"user_id": "42"}]  # unknown keys kept, snake_cased


def test_required_extra_is_enforced(jsoner_class: Any) -> None:
    with pytest.raises(TokenResponseParseError, match="lacks the required field 'instance_url'"):
        jsoner_fetch(jsoner_class, json={"ok": True, "data": {"token": {"accessToken": "at"}}})


def test_errors_in_a_200_body_become_typed_oauthlib_errors(jsoner_class: Any) -> None:
    with pytest.raises(InvalidGrantError, match="code expired") as info:
        jsoner_fetch(
            jsoner_class,
            json={"ok": False, "error": {"code": "invalid_grant", "message": "code expired"}},
        )
    assert info.value.status_code == 200
    with pytest.raises(CustomOAuth2Error) as custom:
        jsoner_fetch(
            jsoner_class,
            json={"data": {"token": {"accessToken": "at"}}, "instanceUrl": "https://x"},
        )
    assert custom.value.error == "request_failed"


EXPIRING = """\
endpoints:
  authorize: https://auth.exp.example/authorize
  token: https://auth.exp.example/token
authorize:
  pkce: unsupported
token:
  response:
    expires: {expires}
"""


@pytest.mark.parametrize(
    ("expires", "answer", "lifetime"),
    [
        ("{path: expires}", {"expires": 100, "expires_in": 1}, 100),
        ("{unit: milliseconds}", {"expires_in": 7000}, 7),
        ("{kind: absolute, path: expires_on}", {"expires_on": "ABS+50"}, 50),
        ("{zero_means_never: true}", {"expires_in": 0}, None),
        ("{zero_means_never: false}", {"expires_in": 0}, None),  # 0: unknown lifetime
        ("{zero_means_never: false, default_lifetime: 60}", {"expires_in": 0}, 60),
        ("{default_lifetime: 7200}", {}, 7200),
    ],
)
def test_expiry_variants(
    tmp_path: Any, expires: str, answer: dict[str, Any], lifetime: int | None
) -> None:
    cls = build_client(tmp_path, spec_text("exp", EXPIRING.replace("{expires}", expires)))
    client = cls(client_id="cid", client_secret="sec")
    if answer.get("expires_on") == "ABS+50":
        answer = {"expires_on": int(time.time()) + 50}
    before = time.time()
    with requests_mock.Mocker() as m:
        m.post("https://auth.exp.example/token", json={"access_token": "at", **answer})
        token = client.fetch_token(code="c")
    after = time.time()
    if lifetime is None:
        assert "expires_in" not in token and "expires_at" not in token
        return
    assert lifetime - 1 <= token["expires_in"] <= lifetime
    assert int(before) + lifetime - 1 <= token["expires_at"] <= after + lifetime + 1


FALLBACKS = spec_text(
    "fallbacks",
    """\
endpoints:
  authorize: https://auth.fb.example/authorize
  token: https://auth.fb.example/token
token:
  response:
    fallback_paths:
      access_token: [data.token]
      expires_in: [expires, data.lifetime]
""",
)


@pytest.mark.parametrize(
    ("answer", "access_token", "lifetime"),
    [
        ("access_token=at&expires=100", "at", 100),  # old Facebook: form body, `expires`
        ({"access_token": "at", "expires_in": 30, "expires": 100}, "at", 30),  # first place wins
        ({"data": {"token": "dt", "lifetime": 40}}, "dt", 40),  # the last fallback
        ({"access_token": "at", "expires": ""}, "at", None),  # empty counts as missing
    ],
)
def test_fallback_paths_are_tried_in_order(
    tmp_path: Any, answer: str | dict[str, Any], access_token: str, lifetime: int | None
) -> None:
    client = build_client(tmp_path, FALLBACKS)(client_id="cid", client_secret="sec")
    with requests_mock.Mocker() as m:
        if isinstance(answer, str):
            m.post("https://auth.fb.example/token", text=answer)
        else:
            m.post("https://auth.fb.example/token", json=answer)
        token = client.fetch_token(code="c")
    assert token["access_token"] == access_token
    assert token.get("expires_in") == lifetime


def test_no_access_token_at_any_place_names_every_place(tmp_path: Any) -> None:
    client = build_client(tmp_path, FALLBACKS)(client_id="cid", client_secret="sec")
    with requests_mock.Mocker() as m:
        m.post("https://auth.fb.example/token", json={"data": {}, "expires": 5})
        with pytest.raises(
            TokenResponseParseError, match=re.escape("'access_token' or 'data.token'")
        ):
            client.fetch_token(code="c")
    assert client.token is None or not client.token.get("access_token")


# -- refresh + exchange, API session, profile, revocation ------------------------

ROTOR = spec_text(
    "rotor",
    """\
variables:
  api_version: {type: str, default: "2024-01"}
endpoints:
  authorize: https://auth.rotor.example/authorize
  token: https://auth.rotor.example/token
  refresh: https://auth.rotor.example/refresh
  revoke: https://auth.rotor.example/{token.team_id}/permissions
  userinfo: https://api.rotor.example/me
scopes:
  known: {a: A, offline: O}
  default: [a]
authorize:
  pkce: unsupported
token:
  response:
    extra:
      instance_url: {type: str}
      team_id: {type: str}
refresh:
  rotation: rotating
  requires_scopes: [offline]
  requires_params: {duration: permanent}
  client_auth: client_secret_post
  token_param: rt_param
  params: {app: "{client_id}"}
  leeway_seconds: 120
exchanges:
  long_lived:
    method: GET
    grant_type: fb_exchange_token
    token_param: fb_exchange_token
    client_auth: client_secret_post
    params: {client_id: "{client_id}"}
api:
  base_url: "{token.instance_url}/api"
  token_scheme: token
  headers: {Client-Id: "{client_id}", X-Team: "{token.team_id}"}
  query: {v: "{api_version}"}
userinfo:
  params: {fields: "id,name"}
  root: "data[0]"
  id_field: id
  fields:
    id: {type: int, required: true}
    login: {type: str, path: username}
    avatar: {type: str, path: picture.data.url}
revocation:
  method: DELETE
  token_param: null
  authenticate_with_token: true
  success_status: [200, 204]
""",
)
TOKEN = {
    "access_token": "AT",
    "refresh_token": "RT",
    "instance_url": "https://na1.rotor.example",
    "team_id": "T1",
}


@pytest.fixture(scope="module")
def rotor_class(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_client(tmp_path_factory.mktemp("rotor"), ROTOR)


def rotor(cls: Any, **kwargs: Any) -> Any:
    return cls(client_id="cid", client_secret="sec", token=dict(TOKEN), **kwargs)


def test_refresh_requirements_are_in_the_authorization_url(rotor_class: Any) -> None:
    client = rotor(rotor_class, redirect_uri="https://app.example/cb")
    params = query(client.authorization_url().url)
    assert params["scope"] == ["a offline"] and params["duration"] == ["permanent"]
    params = query(client.authorization_url(offline=False).url)
    assert params["scope"] == ["a"] and "duration" not in params


def test_refresh_with_rotation_and_an_exchange(rotor_class: Any) -> None:
    client = rotor(rotor_class)
    with requests_mock.Mocker() as m:
        m.post("https://auth.rotor.example/refresh", json={"access_token": "new"})
        token = client.refresh()
        sent = m.last_request
        assert form(sent.text) == {
            "grant_type": ["refresh_token"],
            "rt_param": ["RT"],
            "app": ["cid"],
            "client_id": ["cid"],
            "client_secret": ["sec"],
        }
        assert "Authorization" not in sent.headers
        assert token["access_token"] == "new" and "refresh_token" not in token  # rotating
        assert token["team_id"] == "T1"  # extras the refresh answer omits are kept
        with pytest.raises(ValueError, match="needs a refresh token"):
            client.refresh()

        m.get(
            "https://auth.rotor.example/token",
            json={"access_token": "long", "refresh_token": "RT2", "expires_in": 5184000},
        )
        long_lived = client.exchange_long_lived()
        assert query(m.last_request.url) == {
            "client_id": ["cid"],
            "client_secret": ["sec"],
            "grant_type": ["fb_exchange_token"],
            "fb_exchange_token": ["new"],
        }
        assert long_lived["access_token"] == "long" and client.token["access_token"] == "long"
        m.post(
            "https://auth.rotor.example/refresh",
            json={"access_token": "newer", "refresh_token": "RT3"},
        )
        assert client.refresh()["refresh_token"] == "RT3"
        assert form(m.last_request.text)["rt_param"] == ["RT2"]


def test_session_refreshes_within_the_spec_leeway(rotor_class: Any) -> None:
    updates: list[dict[str, Any]] = []
    soon = {**TOKEN, "expires_at": int(time.time()) + 100}  # inside the 120 s leeway
    client = rotor_class(client_id="cid", client_secret="sec", token=soon)
    later = {**TOKEN, "expires_at": int(time.time()) + 200}  # outside it
    calm = rotor_class(client_id="cid", client_secret="sec", token=later)
    client_with_updater = rotor_class(
        client_id="cid", client_secret="sec", token=soon, token_updater=updates.append
    )
    with requests_mock.Mocker() as m:
        m.post("https://auth.rotor.example/refresh", json={"access_token": "fresh"})
        m.get("https://na1.rotor.example/api/x", json={})
        calm.session.get(calm.api_url("x"))
        assert m.call_count == 1 and m.last_request.headers["Authorization"] == "token AT"
        client_with_updater.session.get(client_with_updater.api_url("x"))
        urls = [request.url.split("?")[0] for request in m.request_history]
        assert urls[1:] == ["https://auth.rotor.example/refresh", "https://na1.rotor.example/api/x"]
        assert m.last_request.headers["Authorization"] == "token fresh"
    assert [update["access_token"] for update in updates] == ["fresh"]
    assert client.token["access_token"] == "AT"


def test_api_session_header_scheme_companions_and_base_url(rotor_class: Any) -> None:
    client = rotor(rotor_class)
    assert client.api_url("things") == "https://na1.rotor.example/api/things"
    with requests_mock.Mocker() as m:
        m.get("https://na1.rotor.example/api/things", json={})
        client.session.get(client.api_url("things"), params={"a": "1"})
        sent = m.last_request
    assert sent.headers["Authorization"] == "token AT"
    assert sent.headers["Client-Id"] == "cid" and sent.headers["X-Team"] == "T1"
    assert query(sent.url) == {"a": ["1"], "v": ["2024-01"]}


def test_userinfo_root_and_field_mapping(rotor_class: Any) -> None:
    client = rotor(rotor_class)
    with requests_mock.Mocker() as m:
        m.get(
            "https://api.rotor.example/me",
            json={
                "data": [
                    {
                        "id": "42",
                        "username": "ann",
                        "picture": {"data": {"url": "https://p/1"}},
                        "other": 1,
                    }
                ]
            },
        )
        profile = client.userinfo()
        sent = m.last_request
        assert query(sent.url) == {"fields": ["id,name"], "v": ["2024-01"]}
        assert sent.headers["Authorization"] == "token AT"
        assert profile == {"id": 42, "login": "ann", "avatar": "https://p/1"}
        m.get("https://api.rotor.example/me", json={"data": [{"username": "x"}]})
        with pytest.raises(ProviderResponseError, match="lacks the required field 'id'"):
            client.userinfo()


def test_revocation_delete_authenticated_with_the_token(rotor_class: Any) -> None:
    client = rotor(rotor_class)
    with requests_mock.Mocker() as m:
        m.delete("https://auth.rotor.example/T1/permissions", status_code=204)
        client.revoke()
        sent = m.last_request
    assert sent.method == "DELETE"
    assert sent.headers["Authorization"] == "token AT"
    assert not sent.text and "token=" not in sent.url and "RT" not in sent.url


REVOKER = spec_text(
    "revoker",
    """\
endpoints:
  authorize: https://auth.rv.example/authorize
  token: https://auth.rv.example/token
  revoke: https://auth.rv.example/revoke
revocation:
  success_body: {success_body}
""",
)


@pytest.mark.parametrize(
    ("success_body", "answer", "confirmed"),
    [
        ("{path: revoked, value: true}", '{"ok": true, "revoked": true}', True),
        ("{path: revoked, value: true}", '{"ok": true, "revoked": false}', False),
        ("{path: revoked, value: true}", '{"ok": true}', False),
        ("{path: revoked, value: true}", "<html>ok</html>", False),
        ("{}", "true", True),  # the whole body: Facebook's `true`
        ("{}", "false", False),
        ("{path: status, value: done}", '{"status": "done"}', True),
        ("{path: status, value: done}", '{"status": "pending"}', False),
    ],
)
def test_revocation_success_body_must_confirm(
    tmp_path: Any, success_body: str, answer: str, confirmed: bool
) -> None:
    cls = build_client(tmp_path, REVOKER.replace("{success_body}", success_body))
    client = cls(client_id="cid", client_secret="sec", token={"access_token": "AT"})
    with requests_mock.Mocker() as m:
        m.post("https://auth.rv.example/revoke", text=answer)
        if confirmed:
            client.revoke()
        else:
            with pytest.raises(ProviderResponseError, match="does not confirm") as caught:
                client.revoke()
            assert "AT" not in str(caught.value) and caught.value.status_code == 200
        assert form(m.last_request.text)["token"] == ["AT"]


QUERY_API = spec_text(
    "query_api",
    """\
endpoints:
  authorize: https://auth.q.example/authorize
  token: https://auth.q.example/token
api:
  token_placement: query
  token_name: oauth2_access_token
""",
)


def test_query_token_placement(tmp_path: Any) -> None:
    client = build_client(tmp_path, QUERY_API)(client_id="cid", token={"access_token": "AT"})
    with requests_mock.Mocker() as m:
        m.get("https://api.q.example/x", json={})
        client.session.get("https://api.q.example/x?a=1")
        sent = m.last_request
    assert query(sent.url) == {"a": ["1"], "oauth2_access_token": ["AT"]}
    assert "Authorization" not in sent.headers


# -- device flow ----------------------------------------------------------------------------

DEVICES = spec_text(
    "devices",
    """\
grants: [authorization_code, device_code]
endpoints:
  authorize: https://auth.dev.example/authorize
  token: https://auth.dev.example/token
  device: https://auth.dev.example/device
scopes:
  separator: ","
  known: {repo: r, user: u}
device:
  client_auth: none
  grant_type: device_code
  response_paths: {verification_uri: verification_url, user_code: codes.user}
  default_interval: 7
""",
)


def test_device_flow_with_renamed_fields_default_interval_and_polling(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = build_client(tmp_path, DEVICES)(client_id="cid", client_secret="sec")
    waits: list[float] = []
    # The generated poll_device_token takes no ``sleep``: record the waits instead of sleeping.
    monkeypatch.setattr(time, "sleep", waits.append)
    with requests_mock.Mocker() as m:
        m.post(
            "https://auth.dev.example/device",
            json={
                "device_code": "D",
                "codes": {"user": "U-1"},
                "verification_url": "https://v.example",
                "expires_in": 900,
            },
        )
        device = client.device_authorization(scopes=["repo", "user"])
        sent = m.last_request
        assert form(sent.text) == {"scope": ["repo,user"], "client_id": ["cid"]}
        assert "Authorization" not in sent.headers
        assert device == {
            "device_code": "D",
            "user_code": "U-1",
            "verification_uri": "https://v.example",
            "expires_in": 900,
            "interval": 7,
        }
        m.post(
            "https://auth.dev.example/token",
            [
                {"json": {"error": "authorization_pending"}},
                {"status_code": 400, "json": {"error": "slow_down"}},
                {"json": {"access_token": "at", "expires_in": 60}},
            ],
        )
        token = client.poll_device_token(device)
        assert form(m.last_request.text) == {
            "grant_type": ["device_code"],
            "device_code": ["D"],
            "client_id": ["cid"],
        }
    assert waits == [7, 7, 12]
    assert token["access_token"] == "at" and client.token["access_token"] == "at"


# -- OAuth 1.0a -----------------------------------------------------------------------------

SECRET = "client-secret"
TWEETS = spec_text(
    "tweets",
    """\
variables:
  region: {type: str, choices: [us, eu], default: us}
endpoints:
  request_token: https://{region}.tweets.example/oauth/request_token
  authorize: https://{region}.tweets.example/oauth/authenticate
  access_token: https://{region}.tweets.example/oauth/access_token
  userinfo: https://{region}.tweets.example/1.1/me.json
scopes:
  supported: false
authorize:
  params: {force_login: "false"}
  options:
    screen_name: {type: str}
callback:
  error:
    cancel_param: denied
oauth1:
  signature_method: HMAC-SHA1
  signature_type: header
  realm: https://tweets.example/
  request_token:
    method: POST
    params: {x_auth_access_type: write}
    options:
      lang: {type: enum, values: [en, fr]}
      include_entities: {type: bool, param: include, true_value: "1", false_value: "0"}
  access_token:
    method: POST
    send_verifier: true
    extra:
      user_id: {type: str, required: true}
userinfo:
  id_field: id_str
  fields:
    id_str: {type: str, required: true}
    followers: {type: int, path: followers_count}
""",
    protocol="oauth1",
)


def signed_ok(sent: Any, token_secret: str | None) -> bool:
    return hmac_sha1_signed(sent, SECRET, token_secret)


def test_oauth1_request_token_authorize_access_token_signed(tmp_path: Any) -> None:
    cls = build_client(tmp_path, TWEETS)
    client = cls(
        client_key="ck", client_secret=SECRET, callback_uri="https://app.example/cb", region="eu"
    )
    base = "https://eu.tweets.example"
    with requests_mock.Mocker() as m:
        m.post(
            f"{base}/oauth/request_token",
            text="oauth_token=RT&oauth_token_secret=RS&oauth_callback_confirmed=true",
        )
        assert client.fetch_request_token()["oauth_token"] == "RT"
        sent = m.last_request
        params = oauth_params(sent)
        assert params["oauth_callback"] == "https://app.example/cb"
        assert params["realm"] == "https://tweets.example/"
        assert params["oauth_signature_method"] == "HMAC-SHA1"
        assert params["oauth_consumer_key"] == "ck"
        assert form(sent.text) == {"x_auth_access_type": ["write"]}
        assert signed_ok(sent, None)

        url = client.authorization_url(screen_name="ann")
        assert url.startswith(f"{base}/oauth/authenticate?")
        assert query(url) == {
            "oauth_token": ["RT"],
            "force_login": ["false"],
            "screen_name": ["ann"],
        }

        m.post(
            f"{base}/oauth/access_token",
            text="oauth_token=AT&oauth_token_secret=AS&user_id=7",
        )
        token = client.fetch_access_token(
            authorization_response="https://app.example/cb?oauth_token=RT&oauth_verifier=V"
        )
        sent = m.last_request
        assert oauth_params(sent)["oauth_verifier"] == "V"
        assert oauth_params(sent)["oauth_token"] == "RT"
        assert signed_ok(sent, "RS") and not signed_ok(sent, "wrong")
        assert token == {"oauth_token": "AT", "oauth_token_secret": "AS", "user_id": "7"}

        m.get(f"{base}/1.1/me.json", json={"id_str": "7", "followers_count": "3"})
        assert client.userinfo() == {"id_str": "7", "followers": 3}
        assert oauth_params(m.last_request)["oauth_token"] == "AT"
        assert signed_ok(m.last_request, "AS")


def test_oauth1_request_token_options_are_sent_and_signed(tmp_path: Any) -> None:
    client = build_client(tmp_path, TWEETS)(client_key="ck", client_secret=SECRET)
    with requests_mock.Mocker() as m:
        m.post("https://us.tweets.example/oauth/request_token", text="oauth_token=RT")
        client.fetch_request_token(lang="fr", include_entities=False)
        sent = m.last_request
        assert form(sent.text) == {
            "x_auth_access_type": ["write"],
            "lang": ["fr"],
            "include": ["0"],
        }
        assert signed_ok(sent, None)
        client.fetch_request_token(lang=None, include_entities=True)
        assert form(m.last_request.text) == {"x_auth_access_type": ["write"], "include": ["1"]}
        with pytest.raises(ValueError, match="'lang' must be one of 'en', 'fr', not 'de'"):
            client.fetch_request_token(lang="de")
        with pytest.raises(ValueError, match="unknown request token option 'realm'"):
            client._fetch_request_token(options={"realm": "x"})
        assert m.call_count == 2


def test_oauth1_cancel_and_foreign_request_token(tmp_path: Any) -> None:
    client = build_client(tmp_path, TWEETS)(client_key="ck", client_secret=SECRET)
    with pytest.raises(AuthorizationDenied):
        client.fetch_access_token(authorization_response="https://app.example/cb?denied=RT")
    with requests_mock.Mocker() as m:
        m.post(
            "https://us.tweets.example/oauth/request_token",
            text="oauth_token=RT&oauth_token_secret=RS",
        )
        client.fetch_request_token()
    with pytest.raises(CallbackValueError, match="not this client's request token"):
        client.fetch_access_token(authorization_response="?oauth_token=OTHER&oauth_verifier=V")
