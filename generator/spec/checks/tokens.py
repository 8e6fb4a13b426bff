"""Rules for token, refresh, exchange and API requests."""

from __future__ import annotations

from runtime.spec import BodyEncoding, HttpMethod

from ..errors import SpecPath, show
from ..naming import STANDARD_OAUTH1_TOKEN_FIELDS, STANDARD_TOKEN_FIELDS
from .context import CheckContext


def _check_encoding(
    ctx: CheckContext, path: SpecPath, method: HttpMethod, encoding: BodyEncoding | None
) -> None:
    if method == "GET" and encoding in ("form", "json"):
        ctx.report(
            (*path, "encoding"),
            f"a GET request has no body for {encoding} parameters",
            "use encoding: query, or method: POST",
        )


def check_token(ctx: CheckContext) -> None:
    token = ctx.spec.token
    _check_encoding(ctx, ("token",), token.method, token.encoding)
    renamed = list(token.param_names.values())
    for standard, wire in token.param_names.items():
        if renamed.count(wire) > 1:
            ctx.report(
                ("token", "param_names", standard),
                f"{show(wire)} is used for more than one parameter",
                "give each its own name",
            )
    read_by_client = (
        STANDARD_OAUTH1_TOKEN_FIELDS if ctx.spec.protocol == "oauth1" else STANDARD_TOKEN_FIELDS
    )
    declared = (
        ctx.spec.oauth1.access_token.extra
        if ctx.spec.protocol == "oauth1"
        else ctx.spec.token.response.extra
    )
    for name in declared:
        if name in read_by_client:
            where = (
                ("oauth1", "access_token", "extra", name)
                if ctx.spec.protocol == "oauth1"
                else ("token", "response", "extra", name)
            )
            ctx.report(
                where,
                f"{show(name)} is a standard token field",
                "the client reads it already; keep only provider-specific fields",
                key=True,
            )
    _check_fallback_paths(ctx)
    echo = token.response.scope
    if echo.format == "list" and echo.separator is not None:
        ctx.report(
            ("token", "response", "scope", "separator"),
            "a list of scopes has no separator",
            "remove it, or use format: string",
        )
    if echo.known_names and not (ctx.spec.scopes.supported and ctx.spec.scopes.known):
        ctx.report(
            ("token", "response", "scope", "known_names"),
            "known_names needs the scopes to be listed in scopes.known",
            "list the scopes, or remove known_names",
        )


def _check_fallback_paths(ctx: CheckContext) -> None:
    response = ctx.spec.token.response
    primary_defaults = {"expires_in": response.expires.path, "scope": response.scope.path}
    for name, fallbacks in response.fallback_paths.items():
        primary = response.paths.get(name) or primary_defaults.get(name, name)
        if primary in fallbacks:
            ctx.report(
                ("token", "response", "fallback_paths", name, fallbacks.index(primary)),
                f"{show(primary)} is where {name} is read first",
                "list only the other places it may be",
            )


def check_after_token(ctx: CheckContext) -> None:
    """Fields added to the token (after_token steps, callback captures kept on it) must not
    clash with the token answer's own fields or with each other."""
    if ctx.spec.protocol == "oauth1":
        return
    owners: dict[str, SpecPath] = {
        name: ("token", "response", "extra", name) for name in ctx.spec.token.response.extra
    }
    sources: list[tuple[str, SpecPath]] = [
        (name, ("callback", "capture", name, "on_token"))
        for name, captured in ctx.spec.callback.capture.items()
        if captured.on_token
    ]
    sources += [
        (name, ("after_token", step_name, "keep", name))
        for step_name, step in ctx.spec.after_token.items()
        for name in step.keep
    ]
    sources += [
        (name, ("token", "response", "other_tokens", name))
        for name in ctx.spec.token.response.other_tokens
    ]
    for name, path in sources:
        if name in STANDARD_TOKEN_FIELDS:
            ctx.report(path, f"{show(name)} is a standard token field", "give it another name")
        elif name in owners:
            first = ".".join(map(str, owners[name]))
            ctx.report(
                path,
                f"the token already has a field {show(name)} (from {first})",
                "give it another name",
            )
        else:
            owners[name] = path


def check_refresh_and_exchanges(ctx: CheckContext) -> None:
    refresh = ctx.spec.refresh
    if refresh is not None:
        _check_encoding(ctx, ("refresh",), refresh.method, refresh.encoding)
        if not refresh.supported:
            for key in (
                "rotation", "requires_scopes", "requires_params", "client_auth", "method",
                "encoding", "grant_type", "token_param", "headers", "params", "send_scope",
                "send_redirect_uri", "leeway_seconds",
            ):  # fmt: skip
                if ctx.present("refresh", key):
                    ctx.report(
                        ("refresh", key),
                        "has no effect while refresh.supported is false",
                        "remove it",
                        key=True,
                    )
    for name, exchange in ctx.spec.exchanges.items():
        _check_encoding(ctx, ("exchanges", name), exchange.method, exchange.encoding)


def check_api(ctx: CheckContext) -> None:
    api = ctx.spec.api
    if api.token_placement != "header" and ctx.present("api", "token_scheme"):
        ctx.report(
            ("api", "token_scheme"),
            f"a scheme only applies to header placement, not {api.token_placement}",
            "remove it",
        )


_HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})


def check_client_assertion(ctx: CheckContext) -> None:
    token = ctx.spec.token
    assertion = token.client_assertion
    if assertion is None:
        return
    path = ("token", "client_assertion")
    if token.client_auth not in ("private_key_jwt", "client_secret_jwt"):
        ctx.report(
            path,
            f"has no effect with client_auth {show(token.client_auth)}",
            "use client_auth: private_key_jwt or client_secret_jwt, or remove it",
            key=True,
        )
    elif (token.client_auth == "client_secret_jwt") != (assertion.signing_alg in _HMAC_ALGS):
        wanted = (
            "an HS* algorithm" if token.client_auth == "client_secret_jwt" else "RS256, ES256, …"
        )
        ctx.report(
            (*path, "signing_alg"),
            f"{show(assertion.signing_alg)} does not fit client_auth {show(token.client_auth)}",
            f"use {wanted}",
        )
