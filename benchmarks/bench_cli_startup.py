"""Start-up of the command line: how long a read-only command takes on the demo workspace.

Builds the bundled example workspace in a temporary folder (init, scripts add, grade; its own
cache folder, GRADEWISE_CACHE_DIR), then runs each command as a user would (the installed
`gradewise` script, a new process each time) and reports the median over several runs of the
time to the first byte of output, to exit, and the CPU time the process and its children used.
The last row is `results` right after exam.yaml changed, when the exam file is read in full.
Prints a Markdown table for BENCHMARKS.md.

    nice -n 10 .venv/bin/python benchmarks/bench_cli_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

COMMANDS = (
    ("--version",),
    ("results",),
    ("review", "list"),
    ("scripts", "list"),
)


def gradewise() -> str:
    """The console script installed beside this Python (the venv's), as a shell finds it."""
    return str(Path(sys.executable).with_name("gradewise"))


def build(root: Path) -> Path:
    """The demo workspace (`make demo`'s steps), graded; returns its folder."""
    demo = root / "demo"
    roster = str(demo / "roster.csv")
    steps = (
        ("init", str(demo), "--example"),
        ("-w", str(demo), "scripts", "add", str(demo / "scripts"), "--roster", roster),
        ("-w", str(demo), "grade"),
    )
    for step in steps:
        subprocess.run([gradewise(), *step], check=True, capture_output=True)
    return demo


def timed(args: tuple[str, ...], cwd: Path) -> tuple[float, float, float]:
    """Seconds to the first byte on stdout, to exit, and of CPU, of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen([gradewise(), *args], cwd=cwd, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.read(1)
    first = time.perf_counter() - start
    proc.stdout.read()
    if proc.wait() != 0:
        raise SystemExit(f"gradewise {' '.join(args)} failed with status {proc.returncode}")
    return first, time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def row(label: str, runs: list[tuple[float, float, float]]) -> str:
    first, done, cpu = (statistics.median(r[i] for r in runs) for i in range(3))
    return f"| {label} | {first:.2f} | {done:.2f} | {cpu:.2f} |"


def measure(
    args: tuple[str, ...], demo: Path, runs: int, before: Callable[[], None]
) -> list[tuple[float, float, float]]:
    """`runs` timings of `gradewise ARGS`, each after `before()`."""
    found = []
    for _ in range(runs):
        before()
        found.append(timed(args, demo))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="Runs per command (median reported).")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GRADEWISE_CACHE_DIR"] = str(Path(tmp) / "cache")
        demo = build(Path(tmp))
        print(f"| command ({options.runs} runs, median) | first output (s) | exit (s) | CPU (s) |")
        print("|---|---:|---:|---:|")
        for args in COMMANDS:
            timed(args, demo)  # a first run warms the file cache; not counted
            runs = measure(args, demo, options.runs, lambda: None)
            print(row(f"`gradewise {' '.join(args)}`", runs))
        runs = measure(("results",), demo, options.runs, lambda: edit(demo / "exam.yaml"))
        print(row("`gradewise results` after exam.yaml changed", runs))


def edit(exam: Path) -> None:
    """A change to the exam file that changes nothing in the exam: a comment line."""
    with exam.open("a", encoding="utf-8") as out:
        out.write(f"# edited {time.time()}\n")


if __name__ == "__main__":
    main()
