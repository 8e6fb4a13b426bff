"""Constraints attached to spec model fields with ``typing.Annotated``.

They are plain data: the generator's loader checks them (``generator/spec/kinds.py`` says what
each named string kind accepts) and its JSON Schema exports them; the runtime ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A named kind of string (``"endpoint_url"``, ``"scope_name"``...)."""

    name: str


@dataclass(frozen=True)
class HookNames:
    """The names of the hooks that run at hook point ``point``."""

    point: str


@dataclass(frozen=True)
class IntRange:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Unique:
    """Items of a list must not repeat; ``what`` names an item in the message."""

    what: str = "item"


@dataclass(frozen=True)
class MinItems:
    count: int


@dataclass(frozen=True)
class MaxItems:
    count: int
