"""Token stores: where sessions keep OAuth tokens and the lock that makes refresh single-flight.

* ``MemoryTokenStore``: process-local, for tests and single-process apps.
* ``FileTokenStore``: the embedded default, one 0600 JSON file per key, safe across processes.
* ``RedisTokenStore``: shared by machines; needs ``pip install 'oauthgen[redis]'``.
"""

from .base import (
    InsecureTokenDirectoryError,
    TokenStore,
    TokenStoreCorruptError,
    TokenStoreError,
    TokenStoreLockTimeout,
    with_absolute_expiry,
)
from .file import FileTokenStore
from .memory import MemoryTokenStore
from .redis import RedisTokenStore

__all__ = [
    "FileTokenStore",
    "InsecureTokenDirectoryError",
    "MemoryTokenStore",
    "RedisTokenStore",
    "TokenStore",
    "TokenStoreCorruptError",
    "TokenStoreError",
    "TokenStoreLockTimeout",
    "with_absolute_expiry",
]
