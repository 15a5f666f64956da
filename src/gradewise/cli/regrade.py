"""`gradewise regrade add|list|resolve`: regrade requests, through gradewise.actions."""

from __future__ import annotations

import getpass
from dataclasses import asdict
from typing import Any

import click

from gradewise import actions
from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.cli.grades import MarkOptions, echo_marked
from gradewise.errors import BadInput
from gradewise.model import Regrade

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

    Example: gradewise regrade add s2024001 II.7.a --why "w2 is right, only copied wrong"
    """
    asked = actions.ask_regrade(workspace(ctx), student, part, why, who=who)
    click.echo(f"{student} {part}: regrade request opened ({asked.why})")


@regrade.command("list")
@click.option("--all", "everything", is_flag=True, help="Resolved requests too.")
@json_option
@click.pass_context
def list_(ctx: click.Context, everything: bool, as_json: bool) -> None:
    """List the open regrade requests, oldest first (--all: resolved ones too).

    Example: gradewise regrade list
    """
    found = actions.regrades(workspace(ctx), open_only=not everything)
    if as_json:
        echo_json([_row(r) for r in found])
        return
    rows = [[r.student, r.address, r.asked_at, r.why, r.answer or "open"] for r in found]
    table("Regrade requests", ["student", "part", "asked", "why", "answer"], rows)


def _row(request: Regrade) -> dict[str, Any]:
    return {**asdict(request), "open": request.open}


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
    too (as 'grades set' sets it), in the same transaction. Without, the mark stays.

    Example: gradewise regrade resolve s2024001 II.7.a --items grad,w1,w2 --why "w2 was right"
    """
    ws = workspace(ctx)
    given = MarkOptions(marks, items, adjust, reason, comment, accept)
    if given.ways() > 1:
        raise BadInput("give at most one of MARKS, --items or --accept", fix="keep one of them")
    target = actions.Target(student, expect)

    def remark(audit_why: str) -> list[actions.Marked]:
        return given.apply(ws, part, target, who=who, why=audit_why)

    _, done = actions.resolve_regrade(
        ws, student, part, why, who=who, remark=remark if given.ways() else None
    )
    click.echo(f"{student} {part}: regrade request resolved ({why.strip()})")
    if done is not None:
        echo_marked(student, part, done)
