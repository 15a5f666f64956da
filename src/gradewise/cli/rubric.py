"""`gradewise rubric list|set|add|delete`: a part's rubric items, edited in exam.yaml through
gradewise.actions (previewed, version-checked, audited; hand marks move with their items)."""

from __future__ import annotations

import getpass

import click

from gradewise.actions import find_part, parse_number
from gradewise.actions import rubric as rubric_actions
from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.exam.edit import RubricChange
from gradewise.workspace import Workspace


@click.group()
def rubric() -> None:
    """A part's rubric items: list them, change their marks or text, add or delete one."""


@rubric.command("list")
@click.argument("part")
@json_option
@click.pass_context
def list_(ctx: click.Context, part: str, as_json: bool) -> None:
    """List PART's rubric items (the ids 'grades set --items' takes).

    Example: gradewise rubric list II.7.a
    """
    found = find_part(workspace(ctx), part)
    rows = [
        {"id": c.id, "marks": c.marks, "group": c.group, "text": c.text} for c in found.criteria
    ]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Rubric of {found.address} ({found.marks:g} marks)",
        ["id", "marks", "group", "text"],
        [[r["id"], r["marks"], r["group"], r["text"]] for r in rows],
    )
    if not rows:  # a free-text part with no rubric: marked whole
        click.echo(
            f"{found.address} has no rubric items: it is marked whole (a plain mark:"
            f" 'gradewise grades set STUDENT {found.address} MARKS'); write a 'rubric:' under it"
            " in exam.yaml to mark it by items."
        )


_WHY = click.option("--why", required=True, help="The reason, kept in the audit log.")
_WHO = click.option("--who", default=getpass.getuser, show_default="your user name")
_YES = click.option("--yes", is_flag=True, help="Make the change without asking.")


@rubric.command("set")
@click.argument("part")
@click.argument("item")
@click.option("--marks", help="The item's new marks (negative: a deduction).")
@click.option("--text", help="The item's new text (feedback only: no score moves).")
@click.option("--group", help='An exclusive group to put it in (at most one applies); "": none.')
@_WHY
@_WHO
@_YES
@click.pass_context
def set_(
    ctx: click.Context,
    part: str,
    item: str,
    marks: str | None,
    text: str | None,
    group: str | None,
    why: str,
    who: str,
    yes: bool,
) -> None:
    """Change ITEM of PART: its marks or group re-score every answer of the part, hand-marked
    ones included (the count is shown first); its text changes the feedback only.

    Example: gradewise rubric set II.7.a w3 --marks 1 --why "final answer over-weighted"
    """
    number = None if marks is None else parse_number(marks, "--marks")
    change = RubricChange("edit", item, text, number, group)
    _change(ctx, part, change, why=why, who=who, yes=yes)


@rubric.command("add")
@click.argument("part")
@click.argument("item")
@click.option("--marks", required=True, help="Its marks (negative: a deduction).")
@click.option("--text", required=True, help="What earns the marks, as students will read it.")
@click.option("--why", default="item added while marking", show_default=True)
@_WHO
@_YES
@click.pass_context
def add(
    ctx: click.Context, part: str, item: str, marks: str, text: str, why: str, who: str, yes: bool
) -> None:
    """Add ITEM to PART's rubric (written into exam.yaml, other parts untouched); graded answers
    show as affected until 'gradewise grade' decides it or a grader marks them.

    Example: gradewise rubric add II.7.a units --marks 0.5 --text "states the units"
    """
    change = RubricChange("add", item, text, parse_number(marks, "--marks"))
    _change(ctx, part, change, why=why, who=who, yes=yes)


@rubric.command("delete")
@click.argument("part")
@click.argument("item")
@_WHY
@_WHO
@_YES
@click.pass_context
def delete(ctx: click.Context, part: str, item: str, why: str, who: str, yes: bool) -> None:
    """Delete ITEM from PART's rubric: answers are re-scored without it.

    Example: gradewise rubric delete II.7.a grad --why "not asked for"
    """
    _change(ctx, part, RubricChange("delete", item), why=why, who=who, yes=yes)


def _change(
    ctx: click.Context, part: str, change: RubricChange, *, why: str, who: str, yes: bool
) -> None:
    ws = workspace(ctx)
    version = _version(ws, part)
    impact = rubric_actions.preview(ws, part, change, version=version)
    click.echo(impact.message)
    if not yes and not click.confirm("Make this change?", default=True):
        click.echo("Nothing changed.")
        return
    rubric_actions.apply(ws, part, change, version=version, who=who, why=why)
    click.echo(f"Saved to {ws.exam_path.name} (recorded).")


def _version(ws: Workspace, part: str) -> str:
    return rubric_actions.rubric_version(find_part(ws, part))
