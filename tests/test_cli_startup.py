"""A read-only command imports only what it needs and starts no SymPy worker (speed is measured
in benchmarks/bench_cli_startup.py; this checks what is loaded, not how long it takes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Heavy libraries no read-only command needs: SymPy (expression checks), numpy and onnxruntime
# (judges), matplotlib and WeasyPrint (reports), starlette (the review app), pypdf (ingest).
HEAVY = ["sympy", "numpy", "onnxruntime", "matplotlib", "weasyprint", "starlette", "pypdf"]

# Runs the command in a fresh interpreter, then prints which heavy modules it loaded and
# whether the expression checker started its worker processes.
PROBE = """
import json, sys
from gradewise.cli import cli
code = cli.main(sys.argv[1:], standalone_mode=False)
from gradewise.checkers.registry import registry
pool = registry().get("expression")._pool if "gradewise.checkers.registry" in sys.modules else None
heavy = json.loads({heavy!r})
loaded = sorted(m for m in heavy if m in sys.modules)
print("PROBE", json.dumps({{"code": code, "loaded": loaded, "worker": pool is not None}}))
"""


def probe(cache: Path, *args: str) -> dict[str, object]:
    script = PROBE.format(heavy=json.dumps(HEAVY))
    env = {**os.environ, "GRADEWISE_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("PROBE "))
    found: dict[str, object] = json.loads(line.removeprefix("PROBE "))
    return found


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import sys, gradewise.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def demo(example: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The graded example and a cache folder where its exam file was read once (as by
    `grade`): the first command after a change reads it in full, the next ones need not."""
    root = Path(shutil.copytree(example, tmp_path_factory.mktemp("startup") / "ws"))
    cache = root.parent / "cache"
    assert probe(cache, "-w", str(root), "results")["worker"] is True  # read in full
    return root, cache


@pytest.mark.parametrize(
    "args",
    [
        ["results"],  # totals
        ["review", "list"],  # the queue, ordered by expected gain
        ["scripts", "list"],  # what was found in each script
        ["results", "--json"],  # the same as JSON
    ],
)
def test_read_only_commands_load_no_heavy_library(demo: tuple[Path, Path], args: list[str]) -> None:
    root, cache = demo
    found = probe(cache, "-w", str(root), *args)
    assert found == {"code": None, "loaded": [], "worker": False}
