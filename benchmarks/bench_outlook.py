"""Is the review queue's outlook honest? For each question of a data set with a train split,
the `learned` judge's outlook (judges/outlook.py) is computed from M of its train answers as
the human's marks (seeded-random), then checked against what happens: the coverage at 95%
agreement on the question's `unseen_answers` judged with those M marks ("now"), and, where the
outlook projects "mark N more", judged with M + N marks (the same shuffled train answers).
Coverage is per question (on its ~10 unseen answers), averaged over questions.

    nice -n 10 .venv/bin/python benchmarks/bench_outlook.py
        --data ../shared/data/semeval2013-beetle-2way.csv [--marks 30] [--limit-questions N]

Never run on ASAP-SAS or SciEntsBank unseen_domains (kept for outside checks; not in ../shared).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from gradewise.judges.learned import LearnedJudge
from gradewise.judges.outlook import AGREEMENT_SHARE, coverage, outlook
from gradewise.judges.registry import Example, JudgeItem
from gradewise.measure.graded import read_graded
from gradewise.model import GradedAnswer


def measured(judge: LearnedJudge, marks: list[GradedAnswer], tests: list[GradedAnswer]) -> float:
    """Coverage at 95% agreement on `tests` judged with `marks`."""
    examples = tuple(Example(m.answer, m.score / m.max_score) for m in marks)
    items = [_item(t, examples) for t in tests]
    judged = judge.judge_many(items)
    agree = [
        abs(j.fraction - t.score / t.max_score) <= AGREEMENT_SHARE + 1e-9
        for j, t in zip(judged, tests, strict=True)
    ]
    return coverage(agree, [j.confidence for j in judged])


def _item(row: GradedAnswer, examples: tuple[Example, ...]) -> JudgeItem:
    return JudgeItem(
        row.question,
        row.reference,
        row.answer,
        max_marks=row.max_score,
        examples=examples,
        group=row.question_id,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--marks", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit-questions", type=int)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: no {args.data} (the data sets live beside the checkout)")
        return
    by_q: dict[str, list[GradedAnswer]] = defaultdict(list)
    for r in read_graded(args.data):
        by_q[r.question_id].append(r)
    judge = LearnedJudge()
    rng = random.Random(args.seed)
    rows = []
    for qid in sorted(by_q)[: args.limit_questions]:
        pool = [r for r in by_q[qid] if r.split == "train"]
        tests = [r for r in by_q[qid] if r.split == "unseen_answers"]
        if len(pool) < args.marks or len(tests) < 5:
            continue
        rng.shuffle(pool)
        marks = pool[: args.marks]
        template = _item(tests[0], ())
        view = outlook(
            judge, template, [Example(m.answer, m.score / m.max_score) for m in marks], len(tests)
        )
        if view.now is None:
            continue
        then = None
        if view.more is not None and args.marks + view.more <= len(pool):
            then = measured(judge, pool[: args.marks + view.more], tests)
        rows.append((view, measured(judge, marks, tests), then))
    said = [r for r in rows if r[2] is not None]
    print(
        f"| {args.data.stem} | {args.marks} | {len(rows)} | "
        f"{_mean([v.now for v, _, _ in rows]):.2f} / {_mean([a for _, a, _ in rows]):.2f} | "
        f"{len(said)} | {_mean([v.more for v, _, _ in said]):.0f} | "
        f"{_mean([v.then for v, _, _ in said]):.2f} / {_mean([t for _, _, t in said]):.2f} | "
        f"{_mean([a for _, a, _ in said]):.2f} |"
    )


def _mean(values: Sequence[float | None]) -> float:
    found = [v for v in values if v is not None]
    return sum(found) / len(found) if found else float("nan")


if __name__ == "__main__":
    main()
