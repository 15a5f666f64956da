"""The `learned` judge: the similarity judge's features, weighed by a model trained on data.

The weights (`learned_model.json`, shipped in the package) were fitted by
`tools/train_judge.py` on the `train` splits of public graded-answer data sets (SciEntsBank,
Beetle, SAF) — never on a test split — and are applied with numpy. Learning from the human's
marks works as for the similarity judge.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges._embed import Encoder
from gradewise.judges.registry import Judge, JudgeItem
from gradewise.judges.similarity import FEATURES, SimilarityJudge, features


@cache
def model() -> dict[str, Any]:
    """The shipped weights; they must name the features this version computes."""
    text = (resources.files("gradewise.judges") / "learned_model.json").read_text(encoding="utf-8")
    weights: dict[str, Any] = json.loads(text)
    if tuple(weights["features"]) != FEATURES:
        raise ValueError("learned_model.json was trained on other features: run 'make model'")
    return weights


class LearnedJudge(SimilarityJudge):
    """Similarity features → a logistic model trained on the public train splits."""

    id = "learned"

    def __init__(self, encoder: Encoder | None = None) -> None:
        super().__init__(encoder)
        self.version = f"1 ({SimilarityJudge.version}; {model()['answers']} training answers)"

    def zero_shot(
        self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]
    ) -> tuple[float, float]:
        weights = model()
        f = features(item, answer, vectors)
        z = weights["intercept"] + sum(c * v for c, v in zip(weights["coef"], f, strict=True))
        return 1 / (1 + math.exp(-z)), f[0]


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LearnedJudge())
