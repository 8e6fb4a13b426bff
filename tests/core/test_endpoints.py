"""Device authorization, revocation and introspection stepped by hand: read the call a flow
yields, feed it an answer, read what it returns or raises. No HTTP library, no mock."""

from __future__ import annotations

from typing import Any

import pytest
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, UnsupportedTokenTypeError

from runtime.core.endpoints import (
    Revocation,
    SuccessBody,
    authorize_device,
    introspect,
    no_client_auth,
    revoke,
    token_request,
    token_to_revoke,
)
from runtime.core.flow import Flow
from runtime.core.http import Call
from runtime.errors import ProviderResponseError, TokenResponseParseError
from tests.support.answers import Answer, json_answer

URL = "https://as.example/endpoint"


def basic_auth(call: Call) -> None:
    call.headers["Authorization"] = "Basic Y2xpZW50OnNlY3JldA=="


def first_call(flow: Flow[Any]) -> Call:
    call = next(flow)
    assert isinstance(call, Call)
    return call


def result_of(flow: Flow[Any], answer: Answer) -> Any:
    with pytest.raises(StopIteration) as done:
        flow.send(answer)
    return done.value.value


def test_plain_revocation_posts_the_token_and_its_hint_with_the_client_authentication() -> None:
    flow = revoke(URL, ("rt", "refresh_token"), basic_auth)
    call = first_call(flow)
    assert (call.method, call.url, call.encoding) == ("POST", URL, "form")
    assert call.params == {"token": "rt", "token_type_hint": "refresh_token"}
    assert call.headers["Authorization"].startswith("Basic ")
    assert call.with_token is False and call.follow_redirects is False
    assert result_of(flow, Answer(204)) is None


def test_a_revocation_error_answer_raises_the_servers_error() -> None:
    flow = revoke(URL, ("at", "access_token"), basic_auth)
    next(flow)
    with pytest.raises(UnsupportedTokenTypeError):
        flow.send(json_answer({"error": "unsupported_token_type"}, status=400))


def test_a_server_that_authenticates_revocations_by_the_token_gets_no_client_credentials() -> None:
    rules = Revocation(method="DELETE", token_param=None, authenticate_with_token=True)
    call = first_call(revoke(URL, ("at", "access_token"), basic_auth, rules=rules))
    assert (call.method, call.encoding, call.with_token) == ("DELETE", "query", True)
    assert call.params == {} and "Authorization" not in call.headers


def test_revocation_without_the_confirmation_the_rules_ask_for_is_an_error() -> None:
    rules = Revocation(success_status=(200,), success_body=SuccessBody("ok", True))
    flow = revoke(URL, ("at", None), basic_auth, rules=rules)
    call = first_call(flow)
    assert call.params == {"token": "at"}  # no hint to send
    with pytest.raises(ProviderResponseError, match="'ok' should be true"):
        flow.send(json_answer({"ok": False}))
    confirmed = revoke(URL, ("at", None), basic_auth, rules=rules)
    next(confirmed)
    assert result_of(confirmed, json_answer({"ok": True})) is None


def test_prepare_sees_the_finished_call_and_its_result_is_sent() -> None:
    seen: list[dict[str, str]] = []

    def prepare(call: Call) -> Call:
        seen.append(dict(call.params))
        return Call(call.method, call.url, {**call.params, "extra": "1"})

    call = first_call(revoke(URL, ("rt", None), basic_auth, prepare=prepare))
    assert seen == [{"token": "rt"}]
    assert call.params == {"token": "rt", "extra": "1"}


@pytest.mark.parametrize(
    ("token", "hint", "current", "default", "expected"),
    [
        ("given", None, {"refresh_token": "rt"}, "refresh_token", ("given", None)),
        (None, None, {"refresh_token": "rt", "access_token": "at"}, "refresh_token",
         ("rt", "refresh_token")),
        (None, None, {"refresh_token": "rt", "access_token": "at"}, "access_token",
         ("at", "access_token")),
        (None, "custom", {"access_token": "at"}, "refresh_token", ("at", "custom")),
        (None, None, {}, "refresh_token", None),
        (None, None, None, "refresh_token", None),
    ],
)  # fmt: skip
def test_the_token_to_revoke(
    token: str | None,
    hint: str | None,
    current: dict[str, str] | None,
    default: str,
    expected: tuple[str, str | None] | None,
) -> None:
    assert token_to_revoke(token, hint, current, default=default) == expected


def test_introspection_returns_the_answer_and_needs_a_boolean_active() -> None:
    flow = introspect(URL, "at", basic_auth, hint="access_token")
    call = first_call(flow)
    assert call.params == {"token": "at", "token_type_hint": "access_token"}
    assert "Authorization" in call.headers
    assert result_of(flow, json_answer({"active": True, "scope": "a"})) == {
        "active": True,
        "scope": "a",
    }
    broken = introspect(URL, "at", basic_auth)
    next(broken)
    with pytest.raises(TokenResponseParseError, match="active"):
        broken.send(json_answer({"active": "yes"}))


def test_device_authorization_sends_scope_and_params_and_reads_the_provider_fields() -> None:
    flow = authorize_device(
        URL,
        basic_auth,
        scope="read write",
        params={"audience": "api"},
        response_paths={"verification_uri": "verification_url"},
        default_interval=7,
    )
    call = first_call(flow)
    assert call.params == {"audience": "api", "scope": "read write"}
    device = result_of(
        flow,
        json_answer(
            {
                "device_code": "dc",
                "user_code": "UC",
                "verification_url": "https://as.example/device",
                "expires_in": 600,
            }
        ),
    )
    assert device["verification_uri"] == "https://as.example/device"
    assert device["interval"] == 7 and device["device_code"] == "dc"


def test_a_device_authorization_error_raises_the_servers_error() -> None:
    flow = authorize_device(URL, basic_auth)
    assert first_call(flow).params == {}
    with pytest.raises(InvalidClientError):
        flow.send(json_answer({"error": "invalid_client"}, status=401))


def test_a_token_request_is_a_form_post_accepting_json_with_the_client_authentication() -> None:
    call = token_request(URL, {"grant_type": "client_credentials"}, basic_auth)
    assert (call.method, call.url, call.encoding) == ("POST", URL, "form")
    assert call.params == {"grant_type": "client_credentials"}
    assert call.headers["Accept"] == "application/json"
    assert call.headers["Authorization"].startswith("Basic ")
    assert call.with_token is False and call.follow_redirects is False


def test_a_token_request_by_get_puts_the_grant_in_the_query_and_prepare_comes_last() -> None:
    order: list[str] = []

    def authenticate(call: Call) -> None:
        order.append("authenticate")
        call.params["client_id"] = "app"

    def prepare(call: Call) -> Call:
        order.append("prepare")
        assert call.params["client_id"] == "app"
        return call

    headers = {"X-Api": "1"}
    call = token_request(
        URL, {"code": "c"}, authenticate, method="GET", headers=headers, prepare=prepare
    )
    assert call.encoding == "query" and call.params == {"code": "c", "client_id": "app"}
    assert order == ["authenticate", "prepare"]
    assert call.headers == {"X-Api": "1"} and headers == {"X-Api": "1"}  # the caller's are kept
    unauthenticated = token_request(URL, {"code": "c"}, no_client_auth)
    assert (
        unauthenticated.params == {"code": "c"} and "Authorization" not in unauthenticated.headers
    )
