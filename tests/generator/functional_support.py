"""Helpers for the functional tests: inline YAML -> real build into a temp dir -> import.

The generated package is imported from its file under a unique module name, so it never
clashes with the repository's own ``generated.*`` packages or with another test's build.
"""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any

from generator.build import foreign_files, plan, write
from generator.spec import load_spec
from tests.generator.generation import client_class, import_file

_COUNTER = itertools.count()


def build_client(tmp: Path, yaml_text: str) -> Any:
    """Write ``yaml_text`` as a spec file, build it into ``tmp/out`` and return the class.

    Any: tests call the generated class's typed methods, which mypy cannot see here.
    """
    specs = tmp / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    number = next(_COUNTER)
    spec_file = specs / f"spec{number}.yaml"
    spec_file.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    out = tmp / "out"
    package = plan(load_spec(spec_file), out)
    assert not foreign_files([package])
    write(package)
    init = package.directory / "__init__.py"
    assert init.is_file() and (package.directory / "py.typed").is_file()
    module = import_file(init, f"_oauthgen_functional_{package.provider_id}_{number}")
    return client_class(module)







