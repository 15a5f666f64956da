"""`gradewise report`: exam statistics and plots as one HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from gradewise.cli.common import output_file, workspace
from gradewise.reports import report as html_report
from gradewise.reports import stats


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: exports/report.html in the workspace).",
)
@click.option("--bins", default=10, show_default=True, help="Bars in the histogram of totals.")
@click.pass_context
def report(ctx: click.Context, output: Path | None, bins: int) -> None:
    """Write the exam report: totals, part difficulty and discrimination, Cronbach's alpha,
    rubric hit rates, automatic-vs-human agreement and review workload, with plots.

    Answers still in review are counted at the machine's proposal, and the report says so.

    Example: gradewise report -o report.html
    """
    ws = workspace(ctx)
    grades = ws.grades()
    computed = stats.compute(ws.exam, ws.results(), grades, ws.store.events(), bins=max(1, bins))
    path = output_file(output or ws.exports / "report.html")
    page = html_report.render(computed, title=ws.exam.title, incomplete=len(ws.queue()))
    path.write_text(page, encoding="utf-8")
    click.echo(f"Wrote the exam report for {computed.students} students to {path}")
    for line in stats.worst(computed):
        click.echo(f"  {line}")
