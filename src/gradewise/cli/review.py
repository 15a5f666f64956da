"""`gradewise review list` (the queue of answers waiting for a human) and `review serve`."""

from __future__ import annotations

import getpass
import webbrowser

import click

from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.model import PartGrade


@click.group()
def review() -> None:
    """The review queue (answers gradewise could not decide alone) and the grading page."""


@review.command("list")
@click.option("--part", help="Only this part.")
@json_option
@click.pass_context
def list_(ctx: click.Context, part: str | None, as_json: bool) -> None:
    """List answers that need a human, the highest expected gain first: marks at stake ×
    how unsure gradewise is × answers like it waiting (one decision settles the group).

    Example: gradewise review list --part II.7.b
    """
    ws = workspace(ctx)
    if part:
        ws.check_part(part)
    marks = {p.address: p.marks for p in ws.exam.parts()}
    threshold = {p.address: p.review_below for p in ws.exam.parts()}
    queue = ws.queue(part)
    gains = ws.expected_gains(queue)
    rows = [
        {
            "student": g.student,
            "part": g.address,
            "marks": marks.get(g.address, 0),
            "auto_score": g.auto_score,
            "gain": round(gains[(g.student, g.address)], 3),
            "reason": _reason(g, threshold.get(g.address, 0.8)),
        }
        for g in queue
    ]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Review queue ({len(rows)} answers)",
        ["student", "part", "marks", "auto", "gain", "why"],
        [[r["student"], r["part"], r["marks"], r["auto_score"], r["gain"], r["reason"]]
         for r in rows],
    )  # fmt: skip
    if rows:
        click.echo("Set a mark with: gradewise grades set STUDENT PART MARKS --why '...'")


@review.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Loopback address to serve on."
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0: any free port.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--anonymous", is_flag=True, help="Hide student names and ids (pseudonyms per run).")
@click.option("--who", default=getpass.getuser, show_default="your user name", help="Who marks.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, no_browser: bool, anonymous: bool, who: str
) -> None:
    """Grade in the browser: serve this workspace's review pages until Ctrl-C.

    Example: gradewise review serve --anonymous
    """
    # Imported here: the web stack is only needed by this one command.
    from gradewise.review import create_app, server

    ws = workspace(ctx)
    ws.exam  # noqa: B018 - a broken exam file is reported now, as one line, not on a page
    app = create_app(ws, who=who, anonymous=anonymous, allowed_hosts=server.host_names(host))
    sock = server.listen(host, port)
    click.echo(f"Reviewing {ws.root} at {server.url(sock)} as {who} (Ctrl-C stops)")
    server.serve(app, sock, on_ready=None if no_browser else webbrowser.open)
    click.echo("Stopped.")


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
