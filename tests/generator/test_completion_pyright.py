"""IDE completion on generated clients, with pyright (the engine behind VS Code's Pylance).

jedi does not complete ``Literal`` values inside a string (see ``test_completion.py``), so this
module asks pyright's language server, over LSP, what an editor offers at
``client.authorization_url(scopes=["|"])``: every scope of the spec, and likewise exactly the
values of an enum option such as ``prompt``. The documents are what an editor sends while the
user types, with brackets and quotes auto-closed: pyright offers nothing at an unclosed
``scopes=["`` at the end of a file. pyright comes from ``npm ci --prefix tests/ide``; without
it (or without node) these tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from generator.spec import load_spec
from generator.spec.flows import supported_flows
from generator.spec.naming import class_name
from runtime.spec import ProviderSpec
from tests.generator.generation import fixture_source
from tests.generator.pyright_lsp import LanguageServer, PyrightUnavailable, check_pyright_installed
from tests.generator.spec_testing import REPO_ROOT

# Keyword arguments that construct each golden client (the class name comes from the spec).
CONSTRUCT = {
    "many_quirks": 'client_id="id", shop="acme"',
    "contoso": 'client_id="id"',
    "tweeter": 'client_key="key"',
}
SCOPED = ["many_quirks", "contoso"]  # the OAuth2 / OIDC fixtures, which define scopes

# The client methods of each flow ``supported_flows`` names (``exchange:<name>`` aside).
FLOW_METHODS = {
    "oauth1_authorization": ("fetch_request_token", "authorization_url", "fetch_access_token"),
    "authorization_code": ("authorization_url", "fetch_token"),
    "client_credentials": ("client_credentials",),
    "device_code": ("device_authorization", "poll_device_token"),
    "refresh": ("refresh",),
    "revoke": ("revoke",),
    "introspect": ("introspect",),
    "userinfo": ("userinfo",),
}

_documents = itertools.count()


@pytest.fixture(scope="module")
def pyright() -> Iterator[LanguageServer]:
    """One pyright language server for the module, on the repository, using this interpreter."""
    try:
        check_pyright_installed()
    except PyrightUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install pyright for the completion tests: {error}", pytrace=False)
        pytest.skip(str(error))
    settings: dict[str, dict[str, Any]] = {
        "python": {"pythonPath": sys.executable},
        "python.analysis": {"diagnosticMode": "openFilesOnly", "autoSearchPaths": True},
    }
    server = LanguageServer(REPO_ROOT, settings)
    try:
        server.initialize()
        yield server
    finally:
        server.close()


def _spec(provider_id: str) -> ProviderSpec:
    return load_spec(REPO_ROOT / fixture_source(provider_id)).spec


def _client_source(provider_id: str) -> str:
    name = class_name(_spec(provider_id))
    return (
        f"from tests.generator.golden.{provider_id} import {name}\n"
        f"client = {name}({CONSTRUCT[provider_id]})\n"
    )


def _labels(server: LanguageServer, before: str, after: str) -> set[str]:
    """The labels pyright offers with the cursor between ``before`` and ``after``.

    The text is opened as a new unsaved document in the repository's root, which resolves
    ``tests.generator.golden`` as a file saved there would; nothing is written to disk.
    """
    uri = (REPO_ROOT / f"scratch_pyright_completion_{next(_documents)}.py").as_uri()
    return {item["label"] for item in server.complete(uri, before + after, len(before))}


def _unquote(label: str) -> str:
    """pyright labels a string literal with its quotes: ``"read:user"``."""
    if len(label) >= 2 and label[0] == label[-1] and label[0] in "\"'":
        return label[1:-1]
    return label


@pytest.mark.parametrize("provider_id", SCOPED)
def test_scopes_argument_offers_every_scope(pyright: LanguageServer, provider_id: str) -> None:
    known = set(_spec(provider_id).scopes.known)
    assert known, f"{provider_id} defines no scopes"
    before = _client_source(provider_id) + 'client.authorization_url(scopes=["'
    offered = {_unquote(label) for label in _labels(pyright, before, '"])\n')}
    assert known <= offered, f"missing: {sorted(known - offered)}; offered: {sorted(offered)}"


@pytest.mark.parametrize("provider_id", SCOPED)
def test_enum_option_offers_exactly_its_values(pyright: LanguageServer, provider_id: str) -> None:
    authorize = _spec(provider_id).authorize
    assert authorize is not None
    enums = {name: option for name, option in authorize.options.items() if option.type == "enum"}
    assert enums, f"{provider_id} has no enum option"
    for name, option in enums.items():
        before = _client_source(provider_id) + f'client.authorization_url({name}="'
        offered = {_unquote(label) for label in _labels(pyright, before, '")\n')}
        assert offered == set(option.values), name


@pytest.mark.parametrize("provider_id", sorted(CONSTRUCT))
def test_client_offers_no_flow_it_lacks(pyright: LanguageServer, provider_id: str) -> None:
    flows = supported_flows(_spec(provider_id))
    present = {method for flow in flows for method in FLOW_METHODS.get(flow, ())}
    present |= {
        f"exchange_{flow[len('exchange:') :]}" for flow in flows if flow.startswith("exchange:")
    }
    absent = {method for methods in FLOW_METHODS.values() for method in methods} - present
    assert absent, f"{provider_id} supports every flow; nothing to check"
    offered = _labels(pyright, _client_source(provider_id) + "client.", "\n")
    assert present <= offered, sorted(present - offered)
    assert not absent & offered, sorted(absent & offered)


def test_scopes_typed_as_plain_strings_offer_nothing(pyright: LanguageServer) -> None:
    """The control: with ``Sequence[str]`` instead of ``Sequence[Scope]``, pyright offers no
    scope, so ``test_scopes_argument_offers_every_scope`` does check the ``Scope`` literal."""
    provider_id = "many_quirks"
    golden = (REPO_ROOT / "tests" / "generator" / "golden" / provider_id / "__init__.py").read_text(
        encoding="utf-8"
    )
    assert "Sequence[Scope]" in golden
    before = (
        golden.replace("Sequence[Scope]", "Sequence[str]")
        + f"\n\nclient = {class_name(_spec(provider_id))}({CONSTRUCT[provider_id]})\n"
        + 'client.authorization_url(scopes=["'
    )
    offered = {_unquote(label) for label in _labels(pyright, before, '"])\n')}
    assert not set(_spec(provider_id).scopes.known) & offered, sorted(offered)
