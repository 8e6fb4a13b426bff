"""The one reader of token-type answers, fed plain answers (no HTTP)."""

from __future__ import annotations

import pytest
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, InvalidGrantError

from runtime.core.answers import (
    DEFAULT_ERRORS,
    decode_body,
    read_answer,
    read_device_authorization,
    read_introspection,
    read_revocation,
)
from runtime.core.paths import MISSING
from runtime.device import InvalidDeviceAuthorization
from runtime.errors import TokenEndpointError, TokenResponseParseError
from runtime.provider.spec_view import ErrorShapeView
from tests.support.answers import Answer, json_answer

# A spec's errors section, as the generated clients pass it.
SLACK_LIKE = ErrorShapeView(
    {
        "code_path": "error",
        "message_path": None,
        "in_success_body": True,
        "success_flag": {"path": "ok", "value": True},
        "unconfirmed": False,
    }
)


def test_a_body_is_json_else_a_form_else_nothing() -> None:
    assert decode_body('{"a": 1}') == {"a": 1}
    assert decode_body("a=1&b=two") == {"a": "1", "b": "two"}
    assert decode_body("[1, 2]") is None
    assert decode_body("  ") is None


def test_an_error_in_the_body_wins_whatever_the_status() -> None:
    with pytest.raises(InvalidGrantError) as raised:
        read_answer(json_answer({"error": "invalid_grant", "error_uri": "https://as.example/e"}))
    assert raised.value.status_code == 200
    assert raised.value.uri == "https://as.example/e"


def test_an_http_error_without_an_error_code_is_a_token_endpoint_error() -> None:
    with pytest.raises(TokenEndpointError) as raised:
        read_answer(Answer(502, "<html>bad gateway</html>", {"Content-Type": "text/html"}))
    assert raised.value.status_code == 502
    assert "bad gateway" not in str(raised.value)  # the body may echo credentials


def test_a_success_that_is_neither_json_nor_a_form_is_unusable() -> None:
    with pytest.raises(TokenResponseParseError):
        read_answer(Answer(200, "[]"))
    assert read_answer(Answer(200, ""), allow_empty=True) == {}


def test_an_answer_without_a_real_status_is_judged_by_its_body() -> None:
    class TextOnly:
        text = '{"error": "invalid_client"}'

    with pytest.raises(InvalidClientError):
        read_answer(TextOnly())  # type: ignore[arg-type]


def test_a_provider_error_shape_finds_errors_by_its_success_flag() -> None:
    with pytest.raises(Exception, match="request_failed"):
        read_answer(json_answer({"ok": False}), SLACK_LIKE)
    assert read_answer(json_answer({"ok": "true", "access_token": "t"}), SLACK_LIKE)["ok"] == "true"
    # endpoints other than the token endpoint need not carry the flag
    assert read_answer(json_answer({"x": 1}), SLACK_LIKE, use_flag=False) == {"x": 1}


def test_introspection_must_say_whether_the_token_is_active() -> None:
    assert read_introspection(json_answer({"active": False})) == {"active": False}
    with pytest.raises(TokenResponseParseError, match="active"):
        read_introspection(json_answer({"active": "yes"}))


def test_revocation_succeeds_on_any_2xx_with_any_body_and_fails_on_an_error() -> None:
    assert read_revocation(Answer(200, "")) is MISSING
    assert read_revocation(Answer(204, "")) is MISSING
    assert read_revocation(json_answer(True)) is True
    with pytest.raises(TokenEndpointError):
        read_revocation(Answer(503, ""))
    with pytest.raises(Exception, match="unsupported_token_type"):
        read_revocation(json_answer({"error": "unsupported_token_type"}, 400))


def test_revocation_success_statuses_come_from_the_provider() -> None:
    with pytest.raises(TokenEndpointError):
        read_revocation(Answer(204, ""), DEFAULT_ERRORS, success_status=[200])


def test_device_authorization_reads_provider_paths_and_default_interval() -> None:
    answer = json_answer(
        {
            "device_code": "dc",
            "user_code": "UC",
            "verification_url": "https://x/d",
            "expires_in": 900,
        }
    )
    device = read_device_authorization(answer, default_interval=7)
    assert device == {
        "device_code": "dc",
        "user_code": "UC",
        "verification_uri": "https://x/d",
        "expires_in": 900,
        "interval": 7,
    }
    nested = json_answer({"data": {"code": "dc", "user": "UC", "uri": "https://x/d", "ttl": 60}})
    paths = {
        "device_code": "data.code",
        "user_code": "data.user",
        "verification_uri": "data.uri",
        "expires_in": "data.ttl",
    }
    assert read_device_authorization(nested, response_paths=paths)["user_code"] == "UC"
    with pytest.raises(InvalidDeviceAuthorization, match="user_code"):
        read_device_authorization(json_answer({"device_code": "dc"}))


def test_the_core_default_errors_are_the_spec_formats_defaults() -> None:
    """Plain OAuth 2 (OAuth2Session) reads errors as a spec with every default does."""
    from runtime.provider.spec_defaults import DEFAULTS

    default_view = ErrorShapeView(DEFAULTS["errors"])
    for name in ("code_path", "message_path", "in_success_body", "success_flag"):
        assert getattr(DEFAULT_ERRORS, name) == getattr(default_view, name), name
    with pytest.raises(AttributeError):
        DEFAULT_ERRORS.code_path = "err"  # type: ignore[misc]
