"""Hooks registered from outside the repository, through the ``oauthgen.hooks`` entry points.

A package with a private provider declares, in its own ``pyproject.toml``::

    [project.entry-points."oauthgen.hooks"]
    acme_sign = "acme_oauth.hooks:acme_sign"

where ``acme_oauth.hooks.acme_sign`` is a :class:`~runtime.provider.hooks.HookInfo` whose
``name`` is the entry point's name. Such hooks are checked exactly like the built-in ones (a
known point, a callable, a name that clashes with no other hook) and then named by specs like
them. A broken plugin is a :class:`HookPluginError` naming its entry point, never a silent skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points

from .points import HOOK_POINTS, HookInfo

ENTRY_POINT_GROUP = "oauthgen.hooks"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class HookPluginError(ValueError):
    """An ``oauthgen.hooks`` entry point that cannot be used as a hook."""


def plugin_hooks(
    builtin: Mapping[str, HookInfo], found: Iterable[EntryPoint] | None = None
) -> dict[str, HookInfo]:
    """The hooks the installed distributions register, checked against ``builtin``."""
    hooks: dict[str, HookInfo] = {}
    points = entry_points(group=ENTRY_POINT_GROUP) if found is None else found
    for point in sorted(points, key=lambda entry: entry.name):
        where = f"entry point {point.name!r} = {point.value!r} (group {ENTRY_POINT_GROUP})"
        try:
            info = point.load()
        except Exception as exc:
            raise HookPluginError(
                f"{where} cannot be imported: {type(exc).__name__}: {exc}"
            ) from exc
        hooks[point.name] = _checked(info, point.name, builtin, hooks, where)
    return hooks


def _checked(
    info: object,
    name: str,
    builtin: Mapping[str, HookInfo],
    seen: Mapping[str, HookInfo],
    where: str,
) -> HookInfo:
    if not isinstance(info, HookInfo):
        raise HookPluginError(
            f"{where} is a {type(info).__name__}, not a runtime.provider.hooks.HookInfo"
        )
    problems = []
    if info.name != name:
        problems.append(f"its HookInfo is named {info.name!r}; name the entry point the same")
    if not _NAME.fullmatch(name):
        problems.append("hook names are lowercase letters, digits and _ (at most 64)")
    if name in builtin:
        problems.append("a built-in hook has that name")
    if name in seen:
        problems.append("another plugin registers that name")
    if info.point not in HOOK_POINTS:
        problems.append(f"unknown point {info.point!r}; points: {', '.join(HOOK_POINTS)}")
    function: object = info.function  # typed Callable, but a plugin may put anything there
    if not callable(function):
        problems.append("its function is not callable")
    description: object = info.description
    if not isinstance(description, str) or not description.strip():
        problems.append("it needs a one-line description (shown in generated docstrings)")
    variables: object = info.variables
    if not isinstance(variables, tuple) or not all(
        isinstance(v, str) and _NAME.fullmatch(v) for v in variables
    ):
        problems.append("variables must be a tuple of lowercase identifiers")
    if problems:
        raise HookPluginError(f"{where}: " + "; ".join(problems))
    return info
