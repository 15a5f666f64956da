"""The `learned` judge: the similarity judge's features, weighed by a model trained on data.

The weights (`learned_model.json`, shipped in the package) were fitted by
`tools/train_judge.py` on the `train` splits of public graded-answer data sets (SciEntsBank,
Beetle, SAF) — never on a test split — and are applied with numpy. Learning from the human's
marks works as for the similarity judge.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges._embed import Encoder
from gradewise.judges.lexical import terms
from gradewise.judges.registry import Judge, JudgeItem
from gradewise.judges.similarity import (
    FEATURES,
    SimilarityJudge,
    Vectors,
    _cos,
    _references,
    features,
)

# The similarity judge's five, then alignment features (see `rich_features`).
LEARNED_FEATURES = (*FEATURES, "mean_cosine", "question_answer", "question_reference",
                    "precision", "recall", "length_ratio")  # fmt: skip

if TYPE_CHECKING:
    from gradewise.evaluate import GradedAnswer


@cache
def model() -> dict[str, Any]:
    """The shipped weights; they must name the features this version computes."""
    text = (resources.files("gradewise.judges") / "learned_model.json").read_text(encoding="utf-8")
    weights: dict[str, Any] = json.loads(text)
    if tuple(weights["features"]) != LEARNED_FEATURES:
        raise ValueError("learned_model.json was trained on other features: run 'make model'")
    return weights


class LearnedJudge(SimilarityJudge):
    """Similarity features → a logistic model trained on the public train splits (or, through
    `fit`, on any graded answers: `gradewise evaluate` fits it on a data set's train split)."""

    id = "learned"
    feature_names: tuple[str, ...] = LEARNED_FEATURES

    def __init__(self, encoder: Encoder | None = None, weights: dict[str, Any] | None = None):
        super().__init__(encoder)
        self.weights = weights or model()
        self.version = f"1 ({SimilarityJudge.version}; {self.weights['answers']} training answers)"

    def features(self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]) -> list[float]:
        """The model's inputs, in the order of `feature_names` (`cosine` picks the cosine)."""
        return rich_features(item, answer, vectors)

    def zero_shot(
        self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]
    ) -> tuple[float, float]:
        w = self.weights
        f = self.features(item, answer, vectors)
        z = w["intercept"] + sum(c * v for c, v in zip(w["coef"], f, strict=True))
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z)))), self.cosine(f)

    def feature_matrix(self, items: Sequence[JudgeItem]) -> np.ndarray:
        """Every feature of every item's answer: what a fit learns from."""
        vectors = self._vectors(items)
        return np.array([self.features(item, item.answer, vectors) for item in items])

    def cosine(self, f: Sequence[float]) -> float:
        return f[0]

    def fit(self, rows: Sequence[GradedAnswer]) -> LearnedJudge:
        """A judge with the same features, its weights fitted to these graded answers."""
        items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
        x = self.feature_matrix(items)
        share = np.array([r.score / r.max_score for r in rows])
        coef, intercept = fit_logistic(x, share)
        fitted = {"features": list(self.feature_names), "coef": coef, "intercept": intercept,
                  "answers": len(rows)}  # fmt: skip
        judge = self.refitted(fitted)
        judge.version = f"{self.version}; refitted on {len(rows)} answers"
        return judge

    def refitted(self, weights: dict[str, Any]) -> LearnedJudge:
        """A judge like this one with other weights."""
        return LearnedJudge(self.encoder, weights)


def rich_features(item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
    """The similarity judge's features, then: the mean cosine over the references (not only
    the closest), the answer's and the references' closeness to the question, which share of
    the answer's own content words the references use (precision) and of theirs the answer
    uses (recall) — words of the question left out of both — and the answer's length against
    the reference's (log ratio)."""
    refs = _references(item) or [item.reference]
    cosines = [_cos(vectors, answer, r) for r in refs]
    asked = terms(item.question)
    said = terms(answer) - asked
    wanted = frozenset().union(*(terms(r) for r in refs)) - asked
    shared = len(said & wanted)
    ratio = math.log1p(len(answer.split())) - math.log1p(min(len(r.split()) for r in refs))
    return [
        *features(item, answer, vectors),
        sum(cosines) / len(cosines),
        _cos(vectors, answer, item.question),
        max(_cos(vectors, item.question, r) for r in refs),
        shared / len(said) if said else 0.0,
        shared / len(wanted) if wanted else 0.0,
        ratio / 3,
    ]


def fit_logistic(
    x: np.ndarray, share: np.ndarray, *, l2: float = 1.0, steps: int = 50
) -> tuple[list[float], float]:
    """Logistic regression on soft labels (the share of the marks), L2-penalised like
    scikit-learn's C = 1 (the intercept is not penalised), by Newton's method."""
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    penalty = np.diag([l2] * d + [0.0])
    w = np.zeros(d + 1)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w)))
        grad = a.T @ (p - share) + penalty @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + penalty + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return [round(float(c), 6) for c in w[:d]], round(float(w[d]), 6)


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LearnedJudge())
