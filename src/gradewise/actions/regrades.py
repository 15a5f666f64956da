"""Regrade requests: asked for one answer (or imported from a table a course collected),
listed, and resolved with an answer the student reads, optionally with a new mark, all in one
transaction (the mark version-checked and audited like any other, the request's answer audited
too)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gradewise.actions.common import TEXT_LIMIT, bounded, find_part, find_student
from gradewise.actions.marks import Marked
from gradewise.errors import BadInput, GradewiseError, NotFound
from gradewise.model import Regrade
from gradewise.store.regrades import Regrades
from gradewise.workspace import Workspace


def ask_regrade(ws: Workspace, student: str, address: str, why: str, *, who: str) -> Regrade:
    """Open a regrade request for `student`'s answer to `address` (one open per answer)."""
    part = find_part(ws, address)
    student = find_student(ws, student)
    why = bounded(why, "the request", TEXT_LIMIT, required=True)
    return Regrades(ws.store).add(student, part.address, why, who=who)


def regrades(
    ws: Workspace, *, student: str | None = None, open_only: bool = False
) -> list[Regrade]:
    """The requests (of `student`; only the open ones), oldest first."""
    found = Regrades(ws.store).all(student=student)
    return [r for r in found if r.open or not open_only]


def resolve_regrade(
    ws: Workspace,
    student: str,
    address: str,
    answer: str,
    *,
    who: str,
    remark: Callable[[str], list[Marked]] | None = None,
) -> tuple[Regrade, Marked | None]:
    """Answer the open request; `remark(why)`, when given, sets the new mark (an action of
    actions.marks) in the same transaction: both are kept, or neither. A request on a part no
    longer in the exam (deleted since it was asked) is closed with the answer, and no mark."""
    if gone(ws, student, address):
        return _close(ws, student, address, answer, who=who, remark=remark), None
    part = find_part(ws, address)
    student = find_student(ws, student)
    answer = bounded(answer, "the answer", TEXT_LIMIT, required=True)
    store = Regrades(ws.store)
    store.open_one(student, part.address)  # refused before anything is written
    with ws.store.transaction():
        marked = remark(f"regrade: {answer}") if remark is not None else None
        resolved = store.resolve(student, part.address, answer, who=who)
    return resolved, (marked[0] if marked else None)


CLOSED = "closed: part no longer in the exam"


def gone(ws: Workspace, student: str, address: str) -> bool:
    """Whether `student` has a request open on `address`, a part no longer in the exam."""
    if address in {p.address for p in ws.exam.parts()}:
        return False
    return any(r.address == address and r.open for r in Regrades(ws.store).all(student=student))


def _close(
    ws: Workspace,
    student: str,
    address: str,
    answer: str,
    *,
    who: str,
    remark: Callable[[str], list[Marked]] | None,
) -> Regrade:
    """Close the open request on a part deleted since: the student reads `answer`; the audit
    log says it was closed, not answered."""
    if remark is not None:
        raise BadInput(
            f"{address} is no longer in the exam: its request can be closed, not re-marked",
            fix="answer it without a new mark (no MARKS, --items or --accept)",
        )
    answer = bounded(answer, "the answer", TEXT_LIMIT, required=True)
    return Regrades(ws.store).resolve(
        student, address, answer, who=who, kind="regrade.close", why=CLOSED
    )


@dataclass(frozen=True)
class RequestRow:
    """One request as a table gives it: its line, and the cells as written."""

    line: int
    student: str
    label: str
    why: str


@dataclass(frozen=True)
class BadRow:
    """A row refused: its line, what is wrong, and what to write instead."""

    line: int
    reason: str
    fix: str


@dataclass(frozen=True)
class Imported:
    """What an import found: the requests (opened, or that would be), the rows refused, and
    whether anything was written."""

    asked: tuple[Regrade, ...]
    bad: tuple[BadRow, ...]
    written: bool


def import_regrades(
    ws: Workspace, rows: Sequence[RequestRow], *, who: str, skip_bad: bool, dry_run: bool
) -> Imported:
    """Open the requests of a table a course collected, checking every row first.

    A row is refused for an unknown student, a part the label does not name exactly once, an
    empty or over-long request, or an answer with a request open already (in the workspace or
    on an earlier row). Any refused row refuses the whole table unless `skip_bad`; the rest are
    opened in one transaction (all or none), or, with `dry_run`, only reported.
    """
    ids = _student_ids(ws)
    open_now = {(r.student, r.address) for r in regrades(ws, open_only=True)}
    seen: dict[tuple[str, str], int] = {}
    good: list[Regrade] = []
    bad: list[BadRow] = []
    for row in rows:
        try:
            request = _checked(ws, row, ids, open_now, seen, who)
        except GradewiseError as refused:
            bad.append(BadRow(row.line, refused.message, refused.fix or ""))
            continue
        seen[request.student, request.address] = row.line
        good.append(request)
    if (bad and not skip_bad) or dry_run or not good:
        return Imported(tuple(good), tuple(bad), written=False)
    store = Regrades(ws.store)
    with ws.store.transaction():
        opened = [store.add(r.student, r.address, r.why, who=who) for r in good]
    return Imported(tuple(opened), tuple(bad), written=True)


def _checked(
    ws: Workspace,
    row: RequestRow,
    ids: Mapping[str, str],
    open_now: set[tuple[str, str]],
    seen: Mapping[tuple[str, str], int],
    who: str,
) -> Regrade:
    """The request a row asks for, or the GradewiseError saying why it cannot be."""
    student = _student(row.student, ids)
    address = find_part(ws, row.label).address
    why = bounded(row.why, "the request", TEXT_LIMIT, required=True)
    if (student, address) in open_now:
        raise BadInput(
            f"{student} {address} has a regrade request open already",
            fix=f"answer it first (gradewise regrade resolve {student} {address}) or drop it",
        )
    if (student, address) in seen:
        raise BadInput(
            f"{student} {address} is asked for on line {seen[student, address]} already",
            fix="keep one row per answer (join the two texts)",
        )
    return Regrade(student, address, why, who, "")


def _student_ids(ws: Workspace) -> dict[str, str]:
    """Each way a form may name a student (id in any case, email) -> their id."""
    ids: dict[str, str] = {}
    for student, email in ws.store.emails().items():
        if email:
            ids[email.lower()] = student
    for student in ws.store.names():
        ids[student.lower()] = student
    return ids


def _student(written: str, ids: Mapping[str, str]) -> str:
    written = written.strip()
    if not written:
        raise BadInput("no student id", fix="fill in the student's id, or delete the row")
    found = ids.get(written.lower())
    if found is None:
        raise NotFound(
            f"no script for student {written!r}",
            fix="check the id against 'gradewise scripts list'",
        )
    return found
