"""Fixtures for the token store tests: child Python processes and a real redis-server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from redis import Redis

ROOT = Path(__file__).resolve().parents[3]

# Children import runtime.stores without running runtime/__init__ (and the HTTP stack it
# imports), so each of the many short-lived processes starts in a few tens of milliseconds.
CHILD_PRELUDE = f"""
import sys, types
_package = types.ModuleType("runtime")
_package.__path__ = [{str(ROOT / "runtime")!r}]
sys.modules["runtime"] = _package
"""

StartChild = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def start_child() -> Iterator[StartChild]:
    """Start ``python -c <prelude + code> *args`` with text pipes; killed at teardown."""
    children: list[subprocess.Popen[str]] = []

    def start(code: str, *args: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD_PRELUDE + code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()


def require(what: str) -> None:
    """Skip for lack of ``what`` on a developer machine; fail under CI, which must install it."""
    message = f"{what} is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it (apt-get install -y redis-server)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real redis-server on 127.0.0.1, without persistence, stopped at the end of the run."""
    executable = shutil.which("redis-server")
    if executable is None:
        require("redis-server")
    assert executable is not None
    workdir = tmp_path_factory.mktemp("redis")
    for _ in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        server = subprocess.Popen(
            [
                executable,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while server.poll() is None and time.monotonic() < deadline and not _ping(port):
            time.sleep(0.02)
        if server.poll() is None and _ping(port):
            break
        server.kill()
        server.wait()
    else:
        pytest.fail("redis-server did not start")
    try:
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def redis_client(redis_port: int) -> Iterator[Redis]:
    """A client for the test server, on an empty database."""
    try:
        import redis
    except ImportError:
        require("the redis Python package")
        raise
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.flushdb()
    try:
        yield client
    finally:
        client.close()
