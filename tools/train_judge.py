"""Train the `learned` judge's models on the `train` splits of ../shared/data (never a test split).

1. The zero-shot model: a logistic regression (scikit-learn) over the features of
   `gradewise.judges.features.rich_features`, fitted with each answer counted as a correct example
   with weight = its share of the marks and an incorrect one with weight 1 - share.
2. The marked-answers model: per question, a human's marking is simulated — 3, 5, 10, 20 and 40
   answers marked, chosen at random and as the judge would choose (`teach_order`) — and a
   histogram gradient-boosted forest (scikit-learn) learns the share of the marks of every other
   answer of the question from `shot_features`.
3. Two confidence models (logistic curves over the fraction's sureness, Platt scaling): the
   probability that the zero-shot model's, and the forest's, fraction agrees with the human's
   grade (as `gradewise evaluate` defines agreement: the same label on a correct/incorrect data
   set, within a tenth of the marks or rounding to the same grade on a point scale), learnt
   from predictions each made by a model that never saw the question (five folds by question).

All go to src/gradewise/judges/learned_model.json; the judge applies them with numpy alone
(the forest as flat node arrays, gradewise/judges/_trees.py). The export is checked against
scikit-learn's own predictions before it is written. Seeded: a rerun writes the same file.

    .venv/bin/pip install -e '.[train]' && make model
    .venv/bin/python tools/train_judge.py --cache /tmp/features.npz   # reuse the embeddings
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression

from gradewise.judges import _part
from gradewise.judges._trees import Forest
from gradewise.judges.features import vector
from gradewise.judges.learned import (
    LEARNED_FEATURES,
    SHOT_CONFIDENCE,
    SHOT_FEATURES,
    ZERO_CONFIDENCE,
    LearnedJudge,
    shot_confidence_inputs,
    shot_features,
    zero_confidence_inputs,
)
from gradewise.judges.registry import JudgeItem
from gradewise.judges.select import cosine_matrix, teach_order
from gradewise.judges.similarity import fit_group
from gradewise.measure.figures import Prediction, agrees, grade_scales, two_way
from gradewise.measure.graded import read_graded
from gradewise.model import GradedAnswer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "gradewise" / "judges" / "learned_model.json"
TRAIN_FILES = ("semeval2013-scientsbank-2way.csv", "semeval2013-beetle-2way.csv", "saf2-en.csv")
MARKED = (3, 5, 10, 20, 40)  # answers a simulated human marks per question
FOREST = {
    "max_iter": 300,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
    "random_state": 0,
}
FOLDS = 5
GRADERS = False  # measured: kinder Mohler RMSE, worse SAF and Beetle k-shot (BENCHMARKS.md)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="keep the features and embeddings here")
    parser.add_argument("--out", type=Path, default=OUT, help="where the model goes")
    parser.add_argument("--data", type=Path, default=DATA, help="the graded-answer data sets")
    parser.add_argument(
        "--without-predicted-quarter",
        action="store_true",
        help="leave out the quarter of each question's train answers that "
        "benchmarks/bench_curve.py --train-only predicts (a model fair to that protocol)",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no training data in {args.data} (it lives beside the checkout)")
    start = time.perf_counter()
    rows = [r for name in TRAIN_FILES for r in read_graded(args.data / name) if r.split == "train"]
    x, vecs = features(rows, args.cache)
    if args.without_predicted_quarter:
        kept = np.flatnonzero(~predicted_quarter(rows))
        rows, x, vecs = [rows[i] for i in kept], x[kept], vecs[kept]
    share = np.array([r.score / r.max_score for r in rows])
    print(f"features of {len(rows)} answers: {time.perf_counter() - start:.0f} s", flush=True)

    weights = {
        "features": list(LEARNED_FEATURES),
        **logistic(x, share),
        "trained_on": [f"{name} (train split)" for name in TRAIN_FILES],
        "answers": len(rows),
    }
    zero_judge = LearnedJudge(weights=weights)
    zeros = np.array([zero_judge.model.logistic(f) for f in x])

    shots_x, shots_y, which, as_marked = simulate(rows, vecs, x, zeros, share)
    forest = fitted(HistGradientBoostingRegressor(**FOREST), shots_x, shots_y, SHOT_FEATURES)
    weights["shots"] = {
        **forest.to_json(),
        "answers": len(shots_y),
        "marked_per_question": list(MARKED),
    }
    print(
        f"forest on {len(shots_y)} simulated predictions: {time.perf_counter() - start:.0f} s",
        flush=True,
    )

    questions = [(r.dataset, r.question_id) for r in rows]
    held_zero = np.empty(len(rows))
    held_shots = np.empty(len(shots_y))
    for train, test in folds(questions):
        judge = LearnedJudge(weights={**weights, **logistic(x[train], share[train])})
        held_zero[test] = [judge.model.logistic(f) for f in x[test]]
    for train, test in folds([questions[i] for i in which]):
        model = HistGradientBoostingRegressor(**FOREST).fit(shots_x[train], shots_y[train])
        held_shots[test] = np.clip(model.predict(shots_x[test]), 0.0, 1.0)
    real = np.flatnonzero(as_marked)  # confidence: agreement with the real grader's marks
    agree_zero = agreement(rows, zip(rows, held_zero, strict=True))
    agree_shots = agreement(rows, [(rows[which[n]], held_shots[n]) for n in real])
    zero_inputs = [zero_confidence_inputs(z) for z in held_zero]
    shot_inputs = [shot_confidence_inputs(shots_x[n], held_shots[n]) for n in real]
    weights["confidence"] = {
        "zero": platt(np.array(zero_inputs), agree_zero, ZERO_CONFIDENCE),
        "shots": platt(np.array(shot_inputs), agree_shots, SHOT_CONFIDENCE),
        "agreement": {
            "zero": round(float(agree_zero.mean()), 4),
            "shots": round(float(agree_shots.mean()), 4),
        },
    }
    write(weights, args.out)
    print(
        f"trained on {len(rows)} answers (held-out agreement {agree_zero.mean():.3f} zero-shot, "
        f"{agree_shots.mean():.3f} with marks); wrote {args.out} in "
        f"{time.perf_counter() - start:.0f} s"
    )


def platt(x: np.ndarray, agree: np.ndarray, names: tuple[str, ...]) -> dict[str, object]:
    """A logistic curve from the inputs to the chance of agreeing (Platt scaling)."""
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, agree)
    return {
        "features": list(names),
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }


def features(rows: list[GradedAnswer], cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The zero-shot features of every answer and the answer's embedding."""
    if cache and cache.exists():
        kept = np.load(cache)
        if len(kept["x"]) == len(rows):
            return kept["x"], kept["vecs"]
    items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
    judge = LearnedJudge(weights={"answers": 0})
    vectors = judge.vectors(items)
    x = np.array([judge.model.inputs(item, item.answer, vectors) for item in items])
    vecs = np.stack([vector(vectors, i.answer) for i in items])
    if cache:
        np.savez(cache, x=x, vecs=vecs)
    return x, vecs


def logistic(x: np.ndarray, share: np.ndarray) -> dict[str, object]:
    """Each answer a correct example weighted by its share of the marks, and an incorrect one
    weighted by the rest."""
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(
        np.vstack([x, x]),
        np.r_[np.ones(len(x)), np.zeros(len(x))],
        sample_weight=np.r_[share, 1 - share] + 1e-6,
    )
    return {
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }


def fitted(model, x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> Forest:
    """Fit, export, and check the export against scikit-learn's own predictions."""
    model.fit(x, y)
    forest = export(model, names)
    gap = np.abs(forest.predict(x) - model.predict(x)).max()
    if gap > 1e-4:
        sys.exit(f"the exported forest differs from scikit-learn's by {gap:.2g}: not written")
    return forest


def folds(groups: list[tuple[str, str]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices, FOLDS ways, every question in one test fold only."""
    keys = sorted(set(groups))
    random.Random(1).shuffle(keys)
    fold = {key: i % FOLDS for i, key in enumerate(keys)}
    of = np.array([fold[g] for g in groups])
    return [(np.flatnonzero(of != f), np.flatnonzero(of == f)) for f in range(FOLDS)]


def agreement(rows: list[GradedAnswer], predicted) -> np.ndarray:
    """Whether each (answer, predicted fraction) agrees with the answer's human grade, as
    gradewise.measure.figures defines it (grade scales and 2-way data sets taken from `rows`)."""
    binary = {
        name: two_way([r for r in rows if r.dataset == name]) for name in {r.dataset for r in rows}
    }
    scales = grade_scales(rows)
    return np.array(
        [
            agrees(Prediction(row, f * row.max_score, 0.0), binary[row.dataset], scales)
            for row, f in predicted
        ]
    )


def simulate(rows, vecs, x, zeros, share):
    """(inputs, targets, which answers, whether by the real grader) of the forest: each
    question marked by a simulated human several ways; every answer not marked is a training
    example."""
    by_question: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_question[(r.dataset, r.question_id)].append(i)
    rng = random.Random(0)
    inputs, targets, which, real = [], [], [], []
    for idx in by_question.values():
        own = vecs[idx]
        for k in MARKED:
            if len(idx) <= k:
                continue
            for chosen in (
                sorted(rng.sample(range(len(idx)), k)),
                teach_order(cosine_matrix(own), k),
            ):
                for scale in graders(rng):
                    marks = scale(share[[idx[c] for c in chosen]])
                    marked_zeros = zeros[[idx[c] for c in chosen]]
                    curve = fit_group(marked_zeros.tolist(), marks.tolist())
                    taken = set(chosen)
                    for j, i in enumerate(idx):
                        if j in taken:
                            continue
                        sims = own[chosen] @ own[j]
                        inputs.append(
                            shot_features(x[i], zeros[i], sims, marks, marked_zeros, curve)
                        )
                        targets.append(float(scale(share[i : i + 1])[0]))
                        which.append(i)
                        real.append(scale is _as_marked)
    return np.array(inputs), np.array(targets), which, np.array(real)


def _as_marked(share: np.ndarray) -> np.ndarray:
    return share


def graders(rng: random.Random):
    """The grader as marked, and (GRADERS) one kinder or harsher: a share s becomes
    c + (1 - c) s or (1 - c) s, c drawn from 0.2-0.6 — what a forest must read from the marks
    on a data set graded on another scale than the training data's."""
    if not GRADERS:
        return [_as_marked]
    c = rng.uniform(0.2, 0.6)
    other = (lambda s: c + (1 - c) * s) if rng.random() < 0.5 else (lambda s: (1 - c) * s)
    return [_as_marked, other]


def export(model, names: tuple[str, ...]) -> Forest:
    """scikit-learn's fitted trees as one flat `Forest` (its nodes: feature_idx, num_threshold,
    left, right, value, is_leaf; a row goes left when its value is ≤ the threshold)."""
    roots, feature, threshold, left, right, value = [], [], [], [], [], []
    for [predictor] in model._predictors:
        offset = len(feature)
        roots.append(offset)
        for node in predictor.nodes:
            leaf = bool(node["is_leaf"])
            feature.append(-1 if leaf else int(node["feature_idx"]))
            threshold.append(0.0 if leaf else float(node["num_threshold"]))  # exact: a data value
            left.append(0 if leaf else offset + int(node["left"]))
            right.append(0 if leaf else offset + int(node["right"]))
            value.append(round(float(node["value"]), 7) if leaf else 0.0)
    return Forest.from_json(
        {
            "features": list(names),
            "baseline": round(float(np.ravel(model._baseline_prediction)[0]), 7),
            "roots": roots,
            "feature": feature,
            "threshold": threshold,
            "left": left,
            "right": right,
            "value": value,
        }
    )


def predicted_quarter(rows: list[GradedAnswer]) -> np.ndarray:
    """Whether each row is among the train answers bench_curve.py --train-only predicts: per
    question, the first of four folds of its answers (judges/_part.folds, by a digest of each
    answer: no order, no seed)."""
    by_question: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_question[(r.dataset, r.question_id)].append(i)
    out = np.zeros(len(rows), dtype=bool)
    for idx in by_question.values():
        fold = _part.folds([rows[i].answer for i in idx], [rows[i].score for i in idx], most=4)
        out[[i for i, f in zip(idx, fold, strict=True) if f == 0]] = True
    return out


def write(weights: dict, out: Path = OUT) -> None:
    """One line per top-level entry: the forests' node arrays stay compact."""
    lines = [
        f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in weights.items()
    ]
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
