"""The one callback reader: parameters, state, code and issuer, checked without HTTP."""

from __future__ import annotations

import re

import pytest
from oauthlib.oauth2.rfc6749.errors import (
    InsecureTransportError,
    MismatchingStateError,
    MissingCodeError,
)

from runtime.core.callback import (
    OAUTH_RESPONSE_PARAMETERS,
    authorization_code,
    callback_params,
    check_issuer,
    verify_state,
)
from runtime.errors import (
    CallbackValueError,
    IssuerMismatchError,
    RepeatedParameterError,
    StateMismatchError,
)


@pytest.mark.parametrize(
    ("response", "mode"),
    [
        ("https://app.example/cb?code=c1&state=s1", "query"),
        ("https://app.example/cb?other=1#code=c1&state=s1", "fragment"),
        ("https://app.example/cb?code=c1&state=s1", "form_post"),
        ("com.example.app:/callback?code=c1&state=s1", "query"),  # RFC 8252 private-use scheme
        ("http://127.0.0.1:8765/cb?code=c1&state=s1", "query"),  # loopback redirect
        ("code=c1&state=s1", "form_post"),  # a POSTed body as the framework hands it over
        ("?code=c1&state=s1", "query"),
        ("  code=c1&state=s1\n", "fragment"),
    ],
)
def test_the_parameters_are_read_from_a_url_or_a_bare_string(response: str, mode: str) -> None:
    params = callback_params(response, mode)  # type: ignore[arg-type]
    assert (params["code"], params["state"]) == ("c1", "s1")


def test_names_and_values_are_decoded_and_a_colon_in_a_value_is_not_a_scheme() -> None:
    assert callback_params("%73tate=a%2Fb&code=x:y", "query") == {"state": "a/b", "code": "x:y"}
    assert callback_params("code=&state=s", "query") == {"code": "", "state": "s"}


def test_a_plain_http_callback_to_another_host_is_refused() -> None:
    with pytest.raises(InsecureTransportError):
        callback_params("http://app.example/cb?code=c1", "query")


def test_every_repeated_parameter_is_refused_by_default() -> None:
    with pytest.raises(RepeatedParameterError, match="'realmId' more than once") as info:
        callback_params("code=c&realmId=1&realmId=2", "query")
    assert info.value.name == "realmId"
    # The same error is a CallbackValueError and a MismatchingStateError (requests-oauthlib's
    # callers catch the latter around the callback).
    assert isinstance(info.value, CallbackValueError)
    assert isinstance(info.value, MismatchingStateError)


def test_with_single_only_the_named_parameters_must_be_single() -> None:
    params = callback_params("x=1&x=2&code=c", "query", single=OAUTH_RESPONSE_PARAMETERS)
    assert params == {"x": "2", "code": "c"}
    with pytest.raises(RepeatedParameterError, match="'state'"):
        callback_params("state=a&%73tate=b", "query", single=OAUTH_RESPONSE_PARAMETERS)


def test_a_state_sent_must_come_back_equal() -> None:
    verify_state({"state": "s1"}, "s1")
    with pytest.raises(StateMismatchError) as info:
        verify_state({"state": "s2"}, "s1")
    # oauthlib raises MismatchingStateError (code grant) or ValueError (implicit grant): both
    # kinds of except clause catch it.
    assert isinstance(info.value, MismatchingStateError)
    assert isinstance(info.value, ValueError)
    assert info.value.error == "mismatching_state"
    with pytest.raises(MismatchingStateError, match="has no 'state'"):
        verify_state({}, "s1")


def test_a_state_with_nothing_to_check_it_against_is_refused_with_the_hint() -> None:
    with pytest.raises(MismatchingStateError, match="none to check it against: do this"):
        verify_state({"state": "s1"}, None, unchecked_hint="do this")
    verify_state({}, None)  # no state sent, none received: nothing to tie


def test_the_state_parameter_name_and_support_come_from_the_provider() -> None:
    verify_state({"st": "s1"}, "s1", state_param="st")
    with pytest.raises(MismatchingStateError, match="has no 'st'"):
        verify_state({"state": "s1"}, "s1", state_param="st")
    verify_state({"state": "anything"}, None, support="unsupported")


def test_the_code_is_required() -> None:
    assert authorization_code({"code": "c1"}) == "c1"
    assert authorization_code({"spapi_oauth_code": "c2"}, "spapi_oauth_code") == "c2"
    for params in ({}, {"code": ""}):
        with pytest.raises(MissingCodeError, match="no 'code' parameter"):
            authorization_code(params)


ISSUER = "https://login.example.com/"


def test_the_issuer_must_match_when_one_is_expected() -> None:
    check_issuer(ISSUER, expected=ISSUER, advertised=True)
    check_issuer(None, expected=ISSUER, advertised=False)  # older servers send no iss
    check_issuer("https://anyone.example/", expected=None, advertised=True)  # nothing to compare
    with pytest.raises(IssuerMismatchError, match=re.escape("'https://evil.example/'")):
        check_issuer("https://evil.example/", expected=ISSUER, advertised=False)
    with pytest.raises(IssuerMismatchError, match="has no 'iss'"):
        check_issuer(None, expected=ISSUER, advertised=True)


def test_an_issuer_template_stands_for_one_path_segment_per_placeholder() -> None:
    template = "https://login.microsoftonline.com/{tid}/v2.0"
    expected = "https://login.microsoftonline.com/common/v2.0"
    tenant = "https://login.microsoftonline.com/9188040d-6c67/v2.0"
    check_issuer(tenant, expected=expected, advertised=True, template=template)
    for other in (
        "https://login.microsoftonline.com/a/b/v2.0",
        "https://login.microsoftonline.com.evil.example/x/v2.0",
    ):
        with pytest.raises(IssuerMismatchError):
            check_issuer(other, expected=expected, advertised=True, template=template)


def test_a_long_issuer_is_shown_bounded() -> None:
    with pytest.raises(IssuerMismatchError) as info:
        check_issuer("https://x.example/" + "a" * 5000, expected=ISSUER, advertised=False)
    assert len(str(info.value)) < 400
