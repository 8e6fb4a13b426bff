"""Tokens and profiles on disk.

Tokens go to a ``runtime.stores.FileTokenStore`` in ``<data dir>/tokens`` (0600 files in a
0700 directory, atomic replace, per-key lock) under the key ``<provider>:<profile>``. Beside it,
``<data dir>/profiles`` (another private file store) keeps one record per profile: which client
signed in (the shipped ``generated.<id>`` or the spec file's absolute path), its variables,
the client id and the client secret given at login, and the scopes asked for, so ``token``
and ``logout`` can rebuild the same client later. The records are also the list ``status``
shows. Neither directory is ever printed from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.stores import FileTokenStore, TokenStoreCorruptError, TokenStoreLockTimeout
from runtime.stores.base import decode_token

from .errors import EXIT_USAGE, CommandError

DEFAULT_PROFILE = "default"
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LOCK_TIMEOUT = 60.0
"""How long ``token`` waits for another process's refresh before giving up (exit 7)."""
RECORD_VERSION = 1


def check_profile(name: str) -> str:
    if not PROFILE_NAME.fullmatch(name):
        raise CommandError(
            EXIT_USAGE,
            f"--profile {name!r}: use 1-64 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit",
        )
    return name


def store_key(provider_id: str, profile: str) -> str:
    return f"{provider_id}:{profile}"


@dataclass(frozen=True)
class ProfileRecord:
    """What ``login`` used; enough for ``token`` / ``logout`` to rebuild the client."""

    provider: str
    profile: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    spec_file: str | None = None
    variables: Mapping[str, str | int] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    flow: str = "authorization_code"

    @property
    def key(self) -> str:
        return store_key(self.provider, self.profile)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": RECORD_VERSION,
            "provider": self.provider,
            "profile": self.profile,
            "client_id": self.client_id,
            "spec_file": self.spec_file,
            "variables": dict(self.variables),
            "scopes": list(self.scopes),
            "flow": self.flow,
        }
        if self.client_secret is not None:
            data["client_secret"] = self.client_secret
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> ProfileRecord:
        try:
            variables = data.get("variables") or {}
            scopes = data.get("scopes") or []
            record = cls(
                provider=_text(data["provider"]),
                profile=_text(data["profile"]),
                client_id=_text(data["client_id"]),
                client_secret=_optional_text(data.get("client_secret")),
                spec_file=_optional_text(data.get("spec_file")),
                variables={
                    _text(name): value
                    for name, value in dict(variables).items()
                    if isinstance(value, str | int) and not isinstance(value, bool)
                },
                scopes=tuple(_text(scope) for scope in scopes),
                flow=_text(data.get("flow", "authorization_code")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            field_name = exc.args[0] if isinstance(exc, KeyError) else "a field"
            raise TokenStoreCorruptError(
                f"{where} is corrupt: {field_name!s} is missing or of the wrong type"
            ) from None
        return record


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("not a string")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


class AuthStore:
    """The token store and the profile records under one data directory."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.tokens = FileTokenStore(self.directory / "tokens")
        self.profiles = FileTokenStore(self.directory / "profiles")

    def record(self, provider_id: str, profile: str) -> ProfileRecord | None:
        key = store_key(provider_id, profile)
        data = self.profiles.load(key)
        if data is None:
            return None
        return ProfileRecord.from_json(data, f"profile file {self.profiles.path_for(key)}")

    def records(self) -> list[ProfileRecord]:
        """Every saved profile, sorted by provider and profile (corrupt files raise)."""
        found = []
        for path in sorted(self.profiles.directory.glob("*.json")):
            where = f"profile file {path}"
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # deleted meanwhile by a logout
                continue
            found.append(ProfileRecord.from_json(decode_token(data, where), where))
        return sorted(found, key=lambda record: (record.provider, record.profile))

    def profile_names(self) -> list[str]:
        """Provider ids with a saved profile; corrupt records are skipped (for did-you-mean)."""
        try:
            return sorted({record.provider for record in self.records()})
        except TokenStoreCorruptError:
            return []

    def save_login(self, record: ProfileRecord, token: Mapping[str, Any]) -> None:
        with self.locked(record.key):
            self.tokens.save(record.key, token)
            self.profiles.save(record.key, record.to_json())

    @contextmanager
    def locked(self, key: str, on_wait: Callable[[float], None] | None = None) -> Iterator[None]:
        """Hold the token's lock; ``on_wait(timeout)`` is told first when another process
        holds it (a refresh in progress), then it waits up to ``LOCK_TIMEOUT`` seconds."""
        with ExitStack() as stack:
            try:
                stack.enter_context(self.tokens.lock(key, timeout=0))
            except TokenStoreLockTimeout:
                if on_wait is not None:
                    on_wait(LOCK_TIMEOUT)
                stack.enter_context(self.tokens.lock(key, timeout=LOCK_TIMEOUT))
            yield

    def forget(self, record: ProfileRecord) -> None:
        """Delete the token, then the record (call it holding ``locked(record.key)``)."""
        self.tokens.delete(record.key)
        self.profiles.delete(record.key)
