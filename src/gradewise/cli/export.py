"""`gradewise export csv|canvas|moodle|json`: gradebooks that leave the tool.

Every export refuses while answers still wait for review (their totals would be partial),
unless `--allow-incomplete`, which marks the incomplete students instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from gradewise.cli.common import workspace
from gradewise.errors import WorkspaceError
from gradewise.reports import gradebook, lms
from gradewise.workspace import Workspace

Table = tuple[list[str], list[list[Any]]]


@click.group()
def export() -> None:
    """Write gradebooks and other results to files."""


def _options(func: Any) -> Any:
    func = click.option(
        "--allow-incomplete", is_flag=True,
        help="Export even while answers wait for review, marking the incomplete students.",
    )(func)  # fmt: skip
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
        help="File to write (default: under exports/ in the workspace).",
    )(func)  # fmt: skip


def _roster_option(func: Any) -> Any:
    return click.option(
        "--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="LMS roster CSV: id, lms_id, sis_login, section, email.",
    )(func)  # fmt: skip


def _ready(ws: Workspace, allow_incomplete: bool) -> None:
    waiting = len(ws.queue())
    if waiting and not allow_incomplete:
        raise WorkspaceError(
            f"grading is incomplete: {waiting} answers still wait for review",
            fix="finish them (gradewise review list) or pass --allow-incomplete",
        )


def _write(path: Path, table: Table, what: str) -> None:
    header, rows = table
    gradebook.write_csv(path, header, rows)
    click.echo(f"Wrote {what}: {len(rows)} rows to {path}")


@export.command()
@click.option(
    "--format", "layout", type=click.Choice(["wide", "long"]), default="wide", show_default=True,
    help="wide: a row per student; long: a row per student × part × criterion.",
)  # fmt: skip
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
        table = build(ws.exam, results, who, flag_incomplete=allow_incomplete)
        _write(output or ws.exports / f"{name}.csv", table, f"{name} gradebook")


_lms_command(
    "canvas", lms.canvas,
    "Export a Canvas gradebook-import CSV (one column for the exam total).\n\n"
    "Example: gradewise export canvas --roster lms-roster.csv",
)  # fmt: skip
_lms_command(
    "moodle", lms.moodle,
    "Export a Moodle grade-import CSV (email, ID number, total).\n\n"
    "Example: gradewise export moodle -o moodle.csv",
)  # fmt: skip


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
    path = output or ws.exports / "results.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    click.echo(f"Wrote JSON for {len(data['students'])} students to {path}")


__all__: Sequence[str] = ["export"]
