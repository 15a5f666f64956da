"""Per-student feedback pages: one self-contained HTML file per student.

What a student sees, and what never reaches them:
- shown: each part's prompt, marks, score, their own answer (math as MathML), every rubric
  criterion met or missed with the checker's reason and the quoted evidence, and the grader's
  note when a grader set the mark;
- never shown: grader guidance, the reference answer, other students' data, and model internals
  (`produced_by`, confidences, judge similarity figures, checker failures). A judged verdict's
  reason is replaced by a neutral phrase, since it speaks of the model, not of the answer;
- when a grader's mark differs from the automatic one, the automatic verdicts are left out:
  they would contradict the mark the student actually got.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from gradewise.errors import GradewiseError
from gradewise.model import (
    Answer,
    Event,
    Exam,
    Part,
    PartGrade,
    Question,
    Result,
    Section,
    Status,
    Verdict,
)
from gradewise.reports import mathml, mathsvg
from gradewise.reports.html import environment

# Audit-event kind of a manual mark (store.set_manual).
GRADE_SET = "grade.set"
JUDGED = "assessed against the model answer"
WAITING = "waiting for a grader"


@dataclass(frozen=True)
class CriterionFeedback:
    """One rubric line as the student sees it."""

    text: str
    marks: float
    outcome: str  # met, missed, partly met, deducted, not deducted, waiting for a grader
    reason: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class PartFeedback:
    title: str
    prompt: str  # as written: Markdown text with LaTeX, rendered when the page is
    marks: float
    score: float
    answer: str
    criteria: tuple[CriterionFeedback, ...]
    note: str = ""
    by_grader: bool = False
    pending: bool = False
    unanswered: bool = False


@dataclass(frozen=True)
class SectionFeedback:
    title: str
    rule: str
    parts: tuple[tuple[PartFeedback, bool], ...]  # (part, whether its question counts)


@dataclass(frozen=True)
class StudentFeedback:
    student: str
    name: str
    exam_title: str
    total: float
    max_total: float
    sections: tuple[SectionFeedback, ...]
    incomplete: bool


def manual_notes(events: Iterable[Event]) -> dict[tuple[str, str], str]:
    """(student, part) → the reason given with the latest manual mark still in force."""
    notes: dict[tuple[str, str], str] = {}
    for e in events:
        if e.kind != GRADE_SET:
            continue
        if e.new is None:  # the mark was cleared: its note goes with it
            notes.pop((e.student, e.address), None)
        else:
            notes[(e.student, e.address)] = e.why
    return notes


def build(
    exam: Exam,
    result: Result,
    grades: Iterable[PartGrade],
    answers: Iterable[Answer],
    notes: Mapping[tuple[str, str], str],
) -> StudentFeedback:
    """One student's feedback; only this student's grades, answers and notes are read."""
    mine = {g.address: g for g in grades if g.student == result.student}
    texts = {a.address: a.text for a in answers if a.student == result.student}
    own_notes = {a: n for (s, a), n in notes.items() if s == result.student}
    sections = tuple(
        _section(s, result, mine, texts, own_notes) for s in exam.sections if s.questions
    )
    return StudentFeedback(
        result.student,
        result.name,
        exam.title,
        result.total,
        result.max_total,
        sections,
        bool(result.pending),
    )


def _section(
    section: Section,
    result: Result,
    grades: Mapping[str, PartGrade],
    texts: Mapping[str, str],
    notes: Mapping[str, str],
) -> SectionFeedback:
    rule = f"the best {section.rule.best} questions count" if section.rule.best else ""
    parts = tuple(
        (
            _part(q, p, grades.get(p.address), texts.get(p.address, ""), notes.get(p.address, "")),
            f"{section.id}.{q.id}" in result.counted_questions,
        )
        for q in section.questions
        for p in q.parts
    )
    return SectionFeedback(section.title, rule, parts)


def _part(
    question: Question, part: Part, grade: PartGrade | None, answer: str, note: str
) -> PartFeedback:
    by_grader = grade is not None and grade.manual_score is not None
    # A grader's different mark makes the automatic verdicts misleading: leave them out.
    agreed = grade is not None and (not by_grader or grade.manual_score == grade.auto_score)
    criteria = _criteria(part, grade) if agreed and grade else ()
    return PartFeedback(
        title=_title(question, part),
        prompt=part.prompt,
        marks=part.marks,
        score=grade.score if grade else 0.0,
        answer=answer,
        criteria=criteria,
        note=note if by_grader else "",
        by_grader=by_grader,
        pending=grade is None or grade.pending,
        unanswered=not answer.strip(),
    )


def _title(question: Question, part: Part) -> str:
    if len(question.parts) == 1 and part.label == question.id:
        return f"Question {question.id}"
    return f"Question {question.id}({part.label})"


def _criteria(part: Part, grade: PartGrade) -> tuple[CriterionFeedback, ...]:
    by_id = {v.criterion: v for v in grade.verdicts}
    if not part.criteria:  # free text judged as a whole
        whole = by_id.get("part")
        return (_line("the answer as a whole", part.marks, whole, judged=True),) if whole else ()
    return tuple(
        _line(c.text, c.marks, by_id.get(c.id), judged=c.check is None) for c in part.criteria
    )


def _line(text: str, marks: float, verdict: Verdict | None, *, judged: bool) -> CriterionFeedback:
    if verdict is None or not verdict.status.decided:
        return CriterionFeedback(text, marks, WAITING)
    reason = JUDGED if judged else verdict.reason
    return CriterionFeedback(text, marks, _outcome(verdict.status, marks), reason, verdict.evidence)


def _outcome(status: Status, marks: float) -> str:
    if marks < 0:  # a deduction: "met" means the mistake was found
        return "deducted" if status is not Status.NOT_MET else "not deducted"
    return {Status.MET: "met", Status.PARTIAL: "partly met"}.get(status, "missed")


def render(feedback: StudentFeedback) -> str:
    """The feedback page: one HTML file with its style inline and nothing fetched; math as
    MathML, which browsers draw natively."""
    return environment().get_template("feedback.html").render(fb=feedback, math=mathml.render)


def print_page(feedback: StudentFeedback) -> str:
    """The feedback page for print: math as SVG images (the PDF renderer has no MathML)."""

    def math(text: str) -> Markup:
        return mathml.render_with(text, mathsvg.to_svg)

    return environment().get_template("feedback.html").render(fb=feedback, math=math)


def render_pdf(feedback: StudentFeedback) -> bytes:
    """The feedback page as PDF, drawn by WeasyPrint (which needs Pango on the machine)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # WeasyPrint loads Pango through cffi when imported
        raise GradewiseError(
            f"cannot make PDFs: {exc}",
            fix="install Pango (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
            " or export HTML only",
        ) from None
    # Only data: URLs (the formulas) are fetched: a page never reaches the disk or the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=print_page(feedback), url_fetcher=fetcher).write_pdf())


def page_name(student: str) -> str:
    """A file name for a student id that is safe on every file system."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in student)
    return f"{safe.strip('.') or 'student'}.html"


def build_all(
    exam: Exam,
    results: Sequence[Result],
    grades: Sequence[PartGrade],
    answers: Sequence[Answer],
    events: Iterable[Event],
) -> list[StudentFeedback]:
    """Feedback for every student, each built from their own records only."""
    notes = manual_notes(events)
    return [build(exam, r, grades, answers, notes) for r in results]
