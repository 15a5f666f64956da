"""Learning curve: how the `learned` judge improves with the number of marked answers per
question, beside two plain per-question baselines fitted on the same marks in the same run.

For each data set of ../shared/data and each k, per question k graded answers are the human's
marks (seeded-random; "all" = every one there is) and the rest are predicted:
- SemEval and SAF: the marks come from the question's `train` answers, the `unseen_answers`
  split is predicted (the same answers at every k, so the rows compare);
- Mohler and DigiKlausur (no split): the marks come from the question's own answers and only
  the rest is predicted (n shrinks with k; "all" does not apply).
A k larger than a question's pool skips that question at that k (n says how many answers).

Judges: `learned` as shipped now (its per-part model from 10 marks on), `learned` with the
per-part model switched off (the forest alone, as last release), and the baselines — logistic
regression over TF-IDF word (1–2) and character (2–5, within words) n-grams, and logistic
regression over the MiniLM sentence embedding — fitted per question on its k marks (scikit-learn,
the `train` extra; a question whose marks hold one grade gets that grade).
Figures: the mean over questions of each question's QWK (whole grades only: SemEval, DigiKlausur),
macro-F1 (SemEval), Pearson r (SAF and Mohler, on the share of the marks), and coverage at 95%
agreement for the judges that give a confidence (as `gradewise evaluate`).

    nice -n 10 .venv/bin/python benchmarks/bench_curve.py [--data-set beetle] [--k 0 --k 10]
        [--limit-questions N] [--seed 0]

Never run on ASAP-SAS or SciEntsBank unseen_domains (kept for outside checks; not in ../shared).
"""

from __future__ import annotations

import argparse
import math
import random
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from gradewise.evaluate import GradedAnswer, Metrics, Prediction, metrics, read_graded
from gradewise.judges import _part
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.registry import Example, JudgeItem

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
KS = ("0", "5", "10", "25", "50", "100", "200", "all")
Marked = dict[str, list[GradedAnswer]]
Predictor = Callable[[Marked, list[GradedAnswer]], list[Prediction]]


def split_rows(
    rows: list[GradedAnswer], k: str, rng: random.Random
) -> tuple[Marked, list[GradedAnswer]]:
    """(marks per question, the answers to predict) for one k."""
    by_q: dict[str, list[GradedAnswer]] = defaultdict(list)
    for r in rows:
        by_q[r.question_id].append(r)
    has_train = any(r.split == "train" for r in rows)
    marks: Marked = {}
    predicted: list[GradedAnswer] = []
    for qid, answers in sorted(by_q.items()):
        pool = [r for r in answers if r.split == "train"] if has_train else list(answers)
        tests = [r for r in answers if r.split == "unseen_answers"] if has_train else []
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
            items.append(JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score,
                                   examples=examples, group=r.question_id))  # fmt: skip
        judged = judge.judge_many(items)
        return [Prediction(r, min(1.0, max(0.0, j.fraction)) * r.max_score, j.confidence)
                for r, j in zip(rows, judged, strict=True)]  # fmt: skip

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


def figure(m: Metrics, two_way: bool) -> str:
    if two_way:
        return f"{m.qwk_per_question:.3f} / {m.macro_f1:.3f}"
    if not math.isnan(m.qwk_per_question):
        return f"{m.qwk_per_question:.3f} / r {m.pearson:.3f}"
    return f"r {m.pearson:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-set", action="append", help="file stem part, e.g. beetle (repeat)")
    parser.add_argument("--k", action="append", choices=KS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit-questions", type=int)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    files = sorted(args.data.glob("*.csv")) if args.data.is_dir() else []
    if not files:
        print(f"skipped: no graded-answer data sets in {args.data} (they live beside the checkout)")
        return
    warnings.filterwarnings("ignore")
    judge = LearnedJudge()
    try:
        tfidf_lr, emb_lr = baseline("tfidf", judge), baseline("embedding", judge)
    except ImportError:
        print("scikit-learn is missing (pip install -e '.[train]'): no baselines")
        tfidf_lr = emb_lr = None
    print(
        "| data set | k | n | learned | learned, forest only | TF-IDF logistic | embedding "
        "logistic | coverage: learned / forest only | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
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
            marks, predicted = split_rows(rows, k, random.Random(args.seed))
            if not predicted:
                continue
            start = time.perf_counter()
            results = [metrics(judge_predictor(judge)(marks, predicted), protocol=k, seconds=1)]
            original = _part.MIN_MARKS
            _part.MIN_MARKS = 10**9
            try:
                results.append(
                    metrics(judge_predictor(judge)(marks, predicted), protocol=k, seconds=1)
                )
            finally:
                _part.MIN_MARKS = original
            for other in (tfidf_lr, emb_lr):
                if other is not None and k != "0":
                    results.append(metrics(other(marks, predicted), protocol=k, seconds=1))
            cells = [figure(m, two_way) for m in results] + ["—"] * (4 - len(results))
            took = time.perf_counter() - start
            print(
                f"| {path.stem} | {k} | {len(predicted)} | "
                + " | ".join(cells)
                + f" | {results[0].coverage:.3f} / {results[1].coverage:.3f} | {took:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
