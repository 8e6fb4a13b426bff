"""Fixtures: a real oidc-provider server on 127.0.0.1 and a headless user for its pages.

The server's npm dependencies must be installed first (``npm ci --prefix
tests/integration/server``). Without them the integration tests are skipped locally and fail
in CI (``CI`` set), so a CI run can never pass by silently skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .harness import (
    HeadlessUser,
    RunningServer,
    ServerUnavailable,
    check_server_installed,
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
def oidc_server() -> Iterator[RunningServer]:
    """oidc-provider with default token lifetimes, shared by the whole test session."""
    _require_server()
    with run_server() as server:
        yield server


@pytest.fixture(scope="session")
def issuer(oidc_server: RunningServer) -> str:
    """The running server's issuer URL, ``http://127.0.0.1:<port>``."""
    return oidc_server.issuer


@pytest.fixture
def short_lived_server() -> Iterator[RunningServer]:
    """A separate server whose access tokens expire after 1 second, with no clock leeway."""
    _require_server()
    with run_server(access_token_ttl=1, clock_tolerance=0) as server:
        yield server


@pytest.fixture
def user() -> Iterator[HeadlessUser]:
    """A fresh browser (own cookie jar, so a fresh server session) for the dev interactions."""
    headless = HeadlessUser()
    yield headless
    headless.close()
