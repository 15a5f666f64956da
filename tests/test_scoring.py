"""Scoring truth tables: verdicts → part score, and section rules → totals."""

from __future__ import annotations

import pytest

from gradewise.model import (
    Criterion,
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
from gradewise.scoring import capped, results, score_part

M, N, P, R, E = Status.MET, Status.NOT_MET, Status.PARTIAL, Status.NEEDS_REVIEW, Status.ERROR
CHECK = Key("numeric", {"value": 1})


def crit(cid: str, marks: float, group: str | None = None) -> Criterion:
    return Criterion(cid, cid, marks, CHECK, group)


def part(marks: float, *criteria: Criterion) -> Part:
    return Part("I.1", "1", "", marks, rubric=criteria)


ADDITIVE = part(5, crit("a", 2), crit("b", 3))
DEDUCTIVE = part(5, crit("sign", -1), crit("units", -2))
GROUPED = part(4, crit("exact", 4, "g"), crit("near", 2, "g"), crit("bonus", 1))
MIXED = part(4, crit("w1", 2), crit("w2", 2), crit("flip", -1))


@pytest.mark.parametrize(
    "p, statuses, expected, review",
    [
        (ADDITIVE, {"a": M, "b": M}, 5, False),  # all met: full marks
        (ADDITIVE, {"a": M, "b": N}, 2, False),  # one met
        (ADDITIVE, {"a": N, "b": N}, 0, False),  # none met
        (ADDITIVE, {"a": M, "b": R}, 2, True),  # undecided contributes nothing, flags review
        (ADDITIVE, {"a": E, "b": M}, 3, True),  # a checker error flags review, never deducts
        (ADDITIVE, {"a": M}, 2, True),  # a criterion with no verdict at all: review
        (DEDUCTIVE, {"sign": N, "units": N}, 5, False),  # pure deduction: no mistake, full marks
        (DEDUCTIVE, {"sign": M, "units": N}, 4, False),  # one deduction
        (DEDUCTIVE, {"sign": M, "units": M}, 2, False),  # both deductions
        (GROUPED, {"exact": M, "near": M, "bonus": N}, 4, False),  # group: first met only
        (GROUPED, {"exact": N, "near": M, "bonus": N}, 2, False),  # group falls to the near miss
        (GROUPED, {"exact": M, "near": N, "bonus": M}, 4, False),  # clamp at part marks (4 + 1)
        (MIXED, {"w1": M, "w2": N, "flip": M}, 1, False),  # positive base 0, deduction applies
        (MIXED, {"w1": N, "w2": N, "flip": M}, 0, False),  # clamp at 0 below
    ],
)
def test_score_part(p: Part, statuses: dict[str, Status], expected: float, review: bool) -> None:
    verdicts = [Verdict(c, s, 0.0, "") for c, s in statuses.items()]
    assert score_part(p, verdicts) == (expected, review)


@pytest.mark.parametrize(
    "fraction, status, expected",
    [
        (0.5, P, 1.0),  # partial credit: marks × fraction
        (-0.5, N, 0.0),  # negative marking fraction, clamped at 0 for the part
        (1.0, M, 2.0),  # explicit full fraction
        (0.0, M, 2.0),  # met without a fraction counts in full
    ],
)
def test_fractions(fraction: float, status: Status, expected: float) -> None:
    p = part(2, crit("choice", 2))
    assert score_part(p, [Verdict("choice", status, fraction, "")])[0] == expected


@pytest.mark.parametrize(
    "p, verdicts, expected",
    [
        (part(2, crit("c", 2)), {"c": (R, 1.0)}, 2.0),  # a review verdict's fraction is proposed
        (part(2, crit("c", 2)), {"c": (R, 0.5)}, 1.0),  # ... in part
        (part(2, crit("c", 2)), {"c": (E, 1.0)}, 0.0),  # an error proposes nothing
        (ADDITIVE, {"a": (M, 1.0), "b": (R, 1.0)}, 5.0),  # beside a decided criterion
        (DEDUCTIVE, {"sign": (R, 1.0), "units": (N, 0.0)}, 4.0),  # a proposed deduction
        (GROUPED, {"exact": (R, 0.0), "near": (M, 1.0), "bonus": (N, 0.0)}, 2.0),  # 0 leaves group
        (GROUPED, {"exact": (R, 1.0), "near": (M, 1.0), "bonus": (N, 0.0)}, 4.0),  # first counts
    ],
)
def test_review_verdicts_propose_their_fraction(
    p: Part, verdicts: dict[str, tuple[Status, float]], expected: float
) -> None:
    # The part still waits for a human; its auto score is the machine's proposal, which the
    # review page shows and which accepting the proposal keeps.
    got = [Verdict(c, s, f, "") for c, (s, f) in verdicts.items()]
    assert score_part(p, got) == (expected, True)


def test_text_part_judged_for_review_proposes_its_fraction() -> None:
    # Free text judged as a whole: a tentative judgement is proposed, not shown as 0.
    whole = Part("I.1", "1", "", 4)
    assert score_part(whole, [Verdict("part", R, 0.5, "")]) == (2.0, True)


def test_text_part_without_criteria_needs_review() -> None:
    # A part with neither key nor rubric cannot be decided automatically.
    assert score_part(Part("I.1", "1", "", 3), []) == (0.0, True)


def _exam() -> Exam:
    qs = tuple(
        Question(str(i), "", (Part(f"II.{i}", str(i), "", 10, key=CHECK),)) for i in range(1, 5)
    )
    short = Section("I", "", (Question("9", "", (Part("I.9", "9", "", 2, key=CHECK),)),))
    return Exam("x", "X", (short, Section("II", "", qs, Rule(best=3))))


@pytest.mark.parametrize(
    "scores, total, counted",
    [
        (
            {"I.9": 2, "II.1": 10, "II.2": 5, "II.3": 7, "II.4": 0},
            24,
            ("I.9", "II.1", "II.2", "II.3"),
        ),  # drops worst
        (
            {"I.9": 0, "II.1": 4, "II.2": 4, "II.3": 4, "II.4": 4},
            12,
            ("I.9", "II.1", "II.2", "II.3"),
        ),  # ties keep exam order
        ({"I.9": 1, "II.4": 9}, 10, ("I.9", "II.1", "II.2", "II.4")),  # unanswered count 0
    ],
)
def test_best_k_rule(scores: dict[str, float], total: float, counted: tuple[str, ...]) -> None:
    grades = [PartGrade("s1", a, s, (), False) for a, s in scores.items()]
    [result] = results(_exam(), grades, [Script("s1", "Ada", "", "")])
    assert (result.total, result.counted_questions, result.max_total) == (total, counted, 32)


def test_manual_score_wins_and_clears_pending() -> None:
    grades = [PartGrade("s1", "I.9", 0, (), True, manual_score=1.5)]
    [result] = results(_exam(), grades, [Script("s1", "", "", "")])
    assert result.parts["I.9"] == 1.5
    assert "I.9" not in result.pending


def _blank_grade(address: str) -> PartGrade:
    verdict = Verdict("key", R, 0.0, "no answer found", produced_by="segment")
    return PartGrade("s1", address, 0.0, (verdict,), True)


@pytest.mark.parametrize(
    "answered, pending",
    [
        (("II.1", "II.2", "II.3"), ()),  # answered 3 of 4 in a best-3 section: II.4 rightly skipped
        (("II.1", "II.2"), ("II.3", "II.4")),  # only 2 answered: the blanks may be missed answers
        (("II.1", "II.2", "II.3", "II.4"), ()),  # all answered, nothing pending
    ],
)
def test_skipped_optional_questions_are_not_pending(
    answered: tuple[str, ...], pending: tuple[str, ...]
) -> None:
    grades = [PartGrade("s1", "I.9", 2, (), False)]
    for address in ("II.1", "II.2", "II.3", "II.4"):
        grades.append(
            PartGrade("s1", address, 5, (), False) if address in answered else _blank_grade(address)
        )
    [result] = results(_exam(), grades, [Script("s1", "", "", "")])
    assert result.pending == pending


@pytest.mark.parametrize(
    "marks, expected",
    [
        ({}, []),  # no hand marks
        ({"s1": 2.0, "s2": 1.0}, []),  # hand marks within the part's 2 marks
        ({"s1": 3.0, "s2": 1.0}, [("I.9", 2, (("s1", 3.0),))]),  # one above: capped to 2
        ({"s2": 2.5, "s1": 4.0}, [("I.9", 2, (("s1", 4.0), ("s2", 2.5)))]),  # by student
    ],
)
def test_hand_marks_above_the_part_are_found(
    marks: dict[str, float], expected: list[tuple[str, float, tuple[tuple[str, float], ...]]]
) -> None:
    grades = [PartGrade(s, "I.9", 0, (), True, manual_score=m) for s, m in marks.items()]
    grades.append(PartGrade("s3", "II.1", 9, (), False))  # an automatic score: never capped
    found = capped(_exam(), grades)
    assert [(c.address, c.marks, c.marked) for c in found] == expected


def test_capped_line_names_every_mark() -> None:
    [found] = capped(_exam(), [PartGrade("s1", "I.9", 0, (), True, manual_score=4.0)])
    assert found.line() == "I.9: 1 hand mark above the part's 2 marks (capped): s1 4→2"
