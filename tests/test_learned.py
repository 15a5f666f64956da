"""The learned judge: shipped weights load, match this version's features, and grade sensibly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from gradewise.evaluate import GradedAnswer
from gradewise.judges.learned import (
    LEARNED_FEATURES,
    LearnedJudge,
    fit_logistic,
    model,
    rich_features,
)
from gradewise.judges.registry import JudgeItem, judges

QUESTIONS = YAML(typ="safe").load(
    (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
)
JUDGE = LearnedJudge()


def test_weights_ship_with_the_package_and_fit_the_features() -> None:
    weights = model()
    assert tuple(weights["features"]) == LEARNED_FEATURES
    assert len(weights["coef"]) == len(LEARNED_FEATURES)
    assert all("train split" in source for source in weights["trained_on"])  # never a test split
    assert judges().get("learned") is not None
    assert "training answers" in JUDGE.version


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["question"][:30] for q in QUESTIONS])
def test_right_answer_beats_wrong_answer(q: dict[str, str]) -> None:
    items = [JudgeItem(q["question"], q["reference"], q[k]) for k in ("right", "wrong")]
    right, wrong = JUDGE.judge_many(items)
    assert right.fraction > wrong.fraction


def test_empty_and_question_repeats() -> None:
    q = QUESTIONS[1]
    empty, repeat = JUDGE.judge_many(
        [
            JudgeItem(q["question"], q["reference"], ""),
            JudgeItem(q["question"], q["reference"], q["question"]),
        ]
    )
    assert empty.fraction == 0.0 and repeat.fraction <= 0.25


def test_logistic_fit_recovers_a_known_model() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5)))
    coef, intercept = fit_logistic(x, p)  # soft labels: the probabilities themselves
    assert coef == pytest.approx([1.5, -2.0], abs=0.05) and intercept == pytest.approx(
        0.5, abs=0.05
    )


def test_fit_learns_a_data_sets_scale() -> None:
    # A lenient grader: every answer got most of the marks; the refitted judge follows.
    q = QUESTIONS[0]
    rows = [
        GradedAnswer("d", "train", "1", q["question"], q["reference"], str(i), answer, score, 5)
        for i, (answer, score) in enumerate(
            [(q["right"], 5), (q["partial"], 4.5), (q["wrong"], 4)] * 10
        )
    ]
    judge = LearnedJudge()
    fitted = judge.fit(rows)
    assert "refitted on 30 answers" in fitted.version and fitted.weights is not judge.weights
    item = JudgeItem(q["question"], q["reference"], q["wrong"], max_marks=5)
    assert fitted.judge_many([item])[0].fraction > judge.judge_many([item])[0].fraction


def test_alignment_features_by_hand() -> None:
    # No vectors: every cosine is 0, so the word features can be checked by hand.
    item = JudgeItem("Why use dropout?", "Dropout reduces overfitting || It regularises", "")
    answer = "dropout reduces overfitting and noise"
    got = dict(zip(LEARNED_FEATURES, rich_features(item, answer, {}), strict=True))
    # answer's own words (question's 'dropout' left out): reduc, overfitt, nois -> 2 of 3 wanted
    assert got["precision"] == pytest.approx(2 / 3)
    # the references' words: reduc, overfitt, regularis -> the answer has 2 of 3
    assert got["recall"] == pytest.approx(2 / 3)
    assert got["mean_cosine"] == got["question_answer"] == got["question_reference"] == 0.0
    # 5 answer words against the shorter reference's 2
    assert got["length_ratio"] == pytest.approx((np.log1p(5) - np.log1p(2)) / 3)
