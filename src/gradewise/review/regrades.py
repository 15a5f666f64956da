"""Regrade requests on the review page: the open ones with their answers, and answering one.

The page lists the open requests oldest first, each student named as every page names them
(a pseudonym when anonymous), a TA seeing only those on their parts. Answering one goes through
`actions.resolve_regrade`: the answer the student reads, and in the same transaction the mark
kept, the machine's proposal accepted, or rubric items applied (version-checked, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gradewise import actions
from gradewise.actions import Marked, Target
from gradewise.model import ManualMark, PartGrade, Regrade
from gradewise.review.bodies import Resolve
from gradewise.review.identity import Identities
from gradewise.review.marking import told
from gradewise.review.pages import AnswerView, RegradeView, card_of, find_student, open_regrades
from gradewise.workspace import Workspace

REGRADE_WHY = "answered a regrade request on the review page"


@dataclass(frozen=True)
class RequestView:
    """One open request: who asked about which part and why, and their answer as a card (its
    mark now, the items on, the version to send back)."""

    request: RegradeView
    marks: float
    card: AnswerView

    @property
    def by_hand(self) -> bool:
        grade = self.card.grade
        return grade is not None and grade.manual_score is not None


@dataclass(frozen=True)
class RegradesView:
    """The regrade page: the open requests, oldest first; `limited`: a TA's parts only."""

    requests: tuple[RequestView, ...]
    limited: bool = False
    gone: tuple[RegradeView, ...] = ()  # on a part no longer in the exam (edited since)


def regrades_view(
    ws: Workspace, ids: Identities, *, parts: frozenset[str] | None = None
) -> RegradesView:
    """The open requests (on `parts` only, when given), each with its answer's card."""
    shown, gone = [], []
    for request in open_regrades(ws, ids, parts=parts):
        if request.gone:
            gone.append(request)
            continue
        part = ws.exam.part(request.address)
        student = find_student(ws, ids, request.key)
        shown.append(RequestView(request, part.marks, card_of(ws, ids, part, student)))
    return RegradesView(tuple(shown), limited=parts is not None, gone=tuple(gone))


@dataclass(frozen=True)
class Resolved:
    """A request answered from the page: the mark it set (None: kept), and whether it was
    closed (its part no longer in the exam) rather than answered."""

    request: Regrade
    marked: Marked | None
    closed: bool

    @property
    def message(self) -> str:
        if self.closed:
            return f"Regrade request {actions.CLOSED}"
        mark = "" if self.marked is None else f"; the mark is {self.marked.score:g} now"
        return f"Regrade request answered{mark}"


def resolve(ws: Workspace, ids: Identities, address: str, body: Resolve, *, who: str) -> Resolved:
    """Answer the open request on `body.student`'s answer to `address`, with its mark (the
    marked answer named by its page key); one on a part no longer in the exam is closed."""
    target = Target(find_student(ws, ids, body.student.strip()), body.version)
    closing = actions.gone(ws, target.student, address)
    remark = _remark(ws, address, target, body, who=who)
    resolved: list[Regrade] = []

    def act() -> list[Marked]:
        done, marked = actions.resolve_regrade(
            ws, target.student, address, body.answer, who=who, remark=remark
        )
        resolved.append(done)
        return [] if marked is None else [marked]

    marked = told(ids, address, act)
    return Resolved(resolved[0], marked[0] if marked else None, closing)


def _remark(
    ws: Workspace, address: str, target: Target, body: Resolve, *, who: str
) -> Callable[[str], list[Marked]] | None:
    """The new mark the page chose, as an action run inside the request's transaction."""
    if body.mark == "accept":
        return lambda why: actions.accept(ws, address, [target], who=who, why=why)
    if body.mark == "items":
        grades = ws.grades(target.student, address)
        mark = _with_items(grades[0] if grades else None, tuple(body.items or ()))
        return lambda why: actions.mark_answers(ws, address, [(target, mark)], who=who, why=why)
    return None


def _with_items(grade: PartGrade | None, items: tuple[str, ...]) -> ManualMark:
    """The answer's mark with `items` applied: a mark by items keeps its adjustment, reason and
    comment; a plain mark (a number, no items) is replaced, its comment kept."""
    old = grade.mark if grade is not None else None
    if old is None:
        return ManualMark(items, by_items=True)
    if old.by_items:
        return replace(old, items=items)
    return ManualMark(items, comment=old.comment, by_items=True)
