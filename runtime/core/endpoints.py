"""The calls to token-type endpoints, built and read once for every client: the token
request of every grant (RFC 6749 §4, §6; RFC 7523; RFC 8628 §3.4), device authorization
(RFC 8628 §3.1), revocation (RFC 7009) and introspection (RFC 7662).

``OAuth2Session`` runs them with the defaults (plain OAuth 2); a generated client runs them with
its spec's sections. What differs between the two is given, not re-implemented:
``authenticate`` adds the client's authentication (and the provider's parameter names) to a
call, ``prepare`` applies per-call options and the spec's request hooks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..device import DeviceAuthorization
from ..errors import ProviderResponseError
from .answers import (
    ANY_SUCCESS,
    DEFAULT_ERRORS,
    ErrorShape,
    read_device_authorization,
    read_introspection,
    read_revocation,
    same_value,
)
from .flow import Flow
from .http import JSON_ACCEPT, Call, Encoding, Response, default_encoding
from .paths import MISSING, get_path

Authenticate = Callable[[Call], None]
"""Adds the client's authentication to a token-type call, in place."""
Prepare = Callable[[Call], Call]
"""The last change to a call before it is sent (per-call options, request hooks)."""
TokenHint = tuple[str, str | None]


def unchanged(call: Call) -> Call:
    return call


def no_client_auth(call: Call) -> None:
    """For a call the caller authenticates otherwise (its own ``auth``, or parameters it
    already holds)."""


def token_request(
    url: str,
    params: Mapping[str, str],
    authenticate: Authenticate,
    *,
    method: str = "POST",
    encoding: Encoding | None = None,
    headers: Mapping[str, str] = JSON_ACCEPT,
    prepare: Prepare = unchanged,
) -> Call:
    """A token-endpoint call: the grant's ``params`` (a form body for POST, the query for
    GET, unless ``encoding`` says otherwise) with ``headers``, then the client's
    authentication, then ``prepare``. Never sent with the access token, never redirected."""
    call = Call(method, url, dict(params), dict(headers), default_encoding(method, encoding))
    authenticate(call)
    return prepare(call)


@dataclass(frozen=True)
class SuccessBody:
    """What a successful revocation answer must hold: ``value`` at ``path`` (None: the body)."""

    path: str | None
    value: object


@dataclass(frozen=True)
class Revocation:
    """How a server takes revocations; the defaults are RFC 7009's."""

    method: str = "POST"
    encoding: Encoding | None = None
    """None: a form body for POST, the query for GET and DELETE."""
    token_param: str | None = "token"
    """None: the token travels only as the request's credentials (``with_token``)."""
    send_token_type_hint: bool = True
    authenticate_with_token: bool = False
    """The token itself authenticates the request (no client authentication)."""
    success_status: Collection[int] = ANY_SUCCESS
    success_body: SuccessBody | None = None


PLAIN_REVOCATION = Revocation()


def token_to_revoke(
    token: str | None,
    hint: str | None,
    current: Mapping[str, Any] | None,
    *,
    default: str = "refresh_token",
) -> TokenHint | None:
    """The token a revocation is about, and its type hint: ``token`` when given, else the
    client's refresh token (when ``default`` says so), else its access token; None when there
    is nothing to revoke."""
    if token:
        return token, hint
    current = current or {}
    if default == "refresh_token" and current.get("refresh_token"):
        return str(current["refresh_token"]), hint or "refresh_token"
    if current.get("access_token"):
        return str(current["access_token"]), hint or "access_token"
    return None


def revoke(
    url: str,
    token: TokenHint,
    authenticate: Authenticate,
    *,
    rules: Revocation = PLAIN_REVOCATION,
    errors: ErrorShape = DEFAULT_ERRORS,
    prepare: Prepare = unchanged,
) -> Flow[None]:
    """Revoke ``token`` (value, type hint) at ``url``; the server's error raises its typed
    error, an answer without the confirmation ``rules`` ask for ``ProviderResponseError``."""
    value, hint = token
    call = Call(
        rules.method,
        url,
        headers=dict(JSON_ACCEPT),
        encoding=default_encoding(rules.method, rules.encoding),
        with_token=rules.authenticate_with_token,
    )
    if rules.token_param:
        call.params[rules.token_param] = value
        if rules.send_token_type_hint and hint:
            call.params["token_type_hint"] = hint
    if not rules.authenticate_with_token:
        authenticate(call)
    response: Response = yield prepare(call)
    body = read_revocation(response, errors, success_status=rules.success_status)
    if rules.success_body is not None:
        _confirm(response, body, rules.success_body)


def introspect(
    url: str,
    token: str,
    authenticate: Authenticate,
    *,
    hint: str | None = None,
    errors: ErrorShape = DEFAULT_ERRORS,
    prepare: Prepare = unchanged,
) -> Flow[dict[str, Any]]:
    """What the server says of ``token``; the answer always has a boolean ``active``."""
    call = Call("POST", url, {"token": token}, dict(JSON_ACCEPT))
    if hint:
        call.params["token_type_hint"] = hint
    authenticate(call)
    response: Response = yield prepare(call)
    return read_introspection(response, errors)


def authorize_device(
    url: str,
    authenticate: Authenticate,
    *,
    scope: str | None = None,
    params: Mapping[str, str] | None = None,
    errors: ErrorShape = DEFAULT_ERRORS,
    response_paths: Mapping[str, str] | None = None,
    default_interval: int | None = None,
    prepare: Prepare = unchanged,
) -> Flow[DeviceAuthorization]:
    """Start the device flow: the user code and where to enter it. ``response_paths`` say
    where a provider puts the standard fields, ``default_interval`` applies when it sends none."""
    call = Call("POST", url, dict(params or {}), dict(JSON_ACCEPT))
    if scope:
        call.params["scope"] = scope
    authenticate(call)
    response: Response = yield prepare(call)
    return read_device_authorization(
        response, errors, response_paths=response_paths, default_interval=default_interval
    )


def _confirm(response: Response, body: Any, expected: SuccessBody) -> None:
    found = body if expected.path is None or body is MISSING else get_path(body, expected.path)
    if found is MISSING or not same_value(found, expected.value):
        place = repr(expected.path) if expected.path else "the body"
        raise ProviderResponseError(
            "revocation",
            response,
            f"the answer does not confirm it ({place} should be {json.dumps(expected.value)})",
        )
