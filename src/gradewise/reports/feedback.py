"""Per-student feedback pages: one self-contained HTML file per student.

What a student sees, and what never reaches them:
- shown: each part's prompt, marks, score, their own answer (math as MathML), every rubric
  criterion met or missed with the checker's reason and the quoted evidence; when a grader
  marked it, the rubric items they applied, their adjustment with its reason and their comment
  (the audit log's "why" is the graders' own and is never shown); the student's regrade
  requests for the part, each with its answer (or "open");
- with scans (`export feedback --with-scans`): under each answer, the image of the student's
  own page it was read from (as the review page shows it), embedded as a data: URL so the file
  needs nothing beside it; only images given for this student are ever placed;
- never shown: grader guidance, the reference answer, other students' data, and model internals
  (`produced_by`, confidences, judge similarity figures, checker failures). A judged verdict's
  reason is replaced by a neutral phrase, since it speaks of the model, not of the answer;
- when a grader's plain mark differs from the automatic one, the automatic verdicts are left
  out: they would contradict the mark the student actually got.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from gradewise.errors import GradewiseError
from gradewise.model import (
    Answer,
    Exam,
    ManualMark,
    Part,
    PartGrade,
    Question,
    Regrade,
    Result,
    Section,
    Status,
    Verdict,
)
from gradewise.reports import mathml, mathsvg
from gradewise.reports.html import environment

JUDGED = "assessed against the model answer"
WAITING = "waiting for a grader"
_STEM = 80  # characters of a page name's stem: well inside every file system's limit
# Names Windows keeps for devices, whatever follows a dot: `CON.html` cannot be made there.
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10))}


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
    note: str = ""  # a plain mark's reason
    adjustment: float = 0.0  # on top of the items a grader applied
    reason: str = ""  # the adjustment's
    comment: str = ""  # the grader's, to the student
    by_grader: bool = False
    pending: bool = False
    unanswered: bool = False
    regrades: tuple[tuple[str, str | None], ...] = ()  # (the student's request, its answer)
    scan: str = field(default="", repr=False)  # the page as a data: URL; "" when none


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
    # Regrade requests on parts deleted from the exam since: (address, request, answer).
    withdrawn: tuple[tuple[str, str, str | None], ...] = ()


def build(
    exam: Exam,
    result: Result,
    grades: Iterable[PartGrade],
    answers: Iterable[Answer],
    regrades: Iterable[Regrade] = (),
    scans: Mapping[tuple[str, str], bytes] | None = None,
) -> StudentFeedback:
    """One student's feedback; only this student's grades, answers, regrade requests and page
    images (`scans`: PNG by (student, part address)) are read."""
    mine = {g.address: g for g in grades if g.student == result.student}
    texts = {a.address: a.text for a in answers if a.student == result.student}
    images = {a: _data_url(png) for (s, a), png in (scans or {}).items() if s == result.student}
    asked: dict[str, tuple[tuple[str, str | None], ...]] = {}
    for r in regrades:
        if r.student == result.student:
            asked[r.address] = (*asked.get(r.address, ()), (r.why, r.answer))
    sections = tuple(
        _section(s, result, mine, texts, asked, images) for s in exam.sections if s.questions
    )
    return StudentFeedback(
        result.student,
        result.name,
        exam.title,
        result.total,
        result.max_total,
        sections,
        bool(result.pending),
        _withdrawn(exam, asked),
    )


def _withdrawn(
    exam: Exam, asked: Mapping[str, tuple[tuple[str, str | None], ...]]
) -> tuple[tuple[str, str, str | None], ...]:
    """The requests on parts no longer in the exam: the student still reads their answers."""
    there = {p.address for p in exam.parts()}
    return tuple(
        (address, why, answer)
        for address, pairs in asked.items()
        if address not in there
        for why, answer in pairs
    )


def _section(
    section: Section,
    result: Result,
    grades: Mapping[str, PartGrade],
    texts: Mapping[str, str],
    asked: Mapping[str, tuple[tuple[str, str | None], ...]],
    images: Mapping[str, str],
) -> SectionFeedback:
    rule = f"the best {section.rule.best} questions count" if section.rule.best else ""
    parts = tuple(
        (
            replace(
                _part(q, p, grades.get(p.address), texts.get(p.address, "")),
                regrades=asked.get(p.address, ()),
                scan=images.get(p.address, ""),
            ),
            f"{section.id}.{q.id}" in result.counted_questions,
        )
        for q in section.questions
        for p in q.parts
    )
    return SectionFeedback(section.title, rule, parts)


def _part(question: Question, part: Part, grade: PartGrade | None, answer: str) -> PartFeedback:
    mark = grade.mark if grade is not None else None
    blank = grade is not None and grade.unanswered and not grade.pending  # nothing to itemise
    marked = PartFeedback(
        title=_title(question, part),
        prompt=part.prompt,
        marks=part.marks,
        score=grade.score if grade else 0.0,
        answer=answer,
        criteria=_criteria(part, grade) if grade and not blank else (),
        pending=grade is None or grade.pending,
        unanswered=not answer.strip(),
    )
    if mark is None or grade is None:
        return marked
    return _by_grader(marked, part, grade, mark)


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _by_grader(found: PartFeedback, part: Part, grade: PartGrade, mark: ManualMark) -> PartFeedback:
    """What a grader's mark shows: the items they applied, or for a plain mark its reason (and
    the automatic verdicts only where they agree with it); the adjustment and the comment."""
    if mark.by_items:
        applied = set(mark.items)
        criteria = tuple(_applied(c.text, c.marks, c.id in applied) for c in part.criteria)
        note, reason = "", mark.reason
    else:
        agreed = grade.manual_score == grade.auto_score
        criteria, note, reason = found.criteria if agreed else (), mark.reason, ""
    return replace(
        found,
        criteria=criteria,
        note=note,
        adjustment=mark.adjustment if mark.by_items else 0.0,
        reason=reason,
        comment=mark.comment,
        by_grader=True,
    )


def _applied(text: str, marks: float, applied: bool) -> CriterionFeedback:
    if marks < 0:
        return CriterionFeedback(text, marks, "deducted" if applied else "not deducted")
    return CriterionFeedback(text, marks, "met" if applied else "missed")


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
    """A file name for a student id, safe on every file system and unique per id.

    An id that is already safe is its own name (`s123.html`). Any other gets a safe stem plus
    8 hex digits of the exact id's SHA-256, so `a~b` and `a:b` do not both become `a_b.html`.
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in student).strip(".")
    if safe == student and len(safe) <= _STEM and safe.split(".")[0].upper() not in _DEVICES:
        return f"{safe}.html"
    digest = hashlib.sha256(student.encode("utf-8")).hexdigest()[:8]
    return f"{safe[:_STEM] or 'student'}-{digest}.html"


def page_names(students: Iterable[str]) -> dict[str, str]:
    """Every student's page name; a GradewiseError if two would share a file.

    Names are compared case-folded: on a case-insensitive file system (Windows, macOS) `Ab`
    and `ab` are one file, and one student's page would replace the other's.
    """
    names: dict[str, str] = {}
    taken: dict[str, str] = {}
    for student in students:
        name = page_name(student)
        other = taken.setdefault(name.casefold(), student)
        if other != student:
            raise GradewiseError(
                f"students {other!r} and {student!r} would share the feedback page {name}",
                fix="give one of them another id (or export each with --student into its own"
                " folder)",
            )
        names[student] = name
    return names


def build_all(
    exam: Exam,
    results: Sequence[Result],
    grades: Sequence[PartGrade],
    answers: Sequence[Answer],
    regrades: Sequence[Regrade] = (),
) -> list[StudentFeedback]:
    """Feedback for every student, each built from their own records only."""
    return [build(exam, r, grades, answers, regrades) for r in results]
