"""The ``oauthgen`` command line: exit codes, stdout vs stderr, every verb's help."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import generator_version
from generator.cli import main
from generator.spec import parse_spec
from tests.generator.spec_testing import BAD_SPECS, FIXTURES, REPO_ROOT

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_ok_prints_to_stdout_only(capsys: Capture) -> None:
    code, out, err = run(capsys, "validate", str(FIXTURES / "tweeter.yaml"))
    assert code == 0
    assert out == f"{FIXTURES / 'tweeter.yaml'}: ok (tweeter, oauth1)\n"
    assert err == ""


def test_validate_directory(capsys: Capture) -> None:
    code, out, err = run(capsys, "validate", str(FIXTURES))
    assert code == 0
    assert len(out.splitlines()) == len(list(FIXTURES.glob("*.yaml")))
    assert err == ""


def test_validate_errors_go_to_stderr_with_exit_1(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD_SPECS)
    code, out, err = run(capsys, "validate", "unknown_keys.yaml")
    assert code == 1
    assert out == ""
    assert err.startswith("unknown_keys.yaml:7:1: endpoint: unknown key 'endpoint'")


def test_validate_reports_every_file(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_SPECS)
    code, out, err = run(
        capsys, "validate", "empty.yaml", str(FIXTURES / "minimal.yaml"), "bad_enums.yaml"
    )
    assert code == 1
    assert "minimal.yaml: ok" in out
    assert "empty.yaml:1:1:" in err
    assert "bad_enums.yaml:4:11: protocol:" in err


def test_validate_finds_names_the_generated_code_already_uses(
    capsys: Capture, tmp_path: Path
) -> None:
    spec = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    clashing = tmp_path / "clash.yaml"
    extra = "variables:\n  rsa_key: {type: str}\nauthorize:\n  params: {x: '{rsa_key}'}\n"
    clashing.write_text(spec + extra, encoding="utf-8")
    code, out, err = run(capsys, "validate", str(clashing))
    assert code == 1 and out == ""
    line = spec.count("\n") + 2  # the key under variables:
    assert f"{clashing}:{line}:3: variables.rsa_key: variable 'rsa_key' clashes" in err
    assert main(["build", str(clashing), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()


def test_validate_missing_file_is_a_usage_error(capsys: Capture, tmp_path: Path) -> None:
    code, out, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "no such file or directory" in err
    assert out == ""


def test_validate_empty_directory_is_a_usage_error(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 2
    assert "no *.yaml spec files" in err


def test_validate_warnings(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_SPECS)
    code, out, err = run(capsys, "validate", "warnings_only.yaml")
    assert code == 0
    assert "warnings_only.yaml: ok" in out
    assert ": warning: " in err
    code, _, _ = run(capsys, "validate", "--fail-on-warning", "warnings_only.yaml")
    assert code == 1


def test_validate_duplicate_ids(capsys: Capture, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "b.yaml")
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'b.yaml'}:2:5: id: provider id 'minimal' is also used by" in err


def test_validate_needs_a_spec(capsys: Capture) -> None:
    code, out, err = run(capsys, "validate")
    assert code == 2
    assert "the following arguments are required" in err
    assert out == ""


def test_no_command_is_a_usage_error(capsys: Capture) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "usage: oauthgen" in err


def test_unknown_command(capsys: Capture) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "invalid choice" in err


@pytest.mark.parametrize("verb", ["validate", "schema", "new", "list", "build"])
def test_every_verb_has_help_with_an_example(capsys: Capture, verb: str) -> None:
    code, out, err = run(capsys, verb, "--help")
    assert code == 0
    assert f"usage: oauthgen {verb}" in out
    assert "example:\n  oauthgen " + verb in out
    assert err == ""


def test_top_level_help(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for verb in ("validate", "schema", "new", "list", "build"):
        assert verb in out
    assert "exit codes" in out


@pytest.mark.parametrize("protocol", ["oauth2", "oidc", "oauth1"])
def test_new_prints_a_valid_starter(capsys: Capture, protocol: str) -> None:
    code, out, err = run(capsys, "new", "acme", "--protocol", protocol)
    assert code == 0
    assert err == ""
    assert out.startswith("# yaml-language-server: $schema=")
    assert parse_spec(out, "acme.yaml").spec.protocol == protocol


def test_new_round_trips_through_validate(capsys: Capture, tmp_path: Path) -> None:
    _, out, _ = run(capsys, "new", "widget_co")
    (tmp_path / "widget_co.yaml").write_text(out)
    code, stdout, err = run(capsys, "validate", str(tmp_path / "widget_co.yaml"))
    assert (code, err) == (0, "")
    assert "ok (widget_co, oauth2)" in stdout


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("Acme", "not a valid provider id"), ("class", "Python keyword"), ("a-b", "not a valid")],
)
def test_new_rejects_bad_names(capsys: Capture, name: str, fragment: str) -> None:
    code, out, err = run(capsys, "new", name)
    assert code == 2
    assert out == ""
    assert fragment in err


def test_new_rejects_unknown_protocol(capsys: Capture) -> None:
    code, _, err = run(capsys, "new", "acme", "--protocol", "saml")
    assert code == 2
    assert "invalid choice" in err


def test_list_shows_protocols_and_flows(capsys: Capture) -> None:
    code, out, err = run(capsys, "list", str(FIXTURES))
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "PROTOCOL", "FLOWS"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"contoso", "many_quirks", "minimal", "tweeter"}
    assert "oauth1" in rows["tweeter"] and "oauth1_authorization" in rows["tweeter"]
    assert "device_code" in rows["many_quirks"] and "exchange:long_lived" in rows["many_quirks"]
    assert "oidc" in rows["contoso"]


def test_list_reports_bad_specs_but_lists_good_ones(capsys: Capture, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal.yaml")
    shutil.copy(BAD_SPECS / "bad_enums.yaml", tmp_path / "bad_enums.yaml")
    code, out, err = run(capsys, "list", str(tmp_path))
    assert code == 1
    assert "minimal" in out
    assert "bad_enums.yaml:4:11:" in err


def test_list_defaults_to_specs_dir(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "list", "specs")  # named, a missing folder is a usage error
    assert code == 2
    assert "specs: not a directory" in err
    # Without ./specs, plain `list` shows the installed clients (test_catalogue.py).
    (tmp_path / "specs").mkdir()
    shutil.copy(FIXTURES / "tweeter.yaml", tmp_path / "specs" / "tweeter.yaml")
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["ID", "tweeter"]


def test_build_missing_spec_dir_is_a_usage_error(capsys: Capture, tmp_path: Path) -> None:
    # The build itself is tested in test_build_pipeline.py.
    missing = str(tmp_path / "specs")
    code, out, err = run(capsys, "build", missing, "--out", str(tmp_path / "out"), "--check")
    assert code == 2
    assert out == ""
    assert f"{missing}: no such file or directory" in err


def test_build_still_parses_its_arguments(capsys: Capture) -> None:
    code, _, err = run(capsys, "build")
    assert code == 2
    assert "the following arguments are required: SPEC|DIR" in err


def test_python_dash_m_generator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(FIXTURES / "minimal.yaml")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ok (minimal, oauth2)" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [["build", "--check", "specs", "--out", "{tmp}/never-built"], ["schema"], ["list"]],
    ids=["build-check", "schema", "list"],
)
def test_a_reader_that_stops_early_ends_quietly(argv: list[str], tmp_path: Path) -> None:
    """``oauthgen build --check specs | head -1``: exit 141 as a shell reports SIGPIPE, no
    traceback. The read end is closed before the command writes, so every write fails."""
    command = [sys.executable, "-m", "generator", *(a.format(tmp=tmp_path) for a in argv)]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_version_comes_from_the_installed_distribution(capsys: Capture) -> None:
    code, out, err = run(capsys, "--version")
    assert (code, out, err) == (0, f"oauthgen {importlib.metadata.version('oauthgen')}\n", "")


def test_version_without_an_installed_distribution(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    generator_version.cache_clear()
    try:
        code, out, _ = run(capsys, "--version")
    finally:
        generator_version.cache_clear()
    assert (code, out) == (0, "oauthgen 0+unknown\n")
