"""The README's code: every Python block compiles, the generated-client example passes
``mypy --strict`` as written (no undefined names), and installs work before a release."""

from __future__ import annotations

import re
from pathlib import Path

from tests.generator.generation import run_mypy
from tests.generator.spec_testing import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks(section: str | None = None) -> list[str]:
    """The ```python blocks of the README, or of the ``## section`` only."""
    text = README
    if section is not None:
        start = text.index(f"\n## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end != -1 else None]
    return FENCE.findall(text)


def test_every_python_block_compiles() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 3
    for number, block in enumerate(blocks, start=1):
        compile(block, f"README.md python block {number}", "exec")


def test_the_generated_client_example_type_checks_as_written(tmp_path: Path) -> None:
    (block,) = python_blocks("Using a generated client")
    (tmp_path / "example.py").write_text(block, encoding="utf-8")
    result = run_mypy(tmp_path, ["example.py"], cache=tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_installs_name_a_checkout_not_an_unpublished_package() -> None:
    """``pip install 'oauthgen[rsa]'`` cannot work until oauthgen is on an index."""
    installs = re.findall(r"pip install ([^`\n#]*)", README)
    assert installs
    by_name = [
        arguments
        for arguments in installs
        if any(re.fullmatch(r"oauthgen(\[[\w,]+\])?", a.strip("'\"")) for a in arguments.split())
    ]
    assert not by_name, by_name
