"""The per-student page: the whole script, each piece coloured by the part it went to, and moves.

A piece moved to another part goes through `actions.move_piece`, the same action as
`gradewise scripts assign`: audited, version-checked against the student's last move, and the
student's answers that changed are graded again at once.

Anonymous pages show neither the student's id nor their name, also where the script itself
writes them (a name at the top of the first page is common): they are blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from gradewise import actions
from gradewise.actions import Moved, find_part, move_version
from gradewise.errors import ConflictError
from gradewise.model import PartGrade
from gradewise.review.errors import BadInput
from gradewise.review.identity import Identities
from gradewise.review.pages import find_student
from gradewise.review.render import render_answer
from gradewise.scripts.segment import Piece
from gradewise.workspace import Workspace

DEFAULT_WHY = "moved on the review page"
HIDDEN = "▇▇▇"
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
    hide = _secrets(student, ws.store.names().get(student, "")) if ids.anonymous else None
    pieces = tuple(
        _piece(i, p, seg.text, colour, hide) for i, p in enumerate(seg.pieces, 1) if p.end > p.start
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
    hide: re.Pattern[str] | None,
) -> PieceView:
    body = text[piece.start : piece.end]
    label = piece.label
    if hide is not None:
        body, label = hide.sub(HIDDEN, body), hide.sub(HIDDEN, label)
    return PieceView(
        number=number,
        start=piece.start,
        address=piece.address,
        how=piece.how,
        label=label,
        html=render_answer(body),
        colour=colour.get(piece.address) if piece.address else None,
    )


def _secrets(student: str, name: str) -> re.Pattern[str]:
    """The student's id, full name and each name longer than two letters, as written."""
    words = [student, name, *(w for w in name.split() if len(w) > 2)]
    found = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in found), re.IGNORECASE)


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


def move(
    ws: Workspace, ids: Identities, key: str, payload: Mapping[str, Any], *, who: str
) -> Moved:
    """Move the piece starting at payload["piece"] to payload["part"] (actions.move_piece)."""
    student = find_student(ws, ids, key)
    start = _whole(payload.get("piece"), "piece")
    version = _whole(payload.get("version"), "version")
    target = find_part(ws, _text(payload.get("part"))).address
    why = _text(payload.get("why")) or DEFAULT_WHY
    try:
        return actions.move_piece(ws, student, start, target, who=who, why=why, expect=version)
    except ConflictError:
        # Told again in the page's words: an anonymous page must not name the student.
        raise ConflictError(
            f"{ids.label(student)}'s script was changed by someone else since this page was"
            " loaded; nothing was moved",
            fix="reload the page to see the current pieces",
            student=ids.key(student),
            address="",
        ) from None


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"{name} {value!r} is not a whole number", fix=f"send the page's {name}")
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
