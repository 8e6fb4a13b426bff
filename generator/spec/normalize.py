"""A validated spec as plain data: what the runtime reads at run time.

``normalized_spec`` has every field present with its default filled in; containers become
``dict`` / ``list`` and leaves stay ``str``/``int``/``float``/``bool``/``None``.

A generated module embeds less: ``slim_spec`` keeps only what differs from the defaults of the
whole format (``default_spec``, written once into ``runtime/provider/spec_defaults.py`` by
``generator.spec.defaults``), and the runtime merges the two back
(``runtime.provider.with_defaults``), so ``with_defaults(slim_spec(s)) == normalized_spec(s)``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any

from runtime.spec import ProviderSpec

RuntimeSpec = dict[str, Any]


class SlimSpecError(Exception):
    """The defaults merged under a slim spec do not give the normalised spec back (a generator
    bug, not a spec error)."""


def normalized_spec(spec: ProviderSpec) -> RuntimeSpec:
    """``spec`` as nested dicts and lists, every default filled in."""
    value = _plain(spec)
    assert isinstance(value, dict)
    return value


def default_spec() -> RuntimeSpec:
    """The normalised value of every field of the format that has a default.

    A required field has none and is left out (``spec``, ``id``, ``name``, ...), except a
    required section whose own fields all have defaults (``endpoints``). The defaults do not
    depend on the protocol: a key limited to other protocols is never set, so it always holds
    its default.
    """
    return _defaults_of(ProviderSpec)


def slim_spec(full: Mapping[str, Any], defaults: Mapping[str, Any]) -> RuntimeSpec:
    """The keys of ``full`` whose values differ from ``defaults``, nested: a mapping present in
    both is compared key by key and left out when nothing in it differs; any other value
    (lists included) is kept whole when it differs."""
    slim: RuntimeSpec = {}
    for key, value in full.items():
        if key not in defaults:
            slim[key] = value
            continue
        default = defaults[key]
        if isinstance(value, Mapping) and isinstance(default, Mapping):
            missing = [name for name in default if name not in value]
            if missing:  # a merge cannot remove a key
                raise SlimSpecError(f"{key}: no key {missing[0]!r}, which the defaults have")
            inner = slim_spec(value, default)
            if inner:
                slim[key] = inner
        elif value != default or type(value) is not type(default):
            slim[key] = value
    return slim


def slim_sections(full: Mapping[str, Any], sections: Mapping[str, Mapping[str, Any]]) -> Any:
    """``full`` with each section at a path of ``sections`` (``section_defaults``) made
    ``slim_spec`` against that section's defaults, deepest paths first (a copy)."""
    from runtime.provider.base import changed_at

    value: Any = full
    for path, section in reversed(list(sections.items())):
        value = changed_at(value, path.split("."), functools.partial(slim_spec, defaults=section))
    return value


def embedded_spec(spec: ProviderSpec) -> RuntimeSpec:
    """What a generated module embeds for ``spec``: ``slim_spec`` against the defaults of the
    runtime it will run on (``DEFAULTS``, and ``SECTION_DEFAULTS`` inside optional sections and
    map entries), checked to merge back into ``normalized_spec(spec)``."""
    from runtime.provider import with_defaults
    from runtime.provider.spec_defaults import DEFAULTS, SECTION_DEFAULTS

    full = normalized_spec(spec)
    slim = slim_spec(slim_sections(full, SECTION_DEFAULTS), DEFAULTS)
    if with_defaults(slim) != full:
        raise SlimSpecError(f"{spec.id}: the embedded spec does not merge back into the spec")
    return slim


def _defaults_of(cls: type[Any]) -> RuntimeSpec:
    hints = typing.get_type_hints(cls)
    defaults: RuntimeSpec = {}
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            defaults[field.name] = _plain(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            defaults[field.name] = _plain(field.default_factory())
        elif dataclasses.is_dataclass(hints[field.name]):
            defaults[field.name] = _defaults_of(hints[field.name])
    return defaults


def _plain(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {field.name: _plain(getattr(value, field.name)) for field in fields}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"unexpected value of type {type(value).__name__} in a validated spec")


def section_defaults() -> dict[str, RuntimeSpec]:
    """The defaults of the sections ``default_spec`` cannot hold, by path: an optional section
    (``refresh``, default None) once present, and each entry of a map (``variables.*``,
    ``userinfo.fields.*``). Shallower paths come first, the order the runtime merges them in.

    A required field of such a section has no default: it is listed as None only to keep its
    place, so that a merged section has its fields in the format's order (every valid spec
    sets it, and no required field may be None)."""
    found: dict[str, RuntimeSpec] = {}
    _collect_sections(ProviderSpec, "", found)
    return dict(sorted(found.items(), key=lambda item: (item[0].count("."), item[0])))


def _collect_sections(cls: type[Any], prefix: str, found: dict[str, RuntimeSpec]) -> None:
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        path = f"{prefix}{field.name}"
        hint = hints[field.name]
        section = _dataclass_in(hint)
        if section is not None:
            if _is_optional(hint):
                found[path] = _section_defaults_of(section)
            _collect_sections(section, f"{path}.", found)
            continue
        if typing.get_origin(hint) in (Mapping, dict):
            entry = _dataclass_in(typing.get_args(hint)[1])
            if entry is not None:
                found[f"{path}.*"] = _section_defaults_of(entry)
                _collect_sections(entry, f"{path}.*.", found)


def _section_defaults_of(cls: type[Any]) -> RuntimeSpec:
    defaults = _defaults_of(cls)
    return {field.name: defaults.get(field.name) for field in dataclasses.fields(cls)}


def _dataclass_in(hint: Any) -> type[Any] | None:
    """The dataclass ``hint`` is, or is ``X | None`` of."""
    candidates = typing.get_args(hint) if _is_optional(hint) else (hint,)
    for candidate in candidates:
        if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


def _is_optional(hint: Any) -> bool:
    return type(None) in typing.get_args(hint) and typing.get_origin(hint) in (
        typing.Union,
        types.UnionType,
    )
