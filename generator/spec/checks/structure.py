"""Rules about which keys and endpoints a protocol needs or forbids."""

from __future__ import annotations

from ..errors import show
from ..naming import derive_class_name
from .context import CheckContext


def check_protocol_keys(ctx: CheckContext) -> None:
    for path, protocols in ctx.conversion.present_restricted:
        if ctx.spec.protocol not in protocols:
            ctx.report(
                path,
                f"does not apply to protocol {show(ctx.spec.protocol)}",
                f"remove it; it is for {', '.join(protocols)}",
                key=True,
            )


def check_names(ctx: CheckContext) -> None:
    if ctx.spec.class_name is None and derive_class_name(ctx.spec.name) is None:
        ctx.report(
            ("name",),
            f"no class name can be derived from {show(ctx.spec.name)}",
            "set class_name, e.g. class_name: Acme",
        )


def check_endpoints(ctx: CheckContext) -> None:
    spec, endpoints = ctx.spec, ctx.spec.endpoints
    if any(path[:1] == ("endpoints",) for path in ctx.conversion.failed):
        return  # a misspelt or invalid endpoint would only be reported again as missing
    if spec.protocol == "oauth1":
        for name in ("request_token", "authorize", "access_token"):
            if getattr(endpoints, name) is None:
                ctx.report(
                    ("endpoints", name),
                    f"OAuth1 needs endpoints.{name}",
                    f"add `{name}: https://…`",
                )
        return
    if spec.protocol == "oidc" and endpoints.issuer is None:
        ctx.report(("endpoints", "issuer"), "OIDC needs endpoints.issuer", "add the issuer URL")
    if spec.protocol == "oauth2":
        if endpoints.token is None:
            ctx.report(("endpoints", "token"), "OAuth2 needs endpoints.token", "add the URL")
        if "authorization_code" in spec.grants and endpoints.authorize is None:
            ctx.report(
                ("endpoints", "authorize"),
                "the authorization_code grant needs endpoints.authorize",
                "add the URL, or remove authorization_code from grants",
            )
        if "device_code" in spec.grants and endpoints.device is None:
            ctx.report(
                ("endpoints", "device"),
                "the device_code grant needs endpoints.device",
                "add the device authorization URL",
            )
    if endpoints.device is not None and "device_code" not in spec.grants:
        ctx.report(
            ("endpoints", "device"),
            "a device endpoint is set but grants lacks device_code",
            "add device_code to grants",
        )
    if ctx.present("device") and "device_code" not in spec.grants:
        ctx.report(
            ("device",),
            "device settings without the device_code grant",
            "add it to grants",
            key=True,
        )
    if endpoints.refresh is not None and (spec.refresh is None or not spec.refresh.supported):
        ctx.report(
            ("endpoints", "refresh"),
            "a refresh endpoint is set but refresh is not supported",
            "add a refresh section, or remove the endpoint",
        )


def check_revocation(ctx: CheckContext) -> None:
    revocation = ctx.spec.revocation
    if ctx.present("revocation") and ctx.spec.endpoints.revoke is None:
        ctx.report(
            ("revocation",),
            "revocation settings without endpoints.revoke",
            "add the revocation URL to endpoints",
            key=True,
        )
    if revocation.success_body is not None and 204 in revocation.success_status:
        ctx.report(
            ("revocation", "success_status", revocation.success_status.index(204)),
            "a 204 answer has no body, so success_body could never confirm it",
            "remove 204, or remove success_body",
        )
    if revocation.method == "GET" and revocation.encoding in ("form", "json"):
        ctx.report(
            ("revocation", "encoding"),
            f"a GET request has no body for {revocation.encoding} parameters",
            "use encoding: query, or method: POST or DELETE",
        )
    if revocation.token_param is None and not revocation.authenticate_with_token:
        ctx.report(
            ("revocation", "token_param"),
            "the revocation request would not carry the token",
            "set token_param, or authenticate_with_token: true",
        )


def check_userinfo(ctx: CheckContext) -> None:
    userinfo = ctx.spec.userinfo
    if userinfo is None:
        return
    if userinfo.id_field not in userinfo.fields and not ctx.failed(("userinfo", "fields")):
        ctx.report(
            ("userinfo", "id_field"),
            f"id field {show(userinfo.id_field)} is not in userinfo.fields",
            ctx.did_you_mean(userinfo.id_field, userinfo.fields)
            or f"declare it: fields: {{{userinfo.id_field}: {{type: str, required: true}}}}",
        )
    if userinfo.source == "id_token" and ctx.spec.protocol != "oidc":
        ctx.report(
            ("userinfo", "source"),
            "only OIDC providers issue id_tokens",
            "use source: endpoint",
        )
    if (
        userinfo.source == "endpoint"
        and ctx.spec.endpoints.userinfo is None
        and ctx.spec.protocol != "oidc"
    ):
        ctx.report(
            ("userinfo",),
            "userinfo needs endpoints.userinfo",
            "add the profile URL to endpoints",
            key=True,
        )
