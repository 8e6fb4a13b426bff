"""Errors raised by the runtime.

Every class derives from oauthlib's own exceptions (or ``ValueError``/``Warning`` exactly as
requests-oauthlib does), so ``except`` clauses written for requests-oauthlib keep working.
Messages name the problem, never a token or secret.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from oauthlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    CustomOAuth2Error,
    InvalidClientIdError,
    InvalidGrantError,
    InvalidRequestError,
    MismatchingStateError,
    MissingTokenError,
    OAuth2Error,
    raise_from_error,
)
from oauthlib.oauth2.rfc8628.errors import (
    AccessDenied,
    AuthorizationPendingError,
    ExpiredTokenError,
    SlowDownError,
)

__all__ = [
    "SERVER_TEXT_LIMIT",
    "AccessDenied",
    "AuthorizationDenied",
    "AuthorizationPendingError",
    "CallbackError",
    "CallbackReusedError",
    "CallbackValueError",
    "ExpiredTokenError",
    "InvalidRequest",
    "IssuerMismatchError",
    "NoTokenError",
    "PKCEMethodError",
    "ProviderResponseError",
    "RefreshTokenSpentError",
    "RepeatedParameterError",
    "SlowDownError",
    "StateMismatchError",
    "TokenEndpointError",
    "TokenEndpointRedirectError",
    "TokenResponseParseError",
    "TokenUpdated",
    "oauth2_error_from_body",
    "quote_server_words",
    "server_text",
]

from ._redact import SERVER_TEXT_LIMIT, escaped_server_text
from ._transport import redirect_refusal, without_query
from .core.reading import describe, status_of, url_of

if TYPE_CHECKING:
    from .core.http import Response


class TokenUpdated(Warning):
    """Raised by auto refresh when no ``token_updater`` is set; ``.token`` holds the new token."""

    def __init__(self, token: dict[str, Any]) -> None:
        super().__init__("the access token was refreshed; save exc.token")
        self.token = token


class TokenEndpointError(OAuth2Error):
    """The token endpoint answered with an HTTP error and no OAuth error code in the body.

    ``status_code`` and ``response`` carry the answer; the message names the status and the
    content type but never the body, which may echo credentials.
    """

    error = "token_endpoint_error"

    def __init__(self, response: Response) -> None:
        super().__init__(
            description=(
                f"token endpoint {url_of(response)} answered {describe(response)} without an "
                "OAuth error code"
            ),
            status_code=status_of(response),
        )
        self.response: Any = response


class TokenEndpointRedirectError(TokenEndpointError):
    """A token-type endpoint (token, refresh, revocation, introspection, device) answered 3xx.

    The redirect is not followed: the request carries credentials (client secret, code,
    code verifier, refresh token, password) and RFC 6749 defines no redirects for these
    endpoints, so nothing is sent to the ``Location`` and no token is taken from it.
    ``endpoint`` is the URL that answered, without its query; the message names it, the
    status and the origin the server pointed to.
    """

    error = "token_endpoint_redirect"

    def __init__(self, response: Response, endpoint: str) -> None:
        OAuth2Error.__init__(
            self,
            description=redirect_refusal(response, endpoint),
            status_code=response.status_code,
        )
        self.response: Any = response
        self.endpoint = without_query(endpoint)


class TokenResponseParseError(MissingTokenError, ValueError):
    """A successful (2xx) token response that cannot be used: neither a JSON object nor
    form-encoded, or a field of the wrong kind (``field`` names it, e.g. ``expires_in``).

    Also a ``ValueError``, which oauthlib raised for a malformed ``expires_in``.
    """

    error = "invalid_token_response"

    def __init__(self, response: Response, reason: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(
            description=(
                f"token endpoint {url_of(response)} answered with an unusable body "
                f"({describe(response)}): {reason}"
            ),
            status_code=status_of(response),
        )
        self.response: Any = response


class ProviderResponseError(OAuth2Error):
    """An API answer (profile, revocation, ...) that is an error or cannot be read.

    ``status_code`` and ``response`` carry the answer; the message never includes its body.
    """

    error = "provider_response_error"

    def __init__(self, what: str, response: Response | None, reason: str) -> None:
        status = response.status_code if response is not None else None
        url = (response.url or "").split("?", 1)[0] if response is not None else ""
        where = f" from {url}" if url else ""
        super().__init__(description=f"{what}{where}: {reason}", status_code=status)
        self.response: Any = response


class InvalidRequest(InvalidClientIdError, InvalidRequestError):
    """``invalid_request`` from a server.

    oauthlib maps that code to ``InvalidClientIdError``, which ``except InvalidRequestError``
    does not catch; this class is both, so either clause works.
    """


class AuthorizationDenied(AccessDeniedError, AccessDenied):
    """``access_denied`` from a token endpoint: RFC 6749's and RFC 8628's class at once, so
    handlers written for either catch it."""


class CallbackError(OAuth2Error):
    """An authorization response (the redirect back to the client) that must not be used.

    Raised before any token request; ``except OAuth2Error`` clauses catch it.
    """

    error = "invalid_callback"


class IssuerMismatchError(CallbackError):
    """RFC 9207: the authorization response's ``iss`` is missing or names another issuer."""

    error = "invalid_issuer"


class StateMismatchError(CallbackError, MismatchingStateError, ValueError):
    """The callback's ``state`` is missing, differs from the one sent, or has none to check.

    oauthlib reports this as ``MismatchingStateError`` for the code grant and as a plain
    ``ValueError`` for the implicit grant; this class is both, so either ``except`` clause
    written for requests-oauthlib keeps catching it.
    """

    error = "mismatching_state"


class CallbackValueError(CallbackError):
    """A value of the callback is missing, malformed or ambiguous; ``name`` says which."""

    def __init__(self, name: str, description: str) -> None:
        super().__init__(description=description)
        self.name = name


class RepeatedParameterError(CallbackValueError, MismatchingStateError):
    """A parameter of the authorization response appears more than once (RFC 6749 §3.1).

    Also a ``MismatchingStateError``: a repeated ``state`` is a state that cannot be checked,
    and code written for requests-oauthlib catches that class around the callback.
    """

    error = "invalid_callback"

    def __init__(self, name: str) -> None:
        super().__init__(
            name,
            f"the authorization response carries {name!r} more than once; it is ambiguous "
            f"and is not used (RFC 6749 §3.1)",
        )


class CallbackReusedError(CallbackError, InvalidGrantError):
    """This session already exchanged the code of this authorization response.

    Raised before anything is sent; also an ``InvalidGrantError``, which the server answers
    to a code used twice (RFC 6749 §4.1.2).
    """

    error = "invalid_callback"


class NoTokenError(MissingTokenError, ValueError):
    """A call that needs a token was made without one; nothing was sent.

    A ``MissingTokenError`` (oauthlib's "no token" class) and a ``ValueError`` (what these
    calls raised before), so either ``except`` clause catches it.
    """

    def __init__(self, what: str, needed: str = "a token") -> None:
        super().__init__(
            description=(
                f"{what} needs {needed} and there is none: get a token first (fetch_token, a "
                f"device or client-credentials grant), or pass token= / token_store= "
                f"holding a saved one"
            )
        )


class RefreshTokenSpentError(InvalidGrantError):
    """This session already traded this refresh token for a rotated one; it is not sent again.

    Raised before anything is sent. A spent refresh token gets ``invalid_grant``, and servers
    with reuse detection revoke the whole grant for it (RFC 9700 section 4.14.2).
    """

    description = (
        "this session already traded this refresh token for a newer one and does not send it "
        "again; use the session's current token, or authorize again"
    )


class PKCEMethodError(ValueError, AttributeError):
    """Unknown ``pkce=`` value. requests-oauthlib raised ``AttributeError``; both are caught."""


def oauth2_error_from_body(params: dict[str, Any], response: Response | None = None) -> OAuth2Error:
    """The error oauthlib would raise for ``params['error']``, plus RFC 8628's codes.

    oauthlib only maps RFC 6749 codes; device-flow codes would otherwise come back as
    ``CustomOAuth2Error``.
    """
    code = str(params.get("error"))
    kwargs: dict[str, Any] = {
        "description": _optional_str(params.get("error_description")),
        "uri": _optional_str(params.get("error_uri")),
        "state": _optional_str(params.get("state")),
    }
    error: OAuth2Error
    try:
        raise_from_error(code, _kwargs_to_params(kwargs))
    except OAuth2Error as raised:
        error = raised
    device_error = _DEVICE_FLOW_ERRORS.get(code)
    if isinstance(error, CustomOAuth2Error) and device_error is not None:
        error = device_error(**kwargs)
    elif type(error) is InvalidClientIdError:
        error = InvalidRequest(**kwargs)
    elif type(error) is AccessDeniedError:
        error = AuthorizationDenied(**kwargs)
    quote_server_words(error, kwargs["description"], kwargs["uri"])
    status = status_of(response)
    if status is not None:
        error.status_code = status
    error.response = response  # type: ignore[attr-defined]  # extra context for callers
    return error


# RFC 6749 §5.2: an error code is made of these characters; anything else is shown quoted.
_ERROR_CODE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}")


def server_text(value: object, limit: int = SERVER_TEXT_LIMIT) -> str:
    """Text a server chose, fit for a message or a log line: in double quotes, newlines and
    other control or invisible characters escaped, cut after ``limit`` characters with ``…``.
    """
    return '"' + escaped_server_text(value, limit, quote=True) + '"'


def quote_server_words(
    error: OAuth2Error, description: str | None, uri: str | None = None
) -> OAuth2Error:
    """Make ``error``'s message show what the server sent as the server's words.

    ``(invalid_grant) the server said: "…"``: its ``description`` and ``uri`` quoted, escaped
    and bounded by :func:`server_text`, so a server cannot forge log lines or flood them.
    The attributes (``error``, ``description``, ``uri``) keep the values as received.
    """
    code = str(error.error)
    shown = code if _ERROR_CODE.fullmatch(code) and code.strip() == code else server_text(code, 64)
    said = (
        f"the server said: {server_text(description)}"
        if description
        else "the server gave no description"
    )
    where = f" (error_uri {server_text(uri)})" if uri else ""
    error.args = (f"({shown}) {said}{where}",)
    return error


def _kwargs_to_params(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        "error_description": kwargs["description"],
        "error_uri": kwargs["uri"],
        "state": kwargs["state"],
    }


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


_DEVICE_FLOW_ERRORS: dict[str, type[OAuth2Error]] = {
    "authorization_pending": AuthorizationPendingError,
    "slow_down": SlowDownError,
    "expired_token": ExpiredTokenError,
    "access_denied": AccessDenied,
}
