"""Re-grading a free-text part after a human mark: the learning loop's speed.

A generated exam with one free-text part answered by N students (default 500; the answers are
real student answers from Mohler's data set beside the checkout, ../shared/data, reused as
answers to one question — the texts' lengths and variety are what matter here). Measures, through
the workspace and a free-text judge (`--judge`, default similarity):
- the first grading (the model loads and embeds every answer: cold);
- after one more human mark, re-grading the part in the same process (the review server's case:
  embeddings in memory) and in a new process (the CLI's case: `gradewise grade`).
Prints a Markdown table for BENCHMARKS.md. Skips, with a message, without the data folder.

    .venv/bin/python benchmarks/bench_learning.py [--answers 500] [--judge cross] [--data FILE]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gradewise.actions import Target, mark_answers, plain
from gradewise.workspace import Workspace, init_workspace, open_workspace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mohler.csv"
EXAM = """schema_version: 1
exam: {id: bench-text, title: Learning loop}
sections:
  - id: I
    title: All
    questions:
      - id: "1"
        marks: 5
        kind: text
        prompt: "What is the role of a prototype program in problem solving?"
        reference: "To simulate the behaviour of portions of the desired software product."
"""


def answers(n: int, data: Path) -> list[str]:
    with data.open(encoding="utf-8") as handle:
        texts = [row["student_answer"] for row in csv.DictReader(handle)]
    return [texts[i % len(texts)] + ("" if i < len(texts) else f" ({i})") for i in range(n)]


def workspace(root: Path, texts: list[str]) -> Path:
    root = init_workspace(root)
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    for i, text in enumerate(texts):
        (root / "scripts" / f"s{i:04d}.md").write_text(f"Q1 {text}\n", encoding="utf-8")
    return root


def timed(step: str, action: object) -> tuple[str, float, object]:
    start = time.perf_counter()
    result = action() if callable(action) else None
    return step, time.perf_counter() - start, result


def mark(ws: Workspace, student: str, score: float) -> None:
    """A human's plain mark, through the actions layer as `gradewise grades set` gives it."""
    mark_answers(ws, "I.1", [(Target(student), plain(score))], who="bench", why="bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--judge", default="similarity", help="a free-text judge id")
    parser.add_argument("--data", type=Path, default=DATA, help="Mohler's graded-answers CSV")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the data sets live beside the checkout)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(Path(tmp) / "ws", answers(args.answers, args.data))
        ws = open_workspace(root)
        ws.add_scripts([root / "scripts"])
        rows = [
            timed(
                "first grading (cold: model load + embeddings)", lambda: ws.grade(judge=args.judge)
            )
        ]
        for i, student in enumerate(("s0001", "s0002", "s0003")):
            mark(ws, student, float(i + 2))
            rows.append(
                timed(
                    f"after mark {i + 1}: re-grade, same process",
                    lambda: ws.grade(judge=args.judge, part="I.1"),
                )
            )
        mark(ws, "s0004", 1.0)
        cli = [
            str(Path(sys.executable).parent / "gradewise"),
            "-w",
            str(root),
            "grade",
            "--judge",
            args.judge,
            "--part",
            "I.1",
        ]
        step = "after mark 4: re-grade, new process (`gradewise grade`)"
        rows.append(timed(step, lambda: subprocess.run(cli, check=True, capture_output=True)))
    print(f"| step ({args.answers} answers) | seconds | answers re-graded |")
    print("|---|---|---|")
    for step, seconds, result in rows:
        graded = result if isinstance(result, int) else "all (CLI)"
        print(f"| {step} | {seconds:.2f} | {graded} |")


if __name__ == "__main__":
    main()
