"""Every Python and shell block of README.md and docs/*.md runs, so the docs cannot rot.

Each runnable block is named by ``<!-- doc-test: NAME -->`` on the line before its fence and
has an entry in ``FIXTURES`` below; a block without one fails ``test_every_block_is_covered``.

* Python blocks run as written, each in a fresh namespace, with ``responses`` answering the
  HTTP calls the fixture lists (all of them must be made, and nothing else may be). ``names``
  are the values the prose leaves to the reader (a client id); ``replace`` swaps a placeholder
  the reader fills in at run time (the callback URL a web framework hands over) for code, on
  the same line, so tracebacks point at the page's own lines.
* Shell blocks run in bash (``set -euo pipefail``) in a temporary copy of the repository's
  data (specs, generated, schema, docs, bench, bin, examples) with the real ``.venv`` and the
  code under test on ``PYTHONPATH``, and private ``HOME`` / XDG directories. A block that
  signs in gets an ``oauthgen`` that runs the real command line with the provider mocked and
  the browser played (``tests/docs/mocked_cli.py``), and a ``curl`` that records its
  arguments. Commands that cannot run here are in ``skip`` with the reason, replaced by
  ``true``; one that serves until stopped may be swapped (``instead``) for a sibling that
  checks the same setup.

A failure names the page and line.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from generator.spec import load_spec
from runtime.stores import FileTokenStore, RedisTokenStore
from tests.docs import mocked_cli
from tests.docs.blocks import PYTHON, REPO_ROOT, SHELL, Block, all_blocks
from tests.generator.generation import run_mypy

Namespace = dict[str, Any]
Answer = tuple[int, dict[str, str], str]
JSON = {"Content-Type": "application/json"}
SHELL_TIMEOUT = 600
# Copied into a block's working directory: what the documented commands read and write.
REPOSITORY_DATA = ("specs", "generated", "schema", "docs", "bench", "bin", "examples")
REPOSITORY_FILES = ("README.md", "pyproject.toml")
MAX_SKIPS = 4
# tomllib is in the standard library from 3.11; 3.10 has the tomli package it came from.
TOML = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")


@dataclass(frozen=True)
class Python:
    mocks: Callable[[responses.RequestsMock], None]
    names: Mapping[str, object] = field(default_factory=dict)
    replace: tuple[tuple[str, str], ...] = ()
    check: Callable[[Namespace, str, Path], None] = lambda namespace, out, home: None
    type_check: bool = False  # also `mypy --strict` on the block as written
    # Before the block runs: prepares what it needs (a server) and returns more names.
    setup: Callable[[pytest.FixtureRequest], Mapping[str, object]] = lambda request: {}


@dataclass(frozen=True)
class Shell:
    skip: tuple[tuple[str, str], ...] = ()  # (command as written, why it cannot run here)
    # (command as written, what runs in its place, why): a command that cannot run here as
    # written (it serves until stopped) but whose setup can be checked by a sibling command.
    instead: tuple[tuple[str, str, str], ...] = ()
    mocks: str | None = None  # a key of mocked_cli.MOCKS: `oauthgen` on PATH runs mocked
    files: Mapping[str, str] = field(default_factory=dict)  # written into the working directory
    config_block: str | None = None  # a toml block written as the oauthgen config file
    env: Mapping[str, str] = field(default_factory=dict)
    check: Callable[[Path, str], None] = lambda workdir, output: None


@dataclass(frozen=True)
class Toml:
    """Parsed as TOML; used by a shell fixture's ``config_block`` or shown as-is."""


Fixture = Python | Shell | Toml


# -- the fixtures, one per block ---------------------------------------------------------------


def _form(request: requests.PreparedRequest) -> dict[str, list[str]]:
    body = request.body
    return parse_qs(body.decode() if isinstance(body, bytes) else str(body or ""))


def _github_code_exchange(http: responses.RequestsMock, scope: str) -> None:
    def answer(request: requests.PreparedRequest) -> Answer:
        form = _form(request)
        assert form["code"] == ["doc-code"], form
        assert form["code_verifier"][0], "no PKCE verifier sent"
        token = {"access_token": "gho_doc_token", "token_type": "bearer", "scope": scope}
        return 200, JSON, json.dumps(token)

    http.add_callback("POST", "https://github.com/login/oauth/access_token", answer)
    http.add("GET", "https://api.github.com/user", json={"login": "octocat", "id": 583231})


def generated_client_mocks(http: responses.RequestsMock) -> None:
    _github_code_exchange(http, "read:user,user:email")
    primary = {"email": "octocat@github.com", "primary": True, "verified": True}
    http.add("GET", "https://api.github.com/user/emails", json=[primary])  # the profile's email
    http.add("GET", "https://api.github.com/user/repos", json=[{"name": "hello-world"}])


def check_generated_client(namespace: Namespace, out: str, home: Path) -> None:
    assert namespace["token"]["access_token"] == "gho_doc_token"
    assert namespace["token"]["scope"] == ["read:user", "user:email"]
    assert namespace["profile"]["login"] == "octocat"


def _assert_equal(found: object, expected: object) -> None:
    assert found == expected, (found, expected)


def check_migration(namespace: Namespace, out: str, home: Path) -> None:
    assert namespace["token"]["access_token"] == "gho_doc_token"
    assert namespace["callback"].authorized


ISSUER = "https://accounts.example.com"
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "device_authorization_endpoint": f"{ISSUER}/device",
    "introspection_endpoint": f"{ISSUER}/introspect",
    "revocation_endpoint": f"{ISSUER}/revoke",
    "code_challenge_methods_supported": ["S256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
}


def beyond_mocks(http: responses.RequestsMock) -> None:
    http.add("GET", f"{ISSUER}/.well-known/openid-configuration", json=METADATA)
    http.add(
        "POST",
        f"{ISSUER}/device",
        json={
            "device_code": "doc-device-code",
            "user_code": "WDJB-MJHT",
            "verification_uri": f"{ISSUER}/activate",
            "expires_in": 600,
            "interval": 1,
        },
    )

    def token(request: requests.PreparedRequest) -> Answer:
        assert _form(request)["device_code"] == ["doc-device-code"]
        body = {
            "access_token": "at-doc",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "rt-doc",
            "scope": "openid offline_access",
        }
        return 200, JSON, json.dumps(body)

    http.add_callback("POST", f"{ISSUER}/token", token)
    http.add(
        "GET",
        "https://api.example.com/me",
        json={"sub": "248289761001"},
        match=[responses.matchers.header_matcher({"Authorization": "Bearer at-doc"})],
    )
    http.add("POST", f"{ISSUER}/introspect", json={"active": True, "sub": "248289761001"})
    http.add("POST", f"{ISSUER}/revoke", body="")


def check_beyond(namespace: Namespace, out: str, home: Path) -> None:
    assert out == f"Go to {ISSUER}/activate and enter WDJB-MJHT\n"
    assert namespace["token"]["access_token"] == "at-doc"
    assert not namespace["session"].authorized  # revoked: cleared here ...
    stored = sorted((home / ".cache" / "myapp" / "tokens").iterdir())
    assert [path.name for path in stored if path.suffix == ".json"] == []  # ... and in the store


def start_redis(request: pytest.FixtureRequest) -> Mapping[str, object]:
    """The test redis-server, holding the token a sign-in saved under the example's key."""
    import redis

    port: int = request.getfixturevalue("redis_port")
    client = redis.Redis(host="127.0.0.1", port=port)
    client.flushdb()
    request.addfinalizer(client.close)
    RedisTokenStore(client).save(
        "github:alice", {"access_token": "gho_doc_token", "token_type": "bearer"}
    )
    return {"redis_port": port}


def github_profile_mocks(http: responses.RequestsMock) -> None:
    auth = responses.matchers.header_matcher({"Authorization": "Bearer gho_doc_token"})
    http.add("GET", "https://api.github.com/user", json={"login": "octocat", "id": 1}, match=[auth])
    primary = {"email": "octocat@github.com", "primary": True, "verified": True}
    http.add("GET", "https://api.github.com/user/emails", json=[primary], match=[auth])


ACME_SPEC = """\
spec: 1
id: acme
name: Acme
protocol: oauth2
docs: https://acme.example/docs/oauth
sources:
  - https://acme.example/docs/oauth
variables:
  tenant:
    type: str
    description: The customer's tenant.
endpoints:
  authorize: https://login.acme.example/{tenant}/oauth/authorize
  token: https://login.acme.example/{tenant}/oauth/token
scopes:
  separator: " "
  known:
    profile: Read the user's profile.
  default: [profile]
authorize:
  pkce: supported
  state: required
token:
  client_auth: none
  response:
    format: json
api:
  base_url: https://api.acme.example
  token_placement: header
  token_scheme: Bearer
"""


def check_terminal(workdir: Path, output: str) -> None:
    (curl,) = (workdir / "curl.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(curl) == [
        "-H",
        f"Authorization: Bearer {mocked_cli.ACCESS_TOKEN}",
        "https://api.github.com/user",
    ]
    assert "Your one-time code: WDJB-MJHT" in output
    assert "Signed in to Acme (acme:work)" in output
    status = output[output.index("$ oauthgen status") :]
    assert "acme" in status and mocked_cli.ACCESS_TOKEN not in status
    tokens = workdir / "home" / "data" / "oauthgen" / "tokens"
    store = FileTokenStore(tokens)
    assert store.load("github:default") is None  # logged out
    assert store.load("acme:work") is not None


def check_writing_a_spec(workdir: Path, output: str) -> None:
    assert (workdir / "generated" / "acme" / "__init__.py").is_file()
    assert "Acme" in (workdir / "docs" / "catalogue.md").read_text(encoding="utf-8")
    schema = json.loads((workdir / "provider-spec.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert re.search(r"^oauthgen \S+$", output, re.MULTILINE), output
    assert "docs/spec.md (the spec format): unchanged" in output, output


def check_draft(workdir: Path, output: str) -> None:
    spec = load_spec(workdir / "specs" / "example.yaml").spec
    assert (spec.protocol, spec.endpoints.issuer) == ("oidc", "https://accounts.example.com")
    assert "specs/example.yaml: ok (example, oidc)" in output, output


def check_benchmarks(workdir: Path, output: str) -> None:
    assert output.count("| requests-oauthlib / runtime |") == 1, output
    assert "vs bare set" in output, output


FIXTURES: dict[str, Fixture] = {
    "quick-start": Shell(
        skip=(
            ("bash bin/bootstrap", "installs from PyPI, npm and apt: needs the network"),
            (".venv/bin/python -m pytest -q", "this test suite itself: it would recurse"),
        ),
        check=lambda workdir, output: None,
    ),
    "install-from-checkout": Shell(
        skip=(
            (
                "python -m pip install '/path/to/oauthgen[rsa,redis]'",
                "installs dependencies from a package index: needs the network "
                "(tests/test_packaging.py installs the built wheel into a fresh venv)",
            ),
        ),
    ),
    "generated-client": Python(
        mocks=generated_client_mocks,
        replace=(
            (
                'callback_url = "https://app.example/cb?code=...&state=..."',
                'callback_url = f"https://app.example/cb?code=doc-code&state={sign_in.state}"',
            ),
        ),
        check=check_generated_client,
        type_check=True,
    ),
    "flask-example": Shell(
        instead=(
            (
                ".venv/bin/flask --app examples/flask_app run",
                ".venv/bin/flask --app examples/flask_app routes",
                "`run` serves until stopped; `routes` finds and builds the app from the same "
                "environment; tests/integration/test_flask_browser.py runs it in headless Chromium",
            ),
        ),
        check=lambda workdir, output: _assert_equal("/callback" in output, True),
    ),
    "terminal-sign-in": Shell(
        mocks="terminal-sign-in",
        files={"acme.yaml": ACME_SPEC},
        config_block="cli-config",
        env={"OAUTHGEN_ACME_CLIENT_ID": "doc-acme-client"},
        check=check_terminal,
    ),
    "cli-config": Toml(),
    "writing-a-spec": Shell(check=check_writing_a_spec),
    "draft-from-discovery": Shell(mocks="draft-from-discovery", check=check_draft),
    "hook-entry-point": Toml(),
    "migrate-from-requests-oauthlib": Python(
        mocks=lambda http: _github_code_exchange(http, "read:user"),
        names={"client_id": "doc-client-id", "client_secret": "doc-client-secret"},
        replace=(
            (
                "# store state and github.code_verifier with the user's session, "
                "redirect to url ...",
                "stored_state, stored_verifier = state, github.code_verifier; "
                'request_url = f"https://app.example/callback?code=doc-code&state={state}"',
            ),
        ),
        check=check_migration,
    ),
    "beyond-requests-oauthlib": Python(
        mocks=beyond_mocks, names={"secret": "doc-client-secret"}, check=check_beyond
    ),
    "token-stores": Python(
        mocks=github_profile_mocks,
        setup=start_redis,
        replace=(
            (
                '"redis://localhost:6379/0"',
                'f"redis://127.0.0.1:{redis_port}/0"',
            ),
        ),
        check=lambda namespace, out, home: _assert_equal(namespace["profile"]["login"], "octocat"),
        type_check=True,
    ),
    "benchmarks": Shell(env={"OAUTHGEN_BENCH_QUICK": "1"}, check=check_benchmarks),
}


# -- the harness -------------------------------------------------------------------------------


def _named_blocks() -> dict[str, Block]:
    return {block.name: block for block in all_blocks() if block.name is not None}


def _blocks_of(kind: type[Python] | type[Shell]) -> list[Any]:
    named = _named_blocks()
    return [
        pytest.param(named[name], fixture, id=name)
        for name, fixture in FIXTURES.items()
        if isinstance(fixture, kind) and name in named
    ]


def _apply(block: Block, code: str, old: str, new: str, what: str) -> str:
    count = code.count(old)
    assert count == 1, f"{block.where}: {what} {old!r} occurs {count} times in block {block.name!r}"
    assert old.count("\n") == new.count("\n"), f"{what} {old!r} must keep the line count"
    return code.replace(old, new)


def test_every_block_is_covered() -> None:
    """A runnable block needs a name and a fixture; a fixture needs its block."""
    blocks = all_blocks()
    problems = []
    seen: dict[str, Block] = {}
    for block in blocks:
        if block.name is not None and block.name in seen:
            problems.append(
                f"{block.where}: doc-test name {block.name!r} also at {seen[block.name].where}"
            )
        if block.name is not None:
            seen[block.name] = block
        if not block.runnable and (block.language != "toml" or block.name is None):
            continue
        if block.name is None:
            problems.append(
                f"{block.where}: {block.language} block without a `<!-- doc-test: NAME -->` line "
                "before its fence"
            )
            continue
        fixture = FIXTURES.get(block.name)
        expected = (
            Python if block.language in PYTHON else Shell if block.language in SHELL else Toml
        )
        if fixture is None:
            problems.append(
                f"{block.where}: block {block.name!r} has no entry in FIXTURES "
                f"({Path(__file__).relative_to(REPO_ROOT)})"
            )
        elif not isinstance(fixture, expected):
            problems.append(
                f"{block.where}: block {block.name!r} is {block.language}, "
                f"its fixture a {type(fixture).__name__}"
            )
    problems += [
        f"FIXTURES[{name!r}]: no block is named so" for name in FIXTURES if name not in seen
    ]
    assert not problems, "\n".join(problems)
    assert sum(block.runnable for block in blocks) >= 8


def test_the_skip_list_is_short_and_explained() -> None:
    skips = [
        skip for fixture in FIXTURES.values() if isinstance(fixture, Shell) for skip in fixture.skip
    ]
    assert len(skips) <= MAX_SKIPS, skips
    assert all(reason.strip() for _, reason in skips)
    replaced = [
        swap
        for fixture in FIXTURES.values()
        if isinstance(fixture, Shell)
        for swap in fixture.instead
    ]
    assert len(replaced) <= MAX_SKIPS, replaced
    assert all(reason.strip() for *_, reason in replaced)


@pytest.mark.parametrize(
    "block", [b for b in all_blocks() if b.language == "toml"], ids=lambda b: b.where
)
def test_toml_blocks_parse(block: Block) -> None:
    try:
        TOML.loads(block.code)
    except ValueError as exc:  # TOMLDecodeError
        pytest.fail(f"{block.where}: toml block does not parse: {exc}")


@pytest.mark.parametrize(("block", "fixture"), _blocks_of(Python))
def test_python_block_runs(
    block: Block,
    fixture: Python,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    code = block.code
    for old, new in fixture.replace:
        code = _apply(block, code, old, new, "placeholder")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # `~` in a block lands here
    monkeypatch.chdir(tmp_path)
    compiled = compile("\n" * (block.line - 1) + code, str(block.path), "exec")
    namespace: Namespace = {
        "__name__": f"doc_block_{block.name}",
        **fixture.names,
        **fixture.setup(request),
    }
    out = io.StringIO()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        fixture.mocks(http)
        try:
            with contextlib.redirect_stdout(out):
                exec(compiled, namespace)  # the documentation's own code
        except Exception as exc:
            details = "".join(traceback.format_exception(exc))
            pytest.fail(f"{block.where}: python block {block.name!r} failed: {exc!r}\n{details}")
        unused = [f"{call.method} {call.url}" for call in http.registered() if not call.call_count]
    assert not unused, f"{block.where}: python block {block.name!r} never called {unused}"
    fixture.check(namespace, out.getvalue(), home)


@pytest.mark.parametrize(
    ("block", "fixture"),
    [param for param in _blocks_of(Python) if param.values[1].type_check],
)
def test_python_block_type_checks_as_written(block: Block, fixture: Python, tmp_path: Path) -> None:
    (tmp_path / "example.py").write_text(block.code, encoding="utf-8")
    result = run_mypy(tmp_path, ["example.py"], cache=tmp_path / "cache")
    assert result.returncode == 0, f"{block.where}:\n{result.stdout}{result.stderr}"


def _workdir(tmp_path: Path) -> Path:
    workdir = tmp_path / "repo"
    workdir.mkdir()
    for name in REPOSITORY_DATA:
        shutil.copytree(
            REPO_ROOT / name, workdir / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in REPOSITORY_FILES:
        shutil.copy2(REPO_ROOT / name, workdir / name)
    (workdir / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return workdir


def _shims(directory: Path, fixture: Shell) -> None:
    directory.mkdir()
    curl = directory / "curl"
    record = 'import json, sys; print(json.dumps(sys.argv[1:]), file=open("curl.log", "a"))'
    curl.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c \'{record}\' "$@"\n', encoding="utf-8")
    curl.chmod(0o755)
    if fixture.mocks is not None:
        oauthgen = directory / "oauthgen"
        oauthgen.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tests.docs.mocked_cli "$@"\n')
        oauthgen.chmod(0o755)


HEADER = "set -euo pipefail\ntrap 'echo \"doc-test: failed at line $LINENO\" >&2' ERR\n"


def _script(block: Block, code: str) -> str:
    """The block as a bash script whose $LINENO is the page's line number."""
    padding = block.line - 1 - HEADER.count("\n")
    assert padding >= 0, f"{block.where}: a block this early cannot keep its line numbers"
    lines = []
    for line in code.splitlines():
        command = line.split(" #", 1)[0].strip()
        # Echo each command so the output shows which one printed what.
        echo = f"echo {shlex.quote('$ ' + command)} >&2; "
        lines.append(echo + line if command and not command.startswith("#") else line)
    return HEADER + "\n" * padding + "\n".join(lines) + "\n"


@pytest.mark.parametrize(("block", "fixture"), _blocks_of(Shell))
def test_shell_block_runs(block: Block, fixture: Shell, tmp_path: Path) -> None:
    code = block.code
    for command, _reason in fixture.skip:
        code = _apply(block, code, command, "true", "skipped command")
    for command, replacement, _reason in fixture.instead:
        code = _apply(block, code, command, replacement, "replaced command")
    workdir = _workdir(tmp_path)
    for name, text in fixture.files.items():
        (workdir / name).write_text(text, encoding="utf-8")
    home = workdir / "home"
    if fixture.config_block is not None:
        config = home / "config" / "oauthgen" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(_named_blocks()[fixture.config_block].code, encoding="utf-8")
        config.chmod(0o600)
    shims = tmp_path / "shims"
    _shims(shims, fixture)
    env = {key: value for key, value in os.environ.items() if not key.startswith("OAUTHGEN_")}
    env.update(
        PATH=os.pathsep.join([str(shims), str(Path(sys.executable).parent), env.get("PATH", "")]),
        PYTHONPATH=str(REPO_ROOT),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        **fixture.env,
    )
    if fixture.mocks is not None:
        env["OAUTHGEN_DOCS_MOCKS"] = fixture.mocks
    result = subprocess.run(
        ["bash", "-c", _script(block, code)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=SHELL_TIMEOUT,
        check=False,
    )
    output = result.stdout
    if result.returncode != 0:
        found = re.search(r"doc-test: failed at line (\d+)", output)
        where = f"{block.path}:{found[1]}" if found else block.where
        pytest.fail(f"{where}: shell block {block.name!r} exited {result.returncode}\n{output}")
    try:
        fixture.check(workdir, output)
    except AssertionError as exc:
        pytest.fail(f"{block.where}: shell block {block.name!r}: {exc}\n{output}")


def test_installs_name_a_checkout_not_an_unpublished_package() -> None:
    """``pip install 'oauthgen[rsa]'`` cannot work until oauthgen is on an index."""
    installs = [
        arguments
        for block in all_blocks()
        if block.language in SHELL
        for arguments in re.findall(r"pip install ([^`\n#]*)", block.code)
    ]
    assert installs
    by_name = [
        arguments
        for arguments in installs
        if any(re.fullmatch(r"oauthgen(\[[\w,]+\])?", a.strip("'\"")) for a in arguments.split())
    ]
    assert not by_name, by_name
