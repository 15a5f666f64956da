"""Exam statistics against values computed by hand on a four-student, three-part fixture.

Scores (A: 2 marks, B: 2, C: 1):   s1: 2 2 1 = 5   s2: 2 1 0 = 3   s3: 0 1 1 = 2   s4: 0 0 0 = 0
s2's B was 2 automatically, a grader set 1; s3's C was confirmed at 1; s4's A was in review
(the machine abstained) and a grader set 0.
"""

from __future__ import annotations

import math

import pytest

from gradewise.model import (
    Event,
    Exam,
    Key,
    Part,
    PartGrade,
    Question,
    Rule,
    Script,
    Section,
    Status,
    Verdict,
)
from gradewise.reports import stats
from gradewise.scoring import results

KEY = Key("numeric", {"value": 1})
EXAM = Exam(
    "t",
    "Tiny",
    (
        Section(
            "I",
            "All",
            tuple(
                Question(q, "", (Part(f"I.{q}", q, "", m, KEY),))
                for q, m in [("A", 2), ("B", 2), ("C", 1)]
            ),
        ),
    ),
)
SCRIPTS = [Script(s, s.upper(), "", "") for s in ("s1", "s2", "s3", "s4")]


def grade(
    student: str, part: str, status: Status, auto: float, manual: float | None = None
) -> PartGrade:
    fraction = {Status.MET: 1.0, Status.PARTIAL: 0.5}.get(status, 0.0)
    verdict = Verdict("key", status, fraction, "", produced_by="numeric@1")
    return PartGrade(student, f"I.{part}", auto, (verdict,), not status.decided, manual)


M, N, P, R = Status.MET, Status.NOT_MET, Status.PARTIAL, Status.NEEDS_REVIEW
GRADES = [
    grade("s1", "A", M, 2),
    grade("s1", "B", M, 2),
    grade("s1", "C", M, 1),
    grade("s2", "A", M, 2),
    grade("s2", "B", M, 2, manual=1),
    grade("s2", "C", N, 0),
    grade("s3", "A", N, 0),
    grade("s3", "B", P, 1),
    grade("s3", "C", M, 1, manual=1),
    grade("s4", "A", R, 0, manual=0),
    grade("s4", "B", N, 0),
    grade("s4", "C", N, 0),
]
EVENTS = [
    Event(1, "t", "ta", "grade.set", "s2", "I.B", None, "1", "method only"),
    Event(2, "t", "ta", "grade.set", "s3", "I.C", None, "1", "ok"),
    Event(3, "t", "prof", "grade.set", "s4", "I.A", None, "0", "blank"),
    Event(4, "t", "ta", "grade.set", "s2", "I.B", "1", "1", "checked again"),
    Event(5, "t", "ta", "segment.assign", "s3", "I.C", "I.B", "4:I.C", "mislabelled"),
]
RESULTS = results(EXAM, GRADES, SCRIPTS)
STATS = stats.compute(EXAM, RESULTS, GRADES, EVENTS, bins=5)


def test_totals_follow_the_manual_marks() -> None:
    assert [r.total for r in RESULTS] == [5, 3, 2, 0]


@pytest.mark.parametrize(
    "address, mean, difficulty, discrimination",
    [
        # A [2,2,0,0] vs rest [3,1,2,0]: Sxy 2, Sxx 4, Syy 5 → 2/√20
        ("I.A", 1.0, 0.5, 2 / math.sqrt(20)),
        # B [2,1,1,0] vs rest [3,2,1,0]: Sxy 3, Sxx 2, Syy 5 → 3/√10
        ("I.B", 1.0, 0.5, 3 / math.sqrt(10)),
        # C [1,0,1,0] vs rest [4,3,1,0]: Sxy 1, Sxx 1, Syy 10 → 1/√10
        ("I.C", 0.5, 0.5, 1 / math.sqrt(10)),
    ],
)
def test_part_statistics(
    address: str, mean: float, difficulty: float, discrimination: float
) -> None:
    [part] = [p for p in STATS.parts if p.address == address]
    assert part.n == 4
    assert part.mean == pytest.approx(mean)
    assert part.difficulty == pytest.approx(difficulty)
    assert part.discrimination == pytest.approx(discrimination)


def test_cronbach_alpha() -> None:
    # item variances 1 + 0.5 + 0.25 = 1.75; total variance 13/4; 3/2 · (1 − 1.75/3.25) = 9/13
    assert STATS.alpha == pytest.approx(9 / 13) and STATS.alpha_items == 3


def test_histogram() -> None:
    # totals 5, 3, 2, 0 in five bins of width 1; the maximum 5 falls in the last bin
    assert [b.count for b in STATS.histogram] == [1, 0, 1, 1, 1]
    assert (STATS.histogram[-1].low, STATS.histogram[-1].high) == (4, 5)


@pytest.mark.parametrize(
    "address, n, met, partial, rate",
    [
        ("I.A", 3, 2, 0, 2 / 3),  # s4's verdict waits for review: not decided, left out
        ("I.B", 4, 2, 1, 0.5),  # the machine's verdicts, whatever the grader set later
        ("I.C", 4, 2, 0, 0.5),  # every verdict decided
    ],
)
def test_criterion_hit_rates(address: str, n: int, met: int, partial: int, rate: float) -> None:
    [c] = [c for c in STATS.criteria if c.address == address]
    assert (c.criterion, c.n, c.met, c.partial) == ("key", n, met, partial)
    assert c.hit_rate == pytest.approx(rate)


@pytest.mark.parametrize(
    "address, compared, exact, mean_abs, mean_diff, abstained",
    [
        ("I.A", 0, 0, None, None, 1),  # the machine abstained (needs_review): nothing to compare
        ("I.B", 1, 0, 1.0, -1.0, 0),  # auto 2, manual 1: the machine was too generous
        ("I.C", 1, 1, 0.0, 0.0, 0),  # the grader confirmed the automatic mark
    ],
)
def test_agreement(
    address: str,
    compared: int,
    exact: int,
    mean_abs: float | None,
    mean_diff: float | None,
    abstained: int,
) -> None:
    [a] = [a for a in STATS.agreement if a.address == address]
    assert (a.compared, a.exact, a.abstained) == (compared, exact, abstained)
    assert (a.mean_abs_diff, a.mean_diff) == (mean_abs, mean_diff)


def test_workload_from_the_audit_log() -> None:
    w = STATS.workload
    # 12 answers, 3 with manual marks; s2's B was marked twice but is one answer reviewed
    assert (w.answers, w.automatic, w.reviewed, w.changed, w.pending) == (12, 9, 3, 1, 0)
    assert (w.moves, w.reviewers) == (1, ("prof", "ta"))
    # the fixture's times are not timestamps: the pace is assumed, a minute per answer
    assert (w.seconds_per_answer, w.measured) == (60.0, False)
    assert w.hours_saved == pytest.approx(9 * 60 / 3600)


def _marks(who: str, *offsets: int) -> list[Event]:
    return [
        Event(
            i,
            f"2026-12-01T10:{t // 60:02d}:{t % 60:02d}+00:00",
            who,
            "grade.set",
            "s",
            "p",
            None,
            "1",
            "",
        )
        for i, t in enumerate(offsets)
    ]


@pytest.mark.parametrize(
    "events, expected",
    [
        (_marks("ta", 0, 30, 60, 90, 120, 150), 30.0),  # steady: 30 s per answer
        (_marks("ta", 0, 20, 40, 60, 80, 3000), None),  # 4 gaps once the break is left out
        (_marks("ta", 0, 10, 20, 30, 40, 1000, 1040), 10.0),  # a 16-minute break is not work
        (_marks("ta", 0, 40, 80) + _marks("tb", 0, 20, 40, 60), 20.0),  # per grader, pooled
        (_marks("ta", 0, 30, 60, 90, 120)[::-1] + _marks("ta", 150), 30.0),  # log order ignored
        ([Event(1, "yesterday", "ta", "grade.set", "s", "p", None, "1", "")] * 6, None),  # bad
    ],
)
def test_review_pace(events: list[Event], expected: float | None) -> None:
    assert stats.review_pace(events) == expected


def test_worst_parts_summary() -> None:
    lines = stats.worst(STATS)
    # B: 0 of 1 reviewed answers kept the automatic score; nothing too hard, r all above 0.2
    assert lines == ["I.B: graders changed the automatic score on 1 of 1 answers they reviewed."]


@pytest.mark.parametrize(
    "xs, ys, expected",
    [
        ([1, 2, 3], [2, 4, 6], 1.0),  # perfectly correlated
        ([1, 2, 3], [3, 2, 1], -1.0),  # perfectly anti-correlated
        ([1, 1, 1], [1, 2, 3], None),  # no variance: undefined, not 0
        ([1, 2], [1, 2], None),  # too few pairs
    ],
)
def test_pearson(xs: list[float], ys: list[float], expected: float | None) -> None:
    got = stats.pearson(xs, ys)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([[1, 1], [0, 0]], 1.0),  # two identical items: alpha 1
        ([[1, 0], [0, 1]], None),  # totals do not vary: undefined
        ([[1], [0]], None),  # a single item: undefined
    ],
)
def test_cronbach_alpha_edges(rows: list[list[float]], expected: float | None) -> None:
    got = stats.cronbach_alpha(rows)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_optional_question_counts_only_for_students_who_answered() -> None:
    def part(q: str) -> Part:
        return Part(f"II.{q}", q, "", 2, KEY)

    exam = Exam(
        "o",
        "Optional",
        (
            Section(
                "II",
                "Best one",
                (Question("X", "", (part("X"),)), Question("Y", "", (part("Y"),))),
                Rule(best=1),
            ),
        ),
    )
    blank = Verdict("key", Status.NEEDS_REVIEW, 0.0, "no answer", produced_by="segment")
    grades = [
        PartGrade("s1", "II.X", 2, (Verdict("key", M, 1.0, ""),), False),
        PartGrade("s1", "II.Y", 0, (blank,), True),  # s1 rightly skipped Y
        PartGrade("s2", "II.X", 0, (blank,), True),  # s2 rightly skipped X
        PartGrade("s2", "II.Y", 1, (Verdict("key", P, 0.5, ""),), False),
    ]
    computed = stats.compute(exam, results(exam, grades, SCRIPTS[:2]), grades, [])
    assert [(p.address, p.n, p.mean) for p in computed.parts] == [
        ("II.X", 1, 2.0),
        ("II.Y", 1, 1.0),
    ]
    assert computed.alpha is None and computed.alpha_items == 0  # no compulsory section
    assert computed.workload.pending == 0  # skipped questions wait for nobody


def test_answers_in_review_are_left_out_of_the_part_figures() -> None:
    # s4's B goes back to review: B's figures are over s1..s3 only (2, 1, 1 of 2 marks)
    waiting = [g for g in GRADES if (g.student, g.address) != ("s4", "I.B")]
    waiting.append(grade("s4", "B", R, 0))
    parts = stats.part_stats(EXAM, results(EXAM, waiting, SCRIPTS), waiting)
    [b] = [p for p in parts if p.address == "I.B"]
    assert (b.n, b.pending) == (3, 1)
    assert b.mean == pytest.approx(4 / 3) and b.difficulty == pytest.approx(2 / 3)
