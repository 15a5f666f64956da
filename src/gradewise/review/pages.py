"""What each page shows, as values built from a Workspace: the queue, a part, an answer's history.

Templates only lay these out; every decision (order, grouping, what counts as decided, what an
anonymous page may show) is made here, where tests can check it without HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from markupsafe import Markup

from gradewise.actions.comments import comments as library
from gradewise.actions.common import find_part
from gradewise.actions.marks import proposed_items
from gradewise.actions.regrades import regrades
from gradewise.actions.rubric import rubric_version
from gradewise.gain import expected_gains
from gradewise.groups import group_answers, normalise
from gradewise.model import Answer, Criterion, Event, LibraryComment, Part, PartGrade, Verdict
from gradewise.privacy import Scrubbed, part_words
from gradewise.review import triage
from gradewise.review.errors import NotFound
from gradewise.review.identity import Identities
from gradewise.review.render import Highlight, render_answer
from gradewise.review.triage import Filters
from gradewise.scoring import hand_total
from gradewise.scripts.scans import page_of
from gradewise.takeover import outlooks
from gradewise.workspace import Workspace


@dataclass(frozen=True)
class Progress:
    """One part's progress: `decided` = no human needed; `in_review` = waiting for one."""

    address: str
    prompt: str
    marks: float
    answers: int
    decided: int
    in_review: int
    manual: int
    affected: int = 0
    gain: float = 0.0
    capped: int = 0  # hand marks above the part's marks (lowered since): counted as its marks
    outlook: str = ""  # how many more marks would let the judge take over (gradewise.takeover)

    @property
    def at_stake(self) -> float:
        return self.in_review * self.marks


@dataclass(frozen=True)
class QueueView:
    """The queue page: each part's progress, and how many students are fully graded."""

    parts: tuple[Progress, ...]
    students: int
    complete: int
    regrades: tuple[RegradeView, ...] = ()  # open regrade requests, oldest first


@dataclass(frozen=True)
class RegradeView:
    """An open regrade request in the queue: whose (as the page names them), which part, why."""

    key: str
    label: str
    address: str
    why: str
    asked_at: str
    age: str = ""  # '3 days ago'
    gone: bool = False  # on a part no longer in the exam (edited since): closed, not answered


@dataclass(frozen=True)
class CriterionView:
    """A rubric criterion beside one answer: its verdict, and whether it starts toggled on."""

    index: int
    criterion: Criterion
    verdict: Verdict | None
    on: bool = False  # applied by the grader's mark; with none, proposed whole by the machine

    @property
    def score(self) -> float | None:
        return None if self.verdict is None else self.verdict.fraction * self.criterion.marks


@dataclass(frozen=True)
class AnswerView:
    """One answer's card: `key` names it in URLs and requests, `version` guards its marks."""

    key: str
    label: str
    html: Markup
    empty: bool
    flag: str
    criteria: tuple[CriterionView, ...]
    other_verdicts: tuple[Verdict, ...]
    grade: PartGrade | None
    version: int
    same_as_group: bool
    missing: tuple[str, ...] = ()
    disagreements: tuple[str, ...] = ()
    gain: float = 0.0
    pages: str = ""  # where in a PDF or scan the answer is ("page 2", "pages 2–3"); "" if one

    @property
    def proposal(self) -> float:
        return self.grade.auto_score if self.grade else 0.0

    @property
    def score(self) -> float:
        return self.grade.score if self.grade else 0.0

    @property
    def pending(self) -> bool:
        return self.grade is None or self.grade.pending

    @property
    def confidence(self) -> float | None:
        """The least sure verdict's confidence; one that decided nothing counts 0."""
        return triage.confidence(self.grade)


@dataclass(frozen=True)
class GroupView:
    """Answers that read the same; `proposals` differing is shown as a warning."""

    number: int
    answers: tuple[AnswerView, ...]

    @property
    def proposals(self) -> list[float]:
        return sorted({a.proposal for a in self.answers})

    @property
    def gain(self) -> float:
        return sum(a.gain for a in self.answers)

    @property
    def pending(self) -> bool:
        return any(a.pending for a in self.answers)


@dataclass(frozen=True)
class PartView:
    """The part page: the prompt, the answer groups, progress, the parts before and after."""

    part: Part
    prompt: Markup
    groups: tuple[GroupView, ...]
    progress: Progress
    previous: str | None
    next: str | None
    filters: Filters = field(default_factory=Filters)
    shown: int = 0
    rubric_version: str = ""
    rubric_events: tuple[Event, ...] = ()
    comments: tuple[LibraryComment, ...] = ()  # the part's comment library (`c` on the page)

    @property
    def comment_list(self) -> list[dict[str, object]]:
        """The library as the page's script reads it."""
        return [{"number": c.number, "text": c.text, "marks": c.marks} for c in self.comments]


@dataclass(frozen=True)
class HistoryView:
    """An answer and its audit events."""

    part: Part
    answer: AnswerView
    events: tuple[Event, ...]


def queue_view(
    ws: Workspace, ids: Identities | None = None, *, parts: frozenset[str] | None = None
) -> QueueView:
    """Every part's progress: parts waiting for review first, the most expected gain first;
    with `ids`, the open regrade requests too (on `parts` only, when given: a TA's)."""
    by_part: dict[str, list[PartGrade]] = {}
    for grade in ws.grades():
        by_part.setdefault(grade.address, []).append(grade)
    waiting: dict[str, list[PartGrade]] = {}
    queue = ws.queue()
    for grade in queue:
        waiting.setdefault(grade.address, []).append(grade)
    gains = ws.expected_gains(queue)
    order = {p.address: i for i, p in enumerate(ws.exam.parts())}
    progress = [
        _progress(p, by_part.get(p.address, []), waiting.get(p.address, []), gains)
        for p in ws.exam.parts()
    ]
    ahead = outlooks(ws, list(waiting))
    progress = [
        replace(p, outlook=ahead[p.address].sentence()) if p.address in ahead else p
        for p in progress
    ]
    progress.sort(key=lambda p: (p.in_review == 0, -p.gain, -p.at_stake, order[p.address]))
    results = ws.results()
    complete = sum(1 for r in results if not r.pending)
    asked = open_regrades(ws, ids, parts=parts) if ids is not None else ()
    return QueueView(tuple(progress), len(results), complete, asked)


def open_regrades(
    ws: Workspace, ids: Identities, *, parts: frozenset[str] | None = None, now: str = ""
) -> tuple[RegradeView, ...]:
    """The open regrade requests, oldest first, as the page names students (on `parts` only,
    when given); each one's age counted to `now` (an ISO time; default: the clock's)."""
    ids.learn(ws.identities().values())
    at = datetime.fromisoformat(now) if now else datetime.now(UTC)
    addresses = {p.address for p in ws.exam.parts()}
    return tuple(
        RegradeView(
            ids.key(r.student),
            ids.label(r.student),
            r.address,
            ids.scrub(r.student, r.why).text,  # a request may name its student
            r.asked_at,
            age(r.asked_at, at),
            r.address not in addresses,
        )
        for r in regrades(ws, open_only=True)
        if parts is None or r.address in parts
    )


def age(asked_at: str, now: datetime) -> str:
    """How long ago `asked_at` (an ISO time) was, as people say it: '3 days ago'."""
    try:
        seconds = (now - datetime.fromisoformat(asked_at)).total_seconds()
    except (TypeError, ValueError):  # no time zone, or no time: say nothing rather than wrong
        return ""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def _progress(
    part: Part,
    mine: list[PartGrade],
    waiting: list[PartGrade],
    gains: Mapping[tuple[str, str], float],
) -> Progress:
    return Progress(
        address=part.address,
        prompt=part.prompt,
        marks=part.marks,
        answers=len(mine),
        decided=len(mine) - len(waiting),
        in_review=len(waiting),
        manual=sum(1 for g in mine if g.manual_score is not None),
        affected=sum(1 for g in mine if triage.status_of(g, part) == "affected"),
        gain=sum(gains.get((g.student, g.address), 0.0) for g in waiting),
        capped=sum(1 for g in mine if (hand_total(part, g) or 0.0) > part.marks),
    )


def part_view(
    ws: Workspace, ids: Identities, address: str, filters: Filters | None = None
) -> PartView:
    """One part's answers that pass `filters`, in groups (largest first, or the groups with the
    most expected gain first), each answer with its verdicts and version."""
    part = find_part(ws, address)
    address = part.address  # a label as students write it ('3c') names the part too
    filters = filters or Filters()
    ids.learn(ws.identities().values())
    grades = {g.student: g for g in ws.grades(address=address)}
    versions = ws.store.versions(address=address)
    waiting = ws.queue(address)
    everyone = ws.store.answers(address=address)
    # The workspace's gain (gradewise.gain), from this part's answers only: it compares an
    # answer with the others of its part, so the rest of the exam need not be read again.
    gains = {s: g for (s, _), g in expected_gains(ws.exam, waiting, everyone).items()}
    answers = [
        a
        for a in everyone
        if triage.keep(filters, part, grades.get(a.student), waiting=a.student in gains)
    ]
    paged = _paged_scripts(ws)
    groups = []
    for number, group in enumerate(group_answers(answers), 1):
        cards = (
            answer_view(
                part,
                a,
                grades.get(a.student),
                versions.get((a.student, address), 0),
                ids,
                same_as_group=normalise(a.text) == group.key,
                gain=gains.get(a.student, 0.0),
                pages=page_label(paged.get(a.student, ""), a.spans, imaged=a.student in paged),
            )
            for a in group.answers
        )
        groups.append(GroupView(number, tuple(cards)))
    return PartView(
        part=part,
        prompt=render_answer(part.prompt),
        groups=_ordered(groups, filters),
        progress=_progress(part, list(grades.values()), waiting, {}),
        filters=filters,
        shown=len(answers),
        rubric_version=rubric_version(part) if part.rubric else "",
        rubric_events=_rubric_events(ws, address),
        comments=tuple(library(ws, part.address)),
        **_neighbours(ws, address),
    )


def _paged_scripts(ws: Workspace) -> dict[str, str]:
    """The texts of scripts that have pages: more than one (split by form feeds), or page
    images kept (a photo, a one-page PDF), so that a one-page scan is shown beside its answer."""
    return {
        s.student: s.text for s in ws.store.scripts() if "\f" in s.text or ws.store.pages(s.student)
    }


def page_label(text: str, spans: Sequence[tuple[int, int]], *, imaged: bool = False) -> str:
    """'page N' or 'pages N–M' for an answer's spans in a multi-page script, or in any script
    whose pages are kept as images (`imaged`); '' otherwise."""
    if not ("\f" in text or imaged) or not spans:
        return ""
    first = page_of(text, min(start for start, _ in spans))
    last = page_of(text, max(end for _, end in spans) - 1)
    return f"page {first}" if first == last else f"pages {first}–{last}"


def _ordered(groups: list[GroupView], filters: Filters) -> tuple[GroupView, ...]:
    """Largest first as grouped, or by gain: groups waiting for review first, then the answers
    with the most to gain first within each group."""
    if filters.order != "gain":
        return tuple(groups)
    ranked = sorted(groups, key=lambda g: (not g.pending, -g.gain, g.number))
    return tuple(
        GroupView(g.number, tuple(sorted(g.answers, key=lambda a: -a.gain))) for g in ranked
    )


def _neighbours(ws: Workspace, address: str) -> dict[str, str | None]:
    addresses = [p.address for p in ws.exam.parts()]
    here = addresses.index(address)
    return {
        "previous": addresses[here - 1] if here > 0 else None,
        "next": addresses[here + 1] if here + 1 < len(addresses) else None,
    }


def _rubric_events(ws: Workspace, address: str) -> tuple[Event, ...]:
    # Rubric changes are events about the part, with no student (review/rubric.py).
    events = ws.store.events(student="", address=address)
    return tuple(e for e in events if e.kind.startswith("rubric."))


def answer_view(
    part: Part,
    answer: Answer,
    grade: PartGrade | None,
    version: int,
    ids: Identities,
    *,
    same_as_group: bool = True,
    gain: float = 0.0,
    pages: str = "",
) -> AnswerView:
    """One answer as a card: rendered text with its evidence marked, verdicts per criterion.

    An anonymous card hides the name, id or email the student wrote, in the answer and in the
    verdicts' quotes and reasons alike."""
    keep = part_words(part)  # a name word the part itself uses is a term of the subject
    seen = ids.scrub(answer.student, answer.text, keep)
    highlights = _highlights(grade, seen)
    grade = _scrubbed(grade, ids, keep)
    verdicts = {v.criterion: v for v in grade.verdicts} if grade else {}
    criteria = tuple(
        CriterionView(i, c, verdicts.get(c.id), c.id in _toggled(part, grade))
        for i, c in enumerate(part.criteria, 1)
    )
    known = {c.id for c in part.criteria}
    return AnswerView(
        key=ids.key(answer.student),
        label=ids.label(answer.student),
        html=render_answer(seen.text, highlights, hidden=seen.hidden),
        empty=not answer.text.strip(),
        flag=answer.flag,
        criteria=criteria,
        other_verdicts=tuple(v for v in verdicts.values() if v.criterion not in known),
        grade=grade,
        version=version,
        same_as_group=same_as_group,
        missing=triage.missing(part, grade),
        disagreements=triage.disagreements(part, grade),
        gain=gain,
        pages=pages,
    )


def _toggled(part: Part, grade: PartGrade | None) -> tuple[str, ...]:
    """The items a card starts with: the grader's; with none (or a plain mark), the proposal's,
    so toggling one item keeps the others the machine proposed."""
    if grade is None:
        return ()
    if grade.mark is not None and grade.mark.by_items:
        return grade.mark.items
    return proposed_items(part, grade)


def _highlights(grade: PartGrade | None, seen: Scrubbed) -> list[Highlight]:
    if grade is None:
        return []
    return [Highlight(*seen.scrubbed(v.span), (v.criterion,)) for v in grade.verdicts if v.span]


def _scrubbed(grade: PartGrade | None, ids: Identities, keep: frozenset[str]) -> PartGrade | None:
    """The grade with its verdicts' quotes and reasons as the page may show them."""
    if grade is None or not ids.anonymous:
        return grade

    def hide(text: str) -> str:
        return ids.scrub(grade.student, text, keep).text

    verdicts = tuple(
        replace(v, evidence=hide(v.evidence), reason=hide(v.reason)) for v in grade.verdicts
    )
    return replace(grade, verdicts=verdicts)


def history_view(ws: Workspace, ids: Identities, key: str, address: str) -> HistoryView:
    """One answer and every audit event about it, oldest first."""
    part = find_part(ws, address)
    student = find_student(ws, ids, key)
    card = card_of(ws, ids, part, student)
    return HistoryView(part, card, tuple(ws.store.events(student, part.address)))


def card_of(ws: Workspace, ids: Identities, part: Part, student: str) -> AnswerView:
    """`student`'s answer to `part` as a card, with its grade and current version."""
    address = part.address
    found = ws.store.answers(student=student, address=address)
    answer = found[0] if found else Answer(student, address, "")
    grades = ws.grades(student, address)
    version = ws.store.versions(student, address).get((student, address), 0)
    return answer_view(part, answer, grades[0] if grades else None, version, ids)


def find_student(ws: Workspace, ids: Identities, key: str) -> str:
    """The student id behind a page's key, or NotFound."""
    ids.learn(ws.identities().values())
    student = ids.student(key)
    if student is None:
        raise NotFound(f"no student {key!r}", fix="open the student from a part's page")
    return student
