"""What a spec adds to reading the redirect back from the provider: its own error parameters
and the values it captures from the callback. Parsing, state and code are
:mod:`runtime.core.callback`'s, shared with ``OAuth2Session``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import (
    AuthorizationDenied,
    CallbackValueError,
    oauth2_error_from_body,
    quote_server_words,
)
from .errors import FieldTypeError
from .fields import coerce
from .spec_view import CallbackErrorsView, CapturedValueView


def raise_callback_error(params: Mapping[str, str], errors: CallbackErrorsView) -> None:
    """Raise the error the provider reported on the redirect, if any."""
    message_param = errors.message_param
    message = params.get(message_param) if message_param else None
    cancel = errors.cancel_param
    if cancel and cancel in params:
        if not message:
            raise AuthorizationDenied(description="the user cancelled the authorization")
        raise quote_server_words(AuthorizationDenied(description=message), message)
    code = params.get(errors.code_param)
    if code:
        raise oauth2_error_from_body({"error": code, "error_description": message})


def read_captures(
    params: Mapping[str, str], capture: Mapping[str, CapturedValueView]
) -> dict[str, Any]:
    """Values the spec captures from the callback, typed; a required one must be there."""
    captured: dict[str, Any] = {}
    for name, rule in capture.items():
        param = rule.param or name
        value = params.get(param)
        if value is None or value == "":
            if rule.required:
                raise CallbackValueError(
                    name, f"the callback lacks the required parameter {param!r} ({name})"
                )
            continue
        try:
            captured[name] = coerce(value, rule.type, f"callback parameter {param!r}")
        except FieldTypeError as exc:
            raise CallbackValueError(name, str(exc)) from None
    return captured
