"""One reader for the answers of token-type endpoints: token, device authorization,
revocation and introspection.

The same rules hold for plain OAuth 2 and for every provider spec; a spec only changes the
data (``ErrorShape``): where the error code and message are, whether a 200 answer can carry
an error, and which flag marks success. The body decides first: an error in it wins whatever
the status (some servers answer errors with 200). The status is the fallback: a non-2xx
without an error is ``TokenEndpointError``. An answer without a real status (a test's
``MagicMock``) is read by its body alone, as requests-oauthlib read it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, Final, Protocol

from oauthlib.common import urldecode

from ..device import DeviceAuthorization, parse_device_authorization
from ..errors import TokenEndpointError, TokenResponseParseError, oauth2_error_from_body
from .http import Response
from .paths import MISSING, get_path
from .reading import status_of, text_of


class SuccessFlag(Protocol):
    """A field every successful answer carries with this value (Slack's ``ok: true``)."""

    @property
    def path(self) -> str: ...

    @property
    def value(self) -> bool | int | str: ...


class ErrorShape(Protocol):
    """Where an endpoint's answers report errors: a spec's ``errors`` section (its view
    satisfies this) or :data:`DEFAULT_ERRORS`."""

    @property
    def code_path(self) -> str: ...

    @property
    def message_path(self) -> str | None: ...

    @property
    def in_success_body(self) -> bool: ...

    @property
    def success_flag(self) -> SuccessFlag | None: ...


class _StandardErrors:
    """RFC 6749 §5.2: ``error`` and ``error_description`` at the top of the body, on any
    status, and no success flag."""

    __slots__ = ()
    code_path = "error"
    message_path = "error_description"
    in_success_body = True
    success_flag = None

    def __repr__(self) -> str:
        return "DEFAULT_ERRORS"


DEFAULT_ERRORS: Final[ErrorShape] = _StandardErrors()
ANY_SUCCESS: Collection[int] = range(200, 300)


def decode_body(text: str) -> dict[str, Any] | None:
    """A body as a dict (a JSON object, else form-encoded parameters), or None if neither."""
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        return value if isinstance(value, dict) else None
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return dict(urldecode(stripped))
    except ValueError:
        return None


def decode_answer(response: Response, body_format: str = "auto") -> dict[str, Any] | None:
    """The body as a dict per ``body_format`` (``json``, ``form``, or ``auto`` by content)."""
    text = text_of(response)
    if body_format == "json":
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    if body_format == "form":
        try:
            pairs = urldecode(text.strip())
        except ValueError:
            return None
        return dict(pairs) if pairs else None
    return decode_body(text)


def error_in(
    document: Mapping[str, Any] | None, errors: ErrorShape, *, use_flag: bool = True
) -> tuple[str, str | None] | None:
    """``(code, message)`` when ``document`` reports an error per ``errors``.

    ``use_flag=False`` ignores ``success_flag`` (answers of other endpoints, such as
    revocation, need not carry it).
    """
    if document is None:
        return None
    code = get_path(document, errors.code_path)
    failed = code not in (MISSING, None, "", False)
    flag = errors.success_flag if use_flag else None
    if flag is not None:
        found = get_path(document, flag.path)
        if found is MISSING or not same_value(found, flag.value):
            failed = True
    if not failed:
        return None
    if code in (MISSING, None, "", False):
        code = "request_failed"
    message_path = errors.message_path
    message = get_path(document, message_path) if message_path else MISSING
    return _text(code), (None if message in (MISSING, None) else _text(message))


def same_value(found: object, wanted: object) -> bool:
    """A flag compared as sent: ``"true"`` in a form body means True."""
    if isinstance(found, str) and not isinstance(wanted, str):
        return found.strip().lower() == json.dumps(wanted)
    return found == wanted


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def error_for(response: Response, code: str, message: str | None, document: Any) -> Exception:
    """The typed (oauthlib) error for an error answer; a standard ``error_uri`` is kept."""
    params: dict[str, Any] = {"error": code, "error_description": message}
    if isinstance(document, Mapping) and isinstance(document.get("error_uri"), str):
        params["error_uri"] = document["error_uri"]
    return oauth2_error_from_body(params, response)


def raise_for_error(
    response: Response,
    document: Mapping[str, Any] | None,
    errors: ErrorShape = DEFAULT_ERRORS,
    *,
    allow_empty: bool = False,
    use_flag: bool = True,
) -> None:
    """Raise the typed error an answer stands for; return when it is a success.

    ``allow_empty``: an empty body is a success (revocation); any other body that is
    neither JSON nor a form is ``TokenResponseParseError``.
    """
    status = status_of(response)
    success = status is None or 200 <= status < 300
    check = errors.in_success_body or not success or status is None
    found = error_in(document, errors, use_flag=use_flag) if check else None
    if found is not None:
        raise error_for(response, *found, document)
    if not success:
        raise TokenEndpointError(response)
    if document is None and not (allow_empty and not text_of(response).strip()):
        raise TokenResponseParseError(response, "expected a JSON object or form-encoded parameters")


def read_answer(
    response: Response,
    errors: ErrorShape = DEFAULT_ERRORS,
    *,
    body_format: str = "auto",
    allow_empty: bool = False,
    use_flag: bool = True,
) -> dict[str, Any]:
    """The parameters of a successful answer (``{}`` for an allowed empty one); the typed
    error it stands for otherwise."""
    document = decode_answer(response, body_format)
    raise_for_error(response, document, errors, allow_empty=allow_empty, use_flag=use_flag)
    return dict(document or {})


def read_introspection(response: Response, errors: ErrorShape = DEFAULT_ERRORS) -> dict[str, Any]:
    """An RFC 7662 answer; it must carry a boolean ``active``."""
    answer = read_answer(response, errors, use_flag=False)
    if not isinstance(answer.get("active"), bool):
        raise TokenResponseParseError(response, "introspection answer lacks a boolean 'active'")
    return answer


def read_revocation(
    response: Response,
    errors: ErrorShape = DEFAULT_ERRORS,
    *,
    success_status: Collection[int] = ANY_SUCCESS,
) -> Any:
    """Check an RFC 7009 answer; return its decoded body (any JSON value, MISSING when the
    body is not JSON) for a caller that must find a confirmation in it.

    Success is a status in ``success_status`` (any 2xx by default) without an error in the
    body (unless errors are never reported in successful answers); an empty or non-JSON
    body is fine.
    """
    text = text_of(response)
    try:
        body: Any = json.loads(text)  # any JSON: a confirmation may be a bare `true`
    except ValueError:
        body = decode_body(text) if text.strip() else None
        if body is None:
            body = MISSING
    document = body if isinstance(body, dict) else None
    found = error_in(document, errors, use_flag=False)
    status = status_of(response)  # unknown (a test's MagicMock): the body decides
    succeeded = found is None if status is None else status in success_status
    if succeeded and (found is None or not errors.in_success_body):
        return body
    if found is not None:
        raise error_for(response, *found, document)
    raise TokenEndpointError(response)


def read_device_authorization(
    response: Response,
    errors: ErrorShape = DEFAULT_ERRORS,
    *,
    response_paths: Mapping[str, str] | None = None,
    default_interval: int | None = None,
) -> DeviceAuthorization:
    """An RFC 8628 §3.2 answer as a ``DeviceAuthorization``; ``response_paths`` say where
    a provider puts the standard fields, ``default_interval`` applies when it sends none."""
    document = read_answer(response, errors, use_flag=False)
    answer = dict(document)
    for name, path in (response_paths or {}).items():
        value = get_path(document, path)
        if value is not MISSING:
            answer[name] = value
    if default_interval is not None and answer.get("interval") in (None, ""):
        answer["interval"] = default_interval
    return parse_device_authorization(answer)
