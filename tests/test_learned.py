"""The learned judge: shipped weights load, match this version's features, and grade sensibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gradewise.judges.learned import LearnedJudge, model
from gradewise.judges.registry import JudgeItem, judges
from gradewise.judges.similarity import FEATURES

QUESTIONS = YAML(typ="safe").load(
    (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
)
JUDGE = LearnedJudge()


def test_weights_ship_with_the_package_and_fit_the_features() -> None:
    weights = model()
    assert tuple(weights["features"]) == FEATURES and len(weights["coef"]) == len(FEATURES)
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
