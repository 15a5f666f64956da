"""Gradebook tables: wide (a row per student), long (a row per student × part × criterion), and
the human's marks as graded answers (written in the `gradewise evaluate` CSV format by
`gradewise.measure.graded`, for a second grader or a benchmark)."""

from __future__ import annotations

from collections.abc import Iterable

from gradewise.model import Answer, Exam, GradedAnswer, Key, Part, PartGrade, Result
from gradewise.reports.csvfile import Cell


def wide(exam: Exam, results: Iterable[Result]) -> tuple[list[str], list[list[Cell]]]:
    """One row per student: a column per part, the total, the maximum and the pending parts."""
    addresses = [p.address for p in exam.parts()]
    header = ["student", "name", *addresses, "total", "max", "pending"]
    rows: list[list[Cell]] = [
        [
            r.student,
            r.name,
            *(r.parts.get(a, 0.0) for a in addresses),
            r.total,
            r.max_total,
            " ".join(r.pending),
        ]
        for r in results
    ]
    return header, rows


def long(exam: Exam, grades: Iterable[PartGrade]) -> tuple[list[str], list[list[Cell]]]:
    """One row per student × part × criterion, with the verdict and what produced it."""
    header = [
        "student",
        "part",
        "criterion",
        "criterion_text",
        "criterion_marks",
        "status",
        "fraction",
        "reason",
        "evidence",
        "produced_by",
        "part_auto",
        "part_manual",
        "part_score",
        "needs_review",
    ]
    parts = {p.address: p for p in exam.parts()}
    rows: list[list[Cell]] = []
    for grade in grades:
        part = parts.get(grade.address)
        texts = {c.id: (c.text, c.marks) for c in part.criteria} if part else {}
        for v in grade.verdicts:
            text, marks = texts.get(v.criterion, ("", 0.0))
            rows.append(
                [
                    grade.student,
                    grade.address,
                    v.criterion,
                    text,
                    marks,
                    str(v.status),
                    v.fraction,
                    v.reason,
                    v.evidence,
                    v.produced_by,
                    grade.auto_score,
                    "" if grade.manual_score is None else grade.manual_score,
                    grade.score,
                    int(grade.needs_review and grade.manual_score is None),
                ]
            )
    return header, rows


def graded_answers(
    exam: Exam, grades: Iterable[PartGrade], answers: Iterable[Answer], *, everything: bool = False
) -> list[GradedAnswer]:
    """The human's marks as graded answers (`everything`: every answer, current score).

    answer_id is `STUDENT:ADDRESS`, which `gradewise evaluate --human` matches back. Blank
    answers are left out: there is nothing to grade in them.
    """
    texts = {(a.student, a.address): a.text for a in answers}
    parts = {p.address: p for p in exam.parts()}
    rows: list[GradedAnswer] = []
    for g in grades:
        text = texts.get((g.student, g.address), "")
        part = parts.get(g.address)
        if part is None or not text.strip() or (g.manual_score is None and not everything):
            continue
        reference = " || ".join(r for r in [part.reference, *_criteria_texts(part)] if r)
        rows.append(
            GradedAnswer(
                dataset=exam.id,
                split="all",
                question_id=g.address,
                question=part.prompt,
                reference=reference,
                answer_id=f"{g.student}:{g.address}",
                answer=text,
                score=g.score,
                max_score=part.marks,
            )
        )
    return rows


def _criteria_texts(part: Part) -> list[str]:
    """What each criterion asks for, as a reference answer: a keyed part with no rubric has
    one criterion ("correct final answer"), whose text says nothing of the answer, so its key."""
    if part.key is not None and not part.rubric:
        return [key_text(part.key)]
    return [c.text for c in part.criteria]


def key_text(key: Key) -> str:
    """A key as a reference answer reads it: `0.8`, `[3, 3]`, `2.5 (±0.01)`, `false`,
    `b (interquartile range)`; another kind's `value` as written."""
    params = key.params
    if key.kind == "choice":
        options = params.get("options")
        named = options if isinstance(options, dict) else {}
        correct = params.get("correct") or []
        return ", ".join(f"{c} ({named[c]})" if named.get(c) else str(c) for c in correct)
    if key.kind == "truefalse":
        return "true" if params.get("value") else "false"
    text = str(params.get("value", ""))
    tol = params.get("tol") or {}
    if tol.get("abs"):
        text += f" (±{tol['abs']:g})"
    elif tol.get("rel"):
        text += f" (±{tol['rel']:.0%})"
    return text
