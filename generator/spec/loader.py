"""Loading a spec file: YAML with positions -> structural conversion -> semantic checks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runtime.spec import ProviderSpec

from .checks import check_spec
from .convert import Conversion, NodeConverter
from .errors import Position, Reporter, SpecError, SpecPath, SpecValidationError, sorted_errors
from .yaml_source import compose, decode


@dataclass(frozen=True)
class LoadedSpec:
    file: str
    """The file name as given by the caller; used in diagnostics."""
    spec: ProviderSpec
    sha256: str
    """Hash of the file's bytes, for the generated header and staleness checks."""
    warnings: tuple[SpecError, ...]
    positions: Mapping[SpecPath, Position]
    """Where each key's value starts in the file, by path; for later located messages."""


def parse_spec(data: bytes | str, file: str) -> LoadedSpec:
    """Validate spec text; raise ``SpecValidationError`` listing every problem found."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    reporter = Reporter(file)
    validated = _validate(raw, reporter)
    if validated is None or reporter.has_errors:
        raise SpecValidationError(reporter.diagnostics)
    spec, conversion = validated
    return LoadedSpec(
        file=file,
        spec=spec,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=sorted_errors(reporter.diagnostics),
        positions={path: located.value for path, located in conversion.positions.items()},
    )


def load_spec(path: str | os.PathLike[str]) -> LoadedSpec:
    """Read and validate one spec file. ``OSError`` propagates for unreadable files."""
    return parse_spec(Path(path).read_bytes(), os.fspath(path))


def _validate(raw: bytes, reporter: Reporter) -> tuple[ProviderSpec, Conversion] | None:
    text = decode(raw, reporter)
    if text is None:
        return None
    node = compose(text, reporter)
    if node is None:
        return None
    conversion = NodeConverter(reporter).convert_document(node, ProviderSpec)
    if not isinstance(conversion.value, ProviderSpec):
        return None
    check_spec(conversion.value, conversion, reporter)
    return conversion.value, conversion
