"""Fit the confidence curves of the `lexical` and `similarity` judges (src/gradewise/judges/
calibration.json) on the `train` splits of ../shared/data (never a test split).

Each judge grades every train answer as it would with nothing marked, and again with 5 and with
10 answers of each question marked (chosen at random, seeded); a logistic curve (Platt scaling,
scikit-learn at build time) then maps its heuristic confidence to the share of verdicts that
agree with the human's grade, as `gradewise evaluate` defines agreement. Verdicts with
rule-based confidence (empty, gibberish, sent to review) are left out. Neither judge learns
anything else from these answers, so there is nothing to hold out. The data, the agreement
test and the curve fit are train_judge.py's (beside this file), shared.

    .venv/bin/pip install -e '.[train]' && make model
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from train_judge import DATA, TRAIN_FILES, agreement, platt

from gradewise.judges._calibrate import raw_confidence
from gradewise.judges._embed import Encoder
from gradewise.judges.lexical import LexicalJudge
from gradewise.judges.registry import Example, Judge, JudgeItem, Judgement
from gradewise.judges.similarity import SimilarityJudge
from gradewise.measure.graded import read_graded
from gradewise.model import GradedAnswer, Status

OUT = Path(__file__).resolve().parents[1] / "src" / "gradewise" / "judges" / "calibration.json"
MARKED = (5, 10)
RULES = ("empty answer", "no recognisable words")


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no training data in {DATA} (it lives beside the checkout)")
    start = time.perf_counter()
    rows = [r for name in TRAIN_FILES for r in read_graded(DATA / name) if r.split == "train"]
    found: dict[str, dict[str, object]] = {}
    judges: list[Judge] = [LexicalJudge(), SimilarityJudge(Encoder(cache_size=len(rows) * 2))]
    for judge in judges:
        curves: dict[str, object] = {}
        for case, marked in (("zero", (0,)), ("shots", MARKED)):
            sure, judged = [], []
            for k in marked:
                graded, items = simulate(rows, k)
                with raw_confidence():
                    verdicts = judge.judge_many(items)
                for row, v in zip(graded, verdicts, strict=True):
                    if _on_the_curve(v):
                        sure.append([v.confidence])
                        judged.append((row, v.fraction))
            agree = agreement(rows, judged)
            curves[case] = platt(np.array(sure), agree, ("confidence",))
            print(
                f"{judge.id} {case}: {len(sure)} verdicts, {np.mean(agree):.3f} agree, "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )
        found[judge.id] = curves
    OUT.write_text(
        json.dumps(
            {"trained_on": [f"{n} (train split)" for n in TRAIN_FILES], "judges": found}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


def simulate(rows: list[GradedAnswer], k: int) -> tuple[list[GradedAnswer], list[JudgeItem]]:
    """Every answer with no marks (k = 0), or, per question, k marked at random and the rest
    judged with them."""
    by_question: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for r in rows:
        by_question[(r.dataset, r.question_id)].append(r)
    rng = random.Random(k)
    graded, items = [], []
    for (dataset, qid), answers in by_question.items():
        if k and len(answers) <= k:
            continue
        chosen = set(rng.sample(range(len(answers)), k)) if k else set()
        examples = tuple(
            Example(answers[i].answer, answers[i].score / answers[i].max_score)
            for i in sorted(chosen)
        )
        for i, r in enumerate(answers):
            if i not in chosen:
                graded.append(r)
                items.append(
                    JudgeItem(
                        r.question,
                        r.reference,
                        r.answer,
                        max_marks=r.max_score,
                        examples=examples,
                        group=f"{dataset}/{qid}",
                    )
                )
    return graded, items


def _on_the_curve(v: Judgement) -> bool:
    return v.status is not Status.NEEDS_REVIEW and v.reason not in RULES


if __name__ == "__main__":
    main()
