"""`gradewise export csv|canvas|moodle|json|feedback|graded`: results that leave the tool.

Every export refuses while answers still wait for review or were never graded (their totals
would be partial), unless `--allow-incomplete`, which names the incomplete students instead (on
the terminal for the LMS gradebooks, which take no extra column).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from gradewise import actions
from gradewise.cli.common import output_file, workspace
from gradewise.errors import WorkspaceError
from gradewise.measure.graded import write_graded
from gradewise.reports import csvfile, gradebook, lms
from gradewise.reports import feedback as fb
from gradewise.workspace import Workspace

Table = tuple[list[str], list[list[csvfile.Cell]]]


@click.group()
def export() -> None:
    """Write gradebooks and other results to files."""


def _options(func: Any) -> Any:
    func = click.option(
        "--allow-incomplete",
        is_flag=True,
        help="Export even while answers wait for review, marking the incomplete students.",
    )(func)
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File to write (default: under exports/ in the workspace).",
    )(func)


def _roster_option(func: Any) -> Any:
    return click.option(
        "--roster",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="LMS roster CSV: id, lms_id, sis_login, section, email; or the Canvas or Moodle"
        " export as downloaded.",
    )(func)


def _ready(ws: Workspace, allow_incomplete: bool) -> None:
    """Refuse partial totals: answers in review, or parts never graded (no grade stored)."""
    if allow_incomplete:
        return
    waiting = len(ws.queue())
    # Result.pending also holds parts with no grade at all, which the review queue cannot show.
    ungraded = sum(len(r.pending) for r in ws.results()) - waiting
    if waiting or ungraded:
        more = f" and {ungraded} are not graded yet" if ungraded else ""
        raise WorkspaceError(
            f"grading is incomplete: {waiting} answers still wait for review{more}",
            fix="run gradewise grade, finish the reviews (gradewise review list)"
            " or pass --allow-incomplete",
        )


def _write(path: Path, table: Table, what: str) -> None:
    header, rows = table
    csvfile.write_csv(output_file(path), header, rows)
    click.echo(f"Wrote {what}: {len(rows)} rows to {path}")


@export.command()
@click.option(
    "--format",
    "layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="wide: a row per student; long: a row per student × part × criterion.",
)
@_options
@click.pass_context
def csv(ctx: click.Context, layout: str, output: Path | None, allow_incomplete: bool) -> None:
    """Export the gradebook as CSV; manual marks win over automatic ones.

    Example: gradewise export csv --format long -o marks.csv
    """
    ws = workspace(ctx)
    _ready(ws, allow_incomplete)
    if layout == "wide":
        table = gradebook.wide(ws.exam, ws.results())
    else:
        table = gradebook.long(ws.exam, ws.grades())
    _write(output or ws.exports / f"gradebook-{layout}.csv", table, f"{layout} CSV")


@export.command()
@click.option("--all", "everything", is_flag=True, help="Every answer, scored by hand or not.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: exports/graded-answers.csv in the workspace).",
)
@click.pass_context
def graded(ctx: click.Context, everything: bool, output: Path | None) -> None:
    """Export the human's marks as a graded-answers CSV (the `gradewise evaluate` format).

    A second grader can re-mark its score column for `gradewise evaluate --human`; the file
    holds students' answers, so keep it where the scripts are kept.

    Example: gradewise export graded --all -o second-marking.csv
    """
    ws = workspace(ctx)
    rows = gradebook.graded_answers(ws.exam, ws.grades(), ws.store.answers(), everything=everything)
    path = output or ws.exports / "graded-answers.csv"
    write_graded(output_file(path), rows)
    click.echo(f"Wrote graded answers: {len(rows)} rows to {path}")


def _lms_command(name: str, build: Callable[..., Table], doc: str) -> None:
    @export.command(name, help=doc)
    @_roster_option
    @_options
    @click.pass_context
    def command(
        ctx: click.Context, roster: Path | None, output: Path | None, allow_incomplete: bool
    ) -> None:
        ws = workspace(ctx)
        _ready(ws, allow_incomplete)
        results = ws.results()
        known = lms.read_lms_roster(roster) if roster else None
        who = lms.lms_identities(results, ws.store.emails(), known)
        _write(
            output or ws.exports / f"{name}.csv", build(ws.exam, results, who), f"{name} gradebook"
        )
        waiting = lms.incomplete(results)
        if waiting:
            # Not a column: Canvas would import one as a new assignment.
            click.echo(
                f"{len(waiting)} students have parts waiting for review; their totals are"
                f" provisional: {', '.join(waiting)}"
            )


_lms_command(
    "canvas",
    lms.canvas,
    "Export a Canvas gradebook-import CSV (one column for the exam total).\n\n"
    "Example: gradewise export canvas --roster lms-roster.csv",
)
_lms_command(
    "moodle",
    lms.moodle,
    "Export a Moodle grade-import CSV (email, ID number, total, feedback).\n\n"
    "Example: gradewise export moodle -o moodle.csv",
)


@export.command("json")
@_options
@click.pass_context
def json_(ctx: click.Context, output: Path | None, allow_incomplete: bool) -> None:
    """Export every student's total, parts and verdicts as JSON.

    Example: gradewise export json -o results.json
    """
    ws = workspace(ctx)
    _ready(ws, allow_incomplete)
    data = lms.as_json(ws.exam, ws.results(), ws.grades())
    path = output_file(output or ws.exports / "results.json")
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    click.echo(f"Wrote JSON for {len(data['students'])} students to {path}")


@export.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: exports/feedback in the workspace).",
)
@click.option("--student", help="Only this student's page.")
@click.option("--pdf", is_flag=True, help="Also write each page as PDF (needs Pango).")
@click.option(
    "--with-scans",
    is_flag=True,
    help="Show under each answer the student's own scanned page it was read from.",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Write pages even while answers wait for review; their marks say provisional.",
)
@click.pass_context
def feedback(
    ctx: click.Context,
    output: Path | None,
    student: str | None,
    pdf: bool,
    with_scans: bool,
    allow_incomplete: bool,
) -> None:
    """Write one self-contained HTML feedback page per student (math rendered offline), and
    with --pdf a PDF of each.

    Pages hold the student's own answers, marks, criteria met and missed with the evidence,
    and graders' items, adjustments and comments; never grader guidance, other students or
    model internals. With --with-scans each answer of a scanned script shows the student's own
    page beside it, inside the file.

    Example: gradewise export feedback --pdf --with-scans -o feedback/
    """
    ws = workspace(ctx)
    if student is not None:
        ws.check_student(student)
    _ready(ws, allow_incomplete)
    everyone = ws.results()
    # Names over every student, not just those written now: no page ever replaces another's.
    names = fb.page_names(r.student for r in everyone)
    folder = output or ws.exports / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    asked, grades, answers = actions.regrades(ws), ws.grades(), ws.store.answers()
    written = 0
    for result in everyone:
        if student is not None and result.student != student:
            continue
        # One student's images at a time: a class's scans never sit in memory together.
        scans = _scans(ws, result.student) if with_scans else None
        page = fb.build(ws.exam, result, grades, answers, asked, scans)
        path = folder / names[page.student]
        path.write_text(fb.render(page), encoding="utf-8")
        if pdf:
            path.with_suffix(".pdf").write_bytes(fb.render_pdf(page))
        written += 1
    kinds = "HTML and PDF" if pdf else "HTML"
    click.echo(f"Wrote {written} feedback pages ({kinds}) to {folder}")


def _scans(ws: Workspace, student: str) -> dict[tuple[str, str], bytes]:
    """The student's own page image beside each answer, as the review page resolves it; their
    own name is on their own page, so nothing is masked."""
    from gradewise.review.scan import answer_image

    found = {}
    for part in ws.exam.parts():
        png = answer_image(ws, student, part.address, hide=False)
        if png is not None:
            found[(student, part.address)] = png
    return found


__all__: Sequence[str] = ["export"]
