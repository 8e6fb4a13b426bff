"""``pip install .`` ships runtime, generator (with its templates) and the generated clients.

Installs a wheel into a fresh virtual environment and imports from outside the repository,
so nothing resolves through the editable install. The editable install (``bin/bootstrap``) is
checked separately: a type checker run from another folder must see its packages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC_IDS = sorted(path.stem for path in (ROOT / "specs").glob("*.yaml"))


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The built wheel and everything the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    (found,) = out.glob("oauthgen-*.whl")
    return found, log


@pytest.fixture(scope="module")
def wheel(wheel_build: tuple[Path, str]) -> Path:
    return wheel_build[0]


def test_build_has_no_license_deprecation_warning(wheel_build: tuple[Path, str]) -> None:
    """``license`` is an SPDX expression with ``license-files``, not the deprecated table."""
    found, log = wheel_build
    warnings = [line for line in log.splitlines() if "license" in line.lower()]
    assert not warnings, log
    dist_info = f"oauthgen-{found.name.split('-')[1]}.dist-info"
    with zipfile.ZipFile(found) as archive:
        names = archive.namelist()
        metadata_text = archive.read(f"{dist_info}/METADATA").decode()
    assert f"{dist_info}/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata_text.splitlines()


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


def _installed_editable() -> bool:
    """Whether this environment's site-packages holds an editable install of oauthgen.

    Looks only there: a checkout on ``sys.path`` has its own ``oauthgen.egg-info``.
    """
    site_packages = sysconfig.get_paths()["purelib"]
    for dist in metadata.distributions(name="oauthgen", path=[site_packages]):
        direct_url = dist.read_text("direct_url.json")
        if direct_url and json.loads(direct_url).get("dir_info", {}).get("editable"):
            return True
    return False


def test_editable_install_is_visible_to_mypy_outside_the_checkout(tmp_path: Path) -> None:
    """A user's app in another folder type-checks against the editable install (no import hook)."""
    if not _installed_editable():
        pytest.skip("oauthgen is not installed editable in this environment")
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """\
            from generated.github import GitHub
            from runtime import OAuth2Session

            client = GitHub(client_id="cid", redirect_uri="https://app.example/cb")
            reveal_type(client)
            reveal_type(OAuth2Session("cid"))
            not_a_url: int = client.authorization_url()[0]
            """
        )
    )
    clean_env = {
        key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "MYPYPATH"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "app.py"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env, timeout=300, check=False,
    )
    out = result.stdout + result.stderr
    assert "import-not-found" not in out, out
    assert 'app.py:5: note: Revealed type is "generated.github.GitHub"' in out, out
    assert 'app.py:6: note: Revealed type is "runtime.oauth2_session.OAuth2Session"' in out, out
    # The deliberate mistake is the only error: the types are real, not Any.
    assert 'app.py:7: error: Incompatible types in assignment (expression has type "str", ' \
        'variable has type "int")' in out, out
    assert "Found 1 error in 1 file" in out, out
