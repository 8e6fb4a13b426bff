"""Snapshot tests: each ``bad_specs/*.yaml`` and the exact stderr of ``oauthgen validate``.

The expected output lives beside each spec in ``*.expected``. After an intended change to
messages, regenerate the snapshots and review the diff:

    OAUTHGEN_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/generator/test_spec_bad_specs.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli import main
from tests.generator.spec_testing import BAD_SPECS, DIAGNOSTIC, bad_spec_paths

UPDATE_ENV = "OAUTHGEN_UPDATE_SNAPSHOTS"
UPDATE_COMMAND = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/generator/test_spec_bad_specs.py"


@pytest.mark.parametrize("spec", bad_spec_paths(), ids=lambda path: path.stem)
def test_bad_spec_output_matches_snapshot(
    spec: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD_SPECS)
    exit_code = main(["validate", spec.name])
    stderr = capsys.readouterr().err
    snapshot = spec.with_suffix(".expected")
    if os.environ.get(UPDATE_ENV):
        snapshot.write_text(stderr, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot for {spec.name}; create it with: {UPDATE_COMMAND}"
    expected = snapshot.read_text(encoding="utf-8")
    assert stderr == expected, f"messages changed; if intended, run: {UPDATE_COMMAND}"

    lines = stderr.splitlines()
    assert lines, "a bad spec must produce at least one message"
    for line in lines:
        match = DIAGNOSTIC.match(line)
        assert match, f"not a located diagnostic: {line!r}"
        assert match["file"] == spec.name
        assert match["hint"], f"every message carries a hint: {line!r}"
    has_errors = any(": warning: " not in line for line in lines)
    assert exit_code == (1 if has_errors else 0)


def test_there_are_at_least_twenty_bad_specs() -> None:
    assert len(bad_spec_paths()) >= 20


def test_every_snapshot_belongs_to_a_spec() -> None:
    orphans = [
        path.name for path in BAD_SPECS.glob("*.expected") if not path.with_suffix(".yaml").exists()
    ]
    assert orphans == []
