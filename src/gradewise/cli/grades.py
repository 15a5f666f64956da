"""`gradewise grades set|show`: a human's mark (rubric items, an adjustment, a comment, or a
plain number), set through gradewise.actions and recorded in the audit log."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

import click

from gradewise import actions
from gradewise.cli.common import echo_json, fmt, json_option, table, workspace
from gradewise.errors import BadInput
from gradewise.model import ManualMark, PartGrade
from gradewise.workspace import Workspace


@click.group()
def grades() -> None:
    """Set marks by hand (a human mark wins over the automatic one)."""


@grades.command("set")
@click.argument("student")
@click.argument("part")
@click.argument("marks", required=False)
@click.option("--items", help="Rubric items applied, by id: a,b,c ('' for none).")
@click.option("--adjust", help="Marks added (or, negative, taken) on top of the items.")
@click.option("--reason", default="", help="Why the adjustment; the student reads it.")
@click.option("--comment", default="", help="A comment to the student.")
@click.option("--accept", is_flag=True, help="Take the machine's proposal, as rubric items.")
@click.option("--why", required=True, help="The reason, kept in the audit log.")
@click.option("--who", default=getpass.getuser, show_default="your user name", help="Who sets it.")
@click.option("--expect", type=int, help="The version you saw ('grades show'): refused if moved.")
@click.pass_context
def set_(
    ctx: click.Context,
    student: str,
    part: str,
    marks: str | None,
    items: str | None,
    adjust: str | None,
    reason: str,
    comment: str,
    accept: bool,
    why: str,
    who: str,
    expect: int | None,
) -> None:
    """Mark STUDENT's answer to PART: by rubric items (--items, with --adjust and --reason),
    or a plain MARKS ('auto' clears the human mark), or the machine's proposal (--accept).
    PART is an address (II.7.a) or a label as students write it (7a, "Q7 (a)").

    Example: gradewise grades set s2024001 II.7.a --items grad,w1 --adjust -0.5
    --reason "sign slip in w2" --comment "check the sign of the gradient" --why "second look"
    """
    given = MarkOptions(marks, items, adjust, reason, comment, accept)
    if given.ways() != 1:
        raise BadInput(
            "give one of MARKS, --items or --accept",
            fix="e.g. 'grades set S P 3 --why ...' or 'grades set S P --items a,b --why ...'",
        )
    ws = workspace(ctx)
    part = actions.find_part(ws, part).address
    [done] = given.apply(ws, part, actions.Target(student, expect), who=who, why=why)
    echo_marked(student, part, done)


@dataclass(frozen=True)
class MarkOptions:
    """A mark as the command line gives it: MARKS, --items (+ --adjust, --reason), --accept."""

    marks: str | None
    items: str | None
    adjust: str | None
    reason: str
    comment: str
    accept: bool

    def ways(self) -> int:
        """How many ways of marking were given (one is needed to mark)."""
        return sum([self.marks is not None, self.items is not None, self.accept])

    def apply(
        self, ws: Workspace, part: str, target: actions.Target, *, who: str, why: str
    ) -> list[actions.Marked]:
        """Mark the answer through the actions layer."""
        if self.accept:
            return actions.accept(ws, part, [target], who=who, why=why)
        mark = parse_mark(self.marks, self.items, self.adjust, self.reason, self.comment)
        return actions.mark_answers(ws, part, [(target, mark)], who=who, why=why)


def echo_marked(student: str, part: str, done: actions.Marked) -> None:
    """'s1 II.7.a: 2 → 3 (items a, b) (recorded, version 4)'."""
    click.echo(
        f"{student} {part}: {fmt(done.old_score) or 'auto'} → {describe(done.mark, done.score)}"
        f" (recorded, version {done.version})"
    )


def parse_mark(
    marks: str | None, items: str | None, adjust: str | None, reason: str, comment: str
) -> ManualMark | None:
    """The mark the options give: --items (+ --adjust, --reason, --comment) or a plain MARKS."""
    if items is None:
        if adjust is not None or reason:
            raise BadInput(
                "--adjust and --reason go with --items", fix="add --items, or leave them out"
            )
        assert marks is not None
        if marks.strip().lower() == "auto":
            return None
        return actions.plain(actions.parse_number(marks, "marks"), comment=comment)
    adjustment = 0.0 if adjust is None else actions.parse_number(adjust, "--adjust")
    return ManualMark(actions.parse_items(items), adjustment, reason, comment, by_items=True)


def describe(mark: ManualMark | None, score: float) -> str:
    """'3 (items a, b; -1: sign slip)' — the score and what makes it."""
    if mark is None:
        return f"auto ({score:g})"
    bits = [f"items {', '.join(mark.items) or 'none'}"] if mark.by_items else []
    if mark.by_items and mark.adjustment:
        bits.append(f"{mark.adjustment:+g}: {mark.reason}")
    if mark.comment:
        bits.append(f"comment: {mark.comment}")
    return f"{score:g}" + (f" ({'; '.join(bits)})" if bits else "")


@grades.command("show")
@click.argument("student")
@click.option("--part", help="Only this part.")
@json_option
@click.pass_context
def show(ctx: click.Context, student: str, part: str | None, as_json: bool) -> None:
    """Show STUDENT's grades: the automatic score, the human mark and what makes it, and each
    answer's version (what --expect takes).

    Example: gradewise grades show s2024001 --part II.7.a
    """
    ws = workspace(ctx)
    actions.find_student(ws, student)
    if part is not None:
        part = actions.find_part(ws, part).address
    versions = ws.store.versions(student)
    rows = [_row(g, versions.get((g.student, g.address), 0)) for g in ws.grades(student, part)]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Grades of {student}",
        ["part", "auto", "mark", "items", "adjust", "reason", "comment", "version"],
        [
            [
                r["part"],
                r["auto_score"],
                fmt(r["manual_score"]),
                ", ".join(r["items"]),
                r["adjustment"] or "",
                r["reason"],
                r["comment"],
                r["version"],
            ]
            for r in rows
        ],
    )


def _row(grade: PartGrade, version: int) -> dict[str, Any]:
    mark = grade.mark or ManualMark()
    return {
        "part": grade.address,
        "auto_score": grade.auto_score,
        "manual_score": grade.manual_score,
        "items": list(mark.items),
        "by_items": mark.by_items,
        "adjustment": mark.adjustment,
        "reason": mark.reason,
        "comment": mark.comment,
        "version": version,
    }
