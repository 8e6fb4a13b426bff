"""The spec format's defaults, written once into the runtime; generated modules embed only what
differs from them.

After an intended change to a default in the spec model, regenerate the runtime's copy:

    python -m generator.spec.defaults
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.spec import defaults as spec_defaults
from generator.spec import load_spec
from generator.spec.normalize import default_spec, normalized_spec
from runtime.provider.spec_defaults import DEFAULTS
from tests.generator.spec_testing import REPO_ROOT

Capture = pytest.CaptureFixture[str]


def test_runtime_defaults_module_matches_the_model() -> None:
    assert spec_defaults.is_current(), f"stale; regenerate with `{spec_defaults.REGENERATE}`"
    assert default_spec() == DEFAULTS


def test_build_check_reports_stale_defaults(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert main(["build", "--check", "specs"]) == 0
    capsys.readouterr()
    text = spec_defaults.render_defaults_module().replace('"param": "scope"', '"param": "s"')
    monkeypatch.setattr(spec_defaults, "render_defaults_module", lambda: text)
    assert main(["build", "--check", "specs"]) == 1
    out, err = capsys.readouterr()
    assert "STALE " in out and "spec_defaults.py" in out
    assert spec_defaults.REGENERATE in err


def test_runtime_spec_types_follow_the_model(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runtime.provider import spec_types

    assert spec_defaults.types_path() == Path(spec_types.__file__)
    # one TypedDict per section, with the model's field names
    assert set(spec_types.SpecData.__annotations__) == set(DEFAULTS) | {
        "spec",
        "id",
        "name",
        "protocol",
        "docs",
        "sources",
    }
    assert "format" in spec_types.TokenResponseData.__annotations__
    # a model change the types file does not have yet is reported by build --check
    monkeypatch.chdir(REPO_ROOT)
    text = spec_defaults.render_types().replace("    format:", "    fmt:")
    monkeypatch.setattr(spec_defaults, "render_types", lambda: text)
    assert main(["build", "--check", "specs"]) == 1
    out, _ = capsys.readouterr()
    assert "STALE " in out and "spec_types.py" in out


def test_github_embeds_no_section_of_another_protocol_and_no_empty_hooks() -> None:
    from generated.github import _SPEC, GitHub

    assert "oauth1" not in _SPEC and "oidc" not in _SPEC
    assert _SPEC["hooks"] and all(_SPEC["hooks"].values())
    assert "unconfirmed" not in _SPEC["endpoints"]
    assert GitHub.spec.data == normalized_spec(load_spec(REPO_ROOT / "specs" / "github.yaml").spec)
    assert GitHub.spec.oauth1.data == DEFAULTS["oauth1"]


def test_path_is_the_imported_runtime() -> None:
    import runtime.provider.spec_defaults as module

    assert spec_defaults.defaults_path() == Path(module.__file__)
