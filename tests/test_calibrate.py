"""Calibrated confidence: the curves ship with the package, map sureness to a probability, and
leave rule-based confidences alone."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from gradewise.judges._calibrate import Calibration, calibrate, one_grade_cap, raw_confidence
from gradewise.judges.registry import JudgeItem, judges


def test_a_curve_by_hand() -> None:
    curve = Calibration.from_json({"features": ["confidence"], "coef": [2.0], "intercept": -1.0})
    assert curve.predict([[0.5], [1.0]]).tolist() == pytest.approx([0.5, 1 / (1 + 2.718281828**-1)])
    with pytest.raises(ValueError, match="differ"):
        Calibration.from_json({"features": ["a", "b"], "coef": [1.0], "intercept": 0.0})


@pytest.mark.parametrize("judge", ["lexical", "similarity"])
def test_the_shipped_curves_rise_with_the_judges_sureness(judge: str) -> None:
    data = json.loads((resources.files("gradewise.judges") / "calibration.json").read_text())
    assert all("train split" in source for source in data["trained_on"])  # never a test split
    for case in ("zero", "shots"):
        low, high = (calibrate(judge, case, c) for c in (0.5, 0.95))
        assert 0.0 < low < high < 1.0 and data["judges"][judge][case]["coef"][0] > 0


def test_a_judge_without_a_curve_and_raw_confidence_are_unchanged() -> None:
    assert calibrate("no-such-judge", "zero", 0.77) == 0.77
    with raw_confidence():
        assert calibrate("lexical", "zero", 0.77) == 0.77
    assert calibrate("lexical", "zero", 0.77) != 0.77


@pytest.mark.parametrize("judge", ["lexical", "similarity"])
def test_rule_based_confidence_is_not_on_the_curve(judge: str) -> None:
    empty, gibberish = (
        judges()
        .get(judge)
        .judge_many(  # type: ignore[union-attr]
            [JudgeItem("q", "r", ""), JudgeItem("q", "r", "xkcd pqrst zzzz")]
        )
    )
    assert empty.confidence == 0.99 and gibberish.confidence >= 0.9


@pytest.mark.parametrize(
    "marks, fraction, zero, cap",
    [
        ([0.0, 1.0] * 5, 0.9, 0.9, 1.0),  # two grades among the marks: no limit
        ([], 0.5, 0.5, 1.0),  # no marks: no limit here
        ([1.0] * 10, 1.0, 0.9, 8 / 11),  # ten alike: ≥ 3/11 may earn another; under 0.8
        ([1.0] * 59, 1.0, 0.9, 0.95),  # 59 alike: ≤ 3/60 earn another grade (rule of three)
        ([1.0] * 59, 0.5, 0.9, 0.72),  # toward a grade nobody has given: to review
        ([1.0] * 59, 1.0, 0.2, 0.72),  # the zero-shot model, blind to the marks, says wrong
        ([0.0] * 59, 0.08, 0.4, 0.95),  # within a tenth of the grade given is toward it
        ([2 / 3] * 59, 0.8, 0.9, 0.72),  # a point short of full, but this says full: review
    ],
)
def test_one_grade_cap(marks: list[float], fraction: float, zero: float, cap: float) -> None:
    assert one_grade_cap(marks, fraction, zero, review_cap=0.72) == pytest.approx(cap)
