"""Fixtures shared by the runtime tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests_mock

from tests.runtime import keys
from tests.runtime.two_servers import StartServer, running_servers


@pytest.fixture
def http() -> Iterator[requests_mock.Mocker]:
    """requests-mock; any request to an unregistered URL fails the test."""
    with requests_mock.Mocker(case_sensitive=True) as mocker:
        yield mocker


@pytest.fixture
def servers() -> Iterator[StartServer]:
    """Real HTTP servers on 127.0.0.1 (``tests.runtime.two_servers``), stopped afterwards."""
    with running_servers() as start:
        yield start


@pytest.fixture(scope="session")
def rsa_key() -> keys.KeyPair:
    return keys.rsa_key()


@pytest.fixture(scope="session")
def ec_key() -> keys.KeyPair:
    return keys.ec_key()
