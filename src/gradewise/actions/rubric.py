"""Rubric edits, by DESIGN.md's contract, previewed before they are saved.

- marks changed: every answer with a verdict for the item is re-scored from its stored verdicts
  (no checker runs again: `score_part` recomputes), and every hand mark applying the item moves
  with it (a hand mark's score is computed from the items' current marks);
- text changed: feedback only, no score moves;
- deleted: re-scored without it (its verdicts are dropped; a hand mark's item counts nothing);
- added: old gradings are not re-scored; they are flagged for review ("affected") until
  `gradewise grade` decides the new item or a grader marks them.

The exam file is the truth: the change is written into it (`gradewise.exam.edit`), and it is
version-checked against the part's definition read from the file, so a second grader's edit,
or a hand edit, is never overwritten unseen. The file, the re-scored grades and the audit
events (the change, and one per answer whose score moved, which moves that answer's version)
are written in one database transaction (the file last, so a failure writes nothing).
Grades that were up to date get their new input hash, so the next `gradewise grade` re-runs
nothing for a marks or text edit; after an add they stay stale, so that run decides it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from gradewise import grading
from gradewise.actions.common import find_part, why_given
from gradewise.errors import BadInput, ConflictError, ExamError, NotFound
from gradewise.exam import load_exam_text
from gradewise.exam.edit import Edited, RubricChange, edit_rubric
from gradewise.judges.registry import JudgeItem, Judgement
from gradewise.model import Criterion, Exam, Part, PartGrade, Status
from gradewise.scoring import score_part
from gradewise.workspace import Workspace

KINDS = {"edit": "rubric.edit", "add": "rubric.add", "delete": "rubric.delete"}
RESCORED = "rubric.rescore"  # one answer's score, moved by a rubric change


@dataclass(frozen=True)
class Impact:
    """What a change does to the part's graded answers, before or after it is saved."""

    answers: int  # graded answers of the part
    used: int  # answers with a verdict for the item or a hand mark applying it (added: all)
    changed: int  # whose score moves (the automatic one, or the hand mark's)
    manual: int  # of those, hand-marked
    affected: int  # flagged for review by an added criterion
    version: str  # the rubric's version after the change
    message: str


@dataclass(frozen=True)
class _Plan:
    edited: Edited
    change: RubricChange
    before: list[PartGrade]
    graded: list[tuple[PartGrade, str]]
    after: list[PartGrade]  # as read under the edited exam: hand marks scored anew
    impact: Impact


def rubric_version(part: Part) -> str:
    """A short hash of the part's definition: it moves with any edit of the part."""
    definition = json.dumps(asdict(part), sort_keys=True, default=str)
    return hashlib.sha256(definition.encode("utf-8")).hexdigest()[:16]


def preview(ws: Workspace, address: str, change: RubricChange, *, version: str) -> Impact:
    """What `change` would do to part `address` (whose rubric the human saw at `version`);
    nothing is written."""
    return _plan(ws, find_part(ws, address).address, change, version).impact


def apply(
    ws: Workspace, address: str, change: RubricChange, *, version: str, who: str, why: str
) -> Impact:
    """Make the change: exam file, re-scored grades and their audit events, all or nothing."""
    why = why_given(why)
    address = find_part(ws, address).address
    with ws.store.transaction():  # taken first: edits from other processes wait their turn
        plan = _plan(ws, address, change, version)
        ws.store.save_grades(plan.graded)
        ws.store.record(
            KINDS[change.op],
            who=who,
            address=address,
            old=_json(plan.edited.old),
            new=_json(plan.edited.new),
            why=why,
        )
        # One event per answer whose score moved: its history says why, and its version
        # moves on, so a page that showed the old score cannot save over it unseen.
        for before, after in zip(plan.before, plan.after, strict=True):
            if _moved(before, after):
                ws.store.record(
                    RESCORED,
                    who=who,
                    student=after.student,
                    address=address,
                    old=f"{before.score:g}",
                    new=f"{after.score:g}",
                    why=why,
                )
        write_atomically(ws.exam_path, plan.edited.text)
    return plan.impact


def _moved(before: PartGrade, after: PartGrade) -> bool:
    return (before.auto_score, before.needs_review, before.verdicts, before.manual_score) != (
        after.auto_score,
        after.needs_review,
        after.verdicts,
        after.manual_score,
    )


def _plan(ws: Workspace, address: str, change: RubricChange, version: str) -> _Plan:
    text = _read(ws.exam_path)
    before = _load(text, ws.exam_path.name)
    part = _part(ws, before, address)
    _check_version(ws, part, version)
    check_change(part, change)
    try:
        edited = _edit(text, address, change, ws.exam_path.name)
    except ExamError as exc:
        raise BadInput(f"the change was refused, nothing was saved: {exc}") from None
    grades = ws.grades(address=address)
    graded = _rescore(ws, before, edited.exam, grades, change)
    after = [_with_mark(edited.exam.part(address), g) for g, _ in graded]
    impact = _impact(address, edited, change, grades, after)
    return _Plan(edited, change, list(grades), graded, after, impact)


def _with_mark(part: Part, grade: PartGrade) -> PartGrade:
    """The grade's hand mark scored by the edited part (as the store will read it)."""
    return replace(grade, manual_score=grade.mark.score(part) if grade.mark else None)


# Parsing the exam file is the slow step (ruamel, about 0.1 s for the example): a preview and
# the save that follows it read the same text and make the same change, so each is done once.
@lru_cache(maxsize=8)
def _load(text: str, source: str) -> Exam:
    return load_exam_text(text, source)


@lru_cache(maxsize=8)
def _edit(text: str, address: str, change: RubricChange, source: str) -> Edited:
    return edit_rubric(text, address, change, source=source, before=_load(text, source))


def _part(ws: Workspace, exam: Exam, address: str) -> Part:
    part = exam.part(address)  # resolved by the caller (find_part)
    if not part.rubric:
        how = "its key gives the marks" if part.key is not None else "it is marked whole"
        raise BadInput(
            f"part {address} has no rubric to edit ({how})",
            fix=f"write a 'rubric:' under {address} in exam.yaml first"
            " (- {id: ..., text: ..., marks: ...}), then run 'gradewise grade'",
        )
    return part


def _check_version(ws: Workspace, part: Part, seen: str) -> None:
    if not seen:
        raise BadInput("no rubric version", fix="send the data-version the rubric editor showed")
    if seen == rubric_version(part):
        return
    events = ws.store.events(student="", address=part.address)
    events = [e for e in events if e.kind in KINDS.values()]
    by = f" by {events[-1].who} at {events[-1].at}" if events else " (exam.yaml was edited)"
    raise ConflictError(
        f"the rubric of {part.address} was changed{by} since this page was loaded;"
        " nothing was saved",
        fix="reload the page to see the current rubric, then make the change again",
        student="",
        address=part.address,
    )


def check_change(part: Part, change: RubricChange) -> None:
    """BadInput or NotFound when `change` cannot be made to `part`'s rubric."""
    if change.op not in KINDS:
        raise BadInput(f"no rubric operation {change.op!r}", fix="use op edit, add or delete")
    if not change.criterion.strip():
        raise BadInput("no criterion id", fix='send "criterion": "its id"')
    if change.text is not None and not change.text.strip():
        raise BadInput("a criterion's text must be some words", fix="write what earns the marks")
    if change.marks is not None and (not math.isfinite(change.marks) or change.marks == 0):
        raise BadInput(
            f"marks {change.marks!r} must be a number other than 0",
            fix="give marks to award (positive) or to deduct (negative), or delete the criterion",
        )
    known = {c.id for c in part.rubric}
    if change.op == "add":
        if change.criterion in known:
            raise BadInput(
                f"{part.address} already has a criterion {change.criterion!r}",
                fix="choose another id",
            )
        if not change.text or change.marks is None:
            raise BadInput("a new criterion needs a text and marks", fix="fill in both")
    elif change.criterion not in known:
        raise NotFound(
            f"{part.address} has no criterion {change.criterion!r}",
            fix=f"use one of: {', '.join(sorted(known))}",
        )
    elif change.op == "delete" and len(part.rubric) == 1:
        raise BadInput(
            f"{change.criterion!r} is the only criterion of {part.address}",
            fix="add another first, or edit the rubric in exam.yaml",
        )
    elif change.op == "edit" and (change.text, change.marks, change.group) == (None, None, None):
        raise BadInput("nothing to change", fix='send a new "text", "marks" or "group"')
    if change.group is not None and change.group != change.group.strip():
        raise BadInput(
            f"group {change.group!r} starts or ends with a space", fix="write the group's name"
        )


# re-scoring ----------------------------------------------------------------------------------


def _rescore(
    ws: Workspace, before: Exam, after: Exam, grades: Sequence[PartGrade], change: RubricChange
) -> list[tuple[PartGrade, str]]:
    """Each grade re-scored by the edited part, with the input hash it is to be stored with."""
    if not grades:
        return []
    address = grades[0].address
    part = after.part(address)
    stored = ws.store.input_hashes()
    fresh = {} if change.op == "add" else _fresh_hashes(ws, before, after, grades, stored)
    return [
        (_regrade(part, g, change), fresh.get(g.student, stored.get((g.student, address), "")))
        for g in grades
    ]


def _regrade(part: Part, grade: PartGrade, change: RubricChange) -> PartGrade:
    if change.op == "add":  # not re-scored: flagged until re-graded or marked
        return grade if grade.unanswered else replace(grade, needs_review=True)
    verdicts = grade.verdicts
    if change.op == "delete":
        verdicts = tuple(v for v in verdicts if v.criterion != change.criterion)
    score, needs_review = score_part(part, verdicts)
    return replace(grade, auto_score=score, verdicts=verdicts, needs_review=needs_review)


def _fresh_hashes(
    ws: Workspace,
    before: Exam,
    after: Exam,
    grades: Sequence[PartGrade],
    stored: Mapping[tuple[str, str], str],
) -> dict[str, str]:
    """Each up-to-date grade's input hash under the edited exam, by student.

    Up to date means its stored hash is what `grading.plan` gives under the exam before, with
    no judge or with the judge whose verdicts it holds; the new hash is taken the same way.
    """
    address = grades[0].address
    answers = ws.store.answers(address=address)
    judges = _judges(grades)
    examples = ws.examples() if judges else {}  # reads every grade: only when a judge is in play
    out: dict[str, str] = {}
    for judge in [None, *judges]:
        given = examples if judge else {}
        old = grading.plan(before, answers, judge=judge, examples=given)
        new = grading.plan(after, answers, judge=judge, examples=given)
        now = {j.answer.student: j.input_hash for j in new}
        for job in old:
            if stored.get((job.answer.student, address)) == job.input_hash:
                out[job.answer.student] = now[job.answer.student]
    return out


@dataclass  # not frozen: the Judge protocol's id and version are plain attributes
class SeenJudge:
    """A judge known only by the id@version its verdicts carry: enough for content hashes."""

    id: str
    version: str

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """Only its id and version are used (for input hashes); asked anyway, it abstains,
        as the Judge protocol says a judge that cannot decide must."""
        reason = f"{self.id}@{self.version} is known here only by name"
        return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, reason) for _ in items]


def _judges(grades: Sequence[PartGrade]) -> list[SeenJudge]:
    tags = {
        v.produced_by
        for g in grades
        for v in g.verdicts
        if "@" in v.produced_by and "#" not in v.produced_by  # checkers' tags carry #options
    }
    return [SeenJudge(*tag.rsplit("@", 1)) for tag in sorted(tags)]


def _impact(
    address: str,
    edited: Edited,
    change: RubricChange,
    grades: Sequence[PartGrade],
    after: Sequence[PartGrade],
) -> Impact:
    old = {g.student: g for g in grades}
    used = [g for g in after if change.op == "add" or _used(old[g.student], change.criterion)]
    changed = [g for g in after if abs(g.score - old[g.student].score) > 1e-9]
    manual = sum(1 for g in changed if g.mark is not None)
    part = edited.exam.part(address)
    affected = sum(1 for g in after if g.verdicts and not g.unanswered) if change.op == "add" else 0
    return Impact(
        answers=len(after),
        used=len(used),
        changed=len(changed),
        manual=manual,
        affected=affected,
        version=rubric_version(part),
        message=_message(change, len(used), len(changed), manual, affected),
    )


def _used(grade: PartGrade, criterion: str) -> bool:
    marked = grade.mark is not None and criterion in grade.mark.items
    return marked or any(v.criterion == criterion for v in grade.verdicts)


def _message(change: RubricChange, used: int, changed: int, manual: int, affected: int) -> str:
    name, answers = repr(change.criterion), _n(used, "answer")
    if change.op == "add":
        return (
            f"Adds {name}: {_n(affected, 'graded answer')} will show as affected until re-graded"
            " ('gradewise grade') or marked; no score changes now."
        )
    hidden = f", {manual} of them hand-marked" if manual else ""
    moves = f"{_n(changed, 'score')} change{'s' if changed == 1 else ''}{hidden}"
    if change.op == "delete":
        return f"Deletes {name}: re-scores {answers} without it; {moves}."
    if change.group is not None and change.marks is None:
        where = f"in group {change.group!r}" if change.group else "out of its group"
        verb = "Puts" if change.group else "Takes"
        return f"{verb} {name} {where}: re-scores the part's answers; {moves}."
    if change.marks is None:
        return f"Changes the text of {name}: the feedback of {answers}; no score changes."
    return f"Re-scores {answers} that used {name}: {moves}."


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# the file --------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's text at once: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json(criterion: Criterion | None) -> str | None:
    if criterion is None:
        return None
    return json.dumps({"id": criterion.id, "text": criterion.text, "marks": criterion.marks})
