"""FileTokenStore: file modes, safe names, corrupt files, SIGKILL during save, process locks."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runtime.stores import (
    FileTokenStore,
    InsecureTokenDirectoryError,
    TokenStoreCorruptError,
    TokenStoreError,
)
from runtime.stores.base import TokenStoreLockTimeout

StartChild = Callable[..., "subprocess.Popen[str]"]


def expect_line(child: subprocess.Popen[str], expected: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == expected, f"child said {line!r}, exit code {child.poll()}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_under(path: Path) -> list[Path]:
    return sorted(path.rglob("*"))


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run with umask 0, so the modes we see are the ones the store asked for."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


# -- files and modes ------------------------------------------------------------------------


@pytest.mark.usefixtures("open_umask")
def test_directory_is_0700_and_files_are_0600(tmp_path: Path) -> None:
    directory = tmp_path / "deep" / "tokens"
    store = FileTokenStore(directory)
    store.save("k", {"access_token": "at"})
    with store.lock("k"):
        pass
    assert mode(directory) == 0o700
    files = everything_under(directory)
    assert {path.suffix for path in files} == {".json", ".lock"}
    for path in files:
        assert mode(path) == 0o600, path
    store.save("k", {"access_token": "at-2"})  # replaced, still 0600
    assert mode(store.path_for("k")) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_parent_directories_the_store_creates_are_0700(tmp_path: Path) -> None:
    FileTokenStore(tmp_path / "a" / "b" / "tokens")
    for created in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "tokens"):
        assert mode(created) == 0o700, created
    assert mode(tmp_path) == 0o700  # pytest's, untouched


def test_tilde_is_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(workdir)
    store = FileTokenStore("~/.cache/myapp/tokens")
    assert store.directory == home / ".cache" / "myapp" / "tokens"
    store.save("k", {"access_token": "at"})
    assert store.path_for("k").is_file()
    assert not (workdir / "~").exists()


@pytest.mark.parametrize(
    ("chmod", "who"),
    [(0o777, "its group and all users"), (0o775, "its group"), (0o1757, "all users")],
)
def test_directory_writable_by_others_is_refused(tmp_path: Path, chmod: int, who: str) -> None:
    directory = tmp_path / "shared"
    directory.mkdir()
    directory.chmod(chmod)
    with pytest.raises(InsecureTokenDirectoryError) as info:
        FileTokenStore(directory)
    message = str(info.value)
    assert str(directory) in message and f"writable by {who}" in message
    assert f"chmod 700 {directory}" in message  # the fix
    assert isinstance(info.value, TokenStoreError)
    assert list(directory.iterdir()) == []  # nothing written there


def test_directory_owned_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_uid = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real_uid + 1)
    with pytest.raises(InsecureTokenDirectoryError, match=f"belongs to uid {real_uid}, not"):
        FileTokenStore(tmp_path)


def test_relative_directory_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = FileTokenStore("tokens")
    monkeypatch.chdir("/")
    store.save("k", {"access_token": "at"})
    assert (tmp_path / "tokens" / store.path_for("k").name).is_file()


def test_directory_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tokens").write_text("")
    with pytest.raises(TokenStoreError, match="not a directory"):
        FileTokenStore(tmp_path / "tokens")


def test_file_is_plain_json_with_absolute_expiry(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.save("k", {"access_token": "at", "expires_in": 60})
    stored = json.loads(store.path_for("k").read_text("utf-8"))
    assert stored["access_token"] == "at"
    assert abs(stored["expires_at"] - (time.time() + 60)) < 5


@pytest.mark.parametrize(
    "key",
    ["../x", "../../etc/passwd", "a/b", "/abs/path", "..", ".", "", "\x00", "a\x00b", "\\..\\x",
     "ключ", "\udcff", "x" * 5000, ".hidden", "k.lock", "k.json"],
)  # fmt: skip
def test_any_key_stays_inside_the_directory(tmp_path: Path, key: str) -> None:
    directory = tmp_path / "tokens"
    store = FileTokenStore(directory)
    token = {"access_token": "at", "key": key.encode("utf-8", "surrogatepass").hex()}
    store.save(key, token)
    with store.lock(key, timeout=1):
        pass
    assert store.load(key) == token
    path = store.path_for(key)
    assert path.parent == directory
    assert len(path.name.encode()) < 128
    assert everything_under(tmp_path) == sorted([directory, path, path.with_suffix(".lock")])
    store.delete(key)
    assert store.load(key) is None


def test_similar_keys_do_not_collide(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    keys = ["a/b", "a_b", "a.b", "a b", "A/b", "a/b/", "a" * 100, "a" * 101]
    for index, key in enumerate(keys):
        store.save(key, {"n": index})
    assert [store.load(key) for key in keys] == [{"n": index} for index in range(len(keys))]
    assert len({store.path_for(key) for key in keys}) == len(keys)


def test_symlinked_token_file_is_refused(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"access_token": "planted"}')
    store.path_for("k").symlink_to(elsewhere)
    with pytest.raises(TokenStoreError, match="symbolic link"):
        store.load("k")


# -- corrupt files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"access_token": "SECRET-AT", "refresh', "invalid JSON"),
        (b"", "it is empty"),
        (b"  \n", "it is empty"),
        (b'["SECRET-AT"]', "expected a JSON object, found an array"),
        (b'"SECRET-AT"', "expected a JSON object, found a string"),
        (b"null", "expected a JSON object, found null"),
        (b'{"access_token": "SECRET-AT\xff"}', "not UTF-8"),
    ],
)
def test_corrupt_file_names_the_path_and_problem_not_the_token(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    store = FileTokenStore(tmp_path)
    store.path_for("k").write_bytes(content)
    with pytest.raises(TokenStoreCorruptError) as caught:
        store.load("k")
    message = str(caught.value)
    assert str(store.path_for("k")) in message
    assert problem in message
    assert "SECRET" not in message
    store.save("k", {"access_token": "fresh"})  # a corrupt file can be overwritten
    assert store.load("k") == {"access_token": "fresh"}


# -- temporary files left by dead writers ----------------------------------------------------


def make_old(path: Path) -> None:
    long_ago = time.time() - 60
    os.utime(path, (long_ago, long_ago))


def test_dead_writers_temp_files_are_ignored_and_cleaned(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.save("k", {"access_token": "old"})
    leftover = tmp_path / f".{store.path_for('k').stem}.{'0' * 16}.tmp"
    leftover.write_text('{"access_token": "half-writ')
    assert store.load("k") == {"access_token": "old"}
    assert FileTokenStore(tmp_path).load("k") == {"access_token": "old"}
    assert leftover.exists(), "too young: it may belong to a writer about to lock it"
    make_old(leftover)
    assert FileTokenStore(tmp_path).load("k") == {"access_token": "old"}
    assert not leftover.exists()
    assert store.remove_stale_temp_files() == 0


def test_live_writers_temp_file_is_not_removed(tmp_path: Path) -> None:
    import fcntl

    store = FileTokenStore(tmp_path)
    in_use = tmp_path / f".{store.path_for('k').stem}.{'1' * 16}.tmp"
    fd = os.open(in_use, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        make_old(in_use)
        assert store.remove_stale_temp_files() == 0
        assert store.remove_stale_temp_files(min_age=0) == 0
        assert in_use.exists()
    finally:
        os.close(fd)
    assert store.remove_stale_temp_files() == 1


def test_unrelated_files_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.tmp").write_text("mine")
    (tmp_path / ".x.tmp").write_text("mine")
    FileTokenStore(tmp_path)
    assert (tmp_path / "notes.tmp").exists()
    assert (tmp_path / ".x.tmp").exists()


# -- SIGKILL while saving ------------------------------------------------------------------

SAVE_FOREVER = """
import hashlib, sys
from runtime.stores.file import FileTokenStore
store = FileTokenStore(sys.argv[1])
generation = int(sys.argv[2])
print("ready", flush=True)
while True:
    generation += 1
    padding = (str(generation) + "-") * (400_000 // (len(str(generation)) + 1))
    store.save("victim", {
        "access_token": f"at-{generation}",
        "generation": generation,
        "padding": padding,
        "digest": hashlib.sha256(padding.encode()).hexdigest(),
    })
"""


def check_complete(token: dict[str, object] | None, at_least: int) -> int:
    assert token is not None
    generation = token["generation"]
    assert isinstance(generation, int)
    assert generation >= at_least, "never older than a token that was already visible"
    assert token["access_token"] == f"at-{generation}"
    padding = token["padding"]
    assert isinstance(padding, str)
    assert hashlib.sha256(padding.encode()).hexdigest() == token["digest"]
    return generation


def test_sigkill_while_saving_leaves_the_old_or_the_new_token(
    tmp_path: Path, start_child: StartChild
) -> None:
    directory = tmp_path / "tokens"
    store = FileTokenStore(directory)
    store.save("victim", {"access_token": "at-0", "generation": 0, "padding": "", "digest":
                          hashlib.sha256(b"").hexdigest()})  # fmt: skip
    rng = random.Random(561)
    generation = 0
    deadline = time.monotonic() + 20
    for _ in range(30):
        assert time.monotonic() < deadline, "the kill loop took too long"
        writer = start_child(SAVE_FOREVER, str(directory), str(generation))
        expect_line(writer, "ready")
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
        # Loaded with the temporary files of the killed writers lying around.
        generation = check_complete(store.load("victim"), at_least=generation)
    assert generation > 0, "the writers saved new tokens"
    interrupted_saves = len(list(directory.glob(".*.tmp")))
    assert interrupted_saves > 0, "some kills landed in the middle of a save"
    assert store.remove_stale_temp_files(min_age=0) == interrupted_saves
    assert not list(directory.glob(".*.tmp")), "temporary files of dead writers were cleaned"
    check_complete(FileTokenStore(directory).load("victim"), at_least=generation)


# -- locks shared by processes -------------------------------------------------------------

INCREMENT = """
import contextlib, sys, time
from runtime.stores.file import FileTokenStore
store = FileTokenStore(sys.argv[1])
iterations, use_lock = int(sys.argv[2]), sys.argv[3] == "lock"
print("ready", flush=True)
sys.stdin.readline()
for _ in range(iterations):
    with store.lock("counter", timeout=30) if use_lock else contextlib.nullcontext():
        token = store.load("counter")
        time.sleep(0.002)
        store.save("counter", {"n": token["n"] + 1})
print("done", flush=True)
"""


def count_in_processes(
    start_child: StartChild, directory: Path, processes: int, iterations: int, lock: bool
) -> int:
    store = FileTokenStore(directory)
    store.save("counter", {"n": 0})
    children = [
        start_child(INCREMENT, str(directory), str(iterations), "lock" if lock else "none")
        for _ in range(processes)
    ]
    for child in children:
        expect_line(child, "ready")
    for child in children:  # all start together
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        expect_line(child, "done")
        assert child.wait(timeout=30) == 0
    token = store.load("counter")
    assert token is not None
    count = token["n"]
    assert isinstance(count, int)
    return count


def test_lock_is_exclusive_between_processes(tmp_path: Path, start_child: StartChild) -> None:
    assert count_in_processes(start_child, tmp_path, 4, 25, lock=True) == 100


def test_counter_detects_a_missing_lock(tmp_path: Path, start_child: StartChild) -> None:
    """The same workload without the lock loses updates, so the test above can fail."""
    assert count_in_processes(start_child, tmp_path, 4, 25, lock=False) < 100


HOLD_LOCK = """
import sys
from runtime.stores.file import FileTokenStore
store = FileTokenStore(sys.argv[1])
with store.lock(sys.argv[2]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_lock_held_by_another_process(tmp_path: Path, start_child: StartChild) -> None:
    store = FileTokenStore(tmp_path)
    holder = start_child(HOLD_LOCK, str(tmp_path), "k")
    expect_line(holder, "locked")
    with pytest.raises(TokenStoreLockTimeout, match=r"\.lock"), store.lock("k", timeout=0.3):
        pass
    started = time.monotonic()
    with store.lock("other", timeout=0.5):
        assert time.monotonic() - started < 0.4, "another key's lock is independent"
    os.kill(holder.pid, signal.SIGKILL)  # a dead holder's lock is released by the kernel
    holder.wait(timeout=10)
    with store.lock("k", timeout=5):
        pass


def test_saves_survive_a_concurrent_cleaner(tmp_path: Path) -> None:
    """A cleaner running while saves are in flight never breaks a save."""
    store = FileTokenStore(tmp_path)
    stop = threading.Event()
    errors: list[BaseException] = []

    def clean() -> None:
        while not stop.is_set():
            store.remove_stale_temp_files()

    def save(worker: int) -> None:
        try:
            for n in range(20):
                store.save(f"k{worker % 2}", {"worker": worker, "n": n})
        except BaseException as exc:
            errors.append(exc)

    cleaners = [threading.Thread(target=clean) for _ in range(2)]
    savers = [threading.Thread(target=save, args=(worker,)) for worker in range(4)]
    for thread in cleaners + savers:
        thread.start()
    for thread in savers:
        thread.join()
    stop.set()
    for thread in cleaners:
        thread.join()
    assert errors == []
    final = [store.load(key) for key in ("k0", "k1")]
    assert [token and token["n"] for token in final] == [19, 19]
    assert not list(tmp_path.glob(".*.tmp"))
