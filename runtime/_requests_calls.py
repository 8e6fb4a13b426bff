"""The requests transport of the core: a :class:`~runtime.core.http.Call` sent through a
``requests.Session``, and core flows driven by it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from ._transport import require_secure_url, without_redirects
from .core.flow import Flow, T, run
from .core.http import Call
from .core.polling import cancellable_wait


def request_arguments(call: Call) -> dict[str, Any]:
    """``requests.Session.request`` keyword arguments for ``call``'s parameters, headers,
    timeout and transport options."""
    arguments: dict[str, Any] = {"headers": dict(call.headers)}
    key = {"json": "json", "form": "data", "query": "params"}[call.encoding]
    arguments[key] = dict(call.params)
    if call.timeout is not None:
        arguments["timeout"] = call.timeout
    arguments.update(call.options)
    return arguments


def send_call(session: requests.Session, call: Call) -> requests.Response:
    """Send ``call`` through ``session``.

    A token-type call (not ``with_token``) through an ``OAuth2Session`` goes out without the
    access token, and a network error names the endpoint without its query. Unless
    ``follow_redirects`` (API calls such as userinfo), a 3xx answer is not followed and
    raises ``TokenEndpointRedirectError``: token-type requests carry credentials.
    """
    require_secure_url(call.url)
    arguments = request_arguments(call)
    method = call.method.upper()
    endpoint_request = getattr(session, "_endpoint_request", None)
    if not call.with_token and endpoint_request is not None:
        response: requests.Response = endpoint_request(method, call.url, **arguments)
        return response
    if call.follow_redirects:
        return session.request(method, call.url, **arguments)
    return without_redirects(session.request, call.url, method, call.url, **arguments)


def run_with(
    session: requests.Session,
    flow: Flow[T],
    *,
    cancel: threading.Event | None = None,
    sleep: Callable[[float], object] | None = None,
) -> T:
    """Drive ``flow`` to its result through ``session``; waits honour ``cancel``/``sleep``."""
    return run(flow, lambda call: send_call(session, call), cancellable_wait(cancel, sleep))
