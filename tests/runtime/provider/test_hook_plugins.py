"""Hooks from outside the repository: ``oauthgen.hooks`` entry points of installed packages."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import requests_mock

from generator.hooks import find_hook
from generator.spec import SpecValidationError
from runtime.provider.hooks import BUILTIN_HOOKS, HOOKS
from runtime.provider.hooks.plugins import ENTRY_POINT_GROUP, HookPluginError, plugin_hooks

from .support import inline_spec, oauth2_class

PLUGIN = """
from runtime.provider.hooks import HookInfo


def sign(host, url, headers, data):
    return url, {**(headers or {}), "X-Acme-Signature": "signed-by-plugin"}, data


acme_sign = HookInfo("acme_sign", "protected_request", "Signs every Acme API call.", sign)
misnamed = HookInfo("other_name", "protected_request", "Wrong name.", sign)
nowhere = HookInfo("acme_nowhere", "after_lunch", "Unknown point.", sign)
not_a_hook = sign
"""

SPEC_WITH_PLUGIN = (
    "api:\n  base_url: https://api.acme.example\nhooks:\n  protected_request: [acme_sign]\n"
)


def _install_plugin(root: Path, entries: str) -> None:
    (root / "acme_plugin.py").write_text(textwrap.dedent(PLUGIN))
    info = root / "acme_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entries}")


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A distribution registering acme_sign, importable from sys.path like an installed one."""
    _install_plugin(tmp_path, "acme_sign = acme_plugin:acme_sign\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    HOOKS.reload()
    yield
    monkeypatch.undo()
    HOOKS.reload()


def test_a_spec_names_a_plugin_hook_and_the_client_runs_it(plugin: None) -> None:
    assert "acme_sign" in HOOKS and "acme_sign" not in BUILTIN_HOOKS
    info = find_hook("acme_sign")
    assert info is not None and info.point == "protected_request"
    client = oauth2_class(inline_spec(SPEC_WITH_PLUGIN))(
        client_id="id", token={"access_token": "at", "token_type": "Bearer"}
    )
    with requests_mock.Mocker() as mock:
        mock.get("https://api.acme.example/me", json={})
        client.session.get("https://api.acme.example/me")
    assert mock.last_request.headers["X-Acme-Signature"] == "signed-by-plugin"


def test_without_the_plugin_the_spec_is_refused_with_its_location() -> None:
    with pytest.raises(SpecValidationError) as raised:
        inline_spec(SPEC_WITH_PLUGIN)
    assert "inline.yaml" in str(raised.value) and "unknown hook 'acme_sign'" in str(raised.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("acme_sign = acme_plugin:misnamed", "its HookInfo is named 'other_name'"),
        ("acme_nowhere = acme_plugin:nowhere", "unknown point 'after_lunch'"),
        (
            "acme_fn = acme_plugin:not_a_hook",
            "is a function, not a runtime.provider.hooks.HookInfo",
        ),
        ("acme_gone = acme_plugin_missing:hook", "cannot be imported: ModuleNotFoundError"),
        ("github_primary_email = acme_plugin:acme_sign", "a built-in hook has that name"),
        ("Bad-Name = acme_plugin:acme_sign", "lowercase letters, digits and _"),
    ],
)
def test_a_broken_plugin_is_a_clear_error_naming_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, message: str
) -> None:
    _install_plugin(tmp_path, "")
    monkeypatch.syspath_prepend(str(tmp_path))
    name, _, value = (part.strip() for part in entry.partition("="))
    found = [EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)]
    with pytest.raises(HookPluginError) as raised:
        plugin_hooks(BUILTIN_HOOKS, found)
    assert message in str(raised.value)
    assert f"entry point {name!r}" in str(raised.value)
