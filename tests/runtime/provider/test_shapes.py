"""``runtime.provider.shapes``: the one check between a built value and its TypedDict."""

from __future__ import annotations

from typing import Any

import pytest
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from runtime.provider.errors import FieldTypeError
from runtime.provider.flow_errors import ProviderResponseError, ShapeError
from runtime.provider.shapes import Shape

OTHER: Shape[Any] = Shape("AcmeUserToken", {"access_token": ("str", True)})
TOKEN: Shape[Any] = Shape(
    "AcmeToken",
    {
        "access_token": ("str", True),
        "expires_in": ("int", False),
        "expires_at": ("float", False),
        "live": ("bool", False),
        "scope": ("scopes", False),
        "roles": ("list[str]", False),
        "team": ("dict", False),
        "raw": ("any", False),
        "user": (OTHER, False),
    },
)
KNOWN = ("read", "write")


def problem(value: object) -> ShapeError:
    with pytest.raises(ShapeError) as raised:
        TOKEN.check(value, scopes=KNOWN)
    return raised.value


def test_a_fitting_value_comes_back_unchanged_with_unlisted_keys_kept() -> None:
    token = {
        "access_token": "at",
        "expires_in": 60,
        "expires_at": 1.5,
        "live": False,
        "scope": ["read"],
        "roles": ["admin"],
        "team": {"id": "T1"},
        "raw": [1, None],
        "user": {"access_token": "xoxp", "more": 1},
        "provider_extra": object(),
    }
    assert TOKEN.check(token, scopes=KNOWN) is token
    assert TOKEN.check({"access_token": "at", "expires_at": 7}, scopes=KNOWN)  # an int is a float


def test_a_missing_required_field_is_named() -> None:
    error = problem({"expires_in": 60})
    assert (error.shape, error.field, error.problem) == ("AcmeToken", "access_token", "is missing")
    assert "AcmeToken field 'access_token': is missing" in str(error)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("expires_in", "abc", "should be an integer, got a string"),
        ("expires_in", True, "should be an integer, got a boolean"),
        ("expires_at", "1.5", "should be a number, got a string"),
        ("live", 1, "should be true or false, got an integer"),
        ("roles", "admin", "should be a list of strings, got a string"),
        ("roles", ["admin", 2], "should be a list of strings, got a list"),
        ("team", ["T1"], "should be an object, got a list"),
        ("scope", "read", "should be a list of known scopes, got a string"),
        ("scope", ["read", "admin"], "holds scopes the provider does not define: 'admin'"),
    ],
)
def test_a_field_of_another_kind_is_named_with_what_was_wrong(
    field: str, value: object, expected: str
) -> None:
    error = problem({"access_token": "at", field: value})
    assert (error.field, error.problem) == (field, expected)


def test_nested_shapes_are_checked_and_named_with_a_dotted_path() -> None:
    assert problem({"access_token": "at", "user": {}}).field == "user.access_token"
    assert problem({"access_token": "at", "user": "xoxp"}).field == "user"


def test_a_value_that_is_no_mapping_is_refused() -> None:
    error = problem(["at"])
    assert (error.field, error.problem) == ("", "should be an object, got a list")


def test_the_error_never_shows_a_value() -> None:
    error = problem({"access_token": 12345, "refresh_token": "rt-secret"})
    text = str(error) + repr(error) + repr(error.args)
    assert "12345" not in text and "rt-secret" not in text
    error = problem({"access_token": "at-secret", "expires_in": "at-secret-2"})
    assert "at-secret" not in str(error) + repr(error)


def test_the_error_is_an_oauth2_error_and_a_value_error() -> None:
    error = problem({})
    assert isinstance(error, ProviderResponseError)
    assert isinstance(error, OAuth2Error)
    assert isinstance(error, FieldTypeError) and isinstance(error, ValueError)
    assert error.error == "invalid_response_shape"
