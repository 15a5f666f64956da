"""How many more marks would let a judge take over a part: measured on the part's own marks.

The judge is run on the part's marked answers with some of their marks held out: fitted on a
quarter, a half and four fifths of the marks, it judges the marks it did not see, and each
size gives a point — the coverage at 95% agreement on those held-out marks (the largest
share, most confident first, of which ≥ 95% agree with the human). The folds are dealt from
the marks in the order of `_part.folds` (a digest of each answer), never in the order the
human marked them: the same marks always give the same outlook. Learning
curves are close to straight in the logarithm of the number of examples over a doubling or
two, so the points are fitted by coverage = a + b · ln(marks) (b ≥ 0: more marks are never
assumed to hurt, nor promised to help when the points say they do not). Only the curve's slope
is used: the projection is the coverage measured with four fifths of the marks plus the
curve's rise from there, read at most at twice the marks there are now (nothing further out).

What comes back is an estimate from a few dozen held-out marks (say "~"): the coverage the
judge reached with four fifths of the marks ("now"), and the fewest more marks (in steps of
5) at which the curve reaches ten points more; none when the curve is flat or the marks are
too few or all one grade (then the outlook says what to mark instead).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from gradewise.judges.registry import Example, Judge, JudgeItem

# Fewer marks than this measure nothing worth a number: coverage at 95% agreement on a dozen
# held-out marks is all or nothing.
MIN_MARKS = 20
# Agreement the accepted answers must reach, and what counts as agreeing with a mark: the
# judge's fraction within a tenth of the part's marks of the human's.
TARGET = 0.95
AGREEMENT_SHARE = 0.1
# (share of the marks fitted on, folds): every mark is held out once per size.
SIZES = ((0.25, 4), (0.5, 2), (0.8, 5))
# A projection is offered when it gains this much coverage within twice the marks there are.
STEP, GAIN, HORIZON = 5, 0.10, 2.0


@dataclass(frozen=True)
class Point:
    """The judge fitted on `marks` marks, measured on `held_out` marks it did not see."""

    marks: int
    held_out: int
    coverage: float
    agreement: float


@dataclass(frozen=True)
class Outlook:
    """A part's outlook: marks now, answers not marked, what held-out marks measured, and
    (when the curve supports it) `more` marks → `then` coverage of the rest at 95% agreement."""

    marks: int
    waiting: int
    points: tuple[Point, ...] = ()
    now: float | None = None
    more: int | None = None
    then: float | None = None
    note: str = ""  # why there is no measurement (too few marks, one grade only)

    def sentence(self) -> str:
        """One line for `review list` and the review page."""
        if self.note:
            return self.note
        if self.now is None:
            return ""
        basis = f"{self.marks} marks, held out"
        if self.more is None or self.then is None:
            flat = "" if self.now >= 1 - GAIN else "; more marks are not projected to raise it soon"
            return (
                f"could auto-accept ~{self.now:.0%} of the rest at 95% agreement now{flat} "
                f"(measured on {basis})"
            )
        return (
            f"mark {self.more} more to auto-accept ~{self.then:.0%} of the rest at 95% "
            f"agreement (now ~{self.now:.0%}; projected from {basis})"
        )


def outlook(judge: Judge, template: JudgeItem, marks: Sequence[Example], waiting: int) -> Outlook:
    """The part's outlook: `template` is a JudgeItem of the part (its answer is replaced),
    `marks` the part's marked answers, `waiting` how many of its answers are not marked."""
    marks = tuple(marks)
    if len(marks) < MIN_MARKS:
        return Outlook(
            len(marks),
            waiting,
            note=f"mark {MIN_MARKS - len(marks)} more for a "
            "first estimate of how much the judge could take over",
        )
    if len({round(e.fraction, 6) for e in marks}) < 2:
        return Outlook(
            len(marks),
            waiting,
            note="every mark is the same grade: mark answers "
            "that earn other grades before the judge can be measured",
        )
    # A judge is kept by identity (the registry holds one of each).
    points = _measured(judge, replace(template, examples=()), _dealt(marks))  # type: ignore[arg-type]
    if not points:
        return Outlook(len(marks), waiting)
    last = points[-1]
    slope, _ = fit_curve(points)
    more = reach(slope, last.marks, len(marks), GAIN) if last.coverage + GAIN <= 1 else None
    rise = 0.0 if more is None else slope * math.log((len(marks) + more) / last.marks)
    then = None if more is None else min(1.0, last.coverage + rise)
    return Outlook(len(marks), waiting, points, last.coverage, more, then)


@lru_cache(maxsize=64)
def _measured(judge: Judge, template: JudgeItem, marks: tuple[Example, ...]) -> tuple[Point, ...]:
    """The held-out points (kept for the same judge and marks: the review page asks again
    until a new mark arrives)."""
    points = []
    for share, folds in SIZES:
        point = _point(judge, template, list(marks), share, folds)
        if point is not None:
            points.append(point)
    return tuple(points)


def _dealt(marks: Sequence[Example]) -> tuple[Example, ...]:
    """The marks in the order folds are dealt from: by `_part.folds` with a fold per mark (a
    digest of the answer, then the mark), whatever order they were made in."""
    # Imported here: `review list` reads outlooks and must not load numpy before it needs to.
    from gradewise.judges import _part

    rank = _part.folds([e.answer for e in marks], [e.fraction for e in marks], most=len(marks))
    return tuple(marks[i] for i in sorted(range(len(marks)), key=lambda i: int(rank[i])))


def _point(
    judge: Judge, template: JudgeItem, marks: list[Example], share: float, folds: int
) -> Point | None:
    """Fit on `share` of the marks and judge the rest, once per fold (for a share under a
    half, a fold is what is fitted on; otherwise what is held out)."""
    chunks = [marks[i::folds] for i in range(folds)]
    agree: list[bool] = []
    sure: list[float] = []
    fitted = []
    for i, chunk in enumerate(chunks):
        rest = [e for j, c in enumerate(chunks) if j != i for e in c]
        known, held = (chunk, rest) if share < 0.5 else (rest, chunk)
        if len({round(e.fraction, 6) for e in known}) < 2 or not held:
            continue  # a fold of one grade teaches the judge nothing to measure
        items = [replace(template, answer=e.answer, examples=tuple(known)) for e in held]
        judged = judge.judge_many(items)
        agree += [
            abs(j.fraction - e.fraction) <= AGREEMENT_SHARE + 1e-9
            for j, e in zip(judged, held, strict=True)
        ]
        sure += [j.confidence for j in judged]
        fitted.append(len(known))
    if not agree:
        return None
    size = round(sum(fitted) / len(fitted))
    return Point(size, len(agree), coverage(agree, sure), sum(agree) / len(agree))


def coverage(agree: Sequence[bool], confidence: Sequence[float], target: float = TARGET) -> float:
    """The largest share of answers, most confident first, that agree ≥ target."""
    order = sorted(range(len(agree)), key=lambda i: -confidence[i])
    best = right = 0
    for taken, i in enumerate(order, 1):
        right += agree[i]
        if right / taken >= target:
            best = taken
    return best / len(agree) if agree else math.nan


def fit_curve(points: Sequence[Point]) -> tuple[float, float]:
    """(slope, intercept) of coverage = intercept + slope · ln(marks), least squares weighted
    by each point's held-out marks; the slope is never below 0 (then: the weighted mean)."""
    w = [p.held_out for p in points]
    x = [math.log(p.marks) for p in points]
    y = [p.coverage for p in points]
    total = sum(w)
    mx = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    my = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    sxx = sum(wi * (xi - mx) ** 2 for wi, xi in zip(w, x, strict=True))
    sxy = sum(wi * (xi - mx) * (yi - my) for wi, xi, yi in zip(w, x, y, strict=True))
    slope = max(0.0, sxy / sxx) if sxx > 0 else 0.0
    return slope, my - slope * mx


def reach(slope: float, base: int, marks: int, gain: float) -> int | None:
    """The fewest more marks (a multiple of STEP) at which the curve has risen by `gain` from
    its value at `base` marks, up to HORIZON times the `marks` there are; None beyond it."""
    if slope <= 0:
        return None
    more = STEP
    while marks + more <= HORIZON * marks:
        if slope * math.log((marks + more) / base) >= gain:
            return more
        more += STEP
    return None
