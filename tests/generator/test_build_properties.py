"""Property tests of the generator: random valid specs always build into code that compiles,
only defines names on import and keeps every value; a sample of them passes ``mypy --strict``
in one batch run. Random invalid specs always give located errors and write nothing.

``SPEC_EXAMPLES=1000`` runs more examples than the default; ``SPEC_MYPY_EXAMPLES=60`` makes
the mypy batch bigger.
"""

from __future__ import annotations

import ast
import contextlib
import io
import keyword
import os
import string
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.build import render_module
from generator.cli import main
from generator.render.shape import check_module_shape
from generator.spec import SpecValidationError, parse_spec
from generator.spec.kinds import RESERVED_ARGUMENT_NAMES
from generator.spec.naming import AUTHORIZATION_URL_ARGUMENTS, FETCH_REQUEST_TOKEN_ARGUMENTS
from generator.spec.normalize import normalized_spec
from runtime.provider import with_defaults
from tests.generator.generation import (
    mypy_errors_by_file,
    run_mypy,
    spec_constant,
    write_package,
)
from tests.generator.spec_testing import (
    DIAGNOSTIC,
    dump,
    leaf_paths,
    load_data,
    replaced,
    valid_fixture_paths,
)

EXAMPLES = int(os.environ.get("SPEC_EXAMPLES", "120"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# -- strategies for valid specs -------------------------------------------------------------------

# Text without the control characters the loader refuses, with the usual suspects mixed in.
_HOSTILE = ['"""', "'''", "\\", "{{", "}}", "#", "\n", "\t", "é", "日本", "🎉", "\u2028", '"', "'"]
text = st.lists(
    st.sampled_from(_HOSTILE)
    | st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="\x85"
        ),
        max_size=12,
    ),
    max_size=8,
).map("".join)
one_line = text.map(lambda t: t.replace("\n", " ").replace("\t", " ").replace("\u2028", " "))
plain_value = one_line.map(lambda t: t.replace("{", "(").replace("}", ")")).filter(
    lambda t: len(t) <= 500
)
_SNAKE_START = string.ascii_lowercase
snake = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n) and not keyword.issoftkeyword(n)
)
argument_name = snake.filter(
    lambda n: n not in RESERVED_ARGUMENT_NAMES and n not in dir(__builtins__)
)
scope_name = st.from_regex(r"[!#-\[\]-~]{1,24}", fullmatch=True)
field_type = st.sampled_from(["str", "int", "float", "bool", "list[str]", "dict", "json"])
url_path = st.from_regex(r"[A-Za-z0-9'._~!$&()*+,;=:@-]{0,20}", fullmatch=True)


def typed_fields(min_size: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    field = st.fixed_dictionaries(
        {"type": field_type},
        optional={"required": st.booleans(), "description": text, "path": snake},
    )
    return st.dictionaries(snake, field, min_size=min_size, max_size=4)


def typed_options(names: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        names,
        st.one_of(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["str", "int", "bool"])},
                optional={"description": text},
            ),
            st.fixed_dictionaries(
                {
                    "type": st.just("enum"),
                    "values": st.lists(plain_value, min_size=1, max_size=4, unique=True),
                }
            ),
        ),
        max_size=3,
    )


@st.composite
def valid_specs(draw: st.DrawFn) -> dict[str, Any]:
    protocol = draw(st.sampled_from(["oauth2", "oidc", "oauth1"]))
    base = "https://example.com/" + draw(url_path)
    data: dict[str, Any] = {
        "spec": 1,
        "id": "prop",
        "name": draw(one_line.filter(lambda t: 0 < len(t.strip()) <= 80)),
        "class_name": draw(st.from_regex(r"[A-Z][A-Za-z0-9]{0,15}", fullmatch=True)),
        "protocol": protocol,
        "docs": base,
        "sources": [base],
    }
    if draw(st.booleans()):
        data["description"] = draw(text)
    variables: dict[str, dict[str, Any]] = draw(
        st.dictionaries(
            argument_name,
            st.one_of(
                st.fixed_dictionaries({"type": st.just("str")}, optional={"description": text}),
                st.fixed_dictionaries(
                    {
                        "type": st.just("str"),
                        "choices": st.lists(plain_value, min_size=1, max_size=4, unique=True),
                    }
                ),
                st.fixed_dictionaries(
                    {
                        "type": st.just("int"),
                        "choices": st.lists(
                            st.integers(-(10**12), 10**12), min_size=1, max_size=4, unique=True
                        ),
                    }
                ),
            ),
            max_size=3,
        )
    )
    if variables:
        data["variables"] = variables
        for variable in variables.values():
            if variable.get("choices") and draw(st.booleans()):
                variable["default"] = variable["choices"][0]
        if draw(st.booleans()):
            name = sorted(variables)[0]
            value = variables[name].get("choices", ["x"])[-1]
            data["environments"] = {
                draw(snake): {"description": draw(text), "variables": {name: value}}
            }
    scopes: dict[str, Any] = {
        "known": draw(st.dictionaries(scope_name, text, max_size=5)),
        "separator": draw(st.sampled_from([" ", ",", "+"])),
    }
    scopes["known"] = {k: v for k, v in scopes["known"].items() if scopes["separator"] not in k}
    if protocol == "oidc":
        scopes["known"]["openid"] = "sign in"
        scopes["required"] = ["openid"]
    data["scopes"] = scopes
    options = draw(
        typed_options(argument_name.filter(lambda n: n not in AUTHORIZATION_URL_ARGUMENTS))
    )
    data["authorize"] = {
        "options": options,
        "params": {f"v_{name}": "{" + name + "}" for name in variables}
        | draw(
            st.dictionaries(st.from_regex(r"x_[a-z]{1,5}", fullmatch=True), plain_value, max_size=2)
        ),
    }
    endpoint = base + "/"
    if protocol == "oauth1":
        data["endpoints"] = {
            "request_token": endpoint + "request",
            "authorize": endpoint + "authorize",
            "access_token": endpoint + "access",
        }
        data["oauth1"] = {
            "signature_method": draw(st.sampled_from(["HMAC-SHA1", "RSA-SHA256", "PLAINTEXT"])),
            "access_token": {"extra": draw(typed_fields())},
            "request_token": {
                "options": draw(
                    typed_options(
                        argument_name.filter(lambda n: n not in FETCH_REQUEST_TOKEN_ARGUMENTS)
                    )
                )
            },
        }
    else:
        grants = draw(
            st.lists(
                st.sampled_from(["authorization_code", "client_credentials", "device_code"]),
                min_size=1,
                unique=True,
            )
        )
        data["grants"] = grants
        data["endpoints"] = {"token": endpoint + "token", "authorize": endpoint + "authorize"}
        if protocol == "oidc":
            data["endpoints"]["issuer"] = base
        if "device_code" in grants:
            data["endpoints"]["device"] = endpoint + "device"
        if draw(st.booleans()):
            data["refresh"] = {"rotation": draw(st.sampled_from(["may_omit", "rotating"]))}
        data["exchanges"] = draw(
            st.dictionaries(
                snake,
                st.fixed_dictionaries(
                    {"grant_type": plain_value.filter(bool)}, optional={"description": text}
                ),
                max_size=2,
            )
        )
        data["token"] = {
            "client_auth": draw(
                st.sampled_from(
                    ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
                )
            ),
            "response": {
                "extra": draw(typed_fields()),
                "fallback_paths": draw(
                    st.dictionaries(
                        st.sampled_from(["access_token", "refresh_token", "expires_in"]),
                        st.lists(snake.map(lambda n: f"data.{n}"), min_size=1, unique=True),
                        max_size=2,
                    )
                ),
            },
        }
        if draw(st.booleans()):
            data["endpoints"]["introspect"] = endpoint + "introspect"
    if draw(st.booleans()):
        data["endpoints"]["revoke"] = endpoint + "revoke"
        if draw(st.booleans()):
            data["revocation"] = {
                "success_body": draw(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "path": snake,
                            "value": st.one_of(st.booleans(), st.integers(), plain_value),
                        },
                    )
                )
            }
    if draw(st.booleans()):
        fields = draw(typed_fields(min_size=1))
        data["endpoints"]["userinfo"] = endpoint + "me"
        data["userinfo"] = {"id_field": sorted(fields)[0], "fields": fields}
    if draw(st.booleans()):
        data["callback"] = {
            "capture": draw(
                st.dictionaries(
                    snake.filter(lambda n: n not in ("code", "state", "error")),
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["str", "int", "json"])},
                        optional={"description": text},
                    ),
                    max_size=2,
                )
            )
        }
    return data


def _load_valid(data: dict[str, Any]) -> Any:
    try:
        return parse_spec(dump(data), "prop.yaml")
    except SpecValidationError:
        assume(False)
        raise


def _check_generated(loaded: Any) -> str:
    """Render (a loaded spec always builds) and check the module."""
    text = render_module(loaded, source="specs/prop.yaml")
    tree = ast.parse(text)
    compile(tree, "prop", "exec")
    check_module_shape(tree)
    assert with_defaults(spec_constant(text)) == normalized_spec(loaded.spec)
    return text


@SETTINGS
@given(valid_specs())
def test_random_valid_specs_generate_code_that_compiles(data: dict[str, Any]) -> None:
    loaded = _load_valid(data)
    _check_generated(loaded)


def test_random_valid_specs_type_check_in_one_batch(tmp_path: Path) -> None:
    """A handful of random specs, generated side by side, checked by one mypy run."""
    built: list[str] = []

    @settings(
        max_examples=int(os.environ.get("SPEC_MYPY_EXAMPLES", "8")),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(valid_specs())
    def collect(data: dict[str, Any]) -> None:
        loaded = _load_valid(data)
        provider_id = f"prop_{len(built)}"
        write_package(tmp_path, provider_id, _check_generated(loaded))
        built.append(provider_id)

    collect()
    assert built
    result = run_mypy(tmp_path, [f"-p=generated.{provider_id}" for provider_id in built])
    assert result.returncode == 0, result.stdout + result.stderr
    assert mypy_errors_by_file(result.stdout) == {}


# -- invalid specs: mutated fixtures through the CLI ----------------------------------------------

FIXTURES = {path.stem: load_data(path) for path in valid_fixture_paths()}
MUTATIONS = st.one_of(
    text,
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(text, max_size=2),
    st.dictionaries(text, text, max_size=2),
    st.sampled_from(["class", "None", "cast", "Scope", "TypedDict", "'''", '"""', "a\\b"]),
)


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(FIXTURES)))
    data = FIXTURES[name]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(leaf_paths(data))))
        if not path:
            continue
        data = replaced(data, path, draw(MUTATIONS))
    return data


@SETTINGS
@given(mutated_specs())
def test_any_mutated_spec_builds_or_gives_located_errors(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        spec = root / "spec.yaml"
        spec.write_text(dump(data), encoding="utf-8")
        out = root / "out"
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = main(["build", str(spec), "--out", str(out)])
        messages = stderr.getvalue().splitlines()
        assert "Traceback" not in stderr.getvalue()
        assert not any("internal error" in line for line in messages), messages
        if code == 0:
            (init,) = out.glob("*/__init__.py")
            tree = ast.parse(init.read_text(encoding="utf-8"))
            check_module_shape(tree)
        else:
            assert code == 1, messages
            diagnostics = [m for m in messages if not m.startswith("oauthgen: ")]
            assert diagnostics, messages
            for line in diagnostics:
                assert DIAGNOSTIC.match(line), line
            assert not out.exists()  # nothing written
