"""`gradewise review list` (the queue of answers waiting for a human) and `review serve`."""

from __future__ import annotations

import getpass
import webbrowser
from typing import TYPE_CHECKING

import click

from gradewise.cli.common import echo_json, json_option, say_capped, table, workspace
from gradewise.errors import ReviewError
from gradewise.model import PartGrade
from gradewise.store.users import Users
from gradewise.takeover import outlooks
from gradewise.workspace import Workspace

if TYPE_CHECKING:
    from gradewise.review.auth import Access


MARK_HINT = "gradewise grades set STUDENT PART --items ID,ID (or MARKS) --why '...'"


@click.group()
def review() -> None:
    """The review queue (answers gradewise could not decide alone) and the grading page."""


@review.command("list")
@click.option("--part", help="Only this part.")
@json_option
@click.pass_context
def list_(ctx: click.Context, part: str | None, as_json: bool) -> None:
    """List answers that need a human, the highest expected gain first: marks at stake ×
    how unsure gradewise is × answers like it waiting (one decision settles the group); then,
    per part its judge learns from marks, how many more marks would let it take over (an
    estimate from the part's own marks, held out).

    Example: gradewise review list --part II.7.b
    """
    ws = workspace(ctx)
    if part:
        part = ws.check_part(part)
    marks = {p.address: p.marks for p in ws.exam.parts()}
    threshold = {p.address: p.review_below for p in ws.exam.parts()}
    queue = ws.queue(part)
    gains = ws.expected_gains(queue)
    ahead = {a: o.sentence() for a, o in outlooks(ws, [g.address for g in queue]).items()}
    rows = [
        {
            "student": g.student,
            "part": g.address,
            "marks": marks.get(g.address, 0),
            "auto_score": g.auto_score,
            "gain": round(gains[(g.student, g.address)], 3),
            "reason": _reason(g, threshold.get(g.address, 0.8)),
            "outlook": ahead.get(g.address, ""),
        }
        for g in queue
    ]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Review queue ({len(rows)} answers)",
        ["student", "part", "marks", "auto", "gain", "why"],
        [
            [r["student"], r["part"], r["marks"], r["auto_score"], r["gain"], r["reason"]]
            for r in rows
        ],
    )
    for address, sentence in ahead.items():
        if sentence:
            click.echo(f"{address}: {sentence}")
    if rows:
        click.echo(f"Mark with: {MARK_HINT}")
    say_capped(ws, part)


@review.command("next")
@click.argument("part")
@click.option("-n", "count", default=5, show_default=True, type=click.IntRange(1), help="How many.")
@click.option(
    "--judge",
    "judge_id",
    default="learned",
    show_default=True,
    help="The judge that will learn from the marks (it chooses, where it can).",
)
@json_option
@click.pass_context
def next_(ctx: click.Context, part: str, count: int, judge_id: str, as_json: bool) -> None:
    """Suggest which answers of PART to mark next: the ones the judge learns most from (the
    centres of the largest groups of like answers that no mark covers yet).

    Example: gradewise review next II.10.a -n 5
    """
    ws = workspace(ctx)
    part = ws.check_part(part)
    picks = ws.suggest(part, count, judge=judge_id)
    rows = [{"student": a.student, "part": a.address, "answer": a.text} for a in picks]
    if as_json:
        echo_json(rows)
        return
    table(
        f"Mark these next ({part})",
        ["student", "answer"],
        [[r["student"], _one_line(r["answer"])] for r in rows],
    )
    if rows:
        click.echo(f"Mark them with: {MARK_HINT}")
    else:  # said, not left as an empty table
        click.echo(
            f"Nothing to suggest for {part}: its answers are marked (or like marked ones),"
            " or it has none."
        )


def _one_line(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@review.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on; any but loopback requires login (see 'gradewise users').",
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
# login (review/auth.py) -------------------------------------------------------------------
@click.option("--login", "force_login", is_flag=True, help="Require login on loopback too.")
@click.option(
    "--session-hours",
    default=8.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="With login: a session ends this long after logging in.",
)
@click.option(
    "--show-names-to-ta",
    is_flag=True,
    help="With login: TAs see student names and ids (by default they see pseudonyms).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    no_browser: bool,
    anonymous: bool,
    who: str,
    force_login: bool,
    session_hours: float,
    show_names_to_ta: bool,
) -> None:
    """Grade in the browser: serve this workspace's review pages until Ctrl-C.

    On an address other machines can reach, every page needs login (users with roles:
    'gradewise users add'); marks made there are recorded under the user's name, not --who.

    Example: gradewise review serve --anonymous;  gradewise review serve --host 0.0.0.0
    """
    # Imported here: the web stack is only needed by this one command.
    from gradewise.exam import load_exam
    from gradewise.review import create_app, server

    ws = workspace(ctx)
    # Read in full, not from the cache: a broken exam file is reported now, as one line, not on
    # a page, and the SymPy workers that check an edited rubric are started before it is served.
    load_exam(ws.exam_path)
    login = force_login or not server.is_loopback(host)
    access = _access(ws, host, session_hours, show_names_to_ta) if login else None
    hosts = server.host_names(host, login=login)
    app = create_app(ws, who=who, anonymous=anonymous, allowed_hosts=hosts, access=access)
    sock = server.listen(host, port, login=login)
    as_whom = "with login" if login else f"as {who}"
    click.echo(f"Reviewing {ws.root} at {server.url(sock)} {as_whom} (Ctrl-C stops)")
    if not server.is_loopback(host):
        click.echo(
            "Note: plain HTTP — passwords and cookies cross the network unencrypted; on a"
            " network you do not trust, serve on 127.0.0.1 and reach it through an SSH tunnel.",
            err=True,
        )
    server.serve(app, sock, on_ready=None if no_browser else webbrowser.open)
    click.echo("Stopped.")


def _access(ws: Workspace, host: str, hours: float, names_to_ta: bool) -> Access:
    """Login options for serve, once an instructor exists to log in."""
    from gradewise.review import auth, server

    if Users(ws.store).instructors() == 0:
        loopback = server.is_loopback(host)
        raise ReviewError(
            f"will not serve {'with --login' if loopback else f'on {host}'}:"
            " no instructor can log in yet",
            fix="add one with 'gradewise users add NAME --role instructor'"
            + ("" if loopback else ", or serve on --host 127.0.0.1"),
        )
    return auth.Access(session_hours=hours, anonymous_for_ta=not names_to_ta)


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
