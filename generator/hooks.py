"""Registry of named runtime hooks a spec may reference, read from the runtime.

Quirks that cannot be expressed as data get one implementation in the runtime, registered in
``runtime.provider.hooks``; a spec only names them. YAML never contains code. Names, points
and descriptions come from that registry (the single source of truth); this module keeps the
generator's view of them: data only, no functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.provider.hooks import BUILTIN_HOOKS as RUNTIME_BUILTIN_HOOKS
from runtime.provider.hooks import HOOKS as RUNTIME_HOOKS
from runtime.provider.hooks.points import (
    EXCLUSIVE_HOOK_POINTS,
    HOOK_POINT_DESCRIPTIONS,
    HOOK_POINTS,
    HookPoint,
)

__all__ = [
    "EXCLUSIVE_HOOK_POINTS",
    "HOOKS",
    "HOOK_POINTS",
    "HOOK_POINT_DESCRIPTIONS",
    "HookInfo",
    "HookPoint",
    "find_hook",
    "hook_names",
    "registered_hooks",
]


@dataclass(frozen=True)
class HookInfo:
    name: str
    point: HookPoint
    description: str
    variables: tuple[str, ...] = ()
    """Values the hook reads besides the spec's variables (Apple: team_id); the generated
    client should accept them as constructor arguments and pass them in ``variables``."""


def registered_hooks() -> tuple[HookInfo, ...]:
    """Built-in hooks, then those of installed ``oauthgen.hooks`` plugins."""
    return tuple(
        HookInfo(hook.name, hook.point, hook.description, hook.variables)
        for hook in RUNTIME_HOOKS.values()
    )


BUILTIN_HOOKS: tuple[HookInfo, ...] = tuple(
    HookInfo(hook.name, hook.point, hook.description, hook.variables)
    for hook in RUNTIME_BUILTIN_HOOKS.values()
)
"""The hooks this repository implements: the JSON Schema lists these (plugins vary by
installation, so the schema cannot)."""

HOOKS = BUILTIN_HOOKS


def hook_names(point: HookPoint) -> tuple[str, ...]:
    return tuple(hook.name for hook in registered_hooks() if hook.point == point)


def find_hook(name: str) -> HookInfo | None:
    return next((hook for hook in registered_hooks() if hook.name == name), None)
