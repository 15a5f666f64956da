"""Verdicts → part scores → section rules → totals.

The rules, in order:
- a criterion contributes `marks × fraction` when decided (met, partial, or not met with a
  negative fraction under negative marking); a met verdict with no fraction counts in full;
- of an exclusive `group`, only the first criterion (rubric order) that is met or partial counts;
- the base is 0, except for a pure deduction rubric (every criterion negative): then it is the
  part's marks and met criteria deduct;
- a verdict that is needs_review or error flags the part for review; so does a verdict less
  confident than the part's `review_below`. The part's auto score is then the machine's
  proposal: a decided verdict counts as above, a needs_review verdict counts its fraction (the
  mark a checker or judge proposes, e.g. for the options a prose answer names; 0 when it
  proposes none), an error counts nothing;
- free text judged as a whole (no rubric) earns `marks × fraction` (proposed, when in review);
- the part score is clamped to [0, marks], whatever any checker returned; so is a hand mark
  above a part's marks lowered since (`capped` lists those, for the CLI and the review page);
- a section rule `best: k` keeps the k best question totals of that section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gradewise.model import Criterion, Exam, Part, PartGrade, Result, Script, Status, Verdict


def score_part(part: Part, verdicts: Sequence[Verdict]) -> tuple[float, bool]:
    """The auto score of one part and whether it needs a human.

    A verdict less sure than the part's `review_below` threshold also sends it to review (its
    score still counts, as the machine's proposal); a needs_review verdict's fraction counts
    the same way.
    """
    by_id = {v.criterion: v for v in verdicts}
    unsure = any(v.confidence < part.review_below for v in verdicts)
    if not part.criteria:  # free text judged as a whole
        whole = by_id.get("part")
        if whole is None or not _counts(whole):
            return 0.0, True
        review = unsure or not whole.status.decided
        return clamp(part.marks * _fraction(whole), 0.0, part.marks), review
    criteria = part.criteria
    needs_review = unsure or any(not v.status.decided for v in verdicts)
    needs_review = needs_review or any(c.id not in by_id for c in criteria)
    base = part.marks if all(c.marks < 0 for c in criteria) else 0.0
    total = base + sum(_contributions(criteria, by_id))
    return clamp(total, 0.0, part.marks), needs_review


def _counts(verdict: Verdict) -> bool:
    """Decided verdicts count, and so does a needs_review one: its fraction is a proposal."""
    return verdict.status.decided or verdict.status is Status.NEEDS_REVIEW


def _takes_group(verdict: Verdict) -> bool:
    """Met or partial takes its group; a proposal only when it proposes some marks."""
    if verdict.status is Status.NEEDS_REVIEW:
        return verdict.fraction > 0
    return verdict.status is not Status.NOT_MET


def _fraction(verdict: Verdict) -> float:
    """A met verdict with no fraction counts in full."""
    if verdict.status is Status.MET and verdict.fraction == 0:
        return 1.0
    return verdict.fraction


def _contributions(criteria: Iterable[Criterion], by_id: Mapping[str, Verdict]) -> Iterable[float]:
    return (c.marks * _fraction(v) for c, v in counted(criteria, by_id))


def counted(
    criteria: Iterable[Criterion], by_id: Mapping[str, Verdict]
) -> Iterable[tuple[Criterion, Verdict]]:
    """The criteria whose verdicts count towards the part's score, in rubric order: of an
    exclusive group only the first that is met, partial or proposing some marks."""
    used_groups: set[str] = set()
    for criterion in criteria:
        verdict = by_id.get(criterion.id)
        if verdict is None or not _counts(verdict):
            continue
        if criterion.group is not None:
            if not _takes_group(verdict) or criterion.group in used_groups:
                continue
            used_groups.add(criterion.group)
        yield criterion, verdict


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def results(exam: Exam, grades: Iterable[PartGrade], scripts: Iterable[Script]) -> list[Result]:
    """Per-student totals after section rules; parts with no grade yet count 0 and are pending."""
    by_student: dict[str, dict[str, PartGrade]] = {}
    for grade in grades:
        by_student.setdefault(grade.student, {})[grade.address] = grade
    return [_result(exam, s, by_student.get(s.student, {})) for s in scripts]


def skipped(exam: Exam, grades: Mapping[str, PartGrade]) -> set[str]:
    """Parts of optional questions one student rightly left out: nothing to review there.

    In a `best: k` section, a question with no answer in any of its parts is skipped when the
    student answered at least k other questions of that section.
    """
    out: set[str] = set()
    for section in exam.sections:
        if section.rule.best is None:
            continue
        blank = [
            q for q in section.questions if all(_blank(grades.get(p.address)) for p in q.parts)
        ]
        if len(section.questions) - len(blank) >= section.rule.best:
            out.update(p.address for q in blank for p in q.parts)
    return out


def _blank(grade: PartGrade | None) -> bool:
    return grade is None or (grade.unanswered and grade.manual_score is None)


def _result(exam: Exam, script: Script, grades: Mapping[str, PartGrade]) -> Result:
    parts: dict[str, float] = {}
    pending: list[str] = []
    counted: list[str] = []
    total = 0.0
    left_out = skipped(exam, grades)
    for section in exam.sections:
        question_totals = []
        for question in section.questions:
            q_total = 0.0
            for part in question.parts:
                grade = grades.get(part.address)
                score = clamp(grade.score, 0.0, part.marks) if grade else 0.0
                parts[part.address] = score
                q_total += score
                if (grade is None or grade.pending) and part.address not in left_out:
                    pending.append(part.address)
            question_totals.append((q_total, f"{section.id}.{question.id}"))
        kept = _best(question_totals, section.rule.best)
        counted.extend(qid for _, qid in kept)
        total += sum(score for score, _ in kept)
    return Result(
        script.student,
        script.name,
        round(total, 6),
        exam.marks,
        parts,
        tuple(counted),
        tuple(pending),
    )


def _best(totals: list[tuple[float, str]], best: int | None) -> list[tuple[float, str]]:
    if best is None:
        return totals
    # Stable: ties keep exam order, so the same scripts always count the same questions.
    ranked = sorted(enumerate(totals), key=lambda item: (-item[1][0], item[0]))
    keep = sorted(index for index, _ in ranked[:best])
    return [totals[i] for i in keep]


@dataclass(frozen=True)
class Capped:
    """Hand marks above their part's marks (the exam's marks were lowered after marking): each
    counts as the part's marks until a human marks it again."""

    address: str
    marks: float
    marked: tuple[tuple[str, float], ...]  # (student, hand mark), by student

    def line(self) -> str:
        """One line for the CLI: the part, how many, and each student's mark → the cap."""
        n = len(self.marked)
        each = ", ".join(f"{s} {m:g}→{self.marks:g}" for s, m in self.marked)
        return (
            f"{self.address}: {n} hand mark{'' if n == 1 else 's'} above the part's"
            f" {self.marks:g} marks (capped): {each}"
        )


def capped(exam: Exam, grades: Iterable[PartGrade]) -> list[Capped]:
    """The parts, in exam order, where a hand mark is above the part's marks."""
    above: dict[str, list[tuple[str, float]]] = {}
    parts = {p.address: p for p in exam.parts()}
    for g in grades:
        part = parts.get(g.address)
        total = None if part is None else hand_total(part, g)
        if part is not None and total is not None and total > part.marks:
            above.setdefault(g.address, []).append((g.student, total))
    return [Capped(a, parts[a].marks, tuple(sorted(above[a]))) for a in parts if a in above]


def hand_total(part: Part, grade: PartGrade) -> float | None:
    """A hand mark before clamping: its items' current marks plus its adjustment (None: no
    hand mark). Above the part's marks, the mark is capped."""
    if grade.mark is not None:
        return grade.mark.total(part)
    return grade.manual_score
