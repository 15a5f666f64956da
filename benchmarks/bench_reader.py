"""The `llm` judge as a reader of the claim against the key, beside `learned`, on SAF's points.

What limits SAF's r (BENCHMARKS.md, session 8): answers the grader marked low that name the
wrong one of two alternatives, or a wrong number, in the key's own vocabulary — embeddings and
n-grams rate them as right. This measures whether the `llm` judge's yesno verdict ("Does the
student answer express the same as the reference answer?", P(Yes) from the first token's
alternatives; the packaged 1.5B model in-process, `url = "local:"`, no marked answers in the
prompt) separates those answers from the right ones, and what r / RMSE a blend of the two gives.

Per answer predicted, in the same run and on the same marks (bench_curve.split_rows):
`learned` as shipped (its awarded grade, a share of the marks, and its confidence) and P(Yes).
Printed: for each question and in all, Pearson r / RMSE of the human's share against learned,
against P(Yes), against blends (1 − w) · learned + w · P(Yes) (raw, and put on the question's
grade scale: the nearest grade the human used), and how well P(Yes) ranks the low-marked answers
`learned` over-credits (human < half, learned ≥ half) below the high-marked ones it credits
(human ≥ half, learned ≥ half): the area under that ROC curve (0.5: no separation).

    nice -n 15 .venv/bin/python benchmarks/bench_reader.py --data ../shared/data/saf2-en.csv \
        --train-only --weights MODEL [--questions 6 | --question ID ...] [--out rows.csv]

`--train-only` predicts a quarter of each question's train answers from the rest (for choosing,
with `--weights` of a model trained without them: tools/train_judge.py
--without-predicted-quarter); without it the marks are all of a question's train answers and
its unseen answers are predicted (measure once, after choosing). The LLM's replies are kept in
`--workspace`'s llm-cache.jsonl, so a second run asks nothing again. Needs the local-llm extra
(make test-llm builds it). Never run on ASAP-SAS or SciEntsBank unseen_domains.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench_curve import judge_predictor, split_rows

from gradewise.judges.learned import LearnedJudge
from gradewise.judges.llm import LLMJudge
from gradewise.judges.llm_prompt import yes_probability, yesno_request
from gradewise.judges.registry import JudgeItem
from gradewise.measure.graded import read_graded
from gradewise.metrics import pearson, rmse

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # of P(Yes) in the blend


def auc(low: Sequence[float], high: Sequence[float]) -> float:
    """P(a random `high` value > a random `low` one), ties counting half; NaN if either is empty."""
    if not low or not high:
        return math.nan
    wins = sum((h > lo) + 0.5 * (h == lo) for h in high for lo in low)
    return wins / (len(low) * len(high))


def nearest(value: float, scale: Sequence[float]) -> float:
    return min(scale, key=lambda g: (abs(g - value), g))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True, help="a graded-answers CSV (SAF)")
    parser.add_argument("--train-only", action="store_true")
    parser.add_argument("--weights", type=Path, help="the learned judge's model file")
    parser.add_argument("--questions", type=int, default=6, help="the first N questions by id")
    parser.add_argument("--question", action="append", help="these question ids (repeat)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="the local model's CPU threads")
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/bench-reader"))
    parser.add_argument("--out", type=Path, help="write every answer's figures here (CSV)")
    args = parser.parse_args()

    rows = [r for r in read_graded(args.data) if r.split in ("train", "unseen_answers")]
    keep = args.question or sorted({r.question_id for r in rows})[: args.questions]
    rows = [r for r in rows if r.question_id in keep]
    marks, predicted = split_rows(rows, "all", random.Random(args.seed), args.train_only)
    weights = json.loads(args.weights.read_text()) if args.weights else None
    learned = judge_predictor(LearnedJudge(weights=weights))(marks, predicted)

    args.workspace.mkdir(parents=True, exist_ok=True)
    settings = args.workspace / "gradewise.toml"
    settings.write_text(f'[llm]\nurl = "local:"\nthreads = {args.threads}\nexamples = 0\n')
    judge = LLMJudge().configured(args.workspace, {})
    assert judge.client is not None and judge.config is not None
    items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in predicted]
    start = time.perf_counter()
    replies = judge.client.complete_all([yesno_request(i, judge.config.llm) for i in items])
    seconds = time.perf_counter() - start
    chances = [yes_probability(r.first) for r in replies]
    print(
        f"{len(items)} answers of {len(keep)} questions; the LLM: {seconds:.0f} s "
        f"({seconds / max(1, len(items)):.1f} s an answer, cached replies included); "
        f"{judge.spend_line()}; no P(Yes) for {sum(p is None for p in chances)}",
        file=sys.stderr,
    )

    table = []
    for r, p, yes in zip(predicted, learned, chances, strict=True):
        table.append(
            {
                "question_id": r.question_id,
                "answer_id": r.answer_id,
                "human": r.score / r.max_score,
                "learned": p.score / r.max_score,
                "confidence": p.confidence,
                "p_yes": math.nan if yes is None else yes,
                "answer": r.answer,
            }
        )
    if args.out:
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]))
            writer.writeheader()
            writer.writerows(table)
    scales: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        share = r.score / r.max_score
        if share not in scales[r.question_id]:
            scales[r.question_id].append(share)
    report(table, scales)


def report(table: list[dict], scales: dict[str, list[float]]) -> None:
    """r / RMSE per blend weight, raw and on the grade scale; the AUC of P(Yes)."""
    read = [t for t in table if not math.isnan(t["p_yes"])]
    human = [t["human"] for t in read]
    print("| blend: weight of P(Yes) | r raw | RMSE raw | r on the grades | RMSE on the grades |")
    print("|---|---|---|---|---|")
    for w in WEIGHTS:
        raw = [(1 - w) * t["learned"] + w * t["p_yes"] for t in read]
        snapped = [nearest(v, scales[t["question_id"]]) for v, t in zip(raw, read, strict=True)]
        print(
            f"| {w:g} | {pearson(raw, human):.3f} | {rmse(raw, human):.3f} | "
            f"{pearson(snapped, human):.3f} | {rmse(snapped, human):.3f} |"
        )
    over = [t["p_yes"] for t in read if t["human"] < 0.5 and t["learned"] >= 0.5]
    right = [t["p_yes"] for t in read if t["human"] >= 0.5 and t["learned"] >= 0.5]
    low = [t["p_yes"] for t in read if t["human"] < 0.5]
    high = [t["p_yes"] for t in read if t["human"] >= 0.5]
    judged_low = [t["learned"] for t in read if t["human"] < 0.5]
    judged_high = [t["learned"] for t in read if t["human"] >= 0.5]
    print(
        f"\nP(Yes): over-credited low-marked answers (human < 0.5, learned ≥ 0.5) n = {len(over)}, "
        f"mean {_mean(over):.2f}; credited high-marked (both ≥ 0.5) n = {len(right)}, mean "
        f"{_mean(right):.2f}; AUC {auc(over, right):.3f}. Every low against every high "
        f"(n = {len(low)} / {len(high)}): AUC {auc(low, high):.3f}; learned's AUC there "
        f"{auc(judged_low, judged_high):.3f}"
    )
    print("\n| question | n | r learned | r P(Yes) | RMSE learned | RMSE P(Yes) |")
    print("|---|---|---|---|---|---|")
    by_q: dict[str, list[dict]] = defaultdict(list)
    for t in read:
        by_q[t["question_id"]].append(t)
    for qid, group in sorted(by_q.items()):
        h = [t["human"] for t in group]
        lr = [t["learned"] for t in group]
        py = [t["p_yes"] for t in group]
        print(
            f"| {qid} | {len(group)} | {pearson(lr, h):.3f} | {pearson(py, h):.3f} | "
            f"{rmse(lr, h):.3f} | {rmse(py, h):.3f} |"
        )


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else math.nan


if __name__ == "__main__":
    main()
