"""Reading the redirect back from the provider.

``callback.mode`` says where the parameters are: the URL's query, its fragment, or a POSTed
form (``form_post``). Whatever the mode, the caller may pass the full callback URL or just the
parameter string (``code=...&state=...``); for ``form_post`` that is the POSTed body, which
web frameworks hand over as-is (``request.get_data(as_text=True)``).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from oauthlib.oauth2.rfc6749.errors import MismatchingStateError, MissingCodeError

from .._transport import require_secure_url
from ..errors import AuthorizationDenied, oauth2_error_from_body, quote_server_words
from .errors import FieldTypeError
from .fields import coerce
from .flow_errors import CallbackValueError
from .spec_types import CallbackErrorsData, CapturedValueData


def callback_params(authorization_response: str, mode: str) -> dict[str, str]:
    """The callback's parameters; a parameter given twice is refused (it would be ambiguous)."""
    text = authorization_response.strip()
    parts = urlsplit(text)
    # A URL (https://app/cb?..., or a native app's private-use scheme com.example.app:/cb?...,
    # RFC 8252 section 7.1); not a parameter string whose values hold ":".
    if parts.scheme and (parts.netloc or parts.path.startswith("/")):
        if parts.scheme.lower() in ("http", "https"):
            require_secure_url(text)
        if mode == "fragment":
            text = parts.fragment
        elif mode == "form_post":
            text = parts.query or parts.fragment
        else:
            text = parts.query
    text = text.lstrip("?#")
    params: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name in params:
            raise CallbackValueError(name, f"the callback carries {name!r} more than once")
        params[name] = value
    return params


def raise_callback_error(params: Mapping[str, str], errors: CallbackErrorsData) -> None:
    """Raise the error the provider reported on the redirect, if any."""
    message_param = errors.get("message_param")
    message = params.get(message_param) if message_param else None
    cancel = errors.get("cancel_param")
    if cancel and cancel in params:
        if not message:
            raise AuthorizationDenied(description="the user cancelled the authorization")
        raise quote_server_words(AuthorizationDenied(description=message), message)
    code = params.get(errors["code_param"])
    if code:
        raise oauth2_error_from_body({"error": code, "error_description": message})


def verify_state(
    params: Mapping[str, str], state_param: str, expected: str | None, support: str
) -> None:
    """Check the echoed state against the one sent (B7): a state that was sent must come back,
    whether the spec says ``required`` or ``supported``."""
    if support == "unsupported":
        return
    received = params.get(state_param)
    if received is None:
        if expected is not None:
            raise MismatchingStateError(
                description=f"the callback has no {state_param!r}; it cannot be tied to this client"
            )
        return
    if expected is None:
        raise MismatchingStateError(
            description=(
                "the callback carries a state but there is none to check it against: pass "
                "the AuthorizationRequest authorization_url() returned, "
                "fetch_token(callback, request=...)"
            )
        )
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise MismatchingStateError()


def authorization_code(params: Mapping[str, str], code_param: str) -> str:
    code = params.get(code_param)
    if not code:
        raise MissingCodeError(description=f"the callback has no {code_param!r} parameter")
    return code


def read_captures(
    params: Mapping[str, str], capture: Mapping[str, CapturedValueData]
) -> dict[str, Any]:
    """Values the spec captures from the callback, typed; a required one must be there (C1)."""
    captured: dict[str, Any] = {}
    for name, rule in capture.items():
        param = rule.get("param") or name
        value = params.get(param)
        if value is None or value == "":
            if rule.get("required"):
                raise CallbackValueError(
                    name, f"the callback lacks the required parameter {param!r} ({name})"
                )
            continue
        try:
            captured[name] = coerce(value, rule.get("type", "str"), f"callback parameter {param!r}")
        except FieldTypeError as exc:
            raise CallbackValueError(name, str(exc)) from None
    return captured
