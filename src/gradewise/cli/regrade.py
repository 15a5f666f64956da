"""`gradewise regrade add|list|resolve`: regrade requests, through gradewise.actions."""

from __future__ import annotations

import getpass
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from gradewise import actions
from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.cli.grades import MarkOptions, echo_marked
from gradewise.errors import BadInput, GradewiseError, ScriptError
from gradewise.model import Regrade
from gradewise.scripts.ingest import read_table
from gradewise.workspace import Workspace

_WHO = click.option("--who", default=getpass.getuser, show_default="your user name")


@click.group()
def regrade() -> None:
    """Regrade requests: a student's question about a part's mark, answered (and re-marked)."""


@regrade.command("add")
@click.argument("student")
@click.argument("part")
@click.option("--why", required=True, help="What the student asks, in their words.")
@_WHO
@click.pass_context
def add(ctx: click.Context, student: str, part: str, why: str, who: str) -> None:
    """Open a regrade request for STUDENT's answer to PART (one open per answer).

    PART is an address (II.7.a) or a label as students write it (7a, "Q7 (a)").

    Example: gradewise regrade add s2024001 7a --why "w2 is right, only copied wrong"
    """
    asked = actions.ask_regrade(workspace(ctx), student, part, why, who=who)
    click.echo(f"{student} {asked.address}: regrade request opened ({asked.why})")


@regrade.command("list")
@click.option("--all", "everything", is_flag=True, help="Resolved requests too.")
@json_option
@click.pass_context
def list_(ctx: click.Context, everything: bool, as_json: bool) -> None:
    """List the open regrade requests, oldest first (--all: resolved ones too).

    Example: gradewise regrade list
    """
    ws = workspace(ctx)
    found = actions.regrades(ws, open_only=not everything)
    if as_json:
        echo_json([_row(ws, r) for r in found])
        return
    rows = [[r.student, r.address, r.asked_at, r.why, _state(ws, r)] for r in found]
    table("Regrade requests", ["student", "part", "asked", "why", "answer"], rows)


def _state(ws: Workspace, request: Regrade) -> str:
    if request.answer is not None:
        return request.answer
    if actions.gone(ws, request.student, request.address):
        return "open, part no longer in the exam: close it with 'regrade resolve ... --why'"
    return "open"


def _row(ws: Workspace, request: Regrade) -> dict[str, Any]:
    gone = request.open and actions.gone(ws, request.student, request.address)
    return {**asdict(request), "open": request.open, "gone": gone}


@regrade.command("resolve")
@click.argument("student")
@click.argument("part")
@click.argument("marks", required=False)
@click.option("--why", required=True, help="The answer to the request; the student reads it.")
@click.option("--items", help="New mark: rubric items applied, by id: a,b,c.")
@click.option("--adjust", help="Marks added (or, negative, taken) on top of the items.")
@click.option("--reason", default="", help="Why the adjustment; the student reads it.")
@click.option("--comment", default="", help="A comment to the student.")
@click.option("--accept", is_flag=True, help="New mark: the machine's proposal, as items.")
@click.option("--expect", type=int, help="The version you saw ('grades show'): refused if moved.")
@_WHO
@click.pass_context
def resolve(
    ctx: click.Context,
    student: str,
    part: str,
    marks: str | None,
    why: str,
    items: str | None,
    adjust: str | None,
    reason: str,
    comment: str,
    accept: bool,
    expect: int | None,
    who: str,
) -> None:
    """Answer STUDENT's open request for PART; with MARKS, --items or --accept the mark changes
    too (as 'grades set' sets it), in the same transaction. Without, the mark stays. A request
    on a part no longer in the exam is closed with the answer (no new mark).

    Example: gradewise regrade resolve s2024001 II.7.a --items grad,w1,w2 --why "w2 was right"
    """
    ws = workspace(ctx)
    given = MarkOptions(marks, items, adjust, reason, comment, accept)
    if given.ways() > 1:
        raise BadInput("give at most one of MARKS, --items or --accept", fix="keep one of them")
    target = actions.Target(student, expect)

    def remark(audit_why: str) -> list[actions.Marked]:
        return given.apply(ws, part, target, who=who, why=audit_why)

    closing = actions.gone(ws, student, part)
    resolved, done = actions.resolve_regrade(
        ws, student, part, why, who=who, remark=remark if given.ways() else None
    )
    verb = actions.CLOSED if closing else "resolved"
    click.echo(f"{student} {resolved.address}: regrade request {verb} ({resolved.answer})")
    if done is not None:
        echo_marked(student, resolved.address, done)


# The columns of a table of requests, as forms and spreadsheets name them (first found wins).
COLUMNS = {
    "student": ("id", "student id", "sis user id", "student", "email", "email address"),
    "part": ("part", "address", "label", "question"),
    "why": ("why", "reason", "request"),
}
EXAMPLE = "student,part,why"


@regrade.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Open the good rows, list the bad ones.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@_WHO
@json_option
@click.pass_context
def import_(
    ctx: click.Context, file: Path, skip_bad: bool, dry_run: bool, who: str, as_json: bool
) -> None:
    """Open the regrade requests a course collected in FILE (CSV: a form's export), one per row:
    the student (id or roster email), the part (II.7.a, 7a, "Q7 (a)", "Question 7 part a") and
    what they ask. Every row is checked first; any bad row refuses the whole file (listed by
    line) unless --skip-bad.

    Example: gradewise regrade import requests.csv --dry-run
    """
    ws = workspace(ctx)
    done = actions.import_regrades(ws, _rows(file), who=who, skip_bad=skip_bad, dry_run=dry_run)
    for bad in done.bad:
        message = GradewiseError(bad.reason, file=str(file), line=bad.line, fix=bad.fix)
        click.echo(str(message), err=True)
    if as_json:
        echo_json(
            {
                "written": done.written,
                "asked": [_row(ws, r) for r in done.asked],
                "bad": [asdict(b) for b in done.bad],
            }
        )
    refused = bool(done.bad) and not skip_bad
    if not as_json and not refused:
        _echo_imported(done, dry_run)
    if refused:
        raise BadInput(
            f"{file}: nothing imported, {len(done.bad)} of {len(done.bad) + len(done.asked)}"
            " rows refused",
            fix="correct the rows listed, or add --skip-bad to import the others",
        )


def _columns(file: Path, header: list[str]) -> dict[str, int]:
    """Each role's column: a header named as COLUMNS says, else the one header holding such a
    name among its words (a form's question as its header: "Why do you think the mark is
    wrong?"); none, or two such headers, is a one-line error naming the columns."""
    names = [" ".join(re.findall(r"\w+", cell.lower())) for cell in header]
    index: dict[str, int] = {}
    for role, options in COLUMNS.items():  # exact names first, for every role
        found = next((names.index(o) for o in options if o in names), None)
        if found is not None:
            index[role] = found
    for role, options in COLUMNS.items():
        if role in index:
            continue
        free = [i for i in range(len(names)) if i not in index.values()]
        holding = [i for i in free if any(f" {o} " in f" {names[i]} " for o in options)]
        if len(holding) != 1:
            what = f"two columns could be the {role}" if holding else f"no {role} column"
            shown = holding or range(len(header))
            raise ScriptError(
                f"{what} (columns: {', '.join(repr(header[i]) for i in shown)})",
                file=str(file),
                line=1,
                fix=f"name the columns {EXAMPLE!r}, or as the form did: {', '.join(options)}",
            )
        index[role] = holding[0]
    return index


def _rows(file: Path) -> list[actions.RequestRow]:
    """The rows of FILE as requests, its columns found by their header."""
    header, rows = read_table(file, example=EXAMPLE)
    index = _columns(file, header)

    def cell(row: list[str], role: str) -> str:
        return row[index[role]] if index[role] < len(row) else ""

    return [
        actions.RequestRow(line, cell(row, "student"), cell(row, "part"), cell(row, "why"))
        for line, row in rows
    ]


def _echo_imported(done: actions.Imported, dry_run: bool) -> None:
    rows = [[r.student, r.address, r.why] for r in done.asked]
    verb = "would open" if dry_run else "opened" if done.written else "found"
    table(f"Regrade requests {verb}", ["student", "part", "why"], rows)
    skipped = f", {len(done.bad)} rows skipped" if done.bad else ""
    click.echo(f"{len(done.asked)} regrade requests {verb}{skipped}")
