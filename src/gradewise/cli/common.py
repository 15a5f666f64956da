"""What every command group shares: the workspace, JSON output, tables, user errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from gradewise.errors import GradewiseError
from gradewise.scoring import capped
from gradewise.workspace import Workspace, open_workspace

# Piped output (files, CI logs) gets wide tables instead of wrapped 80-column ones.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


class GradewiseGroup(click.Group):
    """A group that turns GradewiseError, and a file that cannot be written or read, into
    click's one-line error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradewiseError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:  # a path given on the command line: the user can fix it
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(
                f"{where}{exc.strerror or exc} — check the path and that you may write there"
            ) from exc


def workspace(ctx: click.Context) -> Workspace:
    root = ctx.find_root().obj
    return open_workspace(root if isinstance(root, Path) else Path("."))


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    out = Table(title=title, title_justify="left")
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*(fmt(cell) for cell in row))
    console.print(out)


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return ""
    return str(value)


def output_file(path: Path) -> Path:
    """`path`, its folder created if missing: `-o reports/exam.html` just works."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def say_capped(ws: Workspace, part: str | None = None) -> None:
    """Hand marks the exam's lowered part marks now cap: a line per part, and the way out."""
    found = capped(ws.exam, ws.grades(address=part))
    for each in found:
        click.echo(each.line())
    if found:
        click.echo(
            "Capped marks count as the part's marks: mark them again with"
            " 'gradewise grades set STUDENT PART MARKS --why ...', or raise the marks in exam.yaml."
        )
