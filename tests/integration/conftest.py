"""Fixtures: a real oidc-provider server on 127.0.0.1, a headless user for its pages, and a
real redis-server for the shared-store measurements.

The server's npm dependencies must be installed first (``npm ci --prefix
tests/integration/server``). Without them the integration tests are skipped locally and fail
in CI (``CI`` set), so a CI run can never pass by silently skipping them. The same holds for
``redis-server`` (``apt-get install redis-server``) in the tests that need it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import (
    ClientKey,
    HeadlessUser,
    RunningServer,
    ServerUnavailable,
    check_server_installed,
    generate_client_key,
    run_server,
)


def _require_server() -> None:
    try:
        check_server_installed()
    except ServerUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the integration test server: {error}", pytrace=False)
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def client_key() -> ClientKey:
    """The RSA key of the ``private_key_jwt`` client, generated for this test run only."""
    return generate_client_key()


@pytest.fixture(scope="session")
def oidc_server(client_key: ClientKey) -> Iterator[RunningServer]:
    """oidc-provider with default token lifetimes, shared by the whole test session."""
    _require_server()
    with run_server(client_jwks=client_key.jwks) as server:
        yield server


@pytest.fixture(scope="session")
def issuer(oidc_server: RunningServer) -> str:
    """The running server's issuer URL, ``http://127.0.0.1:<port>``."""
    return oidc_server.issuer


@pytest.fixture(scope="session")
def two_second_token_server() -> Iterator[RunningServer]:
    """A separate server whose access tokens expire after 2 seconds, with no clock leeway.

    oidc-provider counts whole seconds (``exp = floor(issued) + ttl``), so a 1 s token issued
    late in a second may be dead a few milliseconds later; a 2 s token lives at least 1 s,
    enough to use a freshly issued one without a race.
    """
    _require_server()
    with run_server(access_token_ttl=2, clock_tolerance=0) as server:
        yield server


@pytest.fixture(scope="session")
def short_device_code_server() -> Iterator[RunningServer]:
    """A separate server whose device codes expire after 2 seconds.

    The clock tolerance stays at its default (15 s): oidc-provider's in-memory store keeps an
    expired code that long, and answers ``expired_token`` for it (with 0 it forgets the code
    at once and answers ``invalid_grant``, "device code not found").
    """
    _require_server()
    with run_server(device_code_ttl=2) as server:
        yield server


@pytest.fixture
def user() -> Iterator[HeadlessUser]:
    """A fresh browser (own cookie jar, so a fresh server session) for the dev interactions."""
    headless = HeadlessUser()
    yield headless
    headless.close()


# -- redis-server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real redis-server on 127.0.0.1 (no persistence), stopped by its PID at the end."""
    executable = shutil.which("redis-server")
    if executable is None:
        message = "redis-server is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it (apt-get install -y redis-server)")
        pytest.skip(message)
    workdir: Path = tmp_path_factory.mktemp("redis")
    for _attempt in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        process = subprocess.Popen(
            [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline and not _redis_ping(port):
            time.sleep(0.02)
        if process.poll() is None and _redis_ping(port):
            break
        _stop_process(process)
    else:
        pytest.fail("redis-server did not start on 127.0.0.1")
    try:
        yield port
    finally:
        _stop_process(process)
