"""Rules for scopes, the authorization request and the callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from runtime.spec import AuthorizeOption

from ..errors import SpecPath, show
from .context import CheckContext

# Parameters the runtime sets itself; a spec must not fix or reuse them.
_MANAGED_AUTHORIZE_PARAMS = frozenset(
    {
        "client_id", "redirect_uri", "response_type", "response_mode", "state",
        "code_challenge", "code_challenge_method", "nonce",
    }
)  # fmt: skip


def check_scopes(ctx: CheckContext) -> None:
    scopes = ctx.spec.scopes
    if not scopes.supported:
        for listed in ("known", "default", "required", "user_param"):
            if ctx.present("scopes", listed):
                ctx.report(
                    ("scopes", listed),
                    "scopes are listed but scopes.supported is false",
                    "remove them, or set supported: true",
                    key=True,
                )
        return
    known = scopes.known
    for name in known:
        if scopes.separator.strip() and scopes.separator in name:
            ctx.report(
                ("scopes", "known", name),
                f"scope {show(name)} contains the separator {show(scopes.separator)}",
                "split it into separate scopes",
                key=True,
            )
    lists: list[tuple[SpecPath, tuple[str, ...]]] = [
        (("scopes", "default"), scopes.default),
        (("scopes", "required"), scopes.required),
    ]
    if ctx.spec.refresh is not None:
        lists.append((("refresh", "requires_scopes"), ctx.spec.refresh.requires_scopes))
    if known:
        for path, names in lists:
            for index, name in enumerate(names):
                if name not in known:
                    ctx.report(
                        (*path, index),
                        f"scope {show(name)} is not in scopes.known",
                        ctx.did_you_mean(name, known) or "add it to scopes.known",
                    )
    if scopes.user_param is not None and scopes.user_param == scopes.param:
        ctx.report(("scopes", "user_param"), "user_param equals param", "use another name")
    if ctx.spec.protocol == "oidc" and "openid" not in (*scopes.required, *scopes.default):
        ctx.report(
            ("scopes", "required"),
            "OIDC requests must include the openid scope",
            "add openid to scopes.required",
        )


def check_authorize(ctx: CheckContext) -> None:
    authorize = ctx.spec.authorize
    path: SpecPath = ("authorize",)
    if authorize.pkce == "unsupported" and ctx.present("authorize", "pkce_methods"):
        ctx.report(
            (*path, "pkce_methods"), "pkce is unsupported, so methods are unused", "remove it"
        )
    elif authorize.pkce != "unsupported" and authorize.pkce_methods == ("plain",):
        ctx.report(
            (*path, "pkce_methods"),
            "plain PKCE does not protect the code against interception",
            "list S256 first if the provider supports it",
            level="warning",
        )
    if ctx.spec.protocol != "oauth1" and authorize.state == "unsupported":
        ctx.report(
            (*path, "state"),
            "without state the callback cannot be tied to its request (CSRF)",
            "make sure the provider really drops state",
            level="warning",
        )
    managed = _MANAGED_AUTHORIZE_PARAMS | {ctx.spec.scopes.param}
    for name in authorize.params:
        if name in managed:
            ctx.report(
                (*path, "params", name),
                f"{show(name)} is set by the client itself",
                "use the matching section (scopes, authorize.pkce, …) instead",
                key=True,
            )
    wire_names = _check_options(
        ctx,
        path,
        authorize.options,
        fixed=authorize.params,
        managed=lambda wire: wire in managed,
        managed_reason="which the client sets itself",
    )
    sent = {
        *wire_names,
        *(name for name in (ctx.spec.scopes.param, ctx.spec.scopes.user_param) if name),
        *authorize.param_names.values(),
        "client_id",
        "redirect_uri",
        "response_type",
        "state",
    }
    for index, name in enumerate(authorize.unencoded_params):
        if name not in sent:
            ctx.report(
                (*path, "unencoded_params", index),
                f"{show(name)} is not sent on the authorization request",
                ctx.did_you_mean(name, sent) or "list only parameters the request carries",
            )
    mode = authorize.response_mode
    callback_mode = ctx.spec.callback.mode
    if mode is not None and mode != callback_mode:
        ctx.report(
            ("callback", "mode"),
            f"is {show(callback_mode)} but authorize.response_mode is {show(mode)}",
            f"set callback.mode: {mode}",
        )


def check_request_token_options(ctx: CheckContext) -> None:
    if ctx.spec.protocol != "oauth1":
        return  # check_protocol_keys reports an oauth1 section elsewhere
    step = ctx.spec.oauth1.request_token
    _check_options(
        ctx,
        ("oauth1", "request_token"),
        step.options,
        fixed=step.params,
        managed=lambda wire: wire.startswith("oauth_"),
        managed_reason="an oauth_ parameter, which the signature sets",
    )


def _check_options(
    ctx: CheckContext,
    section: SpecPath,
    options: Mapping[str, AuthorizeOption],
    *,
    fixed: Mapping[str, str],
    managed: Callable[[str], bool],
    managed_reason: str,
) -> set[str]:
    """Check a section's typed options; returns every parameter name the section sends."""
    section_name = ".".join(map(str, section))
    wire_names = {name: "params" for name in fixed}
    for name, option in options.items():
        path = (*section, "options", name)
        _check_option(ctx, path, option)
        wire = option.param or name
        if managed(wire):
            ctx.report(path, f"option sends {show(wire)}, {managed_reason}", "remove it", key=True)
        elif wire in wire_names:
            ctx.report(
                path,
                f"parameter {show(wire)} is already set by {section_name}.{wire_names[wire]}",
                "keep one of them",
                key=True,
            )
        wire_names[wire] = f"options.{name}"
    return set(wire_names)


def _check_option(ctx: CheckContext, path: SpecPath, option: AuthorizeOption) -> None:
    if option.type == "enum" and not option.values:
        ctx.report(path, "an enum option needs values", "add values: [a, b]", key=True)
    if option.type != "enum" and option.values:
        ctx.report((*path, "values"), "values only apply to enum options", "remove them")
    for key in ("true_value", "false_value"):
        if option.type != "bool" and ctx.present(*path, key):
            ctx.report((*path, key), f"{key} only applies to bool options", "remove it")


def check_callback(ctx: CheckContext) -> None:
    callback = ctx.spec.callback
    standard = {callback.code_param, callback.state_param, callback.error.code_param}
    for name, captured in callback.capture.items():
        wire = captured.param or name
        if wire in standard:
            ctx.report(
                ("callback", "capture", name),
                f"{show(wire)} is a standard callback parameter",
                "capture only provider-specific values",
                key=True,
            )
