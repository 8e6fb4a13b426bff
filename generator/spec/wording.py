"""How messages describe types and values, and how they suggest fixes."""

from __future__ import annotations

import dataclasses
import difflib
import json
import typing
from collections.abc import Mapping
from typing import Annotated, Literal, get_args, get_origin

import yaml

from .errors import show
from .introspect import is_union
from .yaml_source import YAML_TAG_PREFIX

SCALAR_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
    "timestamp": "a date",
}


def got(node: yaml.Node) -> str:
    """What a YAML node holds, for "…, got …" messages."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if not isinstance(node, yaml.ScalarNode):
        return "a mapping"
    kind = node.tag.removeprefix(YAML_TAG_PREFIX)
    if kind == "null":
        return "nothing" if node.value in ("", "~") else "null"
    name = SCALAR_NAMES.get(kind, "a value")
    return f"{name} ({show(node.value)})" if kind != "str" else f"the string {show(node.value)}"


def suggest(word: str, choices: typing.Iterable[str]) -> str | None:
    """The closest choice (case-insensitive), else the only one containing or contained in it."""
    by_lower = {choice.lower(): choice for choice in choices}
    lowered = word.lower()
    match = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.75)
    if match:
        return by_lower[match[0]]
    related = [
        choice
        for lower, choice in by_lower.items()
        if lowered and lower and (lowered in lower or lower in lowered)
    ]
    return related[0] if len(related) == 1 else None


def describe(tp: object) -> str:
    """What a value of type ``tp`` looks like, for "expected …" messages."""
    origin = get_origin(tp)
    if origin is Annotated:
        return describe(get_args(tp)[0])
    if is_union(tp):
        described = [describe(member) for member in get_args(tp)]
        return ", ".join(described[:-1]) + " or " + described[-1]
    if origin is Literal:
        return "one of " + ", ".join(show(choice) for choice in get_args(tp))
    if origin is tuple or tp is tuple:
        return "a list"
    if origin is Mapping or tp is Mapping or dataclasses.is_dataclass(tp):
        return "a mapping"
    if tp is type(None):
        return "null"
    if tp is bool:
        return "true or false"
    return {str: "a string", int: "an integer"}.get(typing.cast(type, tp), str(tp))


def type_hint(node: yaml.Node, tp: object) -> str:
    """A short fix for a value of the wrong YAML type."""
    base = get_args(tp)[0] if get_origin(tp) is Annotated else tp
    members = get_args(base) if is_union(base) else (base,)
    scalar_expected = get_origin(base) is Literal or all(m in (str, int, bool) for m in members)
    if isinstance(node, yaml.ScalarNode):
        kind = node.tag.removeprefix(YAML_TAG_PREFIX)
        if kind == "null" and node.value in ("", "~"):
            return "give it a value or remove the key"
        if str in members:
            return f"quote it: {json.dumps(node.value)}"
        if kind == "str" and node.style in ("'", '"') and scalar_expected:
            return "write it without quotes"
        if base is int:
            return "write a whole number"
        if base is bool:
            return "write true or false"
        if base is tuple:
            return f"write a list: [{json.dumps(node.value)}]"
    if base is tuple:
        return "write the items as `- item` lines"
    if scalar_expected:
        return "write a single value"
    return "write `key: value` lines indented under it"
