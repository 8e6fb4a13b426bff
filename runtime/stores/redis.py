"""``RedisTokenStore``: tokens and refresh locks in Redis, shared by processes on many machines.

* The token for ``key`` is a JSON string under ``prefix + key`` (``SET``/``GET``/``DEL``).
* The lock for ``key`` is ``lock_prefix + key``, taken with ``SET name <owner> NX PX <ttl>``
  where ``owner`` is a fresh random value, retried with jittered backoff until the timeout.
  It is released by a Lua script that deletes it only while it still holds our owner value,
  so a holder whose lock expired can never delete the lock of the next owner.
* The lock expires ``lock_ttl`` seconds after its holder stops renewing it. A holder renews
  it (owner-checked ``PEXPIRE``) from a background thread every ``lock_ttl / 3`` seconds, so a
  slow refresh keeps the lock, while a dead worker (crash, SIGKILL, lost machine) holds it for
  at most ``lock_ttl``.

The ``redis`` package is optional (``pip install 'oauthgen[redis]'``): this module imports it
only when a store is built by ``RedisTokenStore.from_url`` or when an error must be classified.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._redact import secret_safe_logger
from .base import (
    DEFAULT_LOCK_TIMEOUT,
    TokenStoreCorruptError,
    TokenStoreError,
    TokenStoreLockTimeout,
    check_key,
    check_timeout,
    decode_token,
    encode_token,
)

if TYPE_CHECKING:
    from redis import Redis
    from redis.commands.core import Script

__all__ = ["RedisTokenStore"]

log = secret_safe_logger(__name__)

_INSTALL_HINT = "RedisTokenStore needs the redis package: pip install 'oauthgen[redis]'"

# KEYS[1] = lock name, ARGV[1] = owner value: delete only if we still own it.
_RELEASE_SCRIPT = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"""
# KEYS[1] = lock name, ARGV[1] = owner value, ARGV[2] = ttl in ms: extend only if still ours.
_RENEW_SCRIPT = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
"""
_POLL_MIN = 0.005
_POLL_MAX = 0.1


def import_redis() -> ModuleType:
    """The ``redis`` module, or an ``ImportError`` that says how to install it."""
    try:
        import redis
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return redis


class RedisTokenStore:
    """A ``TokenStore`` in Redis with an expiring, owner-checked lock per key."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "oauthgen:token:",
        lock_ttl: float = 30.0,
        lock_prefix: str | None = None,
    ) -> None:
        if isinstance(lock_ttl, bool) or not (isinstance(lock_ttl, int | float) and lock_ttl > 0):
            raise ValueError(f"lock_ttl must be a positive number of seconds, got {lock_ttl!r}")
        if not math.isfinite(lock_ttl):
            raise ValueError("lock_ttl must be finite: a dead worker would hold the lock forever")
        if lock_prefix is None:
            lock_prefix = prefix.rstrip(":") + "-lock:"
        if lock_prefix.startswith(prefix) or prefix.startswith(lock_prefix):
            raise ValueError(
                f"prefix {prefix!r} and lock_prefix {lock_prefix!r} overlap, so a token key "
                "could name a lock; choose prefixes where neither starts with the other"
            )
        self._client = client
        self._prefix = prefix
        self._lock_prefix = lock_prefix
        self._lock_ttl_ms = max(1, round(lock_ttl * 1000))
        self._release_script = client.register_script(_RELEASE_SCRIPT)
        self._renew_script = client.register_script(_RENEW_SCRIPT)
        self._redis_error: type[Exception] = import_redis().RedisError

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "oauthgen:token:",
        lock_ttl: float = 30.0,
        lock_prefix: str | None = None,
        **client_options: Any,
    ) -> RedisTokenStore:
        """A store on a new ``redis.Redis.from_url(url, **client_options)`` client."""
        client = import_redis().Redis.from_url(url, **client_options)
        return cls(client, prefix=prefix, lock_ttl=lock_ttl, lock_prefix=lock_prefix)

    @property
    def lock_ttl(self) -> float:
        return self._lock_ttl_ms / 1000

    def token_name(self, key: str) -> str:
        """The Redis key holding the token for ``key``."""
        return self._prefix + check_key(key)

    def lock_name(self, key: str) -> str:
        """The Redis key holding the lock for ``key``."""
        return self._lock_prefix + check_key(key)

    def load(self, key: str) -> dict[str, Any] | None:
        name = self.token_name(key)
        try:
            data = self._client.get(_encoded(name))
        except self._redis_error as exc:
            raise TokenStoreError(f"cannot read Redis key {name!r}: {exc}") from exc
        if data is None:
            return None
        if not isinstance(data, bytes | str):
            raise TokenStoreCorruptError(
                f"Redis key {name!r} is corrupt: GET returned a {type(data).__name__}"
            )
        return decode_token(data, f"Redis key {name!r}")

    def save(self, key: str, token: Mapping[str, Any]) -> None:
        name = self.token_name(key)
        data = encode_token(token, f"Redis key {name!r}")
        try:
            self._client.set(_encoded(name), data)
        except self._redis_error as exc:
            raise TokenStoreError(f"cannot write Redis key {name!r}: {exc}") from exc

    def delete(self, key: str) -> None:
        name = self.token_name(key)
        try:
            self._client.delete(_encoded(name))
        except self._redis_error as exc:
            raise TokenStoreError(f"cannot delete Redis key {name!r}: {exc}") from exc

    @contextmanager
    def lock(self, key: str, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
        """Exclusive per key across threads, processes and machines sharing this Redis."""
        timeout = check_timeout(timeout)
        name = self.lock_name(key)
        owner = secrets.token_hex(16)
        self._acquire(name, owner, timeout)
        renewer: _LockRenewer | None = None
        try:
            renewer = _LockRenewer(self._renew_script, name, owner, self._lock_ttl_ms)
            yield
        finally:
            if renewer is not None:
                renewer.stop()
            self._release(name, owner)

    def _acquire(self, name: str, owner: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        delay = _POLL_MIN
        while True:
            try:
                if self._client.set(_encoded(name), owner, nx=True, px=self._lock_ttl_ms):
                    return
            except self._redis_error as exc:
                raise TokenStoreError(f"cannot take the Redis lock {name!r}: {exc}") from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TokenStoreLockTimeout(
                    f"timed out after {timeout:g} s waiting for the Redis lock {name!r}"
                )
            jitter = 0.5 + secrets.randbelow(1000) / 1000
            time.sleep(min(remaining, delay * jitter))
            delay = min(delay * 2, _POLL_MAX)

    def _release(self, name: str, owner: str) -> None:
        try:
            released = self._release_script(keys=[_encoded(name)], args=[owner])
        except self._redis_error as exc:
            # Not raised: it would hide the outcome of the locked block; the lock expires.
            log.warning("could not release the Redis lock %r (it expires by itself): %s", name, exc)
            return
        if not released:
            log.warning("the Redis lock %r expired or changed owner before it was released", name)

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self._prefix!r}, lock_ttl={self.lock_ttl:g})"


def _encoded(name: str) -> bytes:
    """Redis keys are bytes; keys with lone surrogates (from file names, say) are kept as is."""
    return name.encode("utf-8", "surrogatepass")


class _LockRenewer:
    """Extends a held lock every ttl/3 while its block runs; stops when the lock is lost."""

    def __init__(self, renew_script: Script, name: str, owner: str, ttl_ms: int) -> None:
        self._renew_script = renew_script
        self._name = name
        self._owner = owner
        self._ttl_ms = ttl_ms
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"oauthgen lock renewer {name}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        interval = self._ttl_ms / 3000
        while not self._stopped.wait(interval):
            try:
                still_ours = self._renew_script(keys=[self._name], args=[self._owner, self._ttl_ms])
            except Exception as exc:  # keep trying: the lock lives for ttl after the last renewal
                log.warning("could not renew the Redis lock %r: %s", self._name, exc)
                continue
            if not still_ours:
                log.warning("the Redis lock %r expired or changed owner while held", self._name)
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
