"""Calibrated confidence: a logistic curve (Platt scaling) from a judge's own sureness to the
probability that its mark agrees with a human's (as `gradewise evaluate` defines agreement).

The curves were fitted at build time on the train splits of public graded data (SciEntsBank,
Beetle, SAF): `learned`'s inside its model file (tools/train_judge.py), `lexical`'s and
`similarity`'s in `calibration.json` (tools/calibrate_judges.py), one for verdicts without
marked answers ("zero") and one for verdicts with them ("shots"). Rule-based confidences (an
empty answer, gibberish, a case sent to review) are not on these curves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

_RAW: ContextVar[bool] = ContextVar("raw_confidence", default=False)
# When every mark is the same grade, a judgement toward that grade is no surer than the chance
# that an answer earns it: with n marks and no other grade seen, at least 1 - 3/(n + 1) at 95%
# (the "rule of three"), so from 14 alike marks it can reach a review threshold of 0.8.
# Measured on SAF, Beetle and SciEntsBank (benchmarks/bench_curve.py, BENCHMARKS.md).
RULE_OF_THREE = 3.0
# "Toward the grade given": within this share of the marks of it (as agreement is counted).
TOWARD_SHARE = 0.1


@dataclass(frozen=True)
class Calibration:
    """A logistic curve from a verdict's inputs (its sureness, …) to the chance it agrees."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        if len(data["coef"]) != len(data["features"]):
            raise ValueError("a confidence curve's coef and features differ in length")
        return cls(
            tuple(data["features"]), tuple(map(float, data["coef"])), float(data["intercept"])
        )

    def predict(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        z = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.coef)) @ self.coef
        result: np.ndarray = 1 / (1 + np.exp(-np.clip(z + self.intercept, -50, 50)))
        return result


@cache
def _curves() -> dict[str, dict[str, Calibration]]:
    text = (resources.files("gradewise.judges") / "calibration.json").read_text(encoding="utf-8")
    return {
        judge: {case: Calibration.from_json(curve) for case, curve in cases.items()}
        for judge, cases in json.loads(text)["judges"].items()
    }


def calibrate(judge: str, case: str, confidence: float) -> float:
    """The judge's heuristic confidence ("zero": no marked answers; "shots": with them) as a
    probability of agreement; unchanged for a judge with no curve, or under `raw_confidence`."""
    if _RAW.get():
        return confidence
    curve = _curves().get(judge, {}).get(case)
    return confidence if curve is None else float(curve.predict([[confidence]])[0])


def one_grade_cap(marks: Sequence[float], fraction: float, zero: float, review_cap: float) -> float:
    """The most confidence a judgement may have when the part's `marks` (shares of the marks)
    are all one grade: `review_cap` (below the part's review threshold) for a `fraction`
    toward a grade nobody has given, or where the zero-shot fraction `zero`, which never saw
    the marks, is on the other side of the grade (half the scale away); toward the grade
    given, what the rule of three allows for that many marks. No limit with two grades."""
    grades = {round(m, 6) for m in marks}
    if len(grades) != 1:
        return 1.0
    grade = marks[0]
    if abs(fraction - grade) > TOWARD_SHARE + 1e-9 or abs(zero - grade) > 0.5:
        return review_cap
    return max(review_cap, 1.0 - RULE_OF_THREE / (len(marks) + 1))


@contextmanager
def raw_confidence() -> Iterator[None]:
    """The judges' confidences before calibration (what tools/calibrate_judges.py fits)."""
    token = _RAW.set(True)
    try:
        yield
    finally:
        _RAW.reset(token)
