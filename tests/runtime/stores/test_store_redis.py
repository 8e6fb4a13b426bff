"""RedisTokenStore against a real redis-server: owner-checked, expiring, cross-process lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from runtime.stores import RedisTokenStore, TokenStoreCorruptError, TokenStoreLockTimeout
from runtime.stores.redis import import_redis

if TYPE_CHECKING:
    from redis import Redis

StartChild = Callable[..., "subprocess.Popen[str]"]


def expect_line(child: subprocess.Popen[str], expected: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == expected, f"child said {line!r}, exit code {child.poll()}"


def test_token_is_json_under_prefix_and_key(redis_client: Redis) -> None:
    store = RedisTokenStore(redis_client, prefix="app:tok:")
    store.save("github:alice", {"access_token": "at", "expires_in": 60})
    raw = redis_client.get("app:tok:github:alice")
    assert isinstance(raw, bytes)
    assert raw.startswith(b"{") and b'"expires_at"' in raw
    assert redis_client.ttl("app:tok:github:alice") == -1, "tokens do not expire by themselves"
    assert store.token_name("k") == "app:tok:k"
    assert store.lock_name("k") == "app:tok-lock:k"


def test_decode_responses_clients_work(redis_port: int, redis_client: Redis) -> None:
    redis = import_redis()
    text_client = redis.Redis(host="127.0.0.1", port=redis_port, decode_responses=True)
    try:
        store = RedisTokenStore(text_client)
        store.save("k", {"access_token": "é"})
        assert store.load("k") == {"access_token": "é"}
        with store.lock("k", timeout=1):
            pass
    finally:
        text_client.close()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b'{"access_token": "SECRET-AT", "ref', "invalid JSON"),
        (b'["SECRET-AT"]', "expected a JSON object"),
        (b"", "it is empty"),
    ],
)
def test_corrupt_value_names_the_key_not_the_token(
    redis_client: Redis, value: bytes, problem: str
) -> None:
    store = RedisTokenStore(redis_client)
    redis_client.set("oauthgen:token:k", value)
    with pytest.raises(TokenStoreCorruptError) as caught:
        store.load("k")
    assert "'oauthgen:token:k'" in str(caught.value)
    assert problem in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_overlapping_prefixes_are_refused(redis_client: Redis) -> None:
    with pytest.raises(ValueError, match="overlap"):
        RedisTokenStore(redis_client, prefix="t:", lock_prefix="t:lock:")
    with pytest.raises(ValueError, match="overlap"):
        RedisTokenStore(redis_client, prefix="")
    with pytest.raises(ValueError, match="lock_ttl"):
        RedisTokenStore(redis_client, lock_ttl=0)
    with pytest.raises(ValueError, match="lock_ttl"):
        RedisTokenStore(redis_client, lock_ttl=float("inf"))


def test_lock_is_an_expiring_key_with_a_random_owner(redis_client: Redis) -> None:
    store = RedisTokenStore(redis_client, lock_ttl=10)
    with store.lock("k"):
        owner = redis_client.get("oauthgen:token-lock:k")
        assert isinstance(owner, bytes) and len(owner) == 32
        assert 0 < redis_client.pttl("oauthgen:token-lock:k") <= 10_000
    assert redis_client.exists("oauthgen:token-lock:k") == 0
    with store.lock("k"):
        assert redis_client.get("oauthgen:token-lock:k") != owner


def test_release_does_not_delete_another_owners_lock(
    redis_client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisTokenStore(redis_client, lock_ttl=5)
    with store.lock("k"):
        # Our lock expired and another worker took it.
        redis_client.set("oauthgen:token-lock:k", "someone-else", px=5000)
    assert redis_client.get("oauthgen:token-lock:k") == b"someone-else"
    assert "expired or changed owner" in caplog.text
    with pytest.raises(TokenStoreLockTimeout), store.lock("k", timeout=0.2):
        pass


def test_holder_keeps_the_lock_beyond_its_ttl(redis_client: Redis) -> None:
    """A live holder renews the lock, so a slow refresh is not overtaken."""
    store = RedisTokenStore(redis_client, lock_ttl=0.3)
    with store.lock("k"):
        time.sleep(1.0)
        assert redis_client.exists("oauthgen:token-lock:k") == 1
        with pytest.raises(TokenStoreLockTimeout), store.lock("k", timeout=0.1):
            pass
    assert redis_client.exists("oauthgen:token-lock:k") == 0


HOLD_LOCK = """
import sys
import redis
from runtime.stores.redis import RedisTokenStore
client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
store = RedisTokenStore(client, lock_ttl=float(sys.argv[2]))
with store.lock("k"):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_lock_of_a_dead_holder_expires(
    redis_port: int, redis_client: Redis, start_child: StartChild
) -> None:
    holder = start_child(HOLD_LOCK, str(redis_port), "0.5")
    expect_line(holder, "locked")
    store = RedisTokenStore(redis_client, lock_ttl=5)
    with pytest.raises(TokenStoreLockTimeout), store.lock("k", timeout=0.6):
        pass  # alive: it renews its lock past its ttl
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    started = time.monotonic()
    with store.lock("k", timeout=5):
        waited = time.monotonic() - started
    assert waited < 1.0, "acquired once the dead holder's ttl ran out"


INCREMENT = """
import sys, time
import redis
from runtime.stores.redis import RedisTokenStore
client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
store = RedisTokenStore(client, lock_ttl=5)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[2])):
    with store.lock("counter", timeout=30):
        token = store.load("counter")
        time.sleep(0.002)
        store.save("counter", {"n": token["n"] + 1})
print("done", flush=True)
"""


def test_lock_is_exclusive_between_processes(
    redis_port: int, redis_client: Redis, start_child: StartChild
) -> None:
    store = RedisTokenStore(redis_client)
    store.save("counter", {"n": 0})
    children = [start_child(INCREMENT, str(redis_port), "25") for _ in range(4)]
    for child in children:
        expect_line(child, "ready")
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        expect_line(child, "done")
        assert child.wait(timeout=30) == 0
    assert store.load("counter") == {"n": 100}
    assert redis_client.keys("oauthgen:token-lock:*") == []


def test_missing_redis_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"pip install 'oauthgen\[redis\]'"):
        import_redis()
    with pytest.raises(ImportError, match=r"oauthgen\[redis\]"):
        RedisTokenStore.from_url("redis://127.0.0.1:1")


def test_from_url(redis_port: int, redis_client: Redis) -> None:
    store = RedisTokenStore.from_url(f"redis://127.0.0.1:{redis_port}/0", lock_ttl=2)
    store.save("k", {"access_token": "at"})
    assert RedisTokenStore(redis_client).load("k") == {"access_token": "at"}
    assert store.lock_ttl == 2


def test_unreachable_server_is_a_token_store_error() -> None:
    from runtime.stores import TokenStoreError

    store = RedisTokenStore.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.5)
    with pytest.raises(TokenStoreError, match="cannot read Redis key 'oauthgen:token:k'"):
        store.load("k")
    with pytest.raises(TokenStoreError, match="cannot take the Redis lock"), store.lock("k"):
        pass
