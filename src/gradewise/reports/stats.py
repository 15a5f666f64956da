"""Exam statistics: how the exam, its parts, its rubric and its automatic grading behaved.

Definitions (the report states them too):
- a part's scores count only for students who attempted its question: in a `best: k` section a
  question a student rightly left out is not a zero for that part;
- difficulty = mean score / marks (1 = everyone got full marks, so low means hard);
- discrimination = corrected item-total correlation: Pearson's r between the part's score and
  the student's total minus that part (minus it only where the question counted);
- Cronbach's alpha over the parts of sections every student answers (no `best` rule), since an
  optional question has no score for students who skipped it;
- a criterion's hit rate = share of decided verdicts that are met (partial counted apart); blank
  answers and skipped questions are left out, and the verdicts are the machine's;
- agreement compares a manual mark with the automatic score where the machine decided every
  criterion (otherwise it abstained: nothing to agree with);
- review workload comes from the audit log: answers given a manual mark, and how many changed;
  time saved = answers decided with no human × the graders' time per answer, the median gap
  between one grader's consecutive marks (gaps over 10 minutes are breaks); with fewer than
  five such gaps it is an assumed minute per answer, and the report says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from gradewise import metrics
from gradewise.model import Event, Exam, PartGrade, Result, Status
from gradewise.scoring import skipped

TOO_HARD = 0.3  # difficulty below this: most students lost most of the marks
LOW_DISCRIMINATION = 0.2  # item-rest correlation below this: the part does not separate students
LOW_AGREEMENT = 0.6  # share of manual marks equal to the automatic score below this
EPSILON = 1e-9
BREAK_S = 600.0  # a longer gap between one grader's marks is a break, not reviewing
ASSUMED_S = 60.0  # seconds per answer when the log has too few marks to measure it
MIN_GAPS = 5


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class PartStats:
    address: str
    marks: float
    n: int
    mean: float | None
    difficulty: float | None
    discrimination: float | None
    pending: int = 0  # answers still in review, left out of the figures


@dataclass(frozen=True)
class CriterionStats:
    address: str
    criterion: str
    text: str
    marks: float
    n: int
    met: int
    partial: int

    @property
    def hit_rate(self) -> float | None:
        return self.met / self.n if self.n else None


@dataclass(frozen=True)
class Agreement:
    address: str
    compared: int
    exact: int
    mean_abs_diff: float | None
    mean_diff: float | None  # manual − auto: positive means the machine was too harsh
    abstained: int

    @property
    def rate(self) -> float | None:
        return self.exact / self.compared if self.compared else None


@dataclass(frozen=True)
class Workload:
    answers: int
    automatic: int  # decided with no human and no review flag
    reviewed: int  # answers given a manual mark (audit log)
    changed: int  # manual mark in force that differs from the automatic score
    pending: int
    moves: int  # answer pieces reassigned to another part by a human
    reviewers: tuple[str, ...]
    seconds_per_answer: float  # a grader's time per answer: measured, or ASSUMED_S
    measured: bool  # whether seconds_per_answer comes from the audit log

    @property
    def hours_saved(self) -> float:
        """Grading time the automatic decisions spared, at the graders' pace."""
        return self.automatic * self.seconds_per_answer / 3600


@dataclass(frozen=True)
class ExamStats:
    students: int
    max_total: float
    mean_total: float | None
    histogram: tuple[Bin, ...]
    parts: tuple[PartStats, ...]
    alpha: float | None
    alpha_items: int
    criteria: tuple[CriterionStats, ...]
    agreement: tuple[Agreement, ...]
    workload: Workload


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than 3 pairs or when either side does not vary."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    if variance(xs) * len(xs) < EPSILON or variance(ys) * len(ys) < EPSILON:
        return None  # a part everyone scored alike: r is undefined, not 0
    return metrics.pearson(xs, ys)


def variance(values: Sequence[float]) -> float:
    """Population variance (alpha is a ratio of variances, so the divisor cancels)."""
    m = sum(values) / len(values)
    return sum((v - m) ** 2 for v in values) / len(values)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """alpha = k/(k−1) · (1 − Σ item variances / total variance); rows are students.

    None with fewer than 2 items or 2 students, or when totals do not vary.
    """
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    total_var = variance([sum(r) for r in rows])
    if total_var < EPSILON:
        return None
    item_var = sum(variance([r[i] for r in rows]) for i in range(k))
    return k / (k - 1) * (1 - item_var / total_var)


def histogram(totals: Sequence[float], maximum: float, bins: int = 10) -> tuple[Bin, ...]:
    """Equal-width bins over [0, maximum]; the last bin holds the maximum itself."""
    if maximum <= 0 or bins < 1:
        return ()
    width = maximum / bins
    counts = [0] * bins
    for t in totals:
        counts[min(bins - 1, max(0, int(t / width + EPSILON)))] += 1
    return tuple(Bin(i * width, (i + 1) * width, c) for i, c in enumerate(counts))


def _by_student(grades: Iterable[PartGrade]) -> dict[str, dict[str, PartGrade]]:
    out: dict[str, dict[str, PartGrade]] = {}
    for g in grades:
        out.setdefault(g.student, {})[g.address] = g
    return out


def _question_of(exam: Exam) -> dict[str, str]:
    return {
        p.address: f"{s.id}.{q.id}" for s in exam.sections for q in s.questions for p in q.parts
    }


def part_stats(
    exam: Exam, results: Sequence[Result], grades: Iterable[PartGrade]
) -> tuple[PartStats, ...]:
    """Mean, difficulty and discrimination of every part over the students who attempted it
    and whose answer is decided: an answer still in review has no score yet, only a proposal."""
    by_student = _by_student(grades)
    left_out = {s: skipped(exam, g) for s, g in by_student.items()}
    waiting = {(s, a) for s, g in by_student.items() for a, pg in g.items() if pg.pending}
    question = _question_of(exam)
    out = []
    for part in exam.parts():
        a = part.address
        attempted = [r for r in results if a not in left_out.get(r.student, set())]
        took = [r for r in attempted if (r.student, a) not in waiting]
        scores = [r.parts.get(a, 0.0) for r in took]
        rest = [
            r.total - (r.parts.get(a, 0.0) if question[a] in r.counted_questions else 0.0)
            for r in took
        ]
        m = mean(scores)
        difficulty = m / part.marks if m is not None and part.marks else None
        out.append(
            PartStats(
                a,
                part.marks,
                len(took),
                m,
                difficulty,
                pearson(scores, rest),
                pending=len(attempted) - len(took),
            )
        )
    return tuple(out)


def exam_alpha(exam: Exam, results: Sequence[Result]) -> tuple[float | None, int]:
    """Cronbach's alpha over the parts of sections without a `best` rule, and their count."""
    items = [
        p.address
        for s in exam.sections
        if s.rule.best is None
        for q in s.questions
        for p in q.parts
    ]
    rows = [[r.parts.get(a, 0.0) for a in items] for r in results]
    return cronbach_alpha(rows), len(items)


def criterion_hits(exam: Exam, grades: Iterable[PartGrade]) -> tuple[CriterionStats, ...]:
    """Per rubric criterion: decided verdicts, fully met and partly met (blanks left out)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for student_grades in _by_student(grades).values():
        left_out = skipped(exam, student_grades)
        for a, g in student_grades.items():
            if a in left_out or g.unanswered:
                continue
            for v in g.verdicts:
                if v.status.decided:
                    c = counts.setdefault((a, v.criterion), [0, 0, 0])
                    c[0] += 1
                    c[1] += v.status is Status.MET
                    c[2] += v.status is Status.PARTIAL
    out = []
    for part in exam.parts():
        for crit in part.criteria:
            n, met, partial = counts.get((part.address, crit.id), [0, 0, 0])
            out.append(
                CriterionStats(part.address, crit.id, crit.text, crit.marks, n, met, partial)
            )
    return tuple(out)


def agreement(exam: Exam, grades: Iterable[PartGrade]) -> tuple[Agreement, ...]:
    """Manual vs automatic score, per part that has manual marks."""
    diffs: dict[str, list[float]] = {}
    abstained: dict[str, int] = {}
    for g in grades:
        if g.manual_score is None:
            continue
        machine_decided = bool(g.verdicts) and all(v.status.decided for v in g.verdicts)
        if machine_decided:
            diffs.setdefault(g.address, []).append(g.manual_score - g.auto_score)
        else:
            abstained[g.address] = abstained.get(g.address, 0) + 1
    out = []
    for part in exam.parts():
        a = part.address
        d = diffs.get(a, [])
        if not d and not abstained.get(a):
            continue
        exact = sum(abs(x) < EPSILON for x in d)
        out.append(
            Agreement(a, len(d), exact, mean([abs(x) for x in d]), mean(d), abstained.get(a, 0))
        )
    return tuple(out)


def review_pace(events: Iterable[Event]) -> float | None:
    """Median seconds between one grader's consecutive marks (breaks left out); None when
    the log holds fewer than MIN_GAPS such gaps or its times cannot be read."""
    times: dict[str, list[datetime]] = {}
    try:
        for e in events:
            if e.kind == "grade.set":
                times.setdefault(e.who, []).append(datetime.fromisoformat(e.at))
    except ValueError:
        return None
    gaps = [
        gap
        for stamps in times.values()
        for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False)
        if 0 < (gap := (b - a).total_seconds()) <= BREAK_S
    ]
    return statistics.median(gaps) if len(gaps) >= MIN_GAPS else None


def workload(exam: Exam, grades: Sequence[PartGrade], events: Iterable[Event]) -> Workload:
    """Human review effort from the grades and the audit log."""
    events = list(events)
    pace = review_pace(events)
    marked = {(e.student, e.address) for e in events if e.kind == "grade.set"}
    left_out = {s: skipped(exam, g) for s, g in _by_student(grades).items()}
    pending = [g for g in grades if g.pending and g.address not in left_out[g.student]]
    return Workload(
        answers=len(grades),
        automatic=sum(1 for g in grades if g.manual_score is None and not g.needs_review),
        reviewed=len(marked),
        changed=sum(
            1
            for g in grades
            if g.manual_score is not None and abs(g.manual_score - g.auto_score) > EPSILON
        ),
        pending=len(pending),
        moves=sum(1 for e in events if e.kind == "segment.assign"),
        reviewers=tuple(sorted({e.who for e in events if e.kind == "grade.set"})),
        seconds_per_answer=pace if pace is not None else ASSUMED_S,
        measured=pace is not None,
    )


def compute(
    exam: Exam,
    results: Sequence[Result],
    grades: Sequence[PartGrade],
    events: Iterable[Event],
    *,
    bins: int = 10,
) -> ExamStats:
    """Every statistic of the report, from the workspace's results, grades and audit log."""
    totals = [r.total for r in results]
    alpha, items = exam_alpha(exam, results)
    return ExamStats(
        students=len(results),
        max_total=exam.marks,
        mean_total=mean(totals),
        histogram=histogram(totals, exam.marks, bins),
        parts=part_stats(exam, results, grades),
        alpha=alpha,
        alpha_items=items,
        criteria=criterion_hits(exam, grades),
        agreement=agreement(exam, grades),
        workload=workload(exam, grades, events),
    )


def worst(stats: ExamStats) -> list[str]:
    """One sentence per part that behaved badly: too hard, not discriminating, low agreement."""
    lines = []
    for p in sorted(stats.parts, key=lambda p: p.difficulty if p.difficulty is not None else 1):
        if p.difficulty is not None and p.difficulty < TOO_HARD:
            lines.append(
                f"{p.address} was too hard: students earned {p.difficulty:.0%} of its marks."
            )
    for p in stats.parts:
        if p.discrimination is not None and p.discrimination < LOW_DISCRIMINATION:
            lines.append(
                f"{p.address} does not discriminate: its correlation with the rest of the exam"
                f" is {p.discrimination:.2f}."
            )
    for ag in stats.agreement:
        if ag.rate is not None and ag.rate < LOW_AGREEMENT:
            lines.append(
                f"{ag.address}: graders changed the automatic score on"
                f" {ag.compared - ag.exact} of {ag.compared} answers they reviewed."
            )
    return lines


def by_part(items: Iterable[CriterionStats]) -> Mapping[str, list[CriterionStats]]:
    """Criterion statistics grouped by part, in exam order."""
    out: dict[str, list[CriterionStats]] = {}
    for c in items:
        out.setdefault(c.address, []).append(c)
    return out
