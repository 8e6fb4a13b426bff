"""Scopes, the authorization request and the callback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .markers import MinItems, Unique
from .vocabulary import (
    OAUTH2_FAMILY,
    ArgumentName,
    ClientParams,
    Fragment,
    ParamName,
    ParamValue,
    ScopeList,
    ScopeName,
    ScopeSeparator,
    SnakeName,
    Support,
    Text,
    meta,
    unconfirmed_field,
)


@dataclass(frozen=True, kw_only=True)
class Scopes:
    """How scopes are named and sent."""

    supported: bool = field(
        default=True, metadata=meta("False when the provider has no scope parameter at all.")
    )
    param: ParamName = field(default="scope", metadata=meta("Query parameter carrying scopes."))
    user_param: ParamName | None = field(
        default=None,
        metadata=meta(
            "Second parameter for user scopes (Slack user_scope).", protocols=OAUTH2_FAMILY
        ),
    )
    separator: ScopeSeparator = field(default=" ", metadata=meta("Joins scopes in the parameter."))
    known: Mapping[ScopeName, Text] = field(
        default_factory=dict,
        metadata=meta(
            "Scopes the provider defines, with a description; they form the Scope Literal."
        ),
    )
    default: ScopeList = field(default=(), metadata=meta("Requested when the caller names none."))
    required: ScopeList = field(default=(), metadata=meta("Always requested (e.g. openid)."))
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class AuthorizeOption:
    """A typed optional keyword argument of a flow method; None: not sent."""

    type: Literal["str", "int", "bool", "enum"] = field(
        metadata=meta("Argument type; enum takes one of `values`.")
    )
    values: Annotated[tuple[ParamValue, ...], Unique("value")] = field(
        default=(), metadata=meta("Allowed values of an enum option.")
    )
    param: ParamName | None = field(
        default=None, metadata=meta("Query parameter name; default: the option name.")
    )
    true_value: ParamValue = field(default="true", metadata=meta("Sent for True (bool only)."))
    false_value: ParamValue = field(default="false", metadata=meta("Sent for False (bool only)."))
    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))


@dataclass(frozen=True, kw_only=True)
class Authorize:
    """The authorization request."""

    response_type: ParamValue | None = field(
        default="code",
        metadata=meta("response_type value; null omits the parameter.", protocols=OAUTH2_FAMILY),
    )
    response_mode: Literal["query", "fragment", "form_post"] | None = field(
        default=None, metadata=meta("response_mode sent to the provider.", protocols=OAUTH2_FAMILY)
    )
    pkce: Support = field(
        default="supported",
        metadata=meta("Whether PKCE is sent (RFC 7636).", protocols=OAUTH2_FAMILY),
    )
    pkce_methods: Annotated[tuple[Literal["S256", "plain"], ...], Unique("method"), MinItems(1)] = (
        field(
            default=("S256",),
            metadata=meta("Challenge methods, preferred first.", protocols=OAUTH2_FAMILY),
        )
    )
    state: Support = field(
        default="required",
        metadata=meta("Whether the provider echoes `state`.", protocols=OAUTH2_FAMILY),
    )
    params: ClientParams = field(
        default_factory=dict, metadata=meta("Fixed extra query parameters.")
    )
    options: Mapping[ArgumentName, AuthorizeOption] = field(
        default_factory=dict, metadata=meta("Typed optional arguments of authorization_url.")
    )
    param_names: Mapping[
        Literal["client_id", "redirect_uri", "response_type", "scope", "state"], ParamName
    ] = field(
        default_factory=dict,
        metadata=meta(
            "Renamed standard parameters (client_id: client_key).", protocols=OAUTH2_FAMILY
        ),
    )
    omit_empty: bool = field(
        default=False, metadata=meta("Leave out parameters whose value is empty.")
    )
    unencoded_params: Annotated[tuple[ParamName, ...], Unique("parameter")] = field(
        default=(), metadata=meta("Parameters sent without percent-encoding.")
    )
    fragment: Fragment | None = field(
        default=None, metadata=meta("Fragment appended to the URL (WeChat: wechat_redirect).")
    )
    unconfirmed: bool = unconfirmed_field()


@dataclass(frozen=True, kw_only=True)
class CapturedValue:
    """A value the provider adds to the redirect."""

    param: ParamName | None = field(
        default=None, metadata=meta("Callback parameter; default: the capture name.")
    )
    type: Literal["str", "int", "json"] = field(
        default="str", metadata=meta("How the value is decoded.")
    )
    required: bool = field(default=False, metadata=meta("Whether every callback carries it."))
    on_token: bool = field(
        default=False,
        metadata=meta(
            "Also keep it on the token under the capture's name (QuickBooks' realmId as "
            "realm_id), usable as {token.<name>} and kept across refreshes.",
            protocols=OAUTH2_FAMILY,
        ),
    )
    description: Text | None = field(default=None, metadata=meta("Shown in the docstring."))


@dataclass(frozen=True, kw_only=True)
class CallbackErrors:
    """Parameters that carry an error on the redirect."""

    code_param: ParamName = field(default="error", metadata=meta("Error code parameter."))
    message_param: ParamName | None = field(
        default="error_description", metadata=meta("Error message parameter.")
    )
    cancel_param: ParamName | None = field(
        default=None, metadata=meta("Parameter present when the user cancelled (Twitter: denied).")
    )


@dataclass(frozen=True, kw_only=True)
class Callback:
    """How the provider sends the user back."""

    mode: Literal["query", "fragment", "form_post"] = field(
        default="query", metadata=meta("Where the callback parameters arrive.")
    )
    code_param: ParamName = field(
        default="code", metadata=meta("Authorization code parameter.", protocols=OAUTH2_FAMILY)
    )
    state_param: ParamName = field(
        default="state", metadata=meta("State parameter.", protocols=OAUTH2_FAMILY)
    )
    capture: Mapping[SnakeName, CapturedValue] = field(
        default_factory=dict, metadata=meta("Extra values kept from the callback.")
    )
    error: CallbackErrors = field(
        default_factory=CallbackErrors, metadata=meta("Error parameters.")
    )
    unconfirmed: bool = unconfirmed_field()
