"""Hostile specs: quotes, triple quotes, backslashes, newlines, ``{{ }}``, ``#``, keywords and
non-ASCII in every spec string that reaches the output. The output must compile, define
nothing but names on import, pass ``mypy --strict`` and give back every value exactly; or
the spec is rejected with a located error. Never a traceback, never injected code.
"""

from __future__ import annotations

import ast
import copy
import threading
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import render_module
from generator.render.shape import check_module_shape
from generator.spec import SpecValidationError, parse_spec
from generator.spec.normalize import normalized_spec
from runtime.provider import AuthorizationRequest, with_defaults
from tests.generator.generation import (
    client_class,
    import_file,
    mypy_errors_by_file,
    run_mypy,
    spec_constant,
    write_package,
)
from tests.generator.spec_testing import DIAGNOSTIC

# Every kind of trouble in one string: quotes of both kinds and in threes, backslashes,
# jinja syntax, a comment sign, non-ASCII (accents, CJK, emoji), a line separator, and an
# ending quote that would close a docstring.
EVIL = 'q\'"""\\ {{ x }} {% y %} {# c #} # z \u00e9\u65e5\U0001f389 \u2028 \u0085 end"'
EVIL_TEXT = (
    EVIL + '\nsecond line\twith tab\n"""\nimport os\nos.system(\'rm -rf /\')\n\'\'\'\n"""\n\\'
)
EVIL_VALUE = '\'"""\\ # \u00e9 None class'  # one line, no braces (parameter values)
EVIL_VALUES = ["'", '"""', "\\", "#", "class", "None", "\u00e9", "x y"]  # enum values: no braces
EVIL_CHOICES = [*EVIL_VALUES, "{{x}}"]

OAUTH2: dict[str, Any] = {
    "spec": 1,
    "id": "evil_oauth2",
    "name": 'Evil """ \\ \' {{x}} # \u00dcn\u00ef',
    "class_name": "EvilOAuth2",
    "protocol": "oauth2",
    "description": EVIL_TEXT,
    "docs": "https://example.com/docs/o'a\"uth",
    "sources": ["https://example.com/'''", 'https://example.com/"""'],
    "grants": ["authorization_code", "client_credentials", "device_code"],
    "variables": {
        "tenant": {"type": "str", "default": 'a\'b"""c\\d#', "description": EVIL_TEXT},
        "region": {"type": "str", "choices": EVIL_CHOICES, "default": '"""'},
        "n": {"type": "int", "choices": [0, -1, 10**18]},
        "plain": {"type": "str"},
    },
    "environments": {"class_": {"description": EVIL_TEXT, "variables": {"n": 0}}},
    "endpoints": {
        "authorize": 'https://example.com/{tenant}/auth?x=\'"""&y={plain}',
        "token": "https://example.com/{region}/token/{n}",
        "device": "https://example.com/device?q='''",
        "revoke": "https://example.com/revoke",
        "introspect": "https://example.com/introspect",
        "userinfo": "https://example.com/me",
    },
    "scopes": {
        "separator": " ",
        "user_param": "user_scope",
        "known": {
            "x'#{{y}}": EVIL_TEXT,
            "'''": "q",
            "import": "i",
            "class": "c",
            "None": "n",
        },
        "default": ["'''"],
    },
    "authorize": {
        "params": {"p1": EVIL_VALUE, "p2": "{tenant}"},
        "options": {
            "prompt": {"type": "enum", "values": EVIL_VALUES, "description": EVIL_TEXT},
            "flag": {"type": "bool", "true_value": '"""', "false_value": "\\"},
            "hint": {"type": "str", "param": "login_hint", "description": '"""'},
            "age": {"type": "int"},
        },
    },
    "token": {
        "headers": {"X-Evil": EVIL_VALUE},
        "params": {"p": "{client_id}" + EVIL_VALUE},
        "response": {
            "extra": {
                "type": {"type": "str"},
                "str": {"type": "int", "description": EVIL_TEXT, "required": True},
                "list": {"type": "list[str]"},
                "dict": {"type": "dict"},
                "json": {"type": "json", "path": "a.b[0]"},
            }
        },
    },
    "refresh": {"requires_scopes": ["import"], "requires_params": {"access_type": EVIL_VALUE}},
    "exchanges": {
        "class_x": {"grant_type": EVIL_VALUE, "description": EVIL_TEXT},
        "yield_": {"grant_type": "x"},
    },
    "callback": {"capture": {"bool": {"type": "json", "description": EVIL_TEXT}}},
    "userinfo": {
        "id_field": "id",
        "fields": {
            "id": {"type": "str", "required": True},
            "int": {"type": "int"},
            "float": {"type": "float", "description": EVIL_TEXT},
            "any": {"type": "json"},
        },
    },
}

OAUTH1: dict[str, Any] = {
    "spec": 1,
    "id": "evil_oauth1",
    "name": "\u00c9vil ''' One",
    "protocol": "oauth1",
    "description": EVIL_TEXT,
    "docs": "https://example.com/docs",
    "sources": ["https://example.com/docs"],
    "endpoints": {
        "request_token": 'https://example.com/request_token?x=\'"""',
        "authorize": "https://example.com/authorize",
        "access_token": "https://example.com/access_token",
        "revoke": "https://example.com/revoke",
        "userinfo": "https://example.com/me",
    },
    "scopes": {"known": {"read'''": EVIL_TEXT, "#write{}": "w"}},
    "authorize": {
        "params": {"force": EVIL_VALUE},
        "options": {"screen": {"type": "enum", "values": EVIL_VALUES}},
    },
    "callback": {"capture": {"lambda_": {"description": EVIL_TEXT}}},
    "oauth1": {
        "signature_method": "RSA-SHA256",
        "realm": EVIL_VALUE,
        "request_token": {"params": {"x_auth": EVIL_VALUE}},
        "access_token": {"extra": {"str": {"type": "str", "required": True}, "float": {}}},
    },
    "userinfo": {"id_field": "none_", "fields": {"none_": {"type": "str", "required": True}}},
}

OIDC: dict[str, Any] = {
    "spec": 1,
    "id": "evil_oidc",
    "name": "OIDC \\ \"\"\" '''",
    "class_name": "EvilOidc",
    "protocol": "oidc",
    "docs": "https://example.com/docs",
    "sources": ["https://example.com/docs"],
    "endpoints": {"issuer": "https://example.com/{tenant}"},
    "variables": {"tenant": {"choices": EVIL_CHOICES}},
    "grants": ["client_credentials"],
    "scopes": {"known": {"openid": EVIL_TEXT}, "required": ["openid"]},
    "token": {"client_auth": "private_key_jwt"},
    "userinfo": {
        "source": "id_token",
        "id_field": "sub",
        "fields": {"sub": {"required": True}, "class_": {"description": "\\"}},
    },
}

HOSTILE_SPECS = {"evil_oauth2": OAUTH2, "evil_oauth1": OAUTH1, "evil_oidc": OIDC}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """Each hostile spec generated into ``root/generated/<id>/``: (text, __init__.py path)."""
    root = tmp_path_factory.mktemp("hostile")
    result = {}
    for provider_id, data in HOSTILE_SPECS.items():
        loaded = parse_spec(dump(data), f"{provider_id}.yaml")
        text = render_module(loaded, source=f"specs/{provider_id}\n# evil.yaml")
        package = write_package(root, provider_id, text)
        result[provider_id] = (text, package / "__init__.py")
    return result


@pytest.mark.parametrize("provider_id", sorted(HOSTILE_SPECS))
def test_hostile_spec_compiles_and_only_defines_names(
    built: dict[str, tuple[str, Path]], provider_id: str
) -> None:
    text, _ = built[provider_id]
    tree = ast.parse(text)
    compile(tree, provider_id, "exec")
    check_module_shape(tree)
    # The header stays one comment line whatever the path contains.
    assert text.splitlines()[0].startswith("# @generated by oauthgen ")
    assert "\\n# evil.yaml" in text.splitlines()[0]
    assert text.splitlines()[1] == "# ruff: noqa: E501"


@pytest.mark.parametrize("provider_id", sorted(HOSTILE_SPECS))
def test_hostile_spec_round_trips_every_literal(
    built: dict[str, tuple[str, Path]], provider_id: str
) -> None:
    text, path = built[provider_id]
    expected = normalized_spec(parse_spec(dump(HOSTILE_SPECS[provider_id]), "x.yaml").spec)
    assert with_defaults(spec_constant(text)) == expected
    module = import_file(path, f"_hostile_{provider_id}")
    assert expected == with_defaults(module._SPEC)
    data = HOSTILE_SPECS[provider_id]
    assert set(typing.get_args(module.Scope)) == set(data["scopes"]["known"])
    client = client_class(module)
    hints = typing.get_type_hints(
        client.__init__, localns={"TokenStore": object, "threading": threading}
    )
    for name, variable in data.get("variables", {}).items():
        if "choices" in variable:
            literal = _literal_of(hints[name])
            assert list(typing.get_args(literal)) == variable["choices"]
    options = data.get("authorize", {}).get("options", {})
    if options:
        url_hints = typing.get_type_hints(
            client.authorization_url, localns={"AuthorizationRequest": AuthorizationRequest}
        )
        for name, option in options.items():
            if option["type"] == "enum":
                literal = _literal_of(url_hints[name])
                assert list(typing.get_args(literal)) == option["values"]


def _literal_of(annotation: object) -> object:
    """``Literal[...]`` itself, or the Literal inside ``Literal[...] | None``."""
    if typing.get_origin(annotation) is typing.Literal:
        return annotation
    (literal,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    return literal


@pytest.mark.parametrize("provider_id", sorted(HOSTILE_SPECS))
def test_hostile_docstrings_say_what_the_spec_says(
    built: dict[str, tuple[str, Path]], provider_id: str
) -> None:
    _, path = built[provider_id]
    module = import_file(path, f"_hostile_doc_{provider_id}")
    data = HOSTILE_SPECS[provider_id]
    assert module.__doc__ is not None
    assert module.__doc__.split()[: len(data["name"].split())] == data["name"].split()
    if "description" in data:
        assert " ".join(data["description"].split()) in " ".join(module.__doc__.split())


def test_hostile_specs_pass_mypy_strict(built: dict[str, tuple[str, Path]]) -> None:
    root = next(iter(built.values()))[1].parent.parent.parent
    result = run_mypy(root, [f"-p=generated.{provider_id}" for provider_id in sorted(built)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert mypy_errors_by_file(result.stdout) == {}


def test_hostile_oauth1_client_shape(built: dict[str, tuple[str, Path]]) -> None:
    _, path = built["evil_oauth1"]
    module = import_file(path, "_hostile_shape_oauth1")
    client = module.VilOne
    assert "rsa_key" in typing.get_type_hints(client.__init__)
    for method in ("fetch_request_token", "authorization_url", "fetch_access_token", "revoke"):
        assert callable(getattr(client, method))
    assert not hasattr(client, "fetch_token")


# -- names the generated code already uses: located errors when the spec loads ---------------


def _with_variable(data: dict[str, Any], name: str) -> dict[str, Any]:
    """``data`` with one more variable, used in an authorization parameter."""
    result = _with(data, "variables", name, {"default": "x"})
    return _with(result, "authorize", "params", f"v_{name}", "{" + name + "}")


def _with(data: dict[str, Any], *path_and_value: Any) -> dict[str, Any]:
    result = copy.deepcopy(data)
    *path, key, value = path_and_value
    target = result
    for part in path:
        target = target.setdefault(part, {})
    target[key] = value
    return result


def _with_other_tokens(data: dict[str, Any], *names: str) -> dict[str, Any]:
    result = copy.deepcopy(data)
    result["token"]["response"]["other_tokens"] = {name: {"path": name} for name in names}
    return result


INIT_CLASH = "clashes with an argument of the generated __init__()"
AUTHORIZATION_URL_CLASH = "clashes with an argument of the generated authorization_url()"
REJECTED = [
    (
        _with(OAUTH2, "class_name", "Scope"),
        "class_name: the generated name 'Scope' clashes with a name the module already uses",
    ),
    (_with(OAUTH2, "class_name", "TypedDict"), "class_name: the generated name 'TypedDict'"),
    (_with(OAUTH2, "class_name", "Exception"), "class_name: the generated name 'Exception'"),
    (_with(OAUTH2, "class_name", "RuntimeSpec"), "the generated name 'RuntimeSpec'"),
    (_with(OAUTH2, "class_name", "Shape"), "the generated name 'Shape'"),
    (_with(OAUTH2, "class_name", "PerCall"), "the generated name 'PerCall'"),
    (
        _with(OAUTH2, "class_name", "AuthorizationRequest"),
        "the generated name 'AuthorizationRequest' clashes",
    ),
    (
        {**{k: v for k, v in OAUTH1.items()}, "name": "Typed Dict"},
        "name: the generated name 'TypedDict' clashes",
    ),
    (
        _with_other_tokens(OAUTH2, "bot_user", "bot__user"),
        "token.response.other_tokens.bot__user: its class 'EvilOAuth2BotUserToken' is also "
        "the class of 'bot_user'",
    ),
    (_with_variable(OAUTH2, "rsa_key"), f"variables.rsa_key: variable 'rsa_key' {INIT_CLASH}"),
    (_with_variable(OAUTH2, "key_id"), f"variables.key_id: variable 'key_id' {INIT_CLASH}"),
    (
        _with_variable(OAUTH2, "token_store_key"),
        f"variables.token_store_key: variable 'token_store_key' {INIT_CLASH}",
    ),
    (
        _with_variable(OAUTH1, "client_key"),
        f"variables.client_key: variable 'client_key' {INIT_CLASH}",
    ),
    (
        _with(OAUTH2, "authorize", "options", "offline", {"type": "bool"}),
        f"authorize.options.offline: option 'offline' {AUTHORIZATION_URL_CLASH}",
    ),
    (
        _with(OAUTH2, "authorize", "options", "user_scopes", {"type": "str"}),
        f"authorize.options.user_scopes: option 'user_scopes' {AUTHORIZATION_URL_CLASH}",
    ),
    (
        _with(OAUTH1, "authorize", "options", "request_token", {"type": "str"}),
        f"authorize.options.request_token: option 'request_token' {AUTHORIZATION_URL_CLASH}",
    ),
    (
        _with(OAUTH1, "oauth1", "request_token", "options", "extra", {"type": "str"}),
        "oauth1.request_token.options.extra: option 'extra' clashes with an argument of the "
        "generated fetch_request_token()",
    ),
]


@pytest.mark.parametrize(("data", "expected"), REJECTED, ids=lambda v: str(v)[:40])
def test_names_the_generated_code_uses_are_located_loader_errors(
    data: dict[str, Any], expected: str
) -> None:
    with pytest.raises(SpecValidationError) as raised:
        parse_spec(dump(data), "hostile.yaml")
    messages = [str(d) for d in raised.value.diagnostics]
    assert any(expected in m for m in messages), messages
    for message in messages:
        match = DIAGNOSTIC.match(message)
        assert match, message
        assert match["file"] == "hostile.yaml" and int(match["line"]) > 1


# Hostile values the loader itself refuses (control characters, keywords as names, code in
# identifiers): a located error, never a traceback, never output.
LOADER_REJECTED = [
    _with(OAUTH2, "name", "Evil\nimport os"),
    _with(OAUTH2, "class_name", "Evil; import os"),
    _with(OAUTH2, "class_name", "None"),
    _with(OAUTH2, "id", "class"),
    _with(OAUTH2, "id", "os.system"),
    _with(OAUTH2, "variables", "import", {"default": "x"}),
    _with(OAUTH2, "variables", "str", {"default": "x"}),
    _with(OAUTH2, "variables", "__class__", {"default": "x"}),
    _with(OAUTH2, "exchanges", "x; import os", {"grant_type": "x"}),
    _with(OAUTH2, "authorize", "options", "print()", {"type": "str"}),
    _with(OAUTH2, "userinfo", "fields", "class", {"type": "str"}),
    _with(OAUTH2, "token", "response", "extra", "a b", {"type": "str"}),
    _with(OAUTH2, "scopes", "known", 'a"b', "quote"),
    _with(OAUTH2, "scopes", "known", "a b", "space"),
    _with(OAUTH2, "authorize", "params", "p", "line\nbreak"),
    _with(OAUTH2, "authorize", "options", "prompt", "values", ["a\x00b"]),
    _with(OAUTH2, "endpoints", "token", "https://example.com/\\x"),
    _with(OAUTH2, "endpoints", "token", "javascript:alert(1)"),
    _with(OAUTH2, "description", "nul \x00 byte"),
]


@pytest.mark.parametrize("data", LOADER_REJECTED, ids=range(len(LOADER_REJECTED)))
def test_hostile_values_the_loader_refuses(data: dict[str, Any]) -> None:
    with pytest.raises(SpecValidationError) as raised:
        parse_spec(dump(data), "hostile.yaml")
    assert raised.value.errors
    for diagnostic in raised.value.diagnostics:
        assert DIAGNOSTIC.match(str(diagnostic)), str(diagnostic)
