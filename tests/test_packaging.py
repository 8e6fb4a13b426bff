"""``pip install .`` ships runtime, generator (with its templates) and the generated clients.

Installs a wheel into a fresh virtual environment and imports from outside the repository,
so nothing resolves through the editable install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC_IDS = sorted(path.stem for path in (ROOT / "specs").glob("*.yaml"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("oauthgen-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generated/__init__.py" not in names  # a namespace package: users add their own
    for spec_id in SPEC_IDS:
        assert f"generated/{spec_id}/__init__.py" in names
        assert f"generated/{spec_id}/py.typed" in names
    assert "runtime/py.typed" in names
    assert any(name.startswith("generator/templates/") for name in names)
    assert not any(name.startswith("tests/") for name in names)


def test_installed_package_works_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600
    )
    script = f"""
import generated.github, runtime, generator
from generated.github import GitHub
client = GitHub(client_id="cid", redirect_uri="https://app.example/cb")
url, state = client.authorization_url()
assert url.startswith("https://github.com/login/oauth/authorize?"), url
assert generated.github.__file__.startswith({str(env_dir)!r}), generated.github.__file__
"""
    clean_env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    subprocess.run([str(python), "-c", script], check=True, cwd=tmp_path, env=clean_env,
                   timeout=120)
    cli = subprocess.run(
        [str(env_dir / "bin" / "oauthgen"), "new", "acme"], check=True, capture_output=True,
        text=True, cwd=tmp_path, timeout=120,
    )
    assert "acme" in cli.stdout
