"""The per-student page: the whole script, each piece coloured by the part it went to, and moves.

A piece moved to another part is a segmentation override (`Store.set_override`, audited, the
same as `gradewise scripts assign`); the script is split again with it, and that student's
answers that changed are graded again at once. Free text is graded with no judge there (the
page has none): it waits for a human, like any answer a judge has not seen. A move is
version-checked against the student's last move, so two graders never undo each other's.

Anonymous pages show neither the student's id nor their name, also where the script itself
writes them (a name at the top of the first page is common): they show as [name], [id] and
[email] (`Identities.scrub`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from gradewise import grading
from gradewise.errors import ConflictError
from gradewise.model import Answer, PartGrade
from gradewise.privacy import Scrubbed, part_words
from gradewise.review.bodies import Move
from gradewise.review.errors import BadInput, NotFound
from gradewise.review.identity import Identities
from gradewise.review.pages import find_part, find_student
from gradewise.review.render import render_answer
from gradewise.scripts.segment import Piece
from gradewise.workspace import Workspace

MOVE = "segment.assign"  # the audit kind Store.set_override records
DEFAULT_WHY = "moved on the review page"
COLOURS = 12  # review.css has classes hue-0 .. hue-11


@dataclass(frozen=True)
class PieceView:
    """One piece of the script: where it starts (its key in moves), its part and its colour."""

    number: int
    start: int
    address: str | None
    how: str
    label: str
    html: Markup
    colour: int | None


@dataclass(frozen=True)
class LegendEntry:
    """A part in the legend: its colour, how many pieces went to it, its current score."""

    address: str
    colour: int
    pieces: int
    score: float | None
    marks: float


@dataclass(frozen=True)
class StudentView:
    """The student page: the pieces in script order, the legend, the parts to move to."""

    key: str
    label: str
    pieces: tuple[PieceView, ...]
    legend: tuple[LegendEntry, ...]
    parts: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class Moved:
    """After a move: the new version, and the parts whose answer changed (graded again)."""

    version: int
    regraded: tuple[str, ...]
    kept_manual: tuple[str, ...]
    message: str


def student_view(ws: Workspace, ids: Identities, key: str) -> StudentView:
    """The student's whole script as coloured pieces, with a legend of the parts."""
    student = find_student(ws, ids, key)
    seg = ws.segmentation(student)
    addresses = [p.address for p in ws.exam.parts()]
    colour = {a: i % COLOURS for i, a in enumerate(addresses)}
    keep = frozenset().union(*(part_words(p) for p in ws.exam.parts()))  # the subject's terms
    pieces = tuple(
        _piece(i, p, seg.text, colour, lambda text: ids.scrub(student, text, keep))
        for i, p in enumerate(seg.pieces, 1)
        if p.end > p.start
    )
    return StudentView(
        key=ids.key(student),
        label=ids.label(student),
        pieces=pieces,
        legend=_legend(ws, student, pieces, colour),
        parts=tuple(addresses),
        version=move_version(ws, student),
    )


def _piece(
    number: int,
    piece: Piece,
    text: str,
    colour: Mapping[str, int],
    scrub: Callable[[str], Scrubbed],
) -> PieceView:
    body = scrub(text[piece.start : piece.end])
    return PieceView(
        number=number,
        start=piece.start,
        address=piece.address,
        how=piece.how,
        label=scrub(piece.label).text,
        html=render_answer(body.text, hidden=body.hidden),
        colour=colour.get(piece.address) if piece.address else None,
    )


def _legend(
    ws: Workspace, student: str, pieces: Sequence[PieceView], colour: Mapping[str, int]
) -> tuple[LegendEntry, ...]:
    grades = {g.address: g for g in ws.grades(student)}
    counts: dict[str, int] = {}
    for p in pieces:
        if p.address:
            counts[p.address] = counts.get(p.address, 0) + 1
    return tuple(
        LegendEntry(
            address=part.address,
            colour=colour[part.address],
            pieces=counts.get(part.address, 0),
            score=_score(grades.get(part.address)),
            marks=part.marks,
        )
        for part in ws.exam.parts()
    )


def _score(grade: PartGrade | None) -> float | None:
    return None if grade is None else grade.score


def move_version(ws: Workspace, student: str) -> int:
    """The id of the student's last move (0: never moved); a move must name the one it saw."""
    moves = [e.id for e in ws.store.events(student=student) if e.kind == MOVE]
    return max(moves, default=0)


def move(ws: Workspace, ids: Identities, key: str, body: Move, *, who: str) -> Moved:
    """Move the piece starting at `body.piece` to `body.part`; re-grade what changed."""
    student = find_student(ws, ids, key)
    start, version = body.piece, body.version
    target = find_part(ws, body.part.strip()).address
    why = body.why.strip() or DEFAULT_WHY
    with ws.store.transaction():  # the check, the move and the grades: all or nothing
        if move_version(ws, student) != version:
            raise ConflictError(
                f"{ids.label(student)}'s script was changed by someone else since this page was"
                " loaded; nothing was moved",
                fix="reload the page to see the current pieces",
                student=ids.key(student),
                address="",
            )
        piece = _find_piece(ws, student, start)
        if piece.address == target:
            raise BadInput(f"that piece is in {target} already", fix="choose another part")
        before = {a.address: a for a in ws.store.answers(student=student)}
        ws.store.set_override(student, start, target, old=piece.address or "", who=who, why=why)
        changed = _resegment(ws, student, before)
        regraded = _regrade(ws, changed)
    kept = tuple(g.address for g in regraded if g.manual_score is not None)
    addresses = tuple(g.address for g in regraded)
    message = _message(piece.address, target, addresses, kept)
    return Moved(move_version(ws, student), addresses, kept, message)


def _find_piece(ws: Workspace, student: str, start: int) -> Piece:
    for piece in ws.segmentation(student).pieces:
        if piece.start == start:
            return piece
    raise NotFound(f"no piece starts at {start} in this script", fix="reload the page")


def _resegment(ws: Workspace, student: str, before: Mapping[str, Answer]) -> list[Answer]:
    answers = ws.segmentation(student).answers(student)
    ws.store.save_answers(student, answers)
    return [a for a in answers if before.get(a.address) != a]


def _regrade(ws: Workspace, answers: Sequence[Answer]) -> list[PartGrade]:
    jobs = grading.plan(ws.exam, answers)
    graded: list[PartGrade] = []
    for chunk in grading.run(jobs):
        ws.store.save_grades(chunk)
        graded += [g for g, _ in chunk]
    return [ws.grades(g.student, g.address)[0] for g in graded]  # with their manual marks


def _message(old: str | None, target: str, regraded: Sequence[str], kept: Sequence[str]) -> str:
    parts = ", ".join(regraded) or "none"
    note = f"; {', '.join(kept)} kept a manual mark: check it" if kept else ""
    return f"Moved from {old or 'nowhere'} to {target}; graded again: {parts}{note}"
