"""The per-student page: the whole script, each piece coloured by the part it went to, and moves.

A piece moved to another part goes through `actions.move_piece`, the same action as
`gradewise scripts assign`: audited, version-checked against the student's last move, and the
student's answers that changed are graded again at once.

Anonymous pages show neither the student's id nor their name, also where the script itself
writes them (a name at the top of the first page is common): they show as [name], [id] and
[email] (`Identities.scrub`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from gradewise import actions
from gradewise.actions import Moved, find_part, move_version
from gradewise.errors import ConflictError
from gradewise.model import PartGrade
from gradewise.privacy import Scrubbed, part_words
from gradewise.review.bodies import Move
from gradewise.review.identity import Identities
from gradewise.review.pages import find_student
from gradewise.review.render import render_answer
from gradewise.scripts.segment import Piece
from gradewise.workspace import Workspace

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


def move(ws: Workspace, ids: Identities, key: str, body: Move, *, who: str) -> Moved:
    """Move the piece starting at `body.piece` to `body.part` (actions.move_piece)."""
    student = find_student(ws, ids, key)
    target = find_part(ws, body.part.strip()).address
    why = body.why.strip() or DEFAULT_WHY
    try:
        return actions.move_piece(
            ws, student, body.piece, target, who=who, why=why, expect=body.version
        )
    except ConflictError:
        # Told again in the page's words: an anonymous page must not name the student.
        raise ConflictError(
            f"{ids.label(student)}'s script was changed by someone else since this page was"
            " loaded; nothing was moved",
            fix="reload the page to see the current pieces",
            student=ids.key(student),
            address="",
        ) from None
