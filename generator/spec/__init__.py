"""The provider spec: its model, located validation and JSON Schema."""

from runtime.spec import ProviderSpec

from .errors import Position, SpecError, SpecValidationError
from .loader import LoadedSpec, load_spec, parse_spec

__all__ = [
    "LoadedSpec",
    "Position",
    "ProviderSpec",
    "SpecError",
    "SpecValidationError",
    "load_spec",
    "parse_spec",
]
