"""Located spec diagnostics: one value type for every problem a spec can have."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]
PathPart = str | int
SpecPath = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_SHOWN = 60


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the spec file."""

    line: int
    column: int


START = Position(1, 1)


@dataclass(frozen=True)
class SpecError:
    """One problem in one spec file, printable as ``file:line:col: path: message (hint: …)``."""

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None
    level: Level = "error"

    def __str__(self) -> str:
        # Messages quote spec text; escaping here guarantees one line per diagnostic whatever
        # a message builder forgot.
        prefix = "warning: " if self.level == "warning" else ""
        path, message = one_line(self.path), one_line(self.message)
        text = f"{one_line(self.file)}:{self.line}:{self.column}: {path}: {prefix}{message}"
        return f"{text} (hint: {one_line(self.hint)})" if self.hint else text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.path, self.message)


def sorted_errors(errors: Iterable[SpecError]) -> tuple[SpecError, ...]:
    return tuple(sorted(set(errors), key=SpecError.sort_key))


class SpecValidationError(Exception):
    """Raised when a spec has at least one error; carries every diagnostic found."""

    def __init__(self, errors: Sequence[SpecError]) -> None:
        self.diagnostics = sorted_errors(errors)
        super().__init__("\n".join(str(error) for error in self.diagnostics))

    @property
    def errors(self) -> tuple[SpecError, ...]:
        return tuple(d for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> tuple[SpecError, ...]:
        return tuple(d for d in self.diagnostics if d.level == "warning")


def render_path(path: SpecPath) -> str:
    """``("scopes", "known", "read:user")`` -> ``scopes.known["read:user"]``."""
    if not path:
        return "<root>"
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(f"[{json.dumps(part)}]")
    return "".join(parts)


def one_line(text: str) -> str:
    """Escape every non-printable character (newlines included) as a Python escape."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def show(value: object) -> str:
    """Quote a spec value for a one-line message: control characters escaped, long text cut."""
    text = value if isinstance(value, str) else repr(value)
    escaped = one_line(text)
    if len(escaped) > _MAX_SHOWN:
        escaped = escaped[: _MAX_SHOWN - 1] + "…"
    return f"'{escaped}'" if isinstance(value, str) else escaped


class Reporter:
    """Collects diagnostics for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[SpecError] = []

    def add(
        self,
        position: Position,
        path: SpecPath | str,
        message: str,
        hint: str | None = None,
        *,
        level: Level = "error",
    ) -> None:
        shown = path if isinstance(path, str) else render_path(path)
        self.diagnostics.append(
            SpecError(self.file, position.line, position.column, shown, message, hint, level)
        )

    @property
    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.diagnostics)
