"""Hook points, what a hook at each point receives, and the registry entry type.

A named hook is the escape hatch for a quirk that cannot be data. Each runs at one point of a
flow; its signature is fixed by the point, and its first argument is always the
:class:`~runtime.provider.hooks.host.HookHost` (``host.now()``, ``host.variable(name)``,
``host.introspect(token)``, ``host.http``, ``host.spec``, the credentials):

============================  ====================================================================
point                         call
============================  ====================================================================
client_secret                 ``(host) -> str``: the client secret for this token-type request
authorize_url                 ``(host, url) -> url``
callback                      ``(host, params) -> {name: value}``: values added to ``_captured()``;
                              raise to reject the callback
access_token_request,         ``(host, call) -> call``: the :class:`~runtime.core.http.Call`
refresh_token_request,        about to be sent
revoke_token_request
access_token_response,        ``(host, response) -> response``: before the body is parsed
refresh_token_response
protected_request             ``(host, url, headers, data) -> (url, headers, data)``
userinfo_request              ``(host, url) -> response``: makes the profile request itself
userinfo_response             ``(host, response) -> response``: before the profile is parsed
discovery                     ``(host, document, issuer) -> document``: before it is validated
============================  ====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, get_args

HookPoint = Literal[
    "client_secret",
    "authorize_url",
    "callback",
    "access_token_request",
    "access_token_response",
    "refresh_token_request",
    "refresh_token_response",
    "protected_request",
    "revoke_token_request",
    "userinfo_request",
    "userinfo_response",
    "discovery",
]

HOOK_POINTS: tuple[HookPoint, ...] = get_args(HookPoint)

HOOK_POINT_DESCRIPTIONS: Mapping[HookPoint, str] = {
    "client_secret": "Produces the client secret sent to the token endpoint.",
    "authorize_url": "Adjusts the authorization URL after it is built.",
    "callback": "Reads or verifies extra data on the redirect back to the client.",
    "access_token_request": "Adjusts the authorization-code token request before it is sent.",
    "access_token_response": "Normalises the token endpoint's answer before it is parsed.",
    "refresh_token_request": "Adjusts the refresh request before it is sent.",
    "refresh_token_response": "Normalises the refresh answer before it is parsed.",
    "protected_request": "Adjusts every API request made with the token.",
    "revoke_token_request": "Adjusts the revocation request before it is sent.",
    "userinfo_request": "Replaces how the profile request is made.",
    "userinfo_response": "Completes or normalises the profile after it is fetched.",
    "discovery": "Repairs the provider's discovery document.",
}

EXCLUSIVE_HOOK_POINTS: frozenset[HookPoint] = frozenset({"client_secret", "userinfo_request"})
"""Points where a second hook would have nothing left to do: one replaces the whole step."""


class HookInfo(NamedTuple):
    """One registered hook: where it runs, what it does, and the function that does it.

    ``variables`` names values the hook reads with ``host.variable`` beyond those the spec
    declares (Apple's ``team_id``); the client accepts them as ``variables=``.
    """

    name: str
    point: HookPoint
    description: str
    function: Callable[..., Any]
    variables: tuple[str, ...] = ()
