"""Per-deployment values: declared variables, environments, and their validation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import VariableError
from .spec_view import SpecView, VariableView

VariableValue = str | int


def resolve_variables(
    spec: SpecView,
    given: Mapping[str, object] | None,
    environment: str | None,
    *,
    hook_variables: Iterable[str] = (),
) -> dict[str, VariableValue]:
    """Every variable's value: given > environment > default; each checked against its rules.

    ``hook_variables`` are extra names the spec's hooks read (not declared as variables);
    they are accepted as given strings without further checks.
    """
    declared = spec.variables
    extras = frozenset(hook_variables) - set(declared)
    given = dict(given or {})
    unknown = sorted(set(given) - set(declared) - extras)
    if unknown:
        known = ", ".join(sorted({*declared, *extras})) or "none"
        raise VariableError(
            unknown[0], f"unknown variable {unknown[0]!r} for {spec.name}; known: {known}"
        )
    overrides = _environment_values(spec, environment)
    values: dict[str, VariableValue] = {}
    for name, rules in declared.items():
        if name in given:
            value = given[name]
        elif name in overrides:
            value = overrides[name]
        elif rules.default is not None:
            value = rules.default
        else:
            raise VariableError(
                name, f"{spec.name} needs the variable {name!r}: pass {name}=..."
            )
        values[name] = check_variable(name, value, rules)
    for name in extras:
        if name in given:
            value = given[name]
            if not isinstance(value, str) or not value:
                raise VariableError(name, f"variable {name!r} must be a non-empty string")
            values[name] = value
    return values


def _environment_values(spec: SpecView, environment: str | None) -> Mapping[str, Any]:
    if environment is None:
        return {}
    environments = spec.environments
    chosen = environments.get(environment)
    if chosen is None:
        known = ", ".join(sorted(environments)) or "none"
        raise ValueError(
            f"unknown environment {environment!r} for {spec.name}; known environments: {known}"
        )
    return chosen.variables


def check_variable(name: str, value: object, rules: VariableView) -> VariableValue:
    """``value`` if it fits the declaration (type, choices, pattern), else VariableError."""
    wanted = rules.type
    if wanted == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise VariableError(
                name, f"variable {name!r} must be an int, not {type(value).__name__}"
            )
    elif not isinstance(value, str):
        raise VariableError(name, f"variable {name!r} must be a str, not {type(value).__name__}")
    elif wanted == "url" and not _is_base_url(value):
        raise VariableError(
            name,
            f"variable {name!r} must be an https base URL (http only on loopback), "
            f"without credentials, query or fragment: {value!r}",
        )
    choices = rules.choices
    if choices and value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise VariableError(name, f"variable {name!r} must be one of {listed}, not {value!r}")
    pattern = rules.pattern
    if isinstance(value, str) and pattern and re.fullmatch(pattern, value) is None:
        raise VariableError(
            name, f"variable {name!r} does not match its pattern {pattern!r}: {value!r}"
        )
    # A plain space is fine (Reddit's and Discord's User-Agent formats have them; URL parts are
    # percent-encoded and a host refuses it); line breaks and other controls could split a header.
    if isinstance(value, str) and any(
        (ch.isspace() and ch != " ") or not ch.isprintable() for ch in value
    ):
        raise VariableError(
            name, f"variable {name!r} contains a line break, tab or control character"
        )
    return value


def _is_base_url(value: str) -> bool:
    from urllib.parse import urlsplit

    from .._transport import is_secure_url

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("https", "http")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
        and not any(ch.isspace() for ch in value)
        and is_secure_url(value)
    )
