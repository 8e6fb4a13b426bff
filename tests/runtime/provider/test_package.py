"""The package as generated clients see it: light to import, defaults in step with the session."""

from __future__ import annotations

import subprocess
import sys

import pytest

from runtime import _lifecycle, oauth2_session
from runtime.provider import DEFAULT_TIMEOUT, OAuth1Provider, OAuth2Provider, RuntimeSpec
from runtime.provider.defaults import DEFAULT_LEEWAY

HEAVY = ("oauthlib", "jwt", "cryptography", "xml", "yaml", "jinja2", "generator")


@pytest.mark.parametrize("package", ["runtime.provider", "runtime.spec"])
def test_importing_the_package_loads_no_heavy_dependency(package: str) -> None:
    code = (
        f"import sys, {package}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_defaults_match_the_session_layer() -> None:
    assert DEFAULT_TIMEOUT == oauth2_session.DEFAULT_TIMEOUT
    assert DEFAULT_LEEWAY == _lifecycle.DEFAULT_LEEWAY


def test_public_names() -> None:
    assert (
        OAuth2Provider.__name__ == "OAuth2Provider" and OAuth1Provider.__name__ == "OAuth1Provider"
    )
    assert RuntimeSpec is not None


def test_a_class_without_spec_is_refused() -> None:
    with pytest.raises(TypeError, match="has no spec"):
        OAuth2Provider(client_id="cid")
