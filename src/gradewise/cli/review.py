"""`gradewise review list`: the queue of answers waiting for a human."""

from __future__ import annotations

import click

from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.model import PartGrade


@click.group()
def review() -> None:
    """The review queue: answers gradewise could not decide alone."""


@review.command("list")
@click.option("--part", help="Only this part.")
@json_option
@click.pass_context
def list_(ctx: click.Context, part: str | None, as_json: bool) -> None:
    """List answers that need a human, the most marks at stake first.

    Example: gradewise review list --part II.7.b
    """
    ws = workspace(ctx)
    if part:
        ws.check_part(part)
    marks = {p.address: p.marks for p in ws.exam.parts()}
    threshold = {p.address: p.review_below for p in ws.exam.parts()}
    queue = ws.queue(part)
    rows = [
        {
            "student": g.student,
            "part": g.address,
            "marks": marks.get(g.address, 0),
            "auto_score": g.auto_score,
            "reason": _reason(g, threshold.get(g.address, 0.8)),
        }
        for g in queue
    ]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Review queue ({len(rows)} answers)",
        ["student", "part", "marks", "auto", "why"],
        [[r["student"], r["part"], r["marks"], r["auto_score"], r["reason"]] for r in rows],
    )
    if rows:
        click.echo("Set a mark with: gradewise grades set STUDENT PART MARKS --why '...'")


def _reason(grade: PartGrade, threshold: float) -> str:
    """The undecided or unsure criteria, grouped by reason: 'c1, c2: why'."""
    by_reason: dict[str, list[str]] = {}
    for v in grade.verdicts:
        if not v.status.decided:
            by_reason.setdefault(v.reason, []).append(v.criterion)
        elif v.confidence < threshold:
            why = f"unsure ({v.confidence:.2f} < {threshold:g}): proposes {v.status}; {v.reason}"
            by_reason.setdefault(why, []).append(v.criterion)
    return "; ".join(f"{', '.join(ids)}: {why}" for why, ids in by_reason.items()) or "no verdicts"
