"""Rubric items learn too: how well the `learned` judge proposes each rubric item from the items
a grader applied on k answers of a question (judges/_items.py), k = 10, 25, 50.

Data: SAF 2.0 (saf2-en.csv beside the checkout, ../shared/data), the `train` answers of each
question. SAF has no rubric, so each question gets the one a grader would write for its grade
levels: an exclusive group of two items, `correct` (full marks) and `partial` (some marks, not
all); an answer with no marks applies neither. The item texts are the reference answer (SAF's
feedback is free prose, not items).

Per question, k seeded-random answers are item-marked; each labels both items (applied 1 / not
0). An answer that applies no item is stored as a plain 0, which labels nothing: by default the k
are drawn among answers that apply an item, as a workspace would hold them; `--none-labelled`
counts "no item" as an item mark too (what telling it apart from a plain 0 would teach). Every
other answer of the question is judged, once per item, by:
- `forest`: the global forest reading the item's labels as marks (no model of the item);
- `classifier`: the item's own classifier (the part model's recipe) at every k;
- `shipped`: as configured (the classifier from judges/_items.MIN_LABELS labels).
Figures: per-item F1 of the proposals (mean over questions with the item among the judged
answers), coverage at 95% agreement over single item decisions, and over whole answers (the
items proposed — one of the group — all right; its confidence the least sure item's).

    nice -n 10 .venv/bin/python benchmarks/bench_items.py [--k 10 --k 25 --k 50]
        [--limit-questions N] [--seed 0] [--none-labelled] [--data ../shared/data/saf2-en.csv]

With `--refit`: the time to re-judge both items of one part after each new item mark, as
benchmarks/bench_refit.py measures a part's refit: N answers (default 500, `--answers`) of one
question, M of them item-marked (default 100, `--marks`), taken from any graded-answers CSV
(Mohler's has the most: its answers reused as answers to one question, as there).

    nice -n 10 .venv/bin/python benchmarks/bench_items.py --refit --data ../shared/data/mohler.csv

Never run on ASAP-SAS or SciEntsBank unseen_domains (kept for outside checks; not in ../shared).
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gradewise.judges import _items, _part
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.outlook import coverage
from gradewise.judges.registry import Example, JudgeItem

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "saf2-en.csv"
ITEMS = ("correct", "partial")
MODES = ("forest", "classifier", "shipped")


@dataclass(frozen=True)
class Row:
    question: str
    reference: str
    answer: str
    applied: tuple[bool, bool]  # correct, partial


def read(path: Path, only: str | None = "train") -> dict[str, list[Row]]:
    """The answers of each question (of one split, or all), with the items their grade applies."""
    out: dict[str, list[Row]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if only is not None and r["split"] != only:
                continue
            score, most = float(r["score"]), float(r["max_score"])
            applied = (score >= most, 0 < score < most)
            out[r["question_id"]].append(
                Row(r["question"], r["reference_answer"], r["student_answer"], applied)
            )
    return out


def split(
    rows: list[Row], k: int, rng: random.Random, none_labelled: bool
) -> tuple[list[Row], list[Row]] | None:
    """(the k item-marked answers, the rest); None when the question has too few."""
    pool = [r for r in rows if none_labelled or any(r.applied)]
    if len(pool) <= k:
        return None
    marked = rng.sample(pool, k)
    chosen = {id(r) for r in marked}
    return marked, [r for r in rows if id(r) not in chosen]


@contextmanager
def mode(name: str) -> Iterator[None]:
    """The judge as `name` says: the forest alone, the item classifier always, or as shipped."""
    kept = (_items.MIN_LABELS, _part.MIN_MARKS)
    if name == "forest":
        _items.MIN_LABELS, _part.MIN_MARKS = 10**9, 10**9
    elif name == "classifier":
        _items.MIN_LABELS = 1
    try:
        yield
    finally:
        _items.MIN_LABELS, _part.MIN_MARKS = kept


def judge_all(
    judge: LearnedJudge, splits: dict[str, tuple[list[Row], list[Row]]]
) -> dict[tuple[str, int], list[tuple[float, float]]]:
    """(question, item) → (fraction, confidence) for each judged answer, in order."""
    items, keys = [], []
    for qid, (marked, rest) in splits.items():
        for i, name in enumerate(ITEMS):
            labels = tuple(Example(r.answer, float(r.applied[i])) for r in marked)
            for r in rest:
                items.append(
                    JudgeItem(
                        r.question,
                        r.reference,
                        r.answer,
                        criterion=r.reference,
                        examples=labels,
                        group=f"{qid}#{name}",
                    )
                )
                keys.append((qid, i))
    out: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for key, j in zip(keys, judge.judge_many(items), strict=True):
        out[key].append((j.fraction, j.confidence))
    return out


def figures(
    splits: dict[str, tuple[list[Row], list[Row]]],
    judged: dict[tuple[str, int], list[tuple[float, float]]],
) -> dict[str, float]:
    f1s: dict[int, list[float]] = defaultdict(list)
    item_agree, item_sure, answer_agree, answer_sure = [], [], [], []
    for qid, (_, rest) in splits.items():
        per_item = [judged[(qid, i)] for i in range(len(ITEMS))]
        for i in range(len(ITEMS)):
            truth = np.array([r.applied[i] for r in rest])
            said = np.array([f >= 0.5 for f, _ in per_item[i]])
            if truth.any() or said.any():
                f1s[i].append(2 * (truth & said).sum() / (truth.sum() + said.sum()))
            item_agree += (truth == said).tolist()
            item_sure += [c for _, c in per_item[i]]
        for n, r in enumerate(rest):
            proposed = [per_item[i][n][0] >= 0.5 for i in range(len(ITEMS))]
            if proposed[0]:  # an exclusive group: the first item proposed counts
                proposed[1] = False
            answer_agree.append(tuple(proposed) == r.applied)
            answer_sure.append(min(per_item[i][n][1] for i in range(len(ITEMS))))
    return {
        **{f"F1 {name}": float(np.mean(f1s[i])) for i, name in enumerate(ITEMS)},
        "item coverage": coverage(item_agree, item_sure),
        "item accuracy": float(np.mean(item_agree)),
        "answer coverage": coverage(answer_agree, answer_sure),
        "answers": float(len(answer_agree)),
    }


def refit(path: Path, answers: int, marks: int) -> None:
    """Print the refit table: one part, both items re-judged after each of three new marks."""
    rows = [r for found in read(path, only=None).values() for r in found]
    rows = list({r.answer: r for r in rows}.values())[:answers]  # distinct texts
    # One part: every answer to the first one's question and reference.
    rows = [replace(r, question=rows[0].question, reference=rows[0].reference) for r in rows]
    judge = LearnedJudge()

    def regrade(marked: int) -> tuple[float, float]:
        splits = {"q": (rows[:marked], rows[marked:])}
        wall, cpu = time.perf_counter(), time.process_time()
        judge_all(judge, splits)
        return time.perf_counter() - wall, time.process_time() - cpu

    steps = [(f"first grading, {marks} item marks (cold: model, embeddings)", regrade(marks))]
    for extra in (1, 2, 3):
        steps.append(
            (f"after item mark {marks + extra}: re-judge both items", regrade(marks + extra))
        )
    with mode("forest"):
        steps.append(("the same, no item classifier (the forest alone)", regrade(marks + 3)))
    print(f"| step ({len(rows)} answers, 2 items) | wall seconds | CPU seconds |\n|---|---|---|")
    for step, (wall, cpu) in steps:
        print(f"| {step} | {wall:.2f} | {cpu:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refit", action="store_true")
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--marks", type=int, default=100)
    parser.add_argument("--k", type=int, action="append")
    parser.add_argument("--limit-questions", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--none-labelled", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="SAF's CSV")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the data sets live beside the checkout)")
        return
    if args.refit:
        refit(args.data, args.answers, args.marks)
        return
    questions = sorted(read(args.data).items())[: args.limit_questions]
    judge = LearnedJudge()
    print(f"items labelled from {'every' if args.none_labelled else 'item-marked'} answer")
    print("| k | judge | questions | answers | F1 correct | F1 partial | item accuracy |", end="")
    print(" item coverage @95% | answer coverage @95% | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k in args.k or [10, 25, 50]:
        rng = random.Random(args.seed)
        splits = {}
        for qid, rows in questions:
            found = split(rows, k, rng, args.none_labelled)
            if found is not None:
                splits[qid] = found
        for name in MODES:
            start = time.process_time()
            with mode(name):
                got = figures(splits, judge_all(judge, splits))
            cpu = time.process_time() - start
            print(
                f"| {k} | {name} | {len(splits)} | {got['answers']:.0f} | {got['F1 correct']:.3f}"
                f" | {got['F1 partial']:.3f} | {got['item accuracy']:.3f}"
                f" | {got['item coverage']:.3f} | {got['answer coverage']:.3f} | {cpu:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
