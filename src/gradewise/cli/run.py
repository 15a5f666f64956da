"""`gradewise grade` and `gradewise results`."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gradewise.cli.common import console, echo_json, json_option, table, workspace


@click.command()
@click.option("--part", help="Grade only this part (an address such as II.4.a).")
@click.pass_context
def grade(ctx: click.Context, part: str | None) -> None:
    """Grade every answer that changed since the last run (resumable: kill it any time).

    Example: gradewise grade --part I.3
    """
    ws = workspace(ctx)
    with Progress(
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("grading", total=None)
        done = ws.grade(
            part=part,
            on_start=lambda total: progress.update(task, total=total),
            on_progress=lambda n: progress.advance(task, n),
        )
    pending = sum(1 for g in ws.grades() if g.needs_review and g.manual_score is None)
    click.echo(
        f"Graded {done} answers ({'nothing changed' if done == 0 else 'stored'}); "
        f"{pending} wait for review (gradewise review list)."
    )


@click.command()
@json_option
@click.pass_context
def results(ctx: click.Context, as_json: bool) -> None:
    """Totals per student after section rules, with parts still waiting for review.

    Example: gradewise results --json
    """
    ws = workspace(ctx)
    rows = ws.results()
    if as_json:
        echo_json(
            [
                {
                    "student": r.student,
                    "name": r.name,
                    "total": r.total,
                    "max": r.max_total,
                    "parts": dict(r.parts),
                    "counted_questions": list(r.counted_questions),
                    "pending": list(r.pending),
                }
                for r in rows
            ]
        )
        return
    addresses = [p.address for p in ws.exam.parts()]
    table(
        f"{ws.exam.title} — results (max {ws.exam.marks:g})",
        ["student", "name", *addresses, "total", "review"],
        [
            [r.student, r.name, *(_cell(r, a) for a in addresses), r.total, len(r.pending) or ""]
            for r in rows
        ],
    )


def _cell(result, address: str) -> str:  # type: ignore[no-untyped-def]
    score = f"{result.parts.get(address, 0):g}"
    return f"{score}?" if address in result.pending else score
