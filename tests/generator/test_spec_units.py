"""Unit tests of the small building blocks: URLs, placeholders, kinds, paths, hooks, naming."""

from __future__ import annotations

import re

import pytest

from generator.hooks import EXCLUSIVE_HOOK_POINTS, HOOK_POINT_DESCRIPTIONS, HOOK_POINTS, HOOKS
from generator.spec import kinds
from generator.spec.errors import SpecError, render_path, show
from generator.spec.naming import derive_class_name, scope_constant_names
from generator.spec.templates import placeholder_problems, placeholders, url_problems
from generator.spec.wording import describe, suggest
from runtime.spec import Hooks


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "https://example.com/a/b?c=d&e=f",
        "https://example.com:8443/x",
        "https://{host}/login",
        "https://{shop}.myshopify.com/admin/oauth/authorize",
        "https://api{region}.example.com:{port}/v1",
        "http://localhost:8080/token",
        "http://127.0.0.1/token",
        "http://[::1]:9000/token",
    ],
)
def test_acceptable_urls(url: str) -> None:
    assert url_problems(url, templated=True) == []


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://example.com/token", "plain http"),
        ("http://{host}/token", "plain http"),
        ("http://127.0.0.1.example.com/token", "plain http"),
        ("ftp://example.com", "unsupported URL scheme"),
        ("HTTPS://example.com", "unsupported URL scheme"),
        ("example.com/token", "not an absolute URL"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://example.com/#top", "fragment"),
        ("https:///path", "no host"),
        ("https://example.com/a b", "whitespace"),
        ("https://example.com/\\evil", "backslash"),
        ("https://example.com:99999/", "malformed URL"),
        ("{scheme}://example.com", "scheme cannot be a placeholder"),
        ("https://example.com/{Bad}", "invalid placeholder"),
        ("https://example.com/{a", "unbalanced"),
    ],
)
def test_rejected_urls(url: str, fragment: str) -> None:
    problems = url_problems(url, templated=True)
    assert problems, url
    assert fragment in problems[0].message


def test_placeholders_are_refused_in_plain_urls() -> None:
    assert "not allowed" in url_problems("https://{x}.example.com", templated=False)[0].message


def test_token_base_url() -> None:
    assert url_problems("{token.instance_url}/services", templated=True, token_base=True) == []
    assert url_problems("{token.instance_url}", templated=True, token_base=True) == []
    assert url_problems("{token.instance_url}x", templated=True, token_base=True)
    assert url_problems("{token.instance_url}/x", templated=True)  # not where token data is


def test_placeholder_parsing() -> None:
    assert placeholders("https://{a}/{token.b}?c={client_id}") == ("a", "token.b", "client_id")
    assert placeholder_problems("{ok} {also_ok_2}") == []
    assert placeholder_problems("{{ x }}")
    assert placeholder_problems("}")


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (kinds.PROVIDER_ID, ["github", "x", "a1_b2"], ["GitHub", "1x", "_x", "a-b", "a" * 41]),
        (kinds.CLASS_NAME, ["GitHub", "X1"], ["github", "Git Hub", "1X"]),
        (kinds.SCOPE_NAME, ["read:user", "identity[email]", "https://x/y"], ["a b", 'a"b', ""]),
        (kinds.HEADER_NAME, ["X-Api-Key", "Accept"], ["Bad Header", "a:b", ""]),
        (kinds.FIELD_PATH, ["a", "a.b", "data[0]", "a.b[1][2].c"], ["a..b", ".a", "a.", "[0]"]),
        (kinds.PARAM_VALUE, ["offline", ""], ["{x}", "a\nb"]),
        (kinds.FRAGMENT, ["wechat_redirect"], ["#x", "a b"]),
    ],
)
def test_kind_patterns(kind: kinds.StringKind, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert re.fullmatch(kind.pattern, value), value
    for value in bad:
        assert not re.fullmatch(kind.pattern, value), value


def test_argument_names_avoid_keywords_builtins_and_client_parameters() -> None:
    check = kinds.ARGUMENT_NAME.extra_check
    assert check is not None
    assert check("tenant") is None
    for name in ("lambda", "match", "type", "id", "client_id", "redirect_uri", "token"):
        assert check(name) is not None, name


def test_hook_kind_explains_misplaced_and_unknown_hooks() -> None:
    kind = kinds.hook_kind("protected_request")
    check = kind.extra_check
    assert check is not None
    assert kind.choices == ("facebook_appsecret_proof",)
    assert check("facebook_appsecret_proof") is None
    misplaced = check("github_primary_email")
    assert misplaced is not None and "hooks.userinfo_response" in misplaced.hint
    typo = check("facebook_appsecret_prof")
    assert typo is not None and "did you mean" in typo.hint


def test_hook_registry_is_consistent() -> None:
    names = [hook.name for hook in HOOKS]
    assert len(names) == len(set(names))
    for hook in HOOKS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", hook.name)
        assert hook.point in HOOK_POINTS
        assert hook.description.endswith(".")
    assert set(HOOK_POINT_DESCRIPTIONS) == set(HOOK_POINTS)
    assert set(HOOK_POINTS) >= EXCLUSIVE_HOOK_POINTS
    assert set(Hooks.__dataclass_fields__) == set(HOOK_POINTS)


def test_render_path() -> None:
    assert render_path(()) == "<root>"
    assert render_path(("scopes", "default", 2)) == "scopes.default[2]"
    assert render_path(("scopes", "known", "read:user")) == 'scopes.known["read:user"]'
    assert render_path(("api", "headers", 'a"b')) == 'api.headers["a\\"b"]'


def test_show_escapes_and_truncates() -> None:
    assert show("a\nb") == "'a\\nb'"
    assert show(5) == "5"
    assert len(show("x" * 500)) < 70


def test_spec_error_format() -> None:
    error = SpecError("a.yaml", 3, 5, "id", "bad id", "fix it")
    assert str(error) == "a.yaml:3:5: id: bad id (hint: fix it)"
    warning = SpecError("a.yaml", 1, 1, "x", "meh", None, "warning")
    assert str(warning) == "a.yaml:1:1: x: warning: meh"


def test_every_diagnostic_stays_on_one_line() -> None:
    error = SpecError("a\nb.yaml", 1, 1, "x\ny", "bad\nvalue\x00", "write [\n]")
    assert "\n" not in str(error)
    assert str(error) == "a\\nb.yaml:1:1: x\\ny: bad\\nvalue\\x00 (hint: write [\\n])"


def test_suggest_and_describe() -> None:
    assert suggest("sepparator", ["separator", "param"]) == "separator"
    assert suggest("POST", ["get", "post"]) == "post"
    assert suggest("basic", ["client_secret_basic", "client_secret_post"]) == "client_secret_basic"
    assert suggest("zzz", ["a", "b"]) is None
    assert describe(str | None) == "a string or null"
    assert describe(tuple[str, ...]) == "a list"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GitHub", "GitHub"),
        ("Microsoft Entra ID", "MicrosoftEntraID"),
        ("X (OAuth 2.0)", "XOAuth20"),
        ("many quirks inc.", "ManyQuirksInc"),
        ("123 Go", None),
        ("!!!", None),
    ],
)
def test_derive_class_name(name: str, expected: str | None) -> None:
    assert derive_class_name(name) == expected


def test_scope_constant_names() -> None:
    scopes = [
        "user:email",
        "https://www.googleapis.com/auth/drive.file",
        "read.user",
        "read:user",
        "2fa",
        "ünïcode",
        "***",
        "openid",
    ]
    names = scope_constant_names(scopes)
    assert names == {
        "***": "SCOPE",
        "2fa": "SCOPE_2FA",
        "https://www.googleapis.com/auth/drive.file": "AUTH_DRIVE_FILE",
        "openid": "OPENID",
        "read.user": "READ_USER",
        "read:user": "READ_USER_2",
        "user:email": "USER_EMAIL",
        "ünïcode": "N_CODE",
    }
    assert scope_constant_names(list(reversed(scopes))) == names
    assert all(name.isidentifier() for name in names.values())


def test_every_string_kind_marker_of_the_model_names_a_kind() -> None:
    import typing

    import runtime.spec as model
    from runtime.spec.markers import HookNames, Kind

    seen: set[object] = set()

    def markers_in(hint: object) -> typing.Iterator[object]:
        if typing.get_origin(hint) is typing.Annotated:
            yield from typing.get_args(hint)[1:]
        for arg in typing.get_args(hint):
            yield from markers_in(arg)

    for name in model.__all__:
        cls = getattr(model, name)
        if isinstance(cls, type) and hasattr(cls, "__dataclass_fields__"):
            for hint in typing.get_type_hints(cls, include_extras=True).values():
                seen.update(m for m in markers_in(hint) if isinstance(m, Kind | HookNames))
    assert len(seen) > 20
    for marker in seen:
        assert isinstance(kinds.resolved(marker), kinds.StringKind), marker
    with pytest.raises(KeyError):
        kinds.resolved(Kind("no_such_kind"))
