"""`gradewise grades set`: a human's mark, recorded in the audit log."""

from __future__ import annotations

import getpass

import click

from gradewise.cli.common import workspace
from gradewise.errors import WorkspaceError


@click.group()
def grades() -> None:
    """Set marks by hand (a manual mark wins over the automatic one)."""


@grades.command("set")
@click.argument("student")
@click.argument("part")
@click.argument("marks")
@click.option("--why", required=True, help="The reason, kept in the audit log.")
@click.option("--who", default=getpass.getuser, show_default="your user name", help="Who sets it.")
@click.pass_context
def set_(ctx: click.Context, student: str, part: str, marks: str, why: str, who: str) -> None:
    """Set STUDENT's mark for PART to MARKS ('auto' clears the manual mark).

    Example: gradewise grades set s2024001 II.7.b 3 --why "sign slip only"
    """
    ws = workspace(ctx)
    ws.check_student(student)
    ws.check_part(part)
    score = _parse_marks(marks, ws.exam.part(part).marks)
    old = ws.store.set_manual(student, part, score, who=who, why=why)
    was = "auto" if old is None else f"{old:g}"
    now = "auto" if score is None else f"{score:g}"
    click.echo(f"{student} {part}: {was} → {now} (recorded)")


def _parse_marks(text: str, maximum: float) -> float | None:
    if text.lower() == "auto":
        return None
    try:
        value = float(text)
    except ValueError:
        raise WorkspaceError(
            f"marks {text!r} is not a number", fix="write e.g. 3 or 2.5, or 'auto'"
        ) from None
    if not 0 <= value <= maximum:
        raise WorkspaceError(
            f"marks {value:g} is outside 0..{maximum:g} for this part",
            fix=f"give a number between 0 and {maximum:g}",
        )
    return value
