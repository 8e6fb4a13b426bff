"""Structural validation: composed YAML nodes -> model dataclasses, driven by type hints.

Every problem is reported with the node's position and the conversion carries on, so one
run finds all structural errors. Invalid list items and mapping entries are dropped, invalid
optional fields fall back to their defaults; the path of each is remembered in ``failed`` so
the semantic pass does not pile follow-up errors onto it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal, get_args, get_origin

import yaml
from yaml.constructor import SafeConstructor

from runtime.spec.markers import IntRange, MaxItems, MinItems, Unique

from .errors import Position, Reporter, SpecPath, show
from .introspect import is_required, is_union, type_hints
from .kinds import StringKind, resolved
from .templates import placeholder_problems, placeholders, url_problems
from .wording import SCALAR_NAMES, describe, got, suggest, type_hint
from .yaml_source import ALIAS_TAG, YAML_TAG_PREFIX, position_of


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()
_MAX_LISTED_KEYS = 10
_PLURALS = {"entry": "entries"}

_STANDARD_TAGS = frozenset({"str", "int", "float", "bool", "null", "timestamp", "seq", "map"})


@dataclass(frozen=True)
class Located:
    value: Position
    key: Position | None = None


@dataclass(frozen=True)
class TemplatedString:
    """A string whose placeholders the semantic pass must resolve."""

    path: SpecPath
    kind: StringKind
    value: str


@dataclass
class Conversion:
    value: object
    positions: dict[SpecPath, Located] = field(default_factory=dict)
    failed: set[SpecPath] = field(default_factory=set)
    templated: list[TemplatedString] = field(default_factory=list)
    present_restricted: list[tuple[SpecPath, tuple[str, ...]]] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)
    """Placeholder names seen in any templated value, valid or not."""


class NodeConverter:
    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.result = Conversion(value=INVALID)
        self._yaml = SafeConstructor()

    # --- entry points --------------------------------------------------------------------

    def convert_document(self, node: yaml.Node, tp: type) -> Conversion:
        self.result.value = self.convert(node, tp, ())
        return self.result

    def convert(
        self, node: yaml.Node, tp: object, path: SpecPath, key: Position | None = None
    ) -> object:
        self.result.positions[path] = Located(position_of(node), key)
        if node.tag == ALIAS_TAG:
            return self._fail(
                node, path, "YAML aliases (*name) are not supported", "write the value out again"
            )
        if node.tag.removeprefix(YAML_TAG_PREFIX) not in _STANDARD_TAGS:
            shown = node.tag.replace(YAML_TAG_PREFIX, "!!")
            return self._fail(node, path, f"unsupported YAML tag {show(shown)}", "remove the tag")
        if isinstance(node, yaml.ScalarNode) and self._scalar(node)[0] == "unreadable":
            return self._fail(node, path, "number is too large to read", "use a smaller number")
        return self._convert_type(node, tp, path)

    # --- helpers -------------------------------------------------------------------------

    def _fail(self, node: yaml.Node, path: SpecPath, message: str, hint: str | None) -> _Invalid:
        self.reporter.add(position_of(node), path, message, hint)
        self.result.failed.add(path)
        return INVALID

    def _scalar(self, node: yaml.ScalarNode) -> tuple[str, object]:
        kind = node.tag.removeprefix(YAML_TAG_PREFIX)
        if kind in ("int", "float", "bool", "null"):
            try:
                return kind, self._yaml.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError):
                return "unreadable", node.value
        return kind, node.value

    def _type_error(self, node: yaml.Node, tp: object, path: SpecPath) -> _Invalid:
        message = f"expected {describe(tp)}, got {got(node)}"
        return self._fail(node, path, message, type_hint(node, tp))

    # --- dispatch ------------------------------------------------------------------------

    def _convert_type(self, node: yaml.Node, tp: object, path: SpecPath) -> object:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *markers = get_args(tp)
            extras = [resolved(marker) for marker in markers]
            if get_origin(base) is tuple:
                return self._sequence(node, get_args(base)[0], path, extras)
            value = self._convert_type(node, base, path)
            return value if value is INVALID else self._constrain(node, value, extras, path)
        if is_union(tp):
            return self._union(node, get_args(tp), path, tp)
        if origin is Literal:
            return self._literal(node, get_args(tp), path, tp)
        if origin is tuple:
            return self._sequence(node, get_args(tp)[0], path, [])
        if origin is Mapping:
            key_tp, value_tp = get_args(tp)
            return self._mapping(node, key_tp, value_tp, path)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._object(node, tp, path)
        if tp in (str, int, bool):
            return self._plain(node, typing.cast(type, tp), path)
        raise TypeError(f"the spec model uses an unsupported type: {tp!r}")

    def _plain(self, node: yaml.Node, tp: type, path: SpecPath) -> object:
        if isinstance(node, yaml.ScalarNode):
            kind, value = self._scalar(node)
            if {"str": str, "int": int, "bool": bool}.get(kind) is tp:
                return value
        return self._type_error(node, tp, path)

    def _union(
        self, node: yaml.Node, members: tuple[object, ...], path: SpecPath, tp: object
    ) -> object:
        concrete = [member for member in members if member is not type(None)]
        optional = len(concrete) < len(members)
        if optional and isinstance(node, yaml.ScalarNode) and self._scalar(node)[0] == "null":
            return None
        if len(concrete) == 1:
            return self._convert_type(node, concrete[0], path)
        if isinstance(node, yaml.ScalarNode):  # a union of scalar types: pick by the YAML type
            kind, value = self._scalar(node)
            if {"str": str, "int": int, "bool": bool}.get(kind) in concrete:
                return value
        return self._type_error(node, tp, path)

    def _literal(
        self, node: yaml.Node, choices: tuple[object, ...], path: SpecPath, tp: object
    ) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return self._type_error(node, tp, path)
        kind, value = self._scalar(node)
        for choice in choices:
            if type(choice) is type(value) and choice == value:
                return choice
        listed = ", ".join(show(choice) for choice in choices)
        if all(type(choice) is not type(value) for choice in choices):
            if str(value) in {str(choice) for choice in choices}:
                quoted = f"quote it: {json.dumps(node.value)}"
                hint = "write it without quotes" if kind == "str" else quoted
            else:
                hint = "pick one of the listed values"
            return self._fail(node, path, f"expected {listed}, got {got(node)}", hint)
        close = suggest(str(value), [str(choice) for choice in choices])
        hint = f"did you mean {show(close)}?" if close else "pick one of the listed values"
        return self._fail(node, path, f"{show(value)} is not one of {listed}", hint)

    def _sequence(
        self, node: yaml.Node, item_tp: object, path: SpecPath, extras: list[object]
    ) -> object:
        if not isinstance(node, yaml.SequenceNode):
            return self._type_error(node, tuple, path)
        items: list[object] = []
        first_seen: dict[tuple[type, object], Position] = {}
        unique = next((extra for extra in extras if isinstance(extra, Unique)), None)
        for index, child in enumerate(node.value):
            item_path = (*path, index)
            value = self.convert(child, item_tp, item_path)
            if value is INVALID:
                continue
            if unique is not None:
                identity = (type(value), value)
                if identity in first_seen:
                    self._fail(
                        child,
                        item_path,
                        f"{unique.what} {show(value)} is listed twice",
                        f"it is already listed on line {first_seen[identity].line}; keep one",
                    )
                    continue
                first_seen[identity] = position_of(child)
            items.append(value)
        self._check_size(node, len(node.value), extras, path, "item")
        return tuple(items)

    def _check_size(
        self, node: yaml.Node, size: int, extras: list[object], path: SpecPath, noun: str
    ) -> bool:
        for extra in extras:
            if isinstance(extra, MinItems) and size < extra.count:
                plural = noun if extra.count == 1 else _PLURALS.get(noun, f"{noun}s")
                self._fail(node, path, f"needs at least {extra.count} {plural}", "add one")
                return False
            if isinstance(extra, MaxItems) and size > extra.count:
                plural = noun if extra.count == 1 else _PLURALS.get(noun, f"{noun}s")
                self._fail(node, path, f"allows at most {extra.count} {plural}", "remove some")
                return False
        return True

    def _pairs(
        self, node: yaml.MappingNode, path: SpecPath
    ) -> Iterator[tuple[str, yaml.ScalarNode, yaml.Node]]:
        """Key/value pairs with string keys; bad and duplicate keys are reported and skipped."""
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == YAML_TAG_PREFIX + "merge":
                self._fail(
                    key_node, path, "merge keys (<<) are not supported", "write the keys out"
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, "keys must be plain strings", "use a simple key")
                continue
            key = key_node.value
            kind = key_node.tag.removeprefix(YAML_TAG_PREFIX)
            if kind != "str":
                self._fail(
                    key_node,
                    (*path, key),
                    f"key {show(key)} is read as {SCALAR_NAMES.get(kind, 'a non-string')}",
                    f"quote it: {json.dumps(key)}",
                )
                continue
            if key in first_seen:
                self._fail(
                    key_node,
                    (*path, key),
                    f"duplicate key {show(key)}",
                    f"it is already set on line {first_seen[key].line}; keep one",
                )
                continue
            first_seen[key] = position_of(key_node)
            yield key, key_node, value_node

    def _mapping(self, node: yaml.Node, key_tp: object, value_tp: object, path: SpecPath) -> object:
        if not isinstance(node, yaml.MappingNode):
            return self._type_error(node, Mapping, path)
        result: dict[object, object] = {}
        for key, key_node, value_node in self._pairs(node, path):
            entry = (*path, key)
            converted_key = self._convert_type(key_node, key_tp, entry)
            if converted_key is INVALID:
                self.result.positions[entry] = Located(
                    position_of(value_node), position_of(key_node)
                )
                continue
            value = self.convert(value_node, value_tp, entry, key=position_of(key_node))
            if value is not INVALID:
                result[converted_key] = value
        return result

    def _object(self, node: yaml.Node, cls: type, path: SpecPath) -> object:
        if not isinstance(node, yaml.MappingNode):
            return self._type_error(node, cls, path)
        hints = type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        present: set[str] = set()
        values: dict[str, object] = {}
        for key, key_node, value_node in self._pairs(node, path):
            entry = (*path, key)
            spec_field = fields.get(key)
            if spec_field is None:
                self._unknown_key(key_node, entry, list(fields))
                continue
            present.add(key)
            protocols = spec_field.metadata.get("protocols")
            if protocols:
                self.result.present_restricted.append((entry, protocols))
            value = self.convert(value_node, hints[key], entry, key=position_of(key_node))
            if value is INVALID:
                self.result.failed.add(entry)
            else:
                values[key] = value
        for name, spec_field in fields.items():
            if is_required(spec_field) and name not in present:
                self._fail(
                    node,
                    (*path, name),
                    f"missing required key {show(name)}",
                    f"add `{name}:` ({spec_field.metadata.get('doc', describe(hints[name]))})",
                )
        if any(is_required(f) and name not in values for name, f in fields.items()):
            return INVALID
        return cls(**values)

    def _unknown_key(self, key_node: yaml.Node, path: SpecPath, allowed: list[str]) -> None:
        key = str(path[-1])
        close = suggest(key, allowed)
        if close:
            hint = f"did you mean {show(close)}?"
        elif len(allowed) <= _MAX_LISTED_KEYS:
            hint = "allowed keys: " + ", ".join(allowed)
        else:
            hint = "see `oauthgen schema` for the allowed keys"
        self._fail(key_node, path, f"unknown key {show(key)}", hint)

    def _constrain(
        self, node: yaml.Node, value: object, extras: list[object], path: SpecPath
    ) -> object:
        for extra in extras:
            if isinstance(extra, StringKind) and isinstance(value, str):
                if not self._check_string(node, value, extra, path):
                    return INVALID
            elif isinstance(extra, IntRange) and isinstance(value, int):
                low, high = extra.minimum, extra.maximum
                if (low is not None and value < low) or (high is not None and value > high):
                    bounds = f"between {low} and {high}" if high is not None else f">= {low}"
                    return self._fail(
                        node, path, f"{value} is out of range", f"use a value {bounds}"
                    )
            elif (
                isinstance(extra, MinItems | MaxItems)
                and isinstance(value, Mapping)
                and not self._check_size(node, len(value), [extra], path, "entry")
            ):
                return INVALID
        return value

    def _check_string(self, node: yaml.Node, value: str, kind: StringKind, path: SpecPath) -> bool:
        if kind.template != "none":
            self.result.mentioned.update(placeholders(value))
        problems = []
        if kind.extra_check is not None:
            problem = kind.extra_check(value)
            problems = [problem] if problem else []
        if not problems and kind.url:
            problems = url_problems(
                value, templated=kind.template != "none", token_base=kind.template == "token"
            )
        elif not problems and kind.template != "none":
            problems = placeholder_problems(value)
        if not problems and kind.choices is None and not re.fullmatch(kind.pattern, value):
            self._fail(node, path, f"{show(value)} is not a valid {kind.label}", kind.hint)
            return False
        for problem in problems:
            self._fail(node, path, problem.message, problem.hint)
        if problems:
            return False
        if kind.template != "none":
            self.result.templated.append(TemplatedString(path, kind, value))
        return True
