"""Generator speed and the import cost of a generated client.

Run: ``.venv/bin/python bench/bench_generator.py``. Prints a markdown table; no assertions.
Targets: building a directory of 300 specs < 3 s, ``--check`` of it < 1 s (whole CLI runs,
interpreter start included; ``validate`` of it is shown beside them, without a target), and
``import generated.<x>`` <= 10 ms over ``import requests``.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import markdown_table

ROOT = Path(__file__).resolve().parents[1]
OAUTHGEN = [sys.executable, "-m", "generator"]
SPEC_COUNT = 300
RUNS = 3


def make_spec_dir(target: Path) -> None:
    """SPEC_COUNT specs: the real ones, copied under new ids until there are enough."""
    sources = sorted((ROOT / "specs").glob("*.yaml"))
    for index in range(SPEC_COUNT):
        source = sources[index % len(sources)]
        new_id = f"{source.stem}{index}"
        text = re.sub(r"^id: .*$", f"id: {new_id}", source.read_text(), count=1, flags=re.M)
        (target / f"{new_id}.yaml").write_text(text)


def installed_env(pycache: Path) -> dict[str, str]:
    """The environment of an installed package: bytecode is written and reused (this machine
    sets ``PYTHONDONTWRITEBYTECODE=1``, under which every run compiles every module), kept
    under ``pycache`` so nothing is written beside the sources."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def wall_time(command: Callable[[int], list[str]], cwd: Path, env: dict[str, str]) -> float:
    """Best-of-RUNS wall time of a whole CLI run, interpreter start included; a first,
    untimed run writes the bytecode. ``command(n)`` is the command of run ``n``."""
    times = []
    for run in range(RUNS + 1):
        start = time.perf_counter()
        subprocess.run(command(run), cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times[1:])


def import_ms(statement: str, env: dict[str, str]) -> float:
    """Median cumulative import time (ms) of the last module ``statement`` imports."""
    module = statement.split("import ")[-1].strip()
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)  # bytecode
    samples = []
    for _ in range(RUNS * 2):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            cwd=tempfile.gettempdir(),
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        for line in result.stderr.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                samples.append(int(parts[1]) / 1000)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = installed_env(work / "pycache")
        (work / "specs").mkdir()
        make_spec_dir(work / "specs")
        # Each build run writes a fresh directory: every module is rendered and written.
        build = wall_time(lambda n: [*OAUTHGEN, "build", "specs", "--out", f"out{n}"], work, env)
        check = wall_time(
            lambda n: [*OAUTHGEN, "build", "--check", "specs", "--out", f"out{RUNS}"], work, env
        )
        validate = wall_time(lambda n: [*OAUTHGEN, "validate", "specs"], work, env)
        rows = [
            [f"build {SPEC_COUNT} specs (whole CLI run)", f"{build:.2f} s", "< 3 s"],
            [f"build --check {SPEC_COUNT} specs", f"{check:.2f} s", "< 1 s"],
            [f"validate {SPEC_COUNT} specs", f"{validate:.2f} s", ""],
        ]
        requests_ms = import_ms("import requests", env)
        for client in ("github", "microsoft", "twitter"):
            # Imported after requests: its cumulative time is the cost over requests.
            over = import_ms(f"import requests; import generated.{client}", env)
            rows.append([f"import generated.{client} over requests", f"{over:.1f} ms", "<= 10 ms"])
    print("### Generator and generated-module import cost\n")
    print(markdown_table(["measure", "result", "target"], rows))
    print(f"\n(import requests alone: {requests_ms:.1f} ms)")


if __name__ == "__main__":
    main()
