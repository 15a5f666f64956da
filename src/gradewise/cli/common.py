"""What every command group shares: the workspace, JSON output, tables, user errors."""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from gradewise.errors import GradewiseError

if TYPE_CHECKING:
    from gradewise.workspace import Workspace

# Exit status, documented in README ("Exit status"); 2 is click's own, for usage errors.
USER_ERROR = 1
USAGE = 2
INTERNAL_ERROR = 3
DEBUG_ENV = "GRADEWISE_DEBUG"

# Piped output (files, CI logs) gets wide tables instead of wrapped 80-column ones.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


class InternalError(click.ClickException):
    """An exception gradewise did not expect: a bug, reported in one line with exit status 3."""

    exit_code = INTERNAL_ERROR


class GradewiseGroup(click.Group):
    """The root group: loads each command's module only when that command runs (`lazy` maps a
    name to "module:attribute"), and holds the exit-status policy for every command.

    GradewiseError and a file that cannot be read or written are user errors (1, one line);
    click's usage errors stay 2; anything else is a bug (3, one line, traceback kept in a file,
    shown with --debug or GRADEWISE_DEBUG=1).
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except GradewiseError as exc:
            raise click.ClickException(str(exc)) from exc
        except BrokenPipeError:
            raise  # `gradewise results | head`: click ends quietly
        except OSError as exc:  # the machine refused (a path, a full disk): the user can fix it
            if not exc.filename:
                raise click.ClickException(str(exc.strerror or exc)) from exc
            raise click.ClickException(
                f"{exc.filename}: {exc.strerror or exc} — check the path and that you may write"
                " there"
            ) from exc
        except Exception as exc:
            if ctx.params.get("debug") or os.environ.get(DEBUG_ENV):
                raise
            raise InternalError(_bug_line(exc)) from exc


def _bug_line(exc: Exception) -> str:
    """One line for an unexpected exception; its traceback goes to a file only the user reads."""
    what = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    try:
        handle, name = tempfile.mkstemp(prefix="gradewise-traceback-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(exc)))
        kept = f"the traceback is in {name}"
    except OSError:
        kept = "the traceback could not be written to a file"
    return (
        f"internal error, a bug in gradewise ({what}); {kept} — please report it, or run again "
        f"with --debug (or {DEBUG_ENV}=1) to see it here"
    )


def workspace(ctx: click.Context) -> Workspace:
    """The workspace named by -w (default: the current folder), its exam not yet read."""
    from gradewise.workspace import open_workspace  # the library, only once a command runs

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
    from gradewise.scoring import capped

    found = capped(ws.exam, ws.grades(address=part))
    for each in found:
        click.echo(each.line())
    if found:
        click.echo(
            "Capped marks count as the part's marks: mark them again with"
            " 'gradewise grades set STUDENT PART MARKS --why ...', or raise the marks in exam.yaml."
        )
