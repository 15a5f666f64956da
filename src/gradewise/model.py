"""Domain values: frozen dataclasses, no database ids inside.

This module imports nothing else of gradewise: every stage speaks in these values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What a check or judge concluded about one criterion."""

    MET = "met"
    NOT_MET = "not_met"
    PARTIAL = "partial"
    NEEDS_REVIEW = "needs_review"
    ERROR = "error"

    @property
    def decided(self) -> bool:
        """True when the status carries a mark; review and error wait for a human."""
        return self in (Status.MET, Status.NOT_MET, Status.PARTIAL)


@dataclass(frozen=True)
class Key:
    """What a right answer is, typed by `kind` (choice, truefalse, numeric, expression, ...).

    `params` holds the kind's own fields as written in the exam file (after the checker's
    validation); `where` says whether the check looks at the final answer or anywhere.
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    where: str = "final"


@dataclass(frozen=True)
class Criterion:
    """One rubric item: positive marks add, negative marks deduct."""

    id: str
    text: str
    marks: float
    check: Key | None = None
    group: str | None = None


@dataclass(frozen=True)
class Part:
    """The unit that gets a mark: a question's sub-part, or a question without parts."""

    address: str
    label: str
    prompt: str
    marks: float
    key: Key | None = None
    rubric: tuple[Criterion, ...] = ()
    reference: str = ""
    guidance: str = ""
    compute: str | None = None
    review_below: float = 0.8

    @property
    def kind(self) -> str:
        return self.key.kind if self.key else "text"

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The rubric; a keyed part without a rubric has one criterion: the key, full marks."""
        if self.rubric:
            return self.rubric
        if self.key is not None:
            return (
                Criterion(id="key", text="correct final answer", marks=self.marks, check=self.key),
            )
        return ()


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    parts: tuple[Part, ...]

    @property
    def marks(self) -> float:
        return sum(p.marks for p in self.parts)


@dataclass(frozen=True)
class Rule:
    """A section rule: `best` = only the best k questions count (None: all count)."""

    best: int | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    rule: Rule = Rule()

    @property
    def marks(self) -> float:
        """The most this section can contribute, after its rule."""
        totals = sorted((q.marks for q in self.questions), reverse=True)
        if self.rule.best is not None:
            totals = totals[: self.rule.best]
        return sum(totals)


@dataclass(frozen=True)
class Region:
    """Where a part's answer space lies on the blank paper: a page (from 1) and a box
    (x0, y0, x1, y1) in fractions of that page's width and height, from its top left."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Template:
    """The blank paper scans are aligned to: its file, the SHA-256 of each page's image (kept
    in the workspace's pages/) and each part's answer regions, in reading order."""

    source: str = ""
    pages: tuple[str, ...] = ()
    regions: Mapping[str, tuple[Region, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Exam:
    id: str
    title: str
    sections: tuple[Section, ...]
    schema_version: int = 1
    conventions: Mapping[str, Any] = field(default_factory=dict, hash=False)
    template: Template | None = None  # None: scans are segmented by the labels on them

    def parts(self) -> Iterator[Part]:
        for section in self.sections:
            for question in section.questions:
                yield from question.parts

    def part(self, address: str) -> Part:
        for p in self.parts():
            if p.address == address:
                return p
        raise KeyError(address)

    @property
    def marks(self) -> float:
        return sum(s.marks for s in self.sections)


@dataclass(frozen=True)
class Script:
    """One student's answer script, its text stored exactly as read."""

    student: str
    name: str
    source: str
    text: str


@dataclass(frozen=True)
class Answer:
    """The piece of a script that answers one part; span is (start, end) in the script text.

    `flag` explains anything segmentation was unsure of (e.g. "no label found for this part").
    """

    student: str
    address: str
    text: str
    spans: tuple[tuple[int, int], ...] = ()
    flag: str = ""


@dataclass(frozen=True)
class GradedAnswer:
    """An answer a human graded, as a graded-answers file holds it: what a judge that learns is
    fitted on (`Learner.fit`), what `gradewise evaluate` measures against, and what
    `gradewise export graded` writes. `reference` joins several references with ` || `."""

    dataset: str
    split: str
    question_id: str
    question: str
    reference: str
    answer_id: str
    answer: str
    score: float
    max_score: float
    label: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a checker concluded for one answer against one key.

    fraction: share of the criterion's marks earned (may be negative for negative marking;
    scoring clamps). evidence: (start, end) in the answer text of what was read.
    """

    status: Status
    fraction: float = 0.0
    reason: str = ""
    evidence: tuple[int, int] | None = None
    found: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class Verdict:
    """One criterion decided for one answer, with what produced it."""

    criterion: str
    status: Status
    fraction: float
    reason: str
    evidence: str = ""
    span: tuple[int, int] | None = None
    confidence: float = 1.0
    produced_by: str = ""


# `produced_by` of the verdict given when segmentation found no answer for a part.
NO_ANSWER_SOURCE = "segment"
# `Answer.flag` of a blank part in a script whose every piece went to some part: the student
# left it unanswered (0, decided), rather than segmentation missing an answer (review).
NOT_ANSWERED = "not answered"
# What a transcription writes for a word nobody could read: the answer goes to a human.
ILLEGIBLE = "[illegible]"
# `Answer.flag` words of an answer whose text may hold another part's answer, or lost its own to
# another part (segmentation read a mark two ways): it goes to a human, as the empty part does.
UNSURE_PLACE = "may hold the answer to"
# `Answer.flag` words of a script with a page whose text could not be read: every answer of
# it goes to a human (a missing answer may be on that page).
UNREAD_PAGE = "could not be read"


@dataclass(frozen=True)
class ManualMark:
    """A grader's decision on one answer: the rubric items applied, an adjustment with its
    reason, and a comment to the student.

    Its score is computed from the items' current marks (see `score`), so it follows rubric
    changes; a plain number is an adjustment with no items. `by_items` says the grader marked
    by items, so that an item left out was judged not to apply — also when none was applied
    (the answer earns no item), which a plain 0 does not say.
    """

    items: tuple[str, ...] = ()
    adjustment: float = 0.0
    reason: str = ""
    comment: str = ""
    by_items: bool = False

    def __post_init__(self) -> None:
        if self.items and not self.by_items:  # items applied: a mark by items, always
            object.__setattr__(self, "by_items", True)

    def total(self, part: Part) -> float:
        """The items' current marks plus the adjustment, before clamping (an item no longer
        in the rubric counts nothing; of an exclusive group, only the first in rubric order,
        should an edit of the rubric have grouped items applied together)."""
        applied = set(self.items)
        groups: set[str] = set()
        total = self.adjustment
        for criterion in part.criteria:
            if criterion.id not in applied or criterion.group in groups:
                continue
            if criterion.group is not None:
                groups.add(criterion.group)
            total += criterion.marks
        return total

    def score(self, part: Part) -> float:
        """The mark's score: `total`, clamped to [0, the part's marks]."""
        return max(0.0, min(part.marks, self.total(part)))


@dataclass(frozen=True)
class PartGrade:
    """Auto score from verdicts; a human mark, when set, wins.

    `manual_score` is the human mark's score under the exam the grade was read with (None when
    no human marked the answer).
    """

    student: str
    address: str
    auto_score: float
    verdicts: tuple[Verdict, ...]
    needs_review: bool
    manual_score: float | None = None
    mark: ManualMark | None = None

    @property
    def score(self) -> float:
        return self.manual_score if self.manual_score is not None else self.auto_score

    @property
    def unanswered(self) -> bool:
        """True when segmentation found no answer for this part (its only verdicts say so)."""
        return bool(self.verdicts) and all(v.produced_by == NO_ANSWER_SOURCE for v in self.verdicts)

    @property
    def pending(self) -> bool:
        """Waiting for a human: flagged for review and no manual score yet."""
        return self.needs_review and self.manual_score is None


@dataclass(frozen=True)
class LibraryComment:
    """A comment kept for a part, to give answer after answer: its number within the part, the
    text the student reads, and the marks it carries when applied (None: none)."""

    address: str
    number: int
    text: str
    marks: float | None = None


@dataclass(frozen=True)
class Regrade:
    """A regrade request: the student's question about one part's mark, and its answer (None
    while open)."""

    student: str
    address: str
    why: str
    asked_by: str
    asked_at: str
    answer: str | None = None
    answered_by: str = ""
    answered_at: str = ""

    @property
    def open(self) -> bool:
        return self.answer is None


@dataclass(frozen=True)
class Event:
    """One appended audit event: who changed what, when, from what to what, and why."""

    id: int
    at: str
    who: str
    kind: str
    student: str
    address: str
    old: str | None
    new: str | None
    why: str


@dataclass(frozen=True)
class Result:
    """One student's totals after section rules."""

    student: str
    name: str
    total: float
    max_total: float
    parts: Mapping[str, float] = field(default_factory=dict, hash=False)
    counted_questions: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
