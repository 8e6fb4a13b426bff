"""Behaviour every TokenStore shares: memory, file and Redis stores run the same tests."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.stores import (
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenStore,
    TokenStoreError,
    TokenStoreLockTimeout,
)

TOKEN: dict[str, Any] = {
    "access_token": "at-1",
    "token_type": "Bearer",
    "refresh_token": "rt-1",
    "scope": ["read", "write"],
    "id_token": "é ☃ \u2028",
}


@pytest.fixture(params=["memory", "file", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TokenStore:
    if request.param == "memory":
        return MemoryTokenStore()
    if request.param == "file":
        return FileTokenStore(tmp_path / "tokens")
    return RedisTokenStore(request.getfixturevalue("redis_client"), lock_ttl=5)


def test_is_a_token_store(store: TokenStore) -> None:
    assert isinstance(store, TokenStore)


def test_roundtrip(store: TokenStore) -> None:
    store.save("github:alice", TOKEN)
    assert store.load("github:alice") == TOKEN


def test_missing_key_loads_none(store: TokenStore) -> None:
    assert store.load("nobody") is None


def test_save_replaces(store: TokenStore) -> None:
    store.save("k", TOKEN)
    store.save("k", {"access_token": "at-2"})
    assert store.load("k") == {"access_token": "at-2"}


def test_keys_are_independent(store: TokenStore) -> None:
    store.save("a", {"access_token": "A"})
    store.save("b", {"access_token": "B"})
    store.delete("a")
    assert store.load("a") is None
    assert store.load("b") == {"access_token": "B"}


def test_delete_missing_key_is_not_an_error(store: TokenStore) -> None:
    store.delete("never-saved")
    store.save("k", TOKEN)
    store.delete("k")
    store.delete("k")
    assert store.load("k") is None


def test_no_aliasing_between_caller_and_store(store: TokenStore) -> None:
    scope = ["read"]
    token = {"access_token": "at-1", "scope": scope}
    store.save("k", token)
    scope.append("admin")
    loaded = store.load("k")
    assert loaded == {"access_token": "at-1", "scope": ["read"]}
    loaded["access_token"] = "changed"
    assert store.load("k") == {"access_token": "at-1", "scope": ["read"]}


def test_save_adds_absolute_expiry_from_expires_in(store: TokenStore) -> None:
    before = time.time()
    token = {"access_token": "at-1", "expires_in": 3600}
    store.save("k", token)
    after = time.time()
    assert "expires_at" not in token, "the caller's token is not modified"
    loaded = store.load("k")
    assert loaded is not None
    assert before + 3600 <= loaded["expires_at"] <= after + 3600
    assert loaded["expires_in"] == 3600


def test_reloaded_token_keeps_its_original_expiry(store: TokenStore) -> None:
    store.save("k", {"access_token": "at-1", "expires_in": "120"})
    first = store.load("k")
    assert first is not None
    time.sleep(0.05)
    second = store.load("k")
    assert second is not None
    assert second["expires_at"] == first["expires_at"], "expires_at is not recomputed on load"
    store.save("k", second)  # saving a loaded token again keeps its expires_at
    third = store.load("k")
    assert third is not None
    assert third["expires_at"] == first["expires_at"]


def test_existing_expires_at_is_kept(store: TokenStore) -> None:
    store.save("k", {"access_token": "at", "expires_in": 3600, "expires_at": 1000.5})
    assert store.load("k") == {"access_token": "at", "expires_in": 3600, "expires_at": 1000.5}


def test_non_json_token_is_refused_without_its_value(store: TokenStore) -> None:
    with pytest.raises(TokenStoreError) as caught:
        store.save("k", {"access_token": "SECRET-VALUE", "when": object()})
    assert "object" in str(caught.value)
    assert "SECRET-VALUE" not in str(caught.value)
    with pytest.raises(TokenStoreError):
        store.save("k", {"expires_at": float("nan")})
    assert store.load("k") is None


@pytest.mark.parametrize("key", ["", "a\x00b", "\udcff", "../x", "ключ", "k" * 2000])
def test_unusual_keys(store: TokenStore, key: str) -> None:
    store.save(key, {"access_token": "at"})
    store.save(key + "2", {"access_token": "other"})
    with store.lock(key, timeout=1):
        assert store.load(key) == {"access_token": "at"}
    store.delete(key)
    assert store.load(key) is None
    assert store.load(key + "2") == {"access_token": "other"}


def test_token_with_lone_surrogate_is_refused_without_its_value(store: TokenStore) -> None:
    with pytest.raises(TokenStoreError, match="lone surrogate") as caught:
        store.save("k", {"access_token": "SECRET\udcff"})
    assert "SECRET" not in str(caught.value)


def test_keys_must_be_strings(store: TokenStore) -> None:
    with pytest.raises(TypeError):
        store.load(b"k")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.save(1, TOKEN)  # type: ignore[arg-type]


def test_negative_timeout_is_refused(store: TokenStore) -> None:
    with pytest.raises(ValueError), store.lock("k", timeout=-1):
        pass


def test_lock_is_released_after_an_exception(store: TokenStore) -> None:
    with pytest.raises(RuntimeError), store.lock("k"):
        raise RuntimeError("boom")
    with store.lock("k", timeout=0.5):
        pass


def test_lock_timeout_raises(store: TokenStore) -> None:
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store.lock("k"):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with (
            pytest.raises(TokenStoreLockTimeout, match=r"timed out after 0\.3 s"),
            store.lock("k", timeout=0.3),
        ):
            pass
        assert 0.25 <= time.monotonic() - started < 3
        with pytest.raises(TokenStoreLockTimeout), store.lock("k", timeout=0):
            pass
    finally:
        release.set()
        holder.join()
    with store.lock("k", timeout=1):
        pass


def test_lock_does_not_block_other_keys(store: TokenStore) -> None:
    with store.lock("a"):
        started = time.monotonic()
        with store.lock("b", timeout=0.5):
            store.save("b", TOKEN)
        assert time.monotonic() - started < 0.4


def test_lock_is_not_reentrant(store: TokenStore) -> None:
    with store.lock("k"), pytest.raises(TokenStoreLockTimeout), store.lock("k", timeout=0.1):
        pass


def test_lock_is_exclusive_between_threads(store: TokenStore) -> None:
    store.save("counter", {"n": 0})
    threads_count, increments = 8, 15

    def work() -> None:
        for _ in range(increments):
            with store.lock("counter", timeout=20):
                token = store.load("counter")
                assert token is not None
                time.sleep(0.0005)
                store.save("counter", {"n": token["n"] + 1})

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.load("counter") == {"n": threads_count * increments}
