"""Refitting a part's model after each new mark: the `learned` judge on one part of N answers
(default 500) of which M (default 100) are marked, re-judging the unmarked rest after each of
three more marks, in one process (the review server's case: embeddings in memory).

The answers are real student answers from Mohler's data set beside the checkout
(../shared/data), reused as answers to one question, with their human grades as the marks.
Prints a Markdown table for BENCHMARKS.md; skips, with a message, without the data folder.

    nice -n 10 .venv/bin/python benchmarks/bench_refit.py [--answers 500] [--marks 100]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from gradewise.judges import _part
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.registry import Example, JudgeItem

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mohler.csv"
QUESTION = "What is the role of a prototype program in problem solving?"
REFERENCE = "To simulate the behaviour of portions of the desired software product."


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--marks", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA, help="Mohler's CSV")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the data sets live beside the checkout)")
        return
    with args.data.open(encoding="utf-8") as handle:
        graded = [(r["student_answer"], float(r["score"]) / 5) for r in csv.DictReader(handle)]
    graded = list(dict(graded[: args.answers]).items())  # distinct texts
    judge = LearnedJudge()

    def regrade(marked: int) -> tuple[float, float]:
        examples = tuple(Example(t, f) for t, f in graded[:marked])
        items = [
            JudgeItem(QUESTION, REFERENCE, t, max_marks=5, examples=examples, group="p")
            for t, _ in graded[marked:]
        ]
        wall, cpu = time.perf_counter(), time.process_time()
        judge.judge_many(items)
        return time.perf_counter() - wall, time.process_time() - cpu

    rows = [
        (
            f"first grading, {args.marks} marks (cold: model load, embeddings, n-grams)",
            regrade(args.marks),
        )
    ]
    for extra in (1, 2, 3):
        rows.append(
            (f"after mark {args.marks + extra}: re-judge the rest", regrade(args.marks + extra))
        )
    original = _part.MIN_MARKS
    _part.MIN_MARKS = 10**9
    try:
        rows.append(
            ("the same, forest only (no part model: last release)", regrade(args.marks + 3))
        )
    finally:
        _part.MIN_MARKS = original
    # CPU time too: on a machine shared with other jobs the wall time is mostly waiting.
    print(f"| step ({len(graded)} answers) | wall seconds | CPU seconds |\n|---|---|---|")
    for step, (wall, cpu) in rows:
        print(f"| {step} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
