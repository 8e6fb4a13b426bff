"""What every semantic rule needs: the spec, where its keys are, and a way to report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from runtime.spec import ProviderSpec

from ..convert import Conversion
from ..errors import START, Level, Position, Reporter, SpecPath, show
from ..wording import suggest


class CheckContext:
    def __init__(self, spec: ProviderSpec, conversion: Conversion, reporter: Reporter) -> None:
        self.spec = spec
        self.conversion = conversion
        self.reporter = reporter

    def present(self, *path: str | int) -> bool:
        """Whether the spec file itself sets this key (defaults do not count)."""
        return path in self.conversion.positions

    def failed(self, path: SpecPath) -> bool:
        """Whether this path or an enclosing one already has a structural error."""
        return any(path[:end] in self.conversion.failed for end in range(len(path) + 1))

    def report(
        self,
        path: SpecPath,
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
        level: Level = "error",
    ) -> None:
        """Report at ``path`` (its key with ``key=True``), or at the nearest enclosing key."""
        if not self.failed(path):
            self.reporter.add(self._position(path, key), path, message, hint, level=level)

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str | None:
        close = suggest(word, choices)
        return f"did you mean {show(close)}?" if close else None

    def token_fields(self) -> Mapping[str, object]:
        """Provider-specific fields declared on the token, for {token.field} placeholders."""
        if self.spec.protocol == "oauth1":
            return self.spec.oauth1.access_token.extra
        return {**self.spec.token.response.extra, **self.added_token_fields()}

    def added_token_fields(self) -> dict[str, SpecPath]:
        """Token fields that come from outside the token answer: callback captures kept on
        the token and after_token steps' fields, each with where it is declared."""
        fields: dict[str, SpecPath] = {}
        if self.spec.protocol == "oauth1":
            return fields
        for name, captured in self.spec.callback.capture.items():
            if captured.on_token:
                fields[name] = ("callback", "capture", name, "on_token")
        for step_name, step in self.spec.after_token.items():
            for name in step.keep:
                fields.setdefault(name, ("after_token", step_name, "keep", name))
        return fields

    def _position(self, path: SpecPath, key: bool) -> Position:
        for end in range(len(path), -1, -1):
            located = self.conversion.positions.get(path[:end])
            if located is not None:
                return (located.key or located.value) if key else located.value
        return START
