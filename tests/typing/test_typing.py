"""Runs the typing checks: ``mypy --strict --warn-unused-ignores`` over ``check_*.py``.

Each check file uses the golden generated packages (``tests/generator/golden``): ``assert_type``
lines are positives; lines marked ``# type: ignore[<code>]`` must fail with that code (a
wrong scope literal, a missing required argument, a wrong option enum, a flow the provider
lacks). When such a line stops failing, the ignore is unused and mypy fails.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.generator.generation import GOLDEN, run_mypy
from tests.generator.spec_testing import REPO_ROOT

HERE = Path(__file__).parent
CHECKS = sorted(HERE.glob("check_*.py"))


def test_there_is_a_check_file_per_golden_package() -> None:
    golden = sorted(p.name for p in GOLDEN.iterdir() if (p / "__init__.py").is_file())
    assert [p.stem.removeprefix("check_") for p in CHECKS] == golden


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_check_file_has_positives_and_negatives(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("assert_type(") >= 8
    assert len(re.findall(r"# type: ignore\[[a-z-]+\]", text)) >= 5
    assert "# type: ignore\n" not in text  # every ignore names its error code


def test_typing_checks_pass_mypy_strict(tmp_path: Path) -> None:
    targets = [p.relative_to(REPO_ROOT).as_posix() for p in CHECKS]
    result = run_mypy(REPO_ROOT, targets, "--warn-unused-ignores", cache=tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_negative_check_that_stops_failing_is_caught(tmp_path: Path) -> None:
    """With ``Scope`` widened to ``str``, the wrong-scope lines no longer fail: mypy says so."""
    golden = tmp_path / "tests" / "generator" / "golden" / "many_quirks"
    shutil.copytree(GOLDEN / "many_quirks", golden)
    # Regular packages all the way down: a path-based editable install puts the repository's
    # own ``tests`` on mypy's search path, and mypy must pick this copy.
    for package in ("tests", "tests/generator", "tests/generator/golden", "tests/typing"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    shutil.copy(HERE / "check_many_quirks.py", tmp_path / "tests" / "typing")
    os.symlink(REPO_ROOT / "runtime", tmp_path / "runtime")  # instead of the repository
    module = golden / "__init__.py"
    text = module.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = lines.index(next(line for line in lines if line.startswith("Scope = Literal[")))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith('"""'))
    widened = "".join([*lines[:start], "Scope = str\n", *lines[end:]])
    module.write_text(widened, encoding="utf-8")
    env_free = run_mypy(
        tmp_path,
        ["tests/typing/check_many_quirks.py"],
        "--warn-unused-ignores",
        repository_on_path=False,
    )
    unused = [
        line
        for line in env_free.stdout.splitlines()
        if line.startswith("tests/typing/check_many_quirks.py:") and "[unused-ignore]" in line
    ]
    assert env_free.returncode == 1
    checks = (tmp_path / "tests/typing/check_many_quirks.py").read_text().splitlines()
    flagged = {checks[int(line.split(":")[1]) - 1].strip() for line in unused}
    assert flagged == {
        'bad: Scope = "read:usr"  # type: ignore[assignment]',
        'client.authorization_url(scopes=["read:usr"])  # type: ignore[list-item]',
        # A str is a Sequence[str]: only the Literal element type rejects one string.
        'client.authorization_url(scopes="read:user")  # type: ignore[arg-type]',
    }, env_free.stdout
