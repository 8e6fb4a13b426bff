"""IDE completion on generated clients, with jedi (the engine behind many editors).

Completing ``client.`` offers the provider's flow methods and not the flows it lacks;
completing inside ``client.authorization_url(`` offers its keyword arguments, and the
signature and the definition of ``Scope`` show every scope literal.

jedi does not complete ``Literal`` values inside a string (``scopes=["`` offers file names;
test_completion_pyright.py shows pyright doing it), so every generated module also has a
``Scopes`` class of ``Final`` constants: completing ``scopes=[Scopes.`` offers every scope.
The signature (``scopes: Sequence[Scope]``, ``prompt: Literal["none", ...]``) and "go to
definition" of ``Scope`` show the literals too; typed token keys complete as well.
"""

from __future__ import annotations

import ast

import pytest

from generator.spec import load_spec
from tests.generator.generation import fixture_source
from tests.generator.spec_testing import REPO_ROOT

jedi = pytest.importorskip("jedi")

CLIENTS = {
    "many_quirks": ("ManyQuirks", 'ManyQuirks(client_id="id", shop="acme")'),
    "contoso": ("ContosoIdentity", 'ContosoIdentity(client_id="id")'),
    "tweeter": ("Tweeter", 'Tweeter(client_key="key")'),
}
FLOWS = {
    "many_quirks": {
        "authorization_url",
        "fetch_token",
        "captured",
        "refresh",
        "client_credentials",
        "device_authorization",
        "poll_device_token",
        "exchange_long_lived",
        "revoke",
        "introspect",
        "userinfo",
    },
    "contoso": {
        "authorization_url",
        "fetch_token",
        "refresh",
        "client_credentials",
        "device_authorization",
        "poll_device_token",
        "userinfo",
    },
    "tweeter": {
        "fetch_request_token",
        "authorization_url",
        "fetch_access_token",
        "revoke",
        "userinfo",
    },
}
EVERY_FLOW = set().union(*FLOWS.values()) | {"password", "exchange_short_lived"}


def _script(provider_id: str, tail: str) -> tuple[object, int, int]:
    class_name, construct = CLIENTS[provider_id]
    source = (
        f"from tests.generator.golden.{provider_id} import {class_name}\n"
        f"client = {construct}\n"
        f"{tail}"
    )
    lines = source.splitlines()
    script = jedi.Script(
        source, path=REPO_ROOT / "scratch_completion.py", project=jedi.Project(REPO_ROOT)
    )
    return script, len(lines), len(lines[-1])


def _completions(provider_id: str, tail: str) -> set[str]:
    script, line, column = _script(provider_id, tail)
    return {c.name for c in script.complete(line, column)}  # type: ignore[attr-defined]


@pytest.mark.parametrize("provider_id", sorted(CLIENTS))
def test_completing_the_client_offers_its_flows_only(provider_id: str) -> None:
    offered = _completions(provider_id, "client.")
    assert FLOWS[provider_id] <= offered
    absent = EVERY_FLOW - FLOWS[provider_id] - {"introspect"}
    assert not absent & offered, absent & offered
    assert {"session", "token"} <= offered  # the runtime session for plain API calls


def test_completing_authorization_url_arguments() -> None:
    offered = _completions("many_quirks", "client.authorization_url(")
    assert {"scopes=", "state=", "prompt=", "allow_signup=", "login_hint=", "max_age="} <= offered
    assert not {"request_token=", "verifier="} & offered


def test_signature_shows_scope_and_option_literals() -> None:
    script, line, column = _script("many_quirks", "client.authorization_url(")
    (signature,) = script.get_signatures(line, column)  # type: ignore[attr-defined]
    descriptions = {p.name: p.description for p in signature.params}
    assert descriptions["scopes"] == "param scopes: Sequence[Scope] | None=None"
    assert descriptions["prompt"] == (
        'param prompt: Literal["none", "consent", "select_account"] | None=None'
    )


@pytest.mark.parametrize("provider_id", ["many_quirks", "contoso"])
def test_go_to_scope_shows_every_scope_literal(provider_id: str) -> None:
    """What an editor shows on "go to definition" / hover of ``Scope`` in the signature."""
    source = f"from tests.generator.golden.{provider_id} import Scope\nScope"
    script = jedi.Script(
        source, path=REPO_ROOT / "scratch_scope.py", project=jedi.Project(REPO_ROOT)
    )
    (scope,) = script.goto(2, 5, follow_imports=True)
    assert scope.name == "Scope"
    assert scope.module_name == f"tests.generator.golden.{provider_id}"
    definition = _definition_text(scope)
    docstring = scope.docstring()
    for name in load_spec(REPO_ROOT / fixture_source(provider_id)).spec.scopes.known:
        assert f'"{name}"' in definition
        assert f"- {name}: " in docstring


@pytest.mark.parametrize("provider_id", ["many_quirks", "contoso"])
def test_completing_a_scope_argument_offers_every_scope(provider_id: str) -> None:
    module = f"tests.generator.golden.{provider_id}"
    known = load_spec(REPO_ROOT / fixture_source(provider_id)).spec.scopes.known
    script, line, column = _script(
        provider_id, f"from {module} import Scopes\nclient.authorization_url(scopes=[Scopes."
    )
    completions = script.complete(line, column)  # type: ignore[attr-defined]
    offered = {c.name: c for c in completions if c.name.isupper()}  # not type's mro etc.
    assert len(offered) == len(known)
    values = {}
    for name, completion in offered.items():
        values[name] = completion.get_line_code().split("=", 1)[1].strip()
        assert completion.docstring(raw=True).strip() == known[_unquote(values[name])].strip()
    assert sorted(_unquote(value) for value in values.values()) == sorted(known)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def _definition_text(name: object) -> str:
    """The full text of the ``Scope = Literal[...]`` statement (it may span lines)."""
    module_path = name.module_path  # type: ignore[attr-defined]
    lines = module_path.read_text(encoding="utf-8").splitlines()
    start = name.line - 1  # type: ignore[attr-defined]
    end = start
    while not lines[end].rstrip().endswith("]"):
        end += 1
    return "\n".join(lines[start : end + 1])


def test_completing_token_keys() -> None:
    offered = _completions("many_quirks", "token = client.fetch_token()\ntoken['")
    assert {"'access_token'", "'instance_url'", "'expires_at'", "'team_id'"} <= offered
