"""``FileTokenStore``: the embedded default store, one JSON file per key in a private directory.

Why one file per key and not SQLite
-----------------------------------
* The refresh lock is held across an HTTP request to the token endpoint (seconds, sometimes
  a timeout's worth). SQLite has one write lock per database, so holding a write transaction
  that long would stall the saves of every other key, and readers too in rollback-journal mode;
  we would need a lock outside SQLite anyway. Per-key ``flock`` on a sidecar ``.lock`` file
  serialises only the processes that refresh the same token; unrelated keys never wait.
* ``flock`` locks die with their process, so a worker killed mid-refresh (SIGKILL, OOM) never
  leaves a stale lock behind; no lease, heartbeat or manual recovery is needed.
* Write a temporary file in the same directory, ``fsync`` it, ``os.replace`` it over the token
  file, ``fsync`` the directory: POSIX makes the rename atomic, so a reader (which takes no lock
  and never sees "database is locked") gets the complete old or the complete new token, also
  after a crash. A temporary file left by a killed writer has a name no reader looks at.
* Files are 0600 in a 0700 directory, created with those modes (``os.open``/``os.mkdir`` mode
  arguments, which the umask can only narrow), and each is plain JSON an operator can inspect.
  Missing parent directories are created 0700 as well. A directory that is group- or
  world-writable, or owned by another user, is refused (``InsecureTokenDirectoryError``): whoever
  can write there could swap a token file or plant a link. ``~`` in the path is expanded.
* Costs we accept: one small file per key (token counts per machine are tens to thousands),
  POSIX only (``fcntl``), and no support for network file systems, where neither ``flock`` nor
  SQLite locking is reliable; use ``RedisTokenStore`` across machines.

Layout
------
For key ``k`` the token is ``<slug>.<digest>.json``, where ``digest`` is the first 32 hex
digits of SHA-256 of the UTF-8 key and ``slug`` keeps up to 48 of its ``[A-Za-z0-9_-]``
characters (others become ``_``) so operators can tell files apart. File names therefore never
contain a path separator, ``..`` or NUL, whatever the key. Beside it: ``<slug>.<digest>.lock``
(the lock file, kept for the life of the directory: removing a lock file that another process
has open would let two processes lock different files) and, while a save runs,
``.<slug>.<digest>.<random>.tmp``, which a store created later removes once its writer is
dead (unlocked) and it is older than ``STALE_TEMP_FILE_AGE`` seconds.

Saved tokens get an absolute ``expires_at`` when they only carry ``expires_in`` (see
``base.with_absolute_expiry``), so a token reloaded an hour later does not look fresh.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .base import (
    DEFAULT_LOCK_TIMEOUT,
    InsecureTokenDirectoryError,
    KeyedThreadLocks,
    TokenStoreError,
    TokenStoreLockTimeout,
    check_key,
    check_timeout,
    decode_token,
    encode_token,
)

__all__ = ["FileTokenStore"]

_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600
_SLUG_LENGTH = 48
_UNSAFE_SLUG_CHARS = re.compile(r"[^A-Za-z0-9_-]")
_TEMP_FILE_NAME = re.compile(r"\.[A-Za-z0-9_-]+\.[0-9a-f]{32}\.[0-9a-f]{16}\.tmp")
_SAVE_ATTEMPTS = 3
_LOCK_POLL_MIN = 0.001
_LOCK_POLL_MAX = 0.02
_OPEN_FLAGS = os.O_CLOEXEC | os.O_NOFOLLOW
STALE_TEMP_FILE_AGE = 10.0


class FileTokenStore:
    """Tokens as 0600 JSON files in a 0700 directory; locks shared by threads and processes."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self._directory = Path(os.path.expanduser(os.fspath(directory))).absolute()
        _make_private_directory(self._directory)
        _check_private_directory(self._directory)
        self._thread_locks = KeyedThreadLocks()
        self.remove_stale_temp_files()

    @property
    def directory(self) -> Path:
        return self._directory

    def path_for(self, key: str) -> Path:
        """The file that holds the token for ``key`` (it may not exist yet)."""
        return self._directory / f"{_file_stem(check_key(key))}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        path = self.path_for(key)
        try:
            fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _os_error("cannot read token file", path, exc) from exc
        with os.fdopen(fd, "rb") as file:
            data = file.read()
        return decode_token(data, f"token file {path}")

    def save(self, key: str, token: Mapping[str, Any]) -> None:
        path = self.path_for(key)
        data = encode_token(token, f"key {key!r}")
        for _ in range(_SAVE_ATTEMPTS):
            if self._write_and_replace(path, data):
                return
        raise TokenStoreError(f"cannot save token file {path}: its temporary file kept vanishing")

    def delete(self, key: str) -> None:
        path = self.path_for(key)
        try:
            os.unlink(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise _os_error("cannot delete token file", path, exc) from exc
        _fsync_directory(self._directory)

    @contextmanager
    def lock(self, key: str, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
        """Exclusive per key between threads (a thread lock) and processes (``flock``)."""
        timeout = check_timeout(timeout)
        lock_path = self.path_for(key).with_suffix(".lock")
        deadline = time.monotonic() + timeout
        # Threads of this process queue on a thread lock, so only one of them polls flock.
        with self._thread_locks.hold(key, timeout, str(lock_path)):
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _OPEN_FLAGS, _FILE_MODE)
            except OSError as exc:
                raise _os_error("cannot open lock file", lock_path, exc) from exc
            try:
                _flock_before(fd, deadline, timeout, lock_path)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def remove_stale_temp_files(self, min_age: float = STALE_TEMP_FILE_AGE) -> int:
        """Delete temporary files whose writer died; return how many were removed.

        A writer holds ``flock`` on its temporary file from just after creating it until the
        rename, so a temporary file that is unlocked and older than ``min_age`` seconds (which
        covers the instant between creation and locking) belongs to a dead process. Runs with
        the default age when the store is created.
        """
        removed = 0
        try:
            entries = [entry.path for entry in os.scandir(self._directory)]
        except OSError as exc:
            raise _os_error("cannot list token directory", self._directory, exc) from exc
        for path in entries:
            if _TEMP_FILE_NAME.fullmatch(os.path.basename(path)) and _remove_if_stale(
                path, min_age
            ):
                removed += 1
        return removed

    def _write_and_replace(self, path: Path, data: bytes) -> bool:
        """One save attempt; ``False`` if a cleaner removed the temporary file under us."""
        temp_path = path.with_name(f".{path.stem}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, _FILE_MODE)
        except OSError as exc:
            raise _os_error("cannot create temporary token file", temp_path, exc) from exc
        try:
            # Marks the file as in use until it is renamed (see remove_stale_temp_files).
            fcntl.flock(fd, fcntl.LOCK_EX)
            _write_all(fd, data)
            os.fsync(fd)
            try:
                os.replace(temp_path, path)
            except FileNotFoundError:
                return False
            _fsync_directory(self._directory)
            return True
        except OSError as exc:
            _unlink_quietly(temp_path)
            raise _os_error("cannot save token file", path, exc) from exc
        except BaseException:
            _unlink_quietly(temp_path)
            raise
        finally:
            os.close(fd)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._directory)!r})"


def _file_stem(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    slug = _UNSAFE_SLUG_CHARS.sub("_", key[:_SLUG_LENGTH]) or "_"
    return f"{slug}.{digest}"


def _make_private_directory(directory: Path) -> None:
    """Create ``directory`` and any missing parents, each 0700 (``Path.mkdir(parents=True)``
    would give the parents the umask's default, often 0755)."""
    missing = [path for path in (directory, *directory.parents) if not path.exists()]
    for path in reversed(missing):
        try:
            os.mkdir(path, _DIRECTORY_MODE)
        except FileExistsError:
            continue  # created meanwhile by another process
        except OSError as exc:
            raise _os_error("cannot create token directory", path, exc) from exc
        _fsync_directory(path.parent)
    if not directory.is_dir():
        raise TokenStoreError(f"token directory {directory} exists and is not a directory")


def _check_private_directory(directory: Path) -> None:
    """Refuse a directory other users can write to or that another user owns."""
    try:
        status = os.stat(directory)
    except OSError as exc:
        raise _os_error("cannot inspect token directory", directory, exc) from exc
    mode = stat.S_IMODE(status.st_mode)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = " and ".join(
            name
            for name, bit in (("its group", stat.S_IWGRP), ("all users", stat.S_IWOTH))
            if mode & bit
        )
        raise InsecureTokenDirectoryError(
            f"token directory {directory} is writable by {who} (mode {mode:04o}), so another "
            f"user could replace the tokens in it: run `chmod 700 {directory}` or use a "
            f"directory only you can write to"
        )
    owner = os.geteuid()
    if status.st_uid != owner:
        raise InsecureTokenDirectoryError(
            f"token directory {directory} belongs to uid {status.st_uid}, not to this user "
            f"(uid {owner}): use a directory of your own, e.g. under your home directory"
        )


def _flock_before(fd: int, deadline: float, timeout: float, lock_path: Path) -> None:
    delay = _LOCK_POLL_MIN
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TokenStoreLockTimeout(
                f"timed out after {timeout:g} s waiting for the lock on {lock_path}"
            )
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, _LOCK_POLL_MAX)


def _remove_if_stale(path: str, min_age: float) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    except OSError:
        return False
    try:
        if time.time() - os.fstat(fd).st_mtime < min_age:
            return False  # maybe a writer that has not locked it yet
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live writer
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False  # renamed into place meanwhile
        return True
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise _os_error("cannot open token directory", directory, exc) from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # file systems without dir fsync
            raise _os_error("cannot sync token directory", directory, exc) from exc
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)


def _os_error(action: str, path: Path | str, exc: OSError) -> TokenStoreError:
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ELOOP:
        reason = "it is a symbolic link"
    return TokenStoreError(f"{action} {path}: {reason}")
