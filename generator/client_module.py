"""Build a spec's client in memory: the same module ``oauthgen build`` would write, imported
without touching the disk (``oauthgen login path/to/acme.yaml``).

The text is the generator's own checked output (``render_module`` parses and compiles it and
checks its shape), run in a fresh module object whose name cannot clash with an installed
``generated.<id>`` package.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .build import header_source, render_module
from .spec import load_spec

if TYPE_CHECKING:
    from runtime.provider.base import ProviderBase

_COUNTER = itertools.count()


def client_class(module: ModuleType) -> type[ProviderBase]:
    """The one client class a generated module exports (the ``ProviderBase`` subclass)."""
    from runtime.provider.base import ProviderBase

    found = [
        value
        for name in getattr(module, "__all__", ())
        if isinstance(value := getattr(module, name, None), type)
        and issubclass(value, ProviderBase)
    ]
    if len(found) != 1:
        raise LookupError(f"{module.__name__} does not export exactly one client class")
    return found[0]


def build_client_module(spec_file: str | Path) -> ModuleType:
    """Load, validate and render ``spec_file``, then run the generated module in memory.

    :raises generator.spec.SpecValidationError: the spec has errors (located diagnostics).
    :raises generator.build.GenerationError: the generated module failed its checks.
    :raises OSError: the file cannot be read.
    """
    path = Path(spec_file)
    loaded = load_spec(path)
    text = render_module(loaded, source=header_source(path))
    name = f"_oauthgen_spec_{loaded.spec.id}_{next(_COUNTER)}"
    module = ModuleType(name)
    module.__file__ = str(path)
    code = compile(text, f"<generated from {path}>", "exec", dont_inherit=True)
    sys.modules[name] = module  # typing helpers look the module up while it runs
    try:
        exec(code, module.__dict__)  # noqa: S102 - the generator's checked output, see above
    finally:
        del sys.modules[name]
    return module
