"""`gradewise export csv`."""

from __future__ import annotations

from pathlib import Path

import click

from gradewise.cli.common import workspace
from gradewise.reports import gradebook


@click.group()
def export() -> None:
    """Write gradebooks and other results to files."""


@export.command()
@click.option(
    "--format",
    "layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="wide: a row per student; long: a row per student × part × criterion.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: exports/gradebook-FORMAT.csv in the workspace).",
)
@click.pass_context
def csv(ctx: click.Context, layout: str, output: Path | None) -> None:
    """Export the gradebook as CSV; manual marks win over automatic ones.

    Example: gradewise export csv --format long -o marks.csv
    """
    ws = workspace(ctx)
    if layout == "wide":
        results = ws.results()
        header, rows = gradebook.wide(ws.exam, results)

    else:
        grades = ws.grades()
        header, rows = gradebook.long(ws.exam, grades)

    pending = len(ws.queue())
    path = output or ws.exports / f"gradebook-{layout}.csv"
    gradebook.write_csv(path, header, rows)
    click.echo(f"Wrote {len(rows)} rows to {path}")
    if pending:
        click.echo(
            f"Note: grading is incomplete: {pending} answers still wait for review "
            "(see 'gradewise review list'; the wide file's 'pending' column names them)."
        )
