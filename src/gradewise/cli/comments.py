"""`gradewise comments add|list|give`: a part's comment library, through gradewise.actions."""

from __future__ import annotations

import getpass

import click

from gradewise import actions
from gradewise.cli.common import echo_json, fmt, json_option, table, workspace
from gradewise.cli.grades import echo_marked

_WHO = click.option("--who", default=getpass.getuser, show_default="your user name")


@click.group()
def comments() -> None:
    """Comments kept per part, to give answer after answer (optionally with marks)."""


@comments.command("add")
@click.argument("part")
@click.argument("text")
@click.option("--marks", help="Marks the comment carries when given (negative: a deduction).")
@_WHO
@click.pass_context
def add(ctx: click.Context, part: str, text: str, marks: str | None, who: str) -> None:
    """Keep TEXT in PART's comment library; it gets the part's next number.

    Example: gradewise comments add II.7.a "units missing in the final answer" --marks -0.5
    """
    number = None if marks is None else actions.parse_number(marks, "--marks")
    ws = workspace(ctx)
    part = actions.find_part(ws, part).address
    kept = actions.add_comment(ws, part, text, marks=number, who=who)
    carries = "" if kept.marks is None else f" ({kept.marks:+g})"
    click.echo(f"{part} comment {kept.number}{carries}: {kept.text}")


@comments.command("list")
@click.argument("part")
@json_option
@click.pass_context
def list_(ctx: click.Context, part: str, as_json: bool) -> None:
    """List PART's comment library (the numbers 'comments give' takes).

    Example: gradewise comments list II.7.a
    """
    ws = workspace(ctx)
    part = actions.find_part(ws, part).address
    kept = actions.comments(ws, part)
    if as_json:
        echo_json([{"number": c.number, "marks": c.marks, "text": c.text} for c in kept])
        return
    rows = [[c.number, fmt(c.marks) or "—", c.text] for c in kept]
    table(f"Comments for {part}", ["#", "marks", "text"], rows)
    if not kept:
        click.echo(f"None yet: add one with gradewise comments add {part} 'TEXT'")


@comments.command("give")
@click.argument("student")
@click.argument("part")
@click.argument("number", type=int)
@click.option("--why", default="", help="Kept in the audit log (default: the comment's number).")
@click.option("--expect", type=int, help="The version you saw ('grades show'): refused if moved.")
@_WHO
@click.pass_context
def give(
    ctx: click.Context,
    student: str,
    part: str,
    number: int,
    why: str,
    expect: int | None,
    who: str,
) -> None:
    """Give comment NUMBER of PART to STUDENT's answer, as part of the mark (with no mark yet:
    the machine's proposal); a comment with marks moves the adjustment by them.

    Example: gradewise comments give s2024001 II.7.a 2
    """
    target = actions.Target(student, expect)
    ws = workspace(ctx)
    part = actions.find_part(ws, part).address
    [done] = actions.give_comment(ws, part, number, [target], who=who, why=why)
    echo_marked(student, part, done)
