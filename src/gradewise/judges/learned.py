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
from gradewise.judges.registry import Judge, JudgeItem
from gradewise.judges.similarity import FEATURES, SimilarityJudge, features

if TYPE_CHECKING:
    from gradewise.evaluate import GradedAnswer


@cache
def model() -> dict[str, Any]:
    """The shipped weights; they must name the features this version computes."""
    text = (resources.files("gradewise.judges") / "learned_model.json").read_text(encoding="utf-8")
    weights: dict[str, Any] = json.loads(text)
    if tuple(weights["features"]) != FEATURES:
        raise ValueError("learned_model.json was trained on other features: run 'make model'")
    return weights


class LearnedJudge(SimilarityJudge):
    """Similarity features → a logistic model trained on the public train splits (or, through
    `fit`, on any graded answers: `gradewise evaluate` fits it on a data set's train split)."""

    id = "learned"
    feature_names: tuple[str, ...] = FEATURES

    def __init__(self, encoder: Encoder | None = None, weights: dict[str, Any] | None = None):
        super().__init__(encoder)
        self.weights = weights or model()
        self.version = f"1 ({SimilarityJudge.version}; {self.weights['answers']} training answers)"

    def features(self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]) -> list[float]:
        """The model's inputs, in the order of `feature_names` (`cosine` picks the cosine)."""
        return features(item, answer, vectors)

    def zero_shot(
        self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]
    ) -> tuple[float, float]:
        w = self.weights
        f = self.features(item, answer, vectors)
        z = w["intercept"] + sum(c * v for c, v in zip(w["coef"], f, strict=True))
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z)))), self.cosine(f)

    def cosine(self, f: Sequence[float]) -> float:
        return f[0]

    def fit(self, rows: Sequence[GradedAnswer]) -> LearnedJudge:
        """A judge with the same features, its weights fitted to these graded answers."""
        items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
        vectors = self._vectors(items)
        x = np.array([self.features(item, item.answer, vectors) for item in items])
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
