"""JSON Schema (draft 2020-12) of the spec format, derived from the model's type hints.

The schema is generated from the same dataclasses, kinds and constraints the loader uses, so
it cannot drift. The loader checks more than a schema can express (variables, URL shape,
cross-key rules); everything the schema does say, the loader enforces too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Annotated, Literal, get_args, get_origin

from runtime.spec import PROTOCOLS, ProviderSpec
from runtime.spec.markers import IntRange, MaxItems, MinItems, Unique

from .introspect import is_required, is_union, type_hints
from .kinds import StringKind, resolved

JSONValue = object
Schema = dict[str, JSONValue]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE_NAME = "provider-spec.schema.json"
MAP_ENTRY = "<name>"
"""A step into every value of a map in a restricted path (``callback.capture.<name>.on_token``)."""


class _SchemaBuilder:
    def __init__(self) -> None:
        self.definitions: dict[str, Schema] = {}

    def for_type(self, tp: object) -> Schema:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *markers = get_args(tp)
            extras = [resolved(marker) for marker in markers]
            schema = self.for_type(base)
            for extra in extras:
                schema.update(_constraint(extra))
            return schema
        if is_union(tp):
            return {"anyOf": [self.for_type(member) for member in get_args(tp)]}
        if origin is Literal:
            return {"enum": list(get_args(tp))}
        if origin is tuple:
            return {"type": "array", "items": self.for_type(get_args(tp)[0])}
        if origin is Mapping:
            key_tp, value_tp = get_args(tp)
            return {
                "type": "object",
                "propertyNames": self.for_type(key_tp),
                "additionalProperties": self.for_type(value_tp),
            }
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.reference(tp)
        simple: dict[object, Schema] = {
            str: {"type": "string"},
            int: {"type": "integer"},
            bool: {"type": "boolean"},
            type(None): {"type": "null"},
        }
        if tp in simple:
            return dict(simple[tp])
        raise TypeError(f"no JSON Schema for {tp!r}")

    def reference(self, cls: type) -> Schema:
        if cls.__name__ not in self.definitions:
            self.definitions[cls.__name__] = {}  # placeholder first: breaks reference cycles
            self.definitions[cls.__name__] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{cls.__name__}"}

    def object_schema(self, cls: type) -> Schema:
        hints = type_hints(cls)
        properties: dict[str, JSONValue] = {}
        required: list[str] = []
        for spec_field in dataclasses.fields(cls):
            prop = self.for_type(hints[spec_field.name])
            doc = spec_field.metadata.get("doc")
            if doc:
                prop["description"] = doc
            default = _json_default(spec_field)
            if default is not None:
                prop["default"] = default
            properties[spec_field.name] = prop
            if is_required(spec_field):
                required.append(spec_field.name)
        schema: Schema = {"type": "object"}
        if cls.__doc__:
            schema["description"] = " ".join(cls.__doc__.split())
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema


def _constraint(extra: object) -> Schema:
    if isinstance(extra, StringKind):
        if extra.choices is not None:
            return {"enum": list(extra.choices)}
        # `title` names the kind in words ("URL", "scope name") for editors and docs/spec.md.
        return {"title": extra.label, "pattern": f"^(?:{extra.pattern})$"}
    if isinstance(extra, IntRange):
        bounds: Schema = {}
        if extra.minimum is not None:
            bounds["minimum"] = extra.minimum
        if extra.maximum is not None:
            bounds["maximum"] = extra.maximum
        return bounds
    if isinstance(extra, Unique):
        return {"uniqueItems": True}
    # MinItems/MaxItems apply to lists and mappings alike; a schema needs both spellings.
    if isinstance(extra, MinItems):
        return {"minItems": extra.count, "minProperties": extra.count}
    if isinstance(extra, MaxItems):
        return {"maxItems": extra.count, "maxProperties": extra.count}
    return {}


def _json_default(spec_field: dataclasses.Field[object]) -> JSONValue:
    default = spec_field.default
    if default is dataclasses.MISSING or default is None:
        return None
    if isinstance(default, tuple):
        return list(default) if default else None
    return default


def _restricted_paths(
    cls: type, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(path, protocols) of every protocol-specific key reachable through nested sections."""
    found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    hints = type_hints(cls)
    for spec_field in dataclasses.fields(cls):
        path = (*prefix, spec_field.name)
        protocols = spec_field.metadata.get("protocols")
        if protocols:
            found.append((path, protocols))
            continue
        tp = hints[spec_field.name]
        if get_origin(tp) is Mapping:  # a map of sections: the rule applies to every entry
            tp, path = get_args(tp)[1], (*path, MAP_ENTRY)
        for candidate in (tp, *get_args(tp)):
            if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
                found.extend(_restricted_paths(candidate, path))
    return found


def _forbid(paths: list[tuple[str, ...]]) -> Schema:
    """Nested ``properties`` making each path ``false``: ``("authorize", "pkce")`` forbids pkce;
    a :data:`MAP_ENTRY` step means every value of that map (``additionalProperties``)."""
    schema: Schema = {}
    for path in paths:
        node = schema
        for name in path[:-1]:
            if name == MAP_ENTRY:
                entry = node.setdefault("additionalProperties", {})
                assert isinstance(entry, dict)
                node = entry
                continue
            properties = node.setdefault("properties", {})
            assert isinstance(properties, dict)
            node = properties.setdefault(name, {})
        properties = node.setdefault("properties", {})
        assert isinstance(properties, dict)
        properties[path[-1]] = False
    return schema


def _protocol_rules() -> list[JSONValue]:
    restricted = _restricted_paths(ProviderSpec)
    rules: list[JSONValue] = []
    for protocol in PROTOCOLS:
        forbidden = [path for path, allowed in restricted if protocol not in allowed]
        if forbidden:
            rules.append(
                {
                    "if": {
                        "properties": {"protocol": {"const": protocol}},
                        "required": ["protocol"],
                    },
                    "then": _forbid(forbidden),
                }
            )
    return rules


def spec_json_schema() -> Schema:
    builder = _SchemaBuilder()
    root = builder.object_schema(ProviderSpec)
    schema: Schema = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://oauthgen.invalid/schema/{SCHEMA_FILE_NAME}",
        "title": "oauthgen provider spec",
    }
    schema.update(root)
    schema["allOf"] = _protocol_rules()
    schema["$defs"] = dict(sorted(builder.definitions.items()))
    return schema


def render_schema() -> str:
    return json.dumps(spec_json_schema(), indent=2, ensure_ascii=True) + "\n"
