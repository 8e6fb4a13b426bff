"""Rules for variables, environments and the placeholders that use them."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from runtime.spec import Variable

from ...hooks import find_hook
from ..errors import SpecPath, show
from ..templates import (
    API_HEADER_BUILTINS,
    CLIENT_BUILTINS,
    TOKEN_BUILTINS,
    TOKEN_FIELD_PREFIX,
    Problem,
    placeholders,
    url_problems,
)
from .context import CheckContext


def check_variables(ctx: CheckContext) -> None:
    for name, variable in ctx.spec.variables.items():
        path: SpecPath = ("variables", name)
        for index, choice in enumerate(variable.choices):
            if not _matches_type(ctx, choice, variable):
                ctx.report(
                    (*path, "choices", index),
                    f"choice {show(choice)} is not of type {variable.type}",
                    "write a number" if variable.type == "int" else "quote it",
                )
        if variable.pattern is not None and variable.type != "str":
            ctx.report((*path, "pattern"), "pattern only applies to str variables", "remove it")
        if variable.default is not None:
            _check_variable_value(ctx, (*path, "default"), variable.default, variable)


def _matches_type(ctx: CheckContext, value: object, variable: Variable) -> bool:
    return type(value) is int if variable.type == "int" else isinstance(value, str)


def _check_variable_value(
    ctx: CheckContext, path: SpecPath, value: object, variable: Variable
) -> None:
    if not _matches_type(ctx, value, variable):
        hint = "write a whole number without quotes" if variable.type == "int" else "quote it"
        ctx.report(path, f"{show(value)} is not of type {variable.type}", hint)
    elif variable.choices and value not in variable.choices:
        listed = ", ".join(show(choice) for choice in variable.choices)
        ctx.report(path, f"{show(value)} is not one of the choices", f"use one of {listed}")
    elif (
        isinstance(value, str)
        and variable.pattern is not None
        and re.fullmatch(variable.pattern, value) is None
    ):
        ctx.report(path, f"{show(value)} does not match the pattern", "fix the value or pattern")
    elif variable.type == "url" and isinstance(value, str):
        problems = url_problems(value, templated=False)
        if not problems and urlsplit(value).query:
            problems = [Problem("a base URL has no query", "remove the ?query")]
        for problem in problems:
            ctx.report(path, f"{show(value)}: {problem.message}", problem.hint)


def check_environments(ctx: CheckContext) -> None:
    declared = ctx.spec.variables
    for env_name, environment in ctx.spec.environments.items():
        for name, value in environment.variables.items():
            path: SpecPath = ("environments", env_name, "variables", name)
            variable = declared.get(name)
            if variable is None:
                if not ctx.failed(("variables", name)):
                    ctx.report(
                        path,
                        f"{show(name)} is not a declared variable",
                        ctx.did_you_mean(name, declared) or "declare it under variables",
                        key=True,
                    )
                continue
            _check_variable_value(ctx, path, value, variable)


def check_templates(ctx: CheckContext) -> None:
    variables = ctx.spec.variables
    for templated in ctx.conversion.templated:
        scope = templated.kind.template
        _check_base_placeholders(ctx, templated.path, templated.value, templated.kind.url)
        for name in placeholders(templated.value):
            if name.startswith(TOKEN_FIELD_PREFIX):
                _check_token_placeholder(ctx, templated.path, name, scope)
            elif name in API_HEADER_BUILTINS:
                _check_builtin_placeholder(ctx, templated.path, name, scope)
            elif name not in variables and not ctx.failed(("variables", name)):
                hint = ctx.did_you_mean(name, variables)
                ctx.report(
                    templated.path,
                    f"undeclared variable {{{name}}}",
                    hint or f"declare it: variables: {{{name}: {{type: str}}}}",
                )
    used = set(ctx.conversion.mentioned)
    for point in dataclasses.fields(ctx.spec.hooks):
        for index, hook_name in enumerate(getattr(ctx.spec.hooks, point.name)):
            hook = find_hook(hook_name)
            for needed in hook.variables if hook is not None else ():
                used.add(needed)  # read by the hook, so a constructor argument
                if needed not in variables:
                    ctx.report(
                        ("hooks", point.name, index),
                        f"hook {show(hook_name)} reads the variable {show(needed)}",
                        f"declare it: variables: {{{needed}: {{type: str}}}}",
                    )
    for name in variables:
        if name not in used:
            ctx.report(
                ("variables", name),
                f"variable {show(name)} is never used",
                f"use {{{name}}} in a URL, header or parameter (or a hook that reads it), "
                "or remove it",
                key=True,
            )


def _check_base_placeholders(ctx: CheckContext, path: SpecPath, value: str, url: bool) -> None:
    """A url variable stands for a whole base URL: it starts a URL, and only it can."""
    variables = ctx.spec.variables
    for index, name in enumerate(placeholders(value)):
        variable = variables.get(name)
        leading = url and index == 0 and value.startswith("{" + name + "}")
        if variable is not None and variable.type == "url" and not leading:
            ctx.report(
                path,
                f"{{{name}}} is a url variable, which can only start a URL",
                f"write {{{name}}}/path, or make {name} a str variable",
            )
        elif leading and variable is not None and variable.type != "url":
            ctx.report(
                path,
                f"{{{name}}} starts the URL, so it must hold a whole base URL",
                f"declare it with type: url, or write https://{{{name}}}/...",
            )


def _check_builtin_placeholder(ctx: CheckContext, path: SpecPath, name: str, scope: str) -> None:
    available = {
        "client": CLIENT_BUILTINS,
        "token": TOKEN_BUILTINS,
        "api_header": API_HEADER_BUILTINS,
    }.get(scope, frozenset())
    if name not in available:
        if name in CLIENT_BUILTINS:
            where = "header and parameter values"
        elif name in TOKEN_BUILTINS:
            where = "userinfo, revoke and api values"
        else:
            where = "api.headers only (never URLs, parameters or logs)"
        ctx.report(path, f"{{{name}}} is not available here", f"it can be used in {where}")


def _check_token_placeholder(ctx: CheckContext, path: SpecPath, name: str, scope: str) -> None:
    if scope not in ("token", "api_header"):
        ctx.report(
            path,
            f"{{{name}}} is not available here",
            "token fields can be used in userinfo, revoke and api values only",
        )
        return
    field_name = name.removeprefix(TOKEN_FIELD_PREFIX)
    extras = ctx.token_fields()
    if field_name not in extras:
        where = (
            "oauth1.access_token.extra"
            if ctx.spec.protocol == "oauth1"
            else ("token.response.extra")
        )
        ctx.report(
            path,
            f"{{{name}}} names no declared token field",
            ctx.did_you_mean(field_name, extras) or f"declare it under {where}",
        )
