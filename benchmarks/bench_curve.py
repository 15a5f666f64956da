"""Learning curve: how the `learned` judge improves with the number of marked answers per
question, beside two plain per-question baselines fitted on the same marks in the same run.

For each data set of ../shared/data and each k, per question k graded answers are the human's
marks (seeded-random; "all" = every one there is) and the rest are predicted:
- SemEval and SAF: the marks come from the question's `train` answers, the `unseen_answers`
  split is predicted (the same answers at every k, so the rows compare);
- Mohler and DigiKlausur (no split): the marks come from the question's own answers and only
  the rest is predicted (n shrinks with k; "all" does not apply).
A k larger than a question's pool skips that question at that k (n says how many answers).

Judges: `learned` with its per-part model from `--min-marks` marks on (default: as shipped,
judges/_part.MIN_MARKS), `learned` with the per-part model switched off (the forest alone, as
last release), and the baselines — logistic
regression over TF-IDF word (1–2) and character (2–5, within words) n-grams, and logistic
regression over the MiniLM sentence embedding — fitted per question on its k marks (scikit-learn,
the `train` extra; a question whose marks hold one grade gets that grade).
Figures per judge: the mean over questions of each question's QWK on its grade scale
(`scale_kappa`), macro-F1 (grades on the
question's grade scale, as `gradewise evaluate`), Pearson r and RMSE where grades are points (SAF,
Mohler, on the share of the marks), and coverage at 95% agreement (the baselines' confidence is
their largest class probability).

    nice -n 10 .venv/bin/python benchmarks/bench_curve.py [--data-set beetle] [--k 0 --k 10]
        [--limit-questions N] [--seed 0] [--min-marks 10] [--data ../shared/data]
        [--train-only --weights MODEL] [--weight-step 0.1] [--two-way-step 0.05]

`--train-only` (for choosing settings without a test split) predicts a quarter of each
question's train answers; the shipped model was trained on them, so give it `--weights` of a
model trained without them (tools/train_judge.py --without-predicted-quarter --out MODEL).

Never run on ASAP-SAS or SciEntsBank unseen_domains (kept for outside checks; not in ../shared).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from gradewise.judges import _part
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.registry import Example, JudgeItem
from gradewise.measure.figures import Metrics, Prediction, metrics
from gradewise.measure.graded import read_graded
from gradewise.metrics import qwk
from gradewise.model import GradedAnswer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
KS = ("0", "5", "10", "25", "50", "100", "200", "all")
Marked = dict[str, list[GradedAnswer]]
Predictor = Callable[[Marked, list[GradedAnswer]], list[Prediction]]


def split_rows(
    rows: list[GradedAnswer], k: str, rng: random.Random, train_only: bool = False
) -> tuple[Marked, list[GradedAnswer]]:
    """(marks per question, the answers to predict) for one k; `train_only`: both from the
    question's train answers (a quarter predicted, chosen by `_part.folds`)."""
    by_q: dict[str, list[GradedAnswer]] = defaultdict(list)
    for r in rows:
        by_q[r.question_id].append(r)
    has_train = any(r.split == "train" for r in rows)
    marks: Marked = {}
    predicted: list[GradedAnswer] = []
    for qid, answers in sorted(by_q.items()):
        pool = [r for r in answers if r.split == "train"] if has_train else list(answers)
        tests = [r for r in answers if r.split == "unseen_answers"] if has_train else []
        if has_train and train_only:
            fold = _part.folds([r.answer for r in pool], [r.score for r in pool], most=4)
            pool, tests = (
                [r for r, f in zip(pool, fold, strict=True) if f],
                [r for r, f in zip(pool, fold, strict=True) if not f],
            )
        if has_train and not tests:
            continue
        n = len(pool) if k == "all" else int(k)
        if n > len(pool) or (not has_train and (k == "all" or n >= len(pool))):
            continue
        chosen = rng.sample(pool, n)
        marks[qid] = chosen
        predicted += tests if has_train else [r for r in pool if r not in chosen]
    return marks, predicted


def judge_predictor(judge: LearnedJudge) -> Predictor:
    def predict(marks: Marked, rows: list[GradedAnswer]) -> list[Prediction]:
        items = []
        for r in rows:
            examples = tuple(Example(m.answer, m.score / m.max_score) for m in marks[r.question_id])
            items.append(
                JudgeItem(
                    r.question,
                    r.reference,
                    r.answer,
                    max_marks=r.max_score,
                    examples=examples,
                    group=r.question_id,
                )
            )
        judged = judge.judge_many(items)
        return [
            Prediction(r, min(1.0, max(0.0, j.fraction)) * r.max_score, j.confidence)
            for r, j in zip(rows, judged, strict=True)
        ]

    return predict


def baseline(kind: str, judge: LearnedJudge) -> Predictor:
    """Per question: logistic regression on its marks over TF-IDF n-grams or embeddings."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def features(train: list[str], test: list[str]) -> tuple[object, object]:
        if kind == "embedding":
            return judge.encoder.embed(train), judge.encoder.embed(test)
        word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        xs = [v.fit_transform(train) for v in (word, char)]
        return hstack(xs).tocsr(), hstack(
            [v.transform(test) for v, _ in zip((word, char), xs, strict=True)]
        ).tocsr()

    def predict(marks: Marked, rows: list[GradedAnswer]) -> list[Prediction]:
        by_q: dict[str, list[GradedAnswer]] = defaultdict(list)
        for r in rows:
            by_q[r.question_id].append(r)
        out: dict[str, Prediction] = {}
        for qid, tests in by_q.items():
            train = marks[qid]
            grades = sorted({m.score for m in train})
            if len(grades) < 2:
                score = grades[0] if grades else tests[0].max_score / 2
                out.update((t.answer_id, Prediction(t, score, 0.5)) for t in tests)
                continue
            xtr, xte = features([m.answer for m in train], [t.answer for t in tests])
            model = LogisticRegression(max_iter=2000)
            model.fit(xtr, [f"{m.score:g}" for m in train])
            proba = model.predict_proba(xte)
            labels = [float(c) for c in model.classes_]
            for t, p in zip(tests, proba, strict=True):
                out[t.answer_id] = Prediction(t, labels[int(np.argmax(p))], float(p.max()))
        return [out[r.answer_id] for r in rows]

    return predict


def scale_kappa(predictions: list[Prediction]) -> float:
    """The mean over questions of each question's QWK on its grade scale (the distinct grades
    of its predicted answers; a prediction counts as the nearest), so that half points (SAF,
    Mohler's means of two graders) have a kappa too; on whole grades 0/1 it is evaluate's."""
    by_q: dict[str, list[Prediction]] = defaultdict(list)
    for p in predictions:
        by_q[p.row.question_id].append(p)
    kappas = []
    for group in by_q.values():
        scale = sorted({p.row.score for p in group})
        if len(group) < 2 or len(scale) < 2:
            continue
        human = [scale.index(p.row.score) for p in group]
        guess = [min(range(len(scale)), key=lambda i: (abs(scale[i] - p.score), i)) for p in group]
        kappa = qwk(human, guess)
        if not math.isnan(kappa):
            kappas.append(kappa)
    return sum(kappas) / len(kappas) if kappas else math.nan


def figure(m: Metrics, kappa: float, two_way: bool) -> str:
    """Mean per-question QWK / macro-F1 (/ r / RMSE on a point scale, on the share of the
    marks) / coverage at 95%."""
    cells = [f"{kappa:.3f}", f"{m.macro_f1:.3f}"]
    if not two_way and not math.isnan(m.pearson):
        cells.append(f"r {m.pearson:.3f} / RMSE {m.rmse:.3f}")
    return " / ".join([*cells, f"cov {m.coverage:.2f}"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-set", action="append", help="file stem part, e.g. beetle (repeat)")
    parser.add_argument("--k", action="append", choices=KS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit-questions", type=int)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--min-marks",
        type=int,
        default=_part.MIN_MARKS,
        help="marks per question from which `learned` fits the part model",
    )
    parser.add_argument(
        "--train-only",
        action="store_true",
        help="marks and predicted answers both from the train split (for choosing settings)",
    )
    parser.add_argument("--weight-step", type=float, default=_part.WEIGHT_STEP)
    parser.add_argument(
        "--two-way-step",
        type=float,
        default=_part.TWO_WAY_STEP,
        help="the blend grid's step on parts marked right or wrong (0.1: as before session 7)",
    )
    parser.add_argument(
        "--weights",
        type=Path,
        help="the learned judge's model file (default: the shipped one); with --train-only, "
        "one trained without the predicted answers: tools/train_judge.py "
        "--without-predicted-quarter",
    )
    args = parser.parse_args()
    _part.WEIGHT_STEP, _part.TWO_WAY_STEP = args.weight_step, args.two_way_step
    files = sorted(args.data.glob("*.csv")) if args.data.is_dir() else []
    if not files:
        print(f"skipped: no graded-answer data sets in {args.data} (they live beside the checkout)")
        return
    warnings.filterwarnings("ignore")
    judge = LearnedJudge(weights=json.loads(args.weights.read_text()) if args.weights else None)
    try:
        tfidf_lr, emb_lr = baseline("tfidf", judge), baseline("embedding", judge)
    except ImportError:
        print("scikit-learn is missing (pip install -e '.[train]'): no baselines")
        tfidf_lr = emb_lr = None
    print(
        f"| data set | k | n | learned, part model from {args.min_marks} | learned, forest only"
        " | TF-IDF logistic | embedding logistic | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for path in files:
        if args.data_set and not any(d in path.stem for d in args.data_set):
            continue
        rows = [r for r in read_graded(path) if r.split in ("train", "unseen_answers", "all")]
        if args.limit_questions:
            keep = sorted({r.question_id for r in rows})[: args.limit_questions]
            rows = [r for r in rows if r.question_id in keep]
        two_way = {r.max_score for r in rows} == {1.0} and {r.label.lower() for r in rows} <= {
            "correct",
            "incorrect",
        }
        for k in args.k or KS:
            marks, predicted = split_rows(rows, k, random.Random(args.seed), args.train_only)
            if not predicted:
                continue
            start = time.perf_counter()
            runs = [_with_min_marks(judge, m, marks, predicted) for m in (args.min_marks, 10**9)]
            runs += [
                other(marks, predicted)
                for other in (tfidf_lr, emb_lr)
                if other is not None and k != "0"
            ]
            cells = [
                figure(metrics(run, protocol=k, seconds=1), scale_kappa(run), two_way)
                for run in runs
            ] + ["—"] * (4 - len(runs))
            took = time.perf_counter() - start
            print(
                f"| {path.stem} | {k} | {len(predicted)} | "
                + " | ".join(cells)
                + f" | {took:.0f} |",
                flush=True,
            )


def _with_min_marks(
    judge: LearnedJudge, min_marks: int, marks: Marked, rows: list[GradedAnswer]
) -> list[Prediction]:
    """The judge's predictions with its part model starting at `min_marks` marks."""
    original = _part.MIN_MARKS
    _part.MIN_MARKS = min_marks
    try:
        return judge_predictor(judge)(marks, rows)
    finally:
        _part.MIN_MARKS = original


if __name__ == "__main__":
    main()
