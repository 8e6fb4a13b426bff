"""Reading a spec file into PyYAML nodes, which keep a line/column mark for every value."""

from __future__ import annotations

from typing import cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import START, Position, Reporter

MAX_SPEC_BYTES = 1024 * 1024
YAML_TAG_PREFIX = "tag:yaml.org,2002:"
ALIAS_TAG = "oauthgen:alias"
"""Stands in for an ``*alias``: the converter reports it where the alias is written."""


class _AliasMarkers:
    """Composes aliases as marker nodes instead of sharing the anchored node.

    A spec has no use for aliases, and resolving them would point messages at the anchor
    and let a small file expand into a huge tree.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            event: yaml.AliasEvent = self.get_event()  # type: ignore[attr-defined]
            mark = cast(yaml.Mark, event.start_mark)
            return yaml.ScalarNode(ALIAS_TAG, event.anchor, mark, mark)
        return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]


class _SpecLoader(_AliasMarkers, yaml.SafeLoader):
    """The pure-Python loader, where libyaml is not installed."""


if yaml.__with_libyaml__:
    from yaml._yaml import CParser  # libyaml's parser (yaml.cyaml re-exports it untyped)

    class _FastSpecLoader(
        _AliasMarkers, Composer, CParser, SafeConstructor, Resolver
    ):
        """libyaml scans and parses (most of the time a spec takes to load); composing stays
        in Python so aliases still become markers."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _LOADER: type = _FastSpecLoader
else:  # pragma: no cover - every supported platform has libyaml wheels
    _LOADER = _SpecLoader


def position_of(node: yaml.Node) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1)


def _offset_position(text: str, offset: int) -> Position:
    before = text[:offset]
    return Position(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def _within(text: str, position: Position) -> Position:
    """``position`` moved back onto the text: libyaml puts an unexpected end of the file on
    the line after the last one."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if position.line <= len(lines):
        return position
    return Position(max(len(lines), 1), len(lines[-1]) + 1 if lines else 1)


def decode(data: bytes, reporter: Reporter) -> str | None:
    if len(data) > MAX_SPEC_BYTES:
        reporter.add(START, "<file>", "spec is larger than 1 MiB", "split it or remove bulk data")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        position = _offset_position(data[: exc.start].decode("utf-8", "replace"), exc.start)
        reporter.add(position, "<file>", "file is not valid UTF-8", "save it as UTF-8")
        return None


def compose(text: str, reporter: Reporter) -> yaml.Node | None:
    """Compose one YAML document; syntax errors are reported with their position."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _within(text, Position(mark.line + 1, mark.column + 1)) if mark else START
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own limit
            reporter.add(position, "<yaml>", "YAML is nested too deeply", "flatten the document")
            return None
        if exc.context and exc.problem and "expected a single document" in exc.context:
            problem = "the file holds more than one YAML document"
            hint = "keep one provider per file; remove the extra '---'"
        else:
            hint = "check indentation, quoting and ':' near here"
        reporter.add(position, "<yaml>", f"YAML syntax error: {problem}", hint)
        return None
    except yaml.reader.ReaderError as exc:
        reporter.add(
            _offset_position(text, exc.position),
            "<yaml>",
            f"YAML syntax error: unacceptable character {exc.character!r}",
            "remove control characters from the file",
        )
        return None
    except RecursionError:
        reporter.add(START, "<yaml>", "YAML is nested too deeply", "flatten the document")
        return None
    except yaml.YAMLError as exc:  # any other PyYAML error is still bad input, not a crash
        reporter.add(START, "<yaml>", f"YAML error: {exc}", "check the file is valid YAML")
        return None
    if node is None:
        reporter.add(START, "<root>", "spec is empty", "start from `oauthgen new NAME`")
    return node
