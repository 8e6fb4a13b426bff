"""Rules for the names a spec adds to the generated code.

What the generated module and its methods already use comes from ``naming``, which the IR
builder takes its names from too: a spec that passes these rules always builds.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Collection

from ..errors import SpecPath, show
from ..naming import (
    AUTHORIZATION_URL_ARGUMENTS,
    FETCH_REQUEST_TOKEN_ARGUMENTS,
    MODULE_NAMES,
    derive_class_name,
    generated_class_names,
    init_arguments,
)
from .context import CheckContext


def check_class_names(ctx: CheckContext) -> None:
    spec = ctx.spec
    if spec.class_name is None and derive_class_name(spec.name) is None:
        return  # check_names reports it
    path: SpecPath = ("class_name",) if spec.class_name is not None else ("name",)
    roles: dict[str, str] = {}
    for role, name in generated_class_names(spec).items():
        if name in MODULE_NAMES or hasattr(builtins, name) or keyword.iskeyword(name):
            ctx.report(
                path,
                f"the generated name {show(name)} clashes with a name the module already uses",
                "set class_name to another name",
            )
        elif name in roles:
            _report_shared_class_name(ctx, name, roles[name], role)
        roles[name] = role


def _report_shared_class_name(ctx: CheckContext, name: str, first: str, second: str) -> None:
    """Two other tokens whose names differ only in underscores (``a_b``, ``a__b``)."""
    other = second.removeprefix("other_token:")
    ctx.report(
        ("token", "response", "other_tokens", other),
        f"its class {show(name)} is also the class of {show(first.removeprefix('other_token:'))}",
        "give the token a name that differs in more than underscores",
        key=True,
    )


def check_argument_names(ctx: CheckContext) -> None:
    """Variables become ``__init__`` arguments, typed options ``authorization_url`` (or
    ``fetch_request_token``) arguments: none may reuse an argument the method has."""
    spec = ctx.spec
    _check_arguments(ctx, ("variables",), spec.variables, init_arguments(spec), "__init__")
    _check_arguments(
        ctx,
        ("authorize", "options"),
        spec.authorize.options,
        AUTHORIZATION_URL_ARGUMENTS,
        "authorization_url",
    )
    if spec.protocol == "oauth1":
        _check_arguments(
            ctx,
            ("oauth1", "request_token", "options"),
            spec.oauth1.request_token.options,
            FETCH_REQUEST_TOKEN_ARGUMENTS,
            "fetch_request_token",
        )


def _check_arguments(
    ctx: CheckContext,
    section: SpecPath,
    names: Collection[str],
    taken: Collection[str],
    method: str,
) -> None:
    what, hint = (
        ("variable", "rename the variable and the placeholders that use it")
        if section == ("variables",)
        else ("option", "rename the option and set param: to the name the provider expects")
    )
    for name in names:
        if name in taken:
            ctx.report(
                (*section, name),
                f"{what} {show(name)} clashes with an argument of the generated {method}()",
                hint,
                key=True,
            )
