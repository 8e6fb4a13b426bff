"""The core is transport-neutral: importing any of its modules loads no HTTP client."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import importlib, json, pkgutil, sys
import runtime.core
for module in pkgutil.iter_modules(runtime.core.__path__):
    importlib.import_module("runtime.core." + module.name)
print(json.dumps(sorted(name for name in ("requests", "httpx", "urllib3", "aiohttp")
                        if name in sys.modules)))
"""


def test_importing_every_core_module_loads_no_http_client() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == []


def test_the_probe_would_see_an_http_client() -> None:
    """The same probe, after importing requests, reports it (so the test above can fail)."""
    probe = "import requests\n" + _PROBE
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert "requests" in json.loads(result.stdout)
