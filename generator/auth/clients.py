"""Which client class a ``PROVIDER|SPEC`` argument names, and building an instance of it.

A shipped client is ``generated.<id>`` (installed with oauthgen, or the user's own build on the
path); anything that looks like a file (``*.yaml``, ``*.yml``, a path with a ``/``) is a spec
built in memory. Only the generated classes' public API is used: the keyword-only
constructor (credentials, redirect URI, token, one argument per spec variable) and the flow
methods.
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build import GenerationError
from ..catalogue import installed_provider_ids
from ..client_module import build_client_module, client_class
from .errors import EXIT_SPEC_ERRORS, EXIT_USAGE, CommandError

if TYPE_CHECKING:
    from runtime.provider import SpecView

SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ProviderClient:
    """A provider's client class and where it came from."""

    provider_id: str
    cls: Any  # Any: the generated class's typed constructor and methods are called by name
    spec_file: Path | None = None  # absolute; None for a shipped client

    @property
    def spec(self) -> SpecView:
        spec: SpecView = self.cls.spec
        return spec

    @property
    def name(self) -> str:
        return self.spec.name

    def supports(self, grant: str) -> bool:
        return grant in self.spec.grants

    @property
    def can_refresh(self) -> bool:
        refresh = self.spec.refresh
        return bool(refresh and refresh.supported)

    @property
    def can_revoke(self) -> bool:
        return callable(getattr(self.cls, "revoke", None))

    @property
    def leeway(self) -> float:
        refresh = self.spec.refresh
        return float(refresh.leeway_seconds) if self.can_refresh and refresh else 60.0


def looks_like_spec_file(argument: str) -> bool:
    return argument.endswith(SPEC_SUFFIXES) or os.sep in argument or "/" in argument


def resolve_provider(argument: str, known_ids: Sequence[str] = ()) -> ProviderClient:
    """The client for ``argument``: a spec file, else a shipped ``generated.<id>``.

    ``known_ids`` (providers with saved profiles) join the shipped ids in the did-you-mean.

    :raises CommandError: unknown provider (usage, with close matches), a missing spec file
        (usage), or a spec with errors (printed as diagnostics, exit 1).
    """
    if looks_like_spec_file(argument):
        return client_from_spec(Path(argument))
    shipped = installed_provider_ids()
    if argument in shipped:
        module = importlib.import_module(f"generated.{argument}")
        return ProviderClient(argument, client_class(module))
    candidates = sorted({*shipped, *known_ids})
    close = difflib.get_close_matches(argument, candidates, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
    raise CommandError(
        EXIT_USAGE,
        f"unknown provider {argument!r}{hint} (`oauthgen list` shows the shipped clients; "
        "a spec file works too: `oauthgen login path/to/provider.yaml`)",
    )


def client_from_spec(path: Path) -> ProviderClient:
    from ..spec import SpecValidationError

    if not path.is_file():
        raise CommandError(EXIT_USAGE, f"{path}: no such spec file")
    try:
        module = build_client_module(path)
    except SpecValidationError as exc:
        raise CommandError(EXIT_SPEC_ERRORS, str(exc)) from None
    except GenerationError as exc:
        raise CommandError(EXIT_SPEC_ERRORS, f"internal error (please report it): {exc}") from None
    except OSError as exc:
        raise CommandError(EXIT_USAGE, f"{path}: cannot read: {exc.strerror or exc}") from None
    cls = client_class(module)
    return ProviderClient(cls.spec.id, cls, path.resolve())


def parse_variables(
    provider: ProviderClient, assignments: Sequence[str], defaults: Mapping[str, str | int]
) -> dict[str, str | int]:
    """``--var NAME=VALUE`` (over the config file's defaults) as constructor arguments.

    Names must be the spec's variables (or ``environment`` when it declares environments);
    ``int`` variables are converted. The runtime checks choices and patterns.
    """
    declared = provider.spec.variables
    allowed = set(declared) | ({"environment"} if provider.spec.environments else set())
    known = ", ".join(sorted(allowed)) or "none"
    given: dict[str, str | int] = dict(defaults)
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        name = name.strip()
        if not separator or not name:
            raise CommandError(EXIT_USAGE, f"--var {assignment!r}: expected NAME=VALUE")
        given[name] = value
    for name, current in list(given.items()):
        if name not in allowed:
            raise CommandError(
                EXIT_USAGE, f"{provider.name} has no variable {name!r}; its variables: {known}"
            )
        variable = declared.get(name)
        if variable is not None and variable.type == "int" and isinstance(current, str):
            try:
                given[name] = int(current)
            except ValueError:
                raise CommandError(
                    EXIT_USAGE, f"--var {name}=...: {name} is an integer, not {current!r}"
                ) from None
    return given


def make_client(
    provider: ProviderClient,
    *,
    client_id: str,
    client_secret: str | None,
    variables: Mapping[str, str | int],
    redirect_uri: str | None = None,
    token: Mapping[str, Any] | None = None,
) -> Any:
    """An instance of the provider's client (``Any``: its methods are the generated ones)."""
    from runtime.provider.errors import VariableError

    try:
        return provider.cls(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            token=dict(token) if token is not None else None,
            **dict(variables),
        )
    except VariableError as exc:
        raise CommandError(EXIT_USAGE, f"{provider.name}: {exc} (set it with --var)") from None
