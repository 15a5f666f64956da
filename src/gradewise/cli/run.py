"""`gradewise grade` and `gradewise results`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from gradewise import scoring
from gradewise.cli.common import console, echo_json, json_option, say_capped, table, workspace
from gradewise.judges.llm_client import workspace_spend
from gradewise.model import Exam, PartGrade, Result, Status

if TYPE_CHECKING:
    from gradewise.judges.registry import Judge
    from gradewise.workspace import Workspace


@click.command()
@click.option("--part", help="Grade only this part (II.4.a, or a label: 4a).")
@click.option(
    "--judge",
    default="none",
    show_default=True,
    help="Free-text judge (see 'gradewise judges list'); 'none' leaves free text to humans.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what the judge would be asked (LLM prompts, number of calls); send nothing.",
)
@click.option(
    "--samples",
    type=click.IntRange(1, 25),
    help="LLM samples per decision, majority vote (overrides gradewise.toml; temperature > 0).",
)
@click.pass_context
def grade(
    ctx: click.Context, part: str | None, judge: str, dry_run: bool, samples: int | None
) -> None:
    """Grade every answer that changed since the last run (resumable: kill it any time).

    Example: gradewise grade --part I.3;  gradewise grade --judge llm --dry-run
    """
    # Imported here, not at the top: `results` shares this module and needs none of them.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from gradewise.judges.llm import spend_line

    ws = workspace(ctx)
    part = None if part is None else ws.check_part(part)
    chosen = ws.configured_judge(judge, samples=samples)
    if dry_run:
        _dry_run(ws, part, chosen)
        return
    with Progress(
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # piped or logged: no bar, and no blank line left
    ) as progress:
        task = progress.add_task("grading", total=None)
        failed: list[PartGrade] = []

        def stored(chunk: Sequence[PartGrade]) -> None:
            progress.advance(task, len(chunk))
            failed.extend(g for g in chunk if any(v.status is Status.ERROR for v in g.verdicts))

        done = ws.grade(
            part=part,
            judge=chosen,
            on_start=lambda total: progress.update(task, total=total),
            on_progress=stored,
        )
    pending = len(ws.queue())
    click.echo(
        f"Graded {done} answers ({'nothing changed' if done == 0 else 'stored'}); "
        f"{pending} wait for review (gradewise review list)."
    )
    say_capped(ws)
    if spend_line(chosen):
        click.echo(spend_line(chosen))
    if failed:
        raise click.ClickException(_failures(failed))


def _failures(failed: Sequence[PartGrade]) -> str:
    """One line: how many answers a checker or judge failed on, and the first reason."""
    first = failed[0]
    reason = next(v.reason for v in first.verdicts if v.status is Status.ERROR)
    return (
        f"{len(failed)} answers could not be decided because a checker or judge failed (e.g."
        f" {first.student} {first.address}: {reason}); they wait for review, and the next"
        " 'gradewise grade' tries a failed judge again"
    )


def _dry_run(ws: Workspace, part: str | None, chosen: Judge | None) -> None:
    """What grading would give the judge; only an LLM-calling judge has prompts to show."""
    from gradewise.judges.llm import HybridJudge, LLMJudge

    if chosen is None:
        click.echo("No judge: free text would wait for a human; nothing would be sent.")
        return
    items = ws.judge_items(part=part, judge=chosen)
    if isinstance(chosen, LLMJudge | HybridJudge):
        click.echo(chosen.preview(items).render())
        return
    click.echo(
        f"{len(items)} free-text decisions for the {chosen.id} judge (offline: nothing is sent)."
    )


@click.command()
@click.option("--parts", "by_part", is_flag=True, help="A column per part instead of per question.")
@json_option
@click.pass_context
def results(ctx: click.Context, by_part: bool, as_json: bool) -> None:
    """Totals per student after section rules; `?` marks marks still waiting for review.

    Example: gradewise results --parts
    """
    ws = workspace(ctx)
    rows = ws.results()
    blank = _not_answered(ws)
    if as_json:
        echo_json([{**_as_json(r), "not_answered": blank.get(r.student, [])} for r in rows])
        return
    columns = _columns(ws.exam, by_part)
    table(
        f"{ws.exam.title} — results (max {ws.exam.marks:g})",
        ["student", "name", *columns, "total", "review"],
        [
            [
                r.student,
                r.name,
                *(_cell(r, parts) for parts in columns.values()),
                r.total,
                len(r.pending) or "",
            ]
            for r in rows
        ],
    )
    _say_not_answered(blank)
    waiting = sum(len(r.pending) for r in rows)
    if waiting:
        click.echo(f"{waiting} marks wait for review: gradewise review list")
    calls, tokens_in, tokens_out, cost = workspace_spend(ws.root)
    if calls:
        click.echo(
            f"LLM calls for this exam so far: {calls} ({tokens_in:,} tokens in, "
            f"{tokens_out:,} out, ${cost:.4f} at the prices configured when sent)"
        )


def _not_answered(ws: Workspace) -> dict[str, list[str]]:
    """Student → the parts they left blank, scored 0 without review (no human mark since)."""
    order = {p.address: i for i, p in enumerate(ws.exam.parts())}
    by_student: dict[str, dict[str, PartGrade]] = {}
    for g in ws.grades():
        by_student.setdefault(g.student, {})[g.address] = g
    found: dict[str, list[str]] = {}
    for student, grades in sorted(by_student.items()):
        left_out = scoring.skipped(ws.exam, grades)  # optional questions rightly left out
        for g in sorted(grades.values(), key=lambda g: order.get(g.address, -1)):
            decided_blank = g.unanswered and not g.needs_review and g.manual_score is None
            if decided_blank and g.address not in left_out:
                found.setdefault(student, []).append(g.address)
    return found


def _say_not_answered(blank: dict[str, list[str]], shown: int = 8) -> None:
    pairs = [f"{student} {address}" for student, parts in blank.items() for address in parts]
    if pairs:
        more = f", … ({len(pairs) - shown} more: results --json)" if len(pairs) > shown else ""
        part = "part" if len(pairs) == 1 else "parts"
        click.echo(
            f"{len(pairs)} {part} not answered (0, decided): {', '.join(pairs[:shown])}{more}"
        )


def _columns(exam: Exam, by_part: bool) -> dict[str, list[str]]:
    """Column title → the part addresses it adds up."""
    if by_part:
        return {p.address: [p.address] for p in exam.parts()}
    return {
        f"{s.id}.{q.id}": [p.address for p in q.parts] for s in exam.sections for q in s.questions
    }


def _cell(result: Result, addresses: list[str]) -> str:
    score = f"{sum(result.parts.get(a, 0.0) for a in addresses):g}"
    return f"{score}?" if any(a in result.pending for a in addresses) else score


def _as_json(r: Result) -> dict[str, Any]:
    return {
        "student": r.student,
        "name": r.name,
        "total": r.total,
        "max": r.max_total,
        "parts": dict(r.parts),
        "counted_questions": list(r.counted_questions),
        "pending": list(r.pending),
    }
