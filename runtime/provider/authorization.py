"""The authorization request: scopes, parameters, options, PKCE, state, nonce.

Reserved option keys, besides the spec's ``authorize.options``:

* ``user_scopes``: a list of user scopes sent in ``scopes.user_param`` (Slack ``user_scope``);
* ``offline``: ``False`` leaves out ``refresh.requires_scopes`` / ``requires_params``, which
  are otherwise requested whenever the spec supports refresh.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..core.authorization import authorization_params, authorization_url
from ..core.pkce import code_challenge
from .pending import PendingAuthorization
from .scopes import join_scopes
from .spec_view import AuthorizeOptionView, AuthorizeView, SpecView
from .templates import Placeholders, render_text

RESERVED_OPTIONS = ("user_scopes", "offline")


def pkce_method(authorize: AuthorizeView) -> str | None:
    """The challenge method to send: none when unsupported, else S256 when listed."""
    if authorize.pkce == "unsupported":
        return None
    methods = authorize.pkce_methods
    return "S256" if "S256" in methods else methods[0]


def wants_offline(spec: SpecView, options: Mapping[str, object]) -> bool:
    refresh = spec.refresh
    return bool(refresh and refresh.supported) and options.get("offline", True) is not False


def requested_scopes(
    spec: SpecView, scopes: Sequence[str] | None, *, offline: bool = False
) -> list[str]:
    """Required scopes, then the caller's (or the defaults), then those refresh needs."""
    rules = spec.scopes
    if not rules.supported:
        return []
    if isinstance(scopes, str):
        raise TypeError("scopes must be a list of scope names, not one string")
    chosen = list(rules.default) if scopes is None else list(scopes)
    refresh = spec.refresh
    extra = list(refresh.requires_scopes) if offline and refresh else []
    return list(dict.fromkeys([*rules.required, *chosen, *extra]))


def option_params(spec: SpecView, options: Mapping[str, object]) -> list[tuple[str, str]]:
    """The typed authorization options as wire parameters; None means "not given"."""
    return typed_option_params(
        spec.authorize.options, options, reserved=RESERVED_OPTIONS, what="authorization"
    )


def typed_option_params(
    declared: Mapping[str, AuthorizeOptionView],
    options: Mapping[str, object],
    *,
    reserved: Collection[str] = (),
    what: str,
) -> list[tuple[str, str]]:
    """Typed options (spec ``options`` sections) as wire parameters; None means "not given"."""
    params: list[tuple[str, str]] = []
    for name, value in options.items():
        rule = declared.get(name)
        if rule is None:
            if name in reserved:
                continue
            known = ", ".join(sorted({*declared, *reserved})) or "none"
            raise ValueError(f"unknown {what} option {name!r}; known: {known}")
        if value is None:
            continue
        params.append((rule.param or name, _option_value(name, value, rule)))
    return params


def _option_value(name: str, value: object, rule: AuthorizeOptionView) -> str:
    kind = rule.type
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"option {name!r} takes True or False, not {value!r}")
        return rule.true_value if value else rule.false_value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"option {name!r} takes an int, not {value!r}")
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"option {name!r} takes a str, not {value!r}")
    if kind == "enum" and value not in rule.values:
        listed = ", ".join(repr(item) for item in rule.values)
        raise ValueError(f"option {name!r} must be one of {listed}, not {value!r}")
    return value


def fixed_params(
    params: Mapping[str, str], placeholders: Placeholders, where: str
) -> list[tuple[str, str]]:
    return [
        (name, render_text(value, placeholders, where=f"{where}.{name}"))
        for name, value in params.items()
    ]


def finish_url(endpoint: str, params: list[tuple[str, str]], authorize: AuthorizeView) -> str:
    """The URL, with the spec's ``omit_empty``, ``unencoded_params`` and ``fragment``."""
    return authorization_url(
        endpoint,
        params,
        unencoded=authorize.unencoded_params,
        fragment=authorize.fragment,
        omit_empty=authorize.omit_empty,
    )


def oauth2_params(
    spec: SpecView,
    *,
    client_id: str,
    redirect_uri: str | None,
    scopes: Sequence[str] | None,
    options: Mapping[str, object],
    pending: PendingAuthorization,
    placeholders: Placeholders,
) -> list[tuple[str, str]]:
    """Every parameter of an OAuth 2 / OIDC authorization request, standard names renamed."""
    authorize = spec.authorize
    rules = spec.scopes
    names = authorize.param_names
    scope_param = names.get("scope", rules.param)
    offline = wants_offline(spec, options)
    scopes_sent: list[tuple[str, str]] = []
    chosen = requested_scopes(spec, scopes, offline=offline)
    if chosen:
        scopes_sent.append((scope_param, join_scopes(chosen, rules.separator)))
    user_scopes = options.get("user_scopes")
    if rules.user_param and user_scopes:
        if isinstance(user_scopes, str) or not isinstance(user_scopes, Sequence):
            raise TypeError("user_scopes must be a list of scope names")
        scopes_sent.append(
            (rules.user_param, join_scopes([str(s) for s in user_scopes], rules.separator))
        )
    method = pkce_method(authorize)
    verifier = pending.code_verifier
    params = authorization_params(
        client_id,
        response_type=authorize.response_type,
        redirect_uri=redirect_uri,
        scopes=scopes_sent,
        state=pending.state,
        challenge=(
            (code_challenge(verifier, method), method)
            if method is not None and verifier is not None
            else None
        ),
        nonce=pending.nonce,
        response_mode=authorize.response_mode,
        names=names,
    )
    refresh = spec.refresh
    if offline and refresh:
        params += fixed_params(refresh.requires_params, placeholders, "refresh.requires_params")
    params += fixed_params(authorize.params, placeholders, "authorize.params")
    params += option_params(spec, options)
    return params
