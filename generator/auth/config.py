"""Where the sign-in commands keep things, and where a client id / secret comes from.

Directories follow the XDG base directory convention (POSIX; the file token store is POSIX
only): the config file is ``$XDG_CONFIG_HOME/oauthgen/config.toml`` (default
``~/.config/oauthgen/config.toml``), tokens and profiles live under ``$XDG_DATA_HOME/oauthgen``
(default ``~/.local/share/oauthgen``).

Client credentials, first found wins: the ``--client-id`` / ``--client-secret`` flags, then the
environment (``OAUTHGEN_<PROVIDER>_CLIENT_ID`` / ``..._CLIENT_SECRET``, the provider id
upper-cased), then the config file::

    [providers.github]
    client_id = "Iv1.0123456789abcdef"
    client_secret = "..."          # optional: public clients have none
    scopes = ["read:user"]         # optional default for --scope
    [providers.github.variables]   # optional defaults for --var
    user_agent = "my-script"
"""

from __future__ import annotations

import importlib
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EXIT_USAGE, CommandError

APP_DIR = "oauthgen"
CONFIG_FILE = "config.toml"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/oauthgen``, or ``~/.config/oauthgen``."""
    return _base_dir(environ, "XDG_CONFIG_HOME", ".config") / APP_DIR


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/oauthgen``, or ``~/.local/share/oauthgen``."""
    return _base_dir(environ, "XDG_DATA_HOME", ".local/share") / APP_DIR


def _base_dir(environ: Mapping[str, str] | None, variable: str, fallback: str) -> Path:
    value = (os.environ if environ is None else environ).get(variable, "")
    # The specification says a relative path there is invalid and is to be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path(os.path.expanduser("~")) / fallback


def env_prefix(provider_id: str) -> str:
    """``OAUTHGEN_<PROVIDER>_``: the provider id upper-cased (ids are ``[a-z0-9_]``)."""
    return f"OAUTHGEN_{provider_id.upper()}_"


@dataclass(frozen=True)
class ProviderConfig:
    """The ``[providers.<id>]`` table of the config file (every key optional)."""

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = ()
    variables: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    path: Path
    providers: Mapping[str, ProviderConfig] = field(default_factory=dict)

    def provider(self, provider_id: str) -> ProviderConfig:
        return self.providers.get(provider_id, ProviderConfig())


def _toml_loads() -> Callable[[str], dict[str, Any]]:
    # tomllib is in the standard library from 3.11; 3.10 gets the tomli package it came from.
    module = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    loads: Callable[[str], dict[str, Any]] = module.loads
    return loads


def load_config(path: Path | None = None, warn: Callable[[str], None] | None = None) -> Config:
    """Read the config file; a missing file is an empty config, a broken one a usage error.

    ``warn`` is told when the file holds a client secret and other users may read it.
    """
    path = config_dir() / CONFIG_FILE if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CommandError(EXIT_USAGE, f"{path}: cannot read the config file: {reason}") from None
    try:
        document = _toml_loads()(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError; its message names line and column
        raise CommandError(EXIT_USAGE, f"{path}: not valid TOML: {exc}") from None
    providers = document.get("providers", {})
    if not isinstance(providers, dict):
        raise CommandError(EXIT_USAGE, f"{path}: 'providers' must be a table ([providers.<id>])")
    found = {name: _provider(path, name, table) for name, table in providers.items()}
    if warn is not None and any(entry.client_secret for entry in found.values()):
        _warn_if_readable(path, warn)
    return Config(path, found)


def _provider(path: Path, name: str, table: object) -> ProviderConfig:
    where = f"{path}: [providers.{name}]"
    if not isinstance(table, dict):
        raise CommandError(EXIT_USAGE, f"{where} must be a table")
    unknown = sorted(set(table) - {"client_id", "client_secret", "scopes", "variables"})
    if unknown:
        raise CommandError(
            EXIT_USAGE,
            f"{where}: unknown key {unknown[0]!r} "
            "(known: client_id, client_secret, scopes, variables)",
        )
    for key in ("client_id", "client_secret"):
        if key in table and (not isinstance(table[key], str) or not table[key]):
            raise CommandError(EXIT_USAGE, f"{where}: {key} must be a non-empty string")
    scopes = table.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise CommandError(EXIT_USAGE, f"{where}: scopes must be a list of strings")
    variables = table.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(value, str | int) and not isinstance(value, bool)
        for value in variables.values()
    ):
        raise CommandError(
            EXIT_USAGE, f"{where}: variables must be a table of strings or integers"
        )
    return ProviderConfig(
        client_id=table.get("client_id"),
        client_secret=table.get("client_secret"),
        scopes=tuple(scopes),
        variables=dict(variables),
    )


def _warn_if_readable(path: Path, warn: Callable[[str], None]) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        warn(
            f"{path} holds a client secret and other users can read it "
            f"(mode {mode:04o}): run `chmod 600 {path}`"
        )


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str | None = field(repr=False)
    client_id_source: str
    client_secret_source: str | None


def resolve_credentials(
    provider_id: str,
    *,
    flag_id: str | None,
    flag_secret: str | None,
    config: Config,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """The client id and secret: flags > environment > config file.

    :raises CommandError: (usage) no client id anywhere; the message names the flag, the
        environment variable and the config key to set.
    """
    environ = os.environ if environ is None else environ
    prefix = env_prefix(provider_id)
    entry = config.provider(provider_id)
    client_id, id_source = _first(
        ("--client-id", flag_id),
        (f"${prefix}CLIENT_ID", environ.get(f"{prefix}CLIENT_ID")),
        (f"{config.path} [providers.{provider_id}] client_id", entry.client_id),
    )
    if client_id is None:
        raise CommandError(
            EXIT_USAGE,
            f"no client id for {provider_id}: pass --client-id, set {prefix}CLIENT_ID, or add "
            f"client_id under [providers.{provider_id}] in {config.path}",
        )
    secret, secret_source = _first(
        ("--client-secret", flag_secret),
        (f"${prefix}CLIENT_SECRET", environ.get(f"{prefix}CLIENT_SECRET")),
        (f"{config.path} [providers.{provider_id}] client_secret", entry.client_secret),
    )
    return Credentials(client_id, secret, id_source or "", secret_source)


def configured_secret(
    provider_id: str, config: Config, environ: Mapping[str, str] | None = None
) -> str | None:
    """The client secret from the environment or the config file (no flags), if any."""
    environ = os.environ if environ is None else environ
    secret, _ = _first(
        ("env", environ.get(f"{env_prefix(provider_id)}CLIENT_SECRET")),
        ("config", config.provider(provider_id).client_secret),
    )
    return secret


def _first(*candidates: tuple[str, str | None]) -> tuple[str | None, str | None]:
    for source, value in candidates:
        if value:
            return value, source
    return None, None
