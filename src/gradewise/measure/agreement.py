"""This exam's grades against a second human grader's, from a graded-answers CSV.

The CSV is the format of `gradewise evaluate` (and of `gradewise export graded`): `question_id`
is the part's address and `answer_id` is `STUDENT:ADDRESS`, so a second grader can mark the
exported file's `score` column and hand it back. Each row is matched to the workspace's grade
of that student and part; rows that match nothing are counted, never silently dropped.

Per part: answers compared, exact agreement, agreement within a tenth of the marks, mean
absolute difference, Pearson r and quadratic weighted kappa on the part's grades rounded to
half marks; a confusion matrix of the two graders' marks (rounded the same way) over the whole
exam; and the worst disagreements with both marks and what decided gradewise's (the verdicts'
reasons and the quoted evidence).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gradewise.metrics import pearson, qwk
from gradewise.model import Exam, GradedAnswer, PartGrade

CLOSE_SHARE = 1 / 10  # within a tenth of the part's marks counts as agreeing
STEP = 0.5  # the grid marks are rounded to for the confusion matrix and kappa


@dataclass(frozen=True)
class Pair:
    """One answer marked by both: gradewise's current score (manual wins) and the other's."""

    student: str
    address: str
    ours: float
    theirs: float
    marks: float
    decided_by: str  # "manual", "auto" or "review" (an automatic proposal still in review)
    why: str  # the verdicts' reasons and evidence behind gradewise's score

    @property
    def gap(self) -> float:
        return self.ours - self.theirs


@dataclass(frozen=True)
class PartAgreement:
    address: str
    n: int
    exact: int
    close: int
    mean_abs_diff: float
    pearson: float
    qwk: float


@dataclass(frozen=True)
class Comparison:
    parts: tuple[PartAgreement, ...]
    overall: PartAgreement
    confusion: tuple[tuple[float, ...], tuple[tuple[int, ...], ...]]  # (levels, rows=ours)
    worst: tuple[Pair, ...]
    unmatched: tuple[str, ...]  # answer ids in the file with no grade here


def answer_id(student: str, address: str) -> str:
    """The answer id gradewise writes in graded-answers files."""
    return f"{student}:{address}"


def repeated(rows: Iterable[GradedAnswer]) -> list[str]:
    """The answer ids (`STUDENT:ADDRESS`) that more than one row marks, in file order: each
    would be compared, and counted, once per row."""
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.answer_id.rpartition(":")[0] or row.answer_id, row.question_id)
        seen[key] = seen.get(key, 0) + 1
    return [answer_id(student, address) for (student, address), n in seen.items() if n > 1]


def pairs(
    exam: Exam, grades: Iterable[PartGrade], rows: Iterable[GradedAnswer]
) -> tuple[list[Pair], list[str]]:
    """Match each row to this workspace's grade: (pairs, ids of rows that match nothing)."""
    mine = {(g.student, g.address): g for g in grades}
    marks = {p.address: p.marks for p in exam.parts()}
    found: list[Pair] = []
    unmatched: list[str] = []
    for row in rows:
        student = row.answer_id.rpartition(":")[0] or row.answer_id
        grade = mine.get((student, row.question_id))
        if grade is None or row.question_id not in marks:
            unmatched.append(row.answer_id)
            continue
        # The file's scale may differ (e.g. marked out of 1): compare on this exam's marks.
        theirs = row.score / row.max_score * marks[row.question_id]
        found.append(_pair(grade, theirs, marks[row.question_id]))
    return found, unmatched


def _pair(grade: PartGrade, theirs: float, marks: float) -> Pair:
    decided = "manual" if grade.manual_score is not None else "review" if grade.pending else "auto"
    why = "; ".join(
        f"{v.criterion}: {v.status}"
        + (f" ({v.reason})" if v.reason else "")
        + (f' "{v.evidence}"' if v.evidence else "")
        for v in grade.verdicts
    )
    return Pair(grade.student, grade.address, grade.score, theirs, marks, decided, why)


def _levels(value: float) -> float:
    return round(value / STEP) * STEP


def _grid(values: Sequence[float]) -> list[int]:
    return [round(_levels(v) / STEP) for v in values]


def summarise(address: str, group: Sequence[Pair]) -> PartAgreement:
    """The agreement figures for one part (or, with every pair, the whole exam)."""
    ours = [p.ours for p in group]
    theirs = [p.theirs for p in group]
    return PartAgreement(
        address=address,
        n=len(group),
        exact=sum(abs(p.gap) < 1e-9 for p in group),
        close=sum(abs(p.gap) <= CLOSE_SHARE * p.marks + 1e-9 for p in group),
        mean_abs_diff=sum(abs(p.gap) for p in group) / len(group) if group else math.nan,
        pearson=pearson(ours, theirs) if len(group) > 1 else math.nan,
        qwk=qwk(_grid(ours), _grid(theirs)) if group else math.nan,
    )


def confusion(found: Sequence[Pair]) -> tuple[tuple[float, ...], tuple[tuple[int, ...], ...]]:
    """Counts of (our mark, their mark), both rounded to half marks; rows are ours."""
    counts = Counter((_levels(p.ours), _levels(p.theirs)) for p in found)
    levels = tuple(sorted({a for a, _ in counts} | {b for _, b in counts}))
    return levels, tuple(tuple(counts[(a, b)] for b in levels) for a in levels)


def compare(
    exam: Exam, grades: Iterable[PartGrade], rows: Iterable[GradedAnswer], *, worst: int = 10
) -> Comparison:
    """Everything `gradewise evaluate --human` shows."""
    found, unmatched = pairs(exam, grades, rows)
    by_part: dict[str, list[Pair]] = defaultdict(list)
    for p in found:
        by_part[p.address].append(p)
    order = [p.address for p in exam.parts() if p.address in by_part]
    ranked = sorted(found, key=lambda p: (-abs(p.gap) / p.marks, p.address, p.student))
    return Comparison(
        parts=tuple(summarise(a, by_part[a]) for a in order),
        overall=summarise("all", found),
        confusion=confusion(found),
        worst=tuple(p for p in ranked[:worst] if abs(p.gap) > 1e-9),
        unmatched=tuple(unmatched),
    )
